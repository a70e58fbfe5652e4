#!/usr/bin/env bash
# tests/layering_test.sh SOURCE_DIR
#
# Enforces the dependency arrows of ARCHITECTURE.md §2.2 with a grep over the
# #include lines of engine/ (run by ctest, label unit):
#   1. only engine/model/ and engine/io/ may include a .pb.h or google/protobuf;
#   2. engine/ssa, engine/kinetics and engine/base include neither engine/io/
#      nor engine/sim/simulate.h (the hot path stays free of I/O and drivers);
#   3. engine/base includes nothing from another engine module;
#   4. only engine/model/dependency_graph.cc and network_graph.cc (the graph
#      analyses behind lint and graph) include boost, except Boost.Math's F
#      distribution in engine/population/variance_split.cc (a .cc at the edge,
#      the same Debian headers as Boost.Graph);
#   5. nothing in engine/ includes tools/;
#   6. engine/model includes nothing from engine/ssa, engine/sim or engine/io
#      (the compiled model sits below every method and driver).
# Exits 1 and lists every violation as file:line: #include ... (rule).
set -u

src="${1:-}"
if [[ -z "$src" || ! -d "$src/engine" ]]; then
  echo "usage: $0 SOURCE_DIR  (SOURCE_DIR/engine must exist)" >&2
  exit 2
fi
cd "$src" || exit 2

violations=()

# Prints "file:line:text" for every #include line in the given files.
include_lines() {
  [[ $# -eq 0 ]] && return 0
  grep -HnE '^[[:space:]]*#[[:space:]]*include[[:space:]]*[<"]' "$@" 2>/dev/null || true
}

# Engine sources under the given directories (sorted, so output is stable).
sources_under() {
  local dir
  for dir in "$@"; do
    [[ -d "$dir" ]] && find "$dir" -type f \( -name '*.h' -o -name '*.cc' -o -name '*.hpp' \
      -o -name '*.cpp' -o -name '*.inc' \)
  done | sort
}

# check RULE REGEX ALLOWED FILE...: every include line matching REGEX and not
# matching ALLOWED (an empty ALLOWED allows nothing) is a violation.
check() {
  local rule="$1" regex="$2" allowed="$3"
  shift 3
  local line
  while IFS= read -r line; do
    [[ -z "$line" ]] && continue
    # Strip "file:line:" to test only the include text.
    local text="${line#*:}"
    text="${text#*:}"
    if [[ "$text" =~ $regex ]] && ! [[ -n "$allowed" && "$text" =~ $allowed ]]; then
      violations+=("$line   [$rule]")
    fi
  done < <(include_lines "$@")
}

mapfile -t all_engine < <(sources_under engine)
if [[ ${#all_engine[@]} -eq 0 ]]; then
  echo "layering: no sources found under $src/engine" >&2
  exit 2
fi

# 1. protobuf only in model/ and io/.
mapfile -t not_model_io < <(printf '%s\n' "${all_engine[@]}" | grep -vE '^engine/(model|io)/')
check "rule 1: only engine/model and engine/io may include protobuf" \
  '(\.pb\.h|google/protobuf)' '' "${not_model_io[@]}"

# 2. hot-path modules stay free of I/O and the simulation driver.
mapfile -t hot < <(sources_under engine/ssa engine/kinetics engine/base)
check "rule 2: engine/ssa, kinetics, base must not include engine/io or engine/sim/simulate.h" \
  '["<]engine/(io/|sim/simulate\.h)' '' "${hot[@]}"

# 3. base depends on nothing else in the engine.
mapfile -t base < <(sources_under engine/base)
check "rule 3: engine/base must not include other engine modules" \
  '["<]engine/' '["<]engine/base/' "${base[@]}"

# 4. Boost.Graph stays in one file.
mapfile -t not_depgraph < <(printf '%s\n' "${all_engine[@]}" |
  grep -vxE 'engine/model/(dependency_graph|network_graph)\.cc|engine/population/variance_split\.cc')
check "rule 4: only engine/model/dependency_graph.cc and network_graph.cc may include boost" \
  '[<"]boost/' '' "${not_depgraph[@]}"
check "rule 4: engine/population/variance_split.cc may include only boost/math" \
  '[<"]boost/' '[<"]boost/math/' engine/population/variance_split.cc

# 5. the engine never sees the command line.
check "rule 5: engine/ must not include tools/" '[<"](\.\./)*tools/' '' "${all_engine[@]}"

# 6. the model layer sits below methods, drivers and I/O.
mapfile -t model < <(sources_under engine/model)
check "rule 6: engine/model must not include engine/ssa, engine/sim or engine/io" \
  '["<]engine/(ssa|sim|io)/' '' "${model[@]}"

if [[ ${#violations[@]} -gt 0 ]]; then
  echo "layering: ${#violations[@]} violation(s) of the include rules (ARCHITECTURE.md 2.2):" >&2
  printf '  %s\n' "${violations[@]}" >&2
  exit 1
fi
echo "layering: ok (${#all_engine[@]} engine files checked against 6 rules)"
exit 0
