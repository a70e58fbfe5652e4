#!/usr/bin/env bash
# tests/tools/cli_test.sh GRNSIM SOURCE_DIR
#
# End-to-end checks of the grnsim command line (ctest label unit): exit codes
# (0 ok, 1 runtime failure, 2 bad usage or input, 130 interrupted), message
# prefixes, file:line:col in parse errors, no output file left behind on any
# error, CSV layout, seed reproducibility, thread-count independence and the
# --stats-json keys. Runs in a private temporary directory; prints each failed
# check and exits 1 if any failed.
set -u

grnsim="${1:-}"
src="${2:-}"
if [[ -z "$grnsim" || -z "$src" || ! -x "$grnsim" || ! -d "$src" ]]; then
  echo "usage: $0 GRNSIM_BINARY SOURCE_DIR" >&2
  exit 2
fi
grnsim="$(cd "$(dirname "$grnsim")" && pwd)/$(basename "$grnsim")"
model="$(cd "$src" && pwd)/bench/models/dimer_decay.textproto"
[[ -f "$model" ]] || { echo "missing $model" >&2; exit 2; }

work="$(mktemp -d "${TMPDIR:-/tmp}/grnsim_cli_test.XXXXXX")"
trap 'rm -rf "$work"' EXIT
cd "$work" || exit 2

failures=0
checks=0
fail() {
  echo "FAIL: $*" >&2
  failures=$((failures + 1))
}

# run EXPECTED_EXIT NAME ARGS...: runs grnsim ARGS with stdout in out.txt and
# stderr in err.txt; checks the exit status.
run() {
  local want="$1" name="$2"
  shift 2
  checks=$((checks + 1))
  "$grnsim" "$@" >out.txt 2>err.txt </dev/null
  local got=$?
  if [[ "$got" -ne "$want" ]]; then
    fail "$name: exit $got, expected $want (grnsim $*)"
    sed 's/^/    stderr: /' err.txt | head -5 >&2
    return 1
  fi
  return 0
}

# expect_line FILE REGEX NAME: some line of FILE matches the extended REGEX.
expect_line() {
  checks=$((checks + 1))
  if ! grep -qE -- "$2" "$1"; then
    fail "$3: no line of $1 matches /$2/"
    sed "s/^/    $1: /" "$1" | head -5 >&2
  fi
}

# expect_no_output NAME: no out.csv and no temporary next to it.
expect_no_output() {
  checks=$((checks + 1))
  local left
  left="$(ls -A | grep -E '^out\.csv' || true)"
  if [[ -n "$left" ]]; then
    fail "$1: output left behind on error: $left"
  fi
  rm -f out.csv out.csv.*
}

# expect_same A B NAME / expect_differ A B NAME: byte comparison.
expect_same() {
  checks=$((checks + 1))
  cmp -s "$1" "$2" || fail "$3: $1 and $2 differ"
}
expect_differ() {
  checks=$((checks + 1))
  cmp -s "$1" "$2" && fail "$3: $1 and $2 are identical"
}

# header_of FILE: the column header, the first line after the '#' lines.
header_of() { grep -v -m1 '^#' "$1"; }

# expect_rows FILE N NAME: FILE has '#' lines, a header and N data rows.
expect_rows() {
  checks=$((checks + 1))
  local n
  n=$(($(grep -cv '^#' "$1") - 1))
  [[ "$n" -eq "$2" ]] || fail "$3: $1 has $n data rows, expected $2"
}

# --- version and help ------------------------------------------------------
run 0 "--version" --version && expect_line out.txt '^grnsim [0-9]+\.[0-9]+\.[0-9]+$' "--version"
run 0 "--help" --help && expect_line out.txt '^usage: grnsim <command>' "--help"
run 0 "simulate --help" simulate --help &&
  expect_line out.txt '^usage: grnsim simulate FILE' "simulate --help" &&
  expect_line out.txt '--seed' "simulate --help lists --seed"
run 0 "validate --help" validate --help &&
  expect_line out.txt '^usage: grnsim validate FILE' "validate --help"

# --- usage errors: exit 2 --------------------------------------------------
run 2 "no command"
run 2 "unknown command" frobnicate &&
  expect_line err.txt "^grnsim: unknown command 'frobnicate'" "unknown command message"
run 2 "unknown flag" simulate "$model" --frobnicate 3 --output out.csv &&
  expect_line err.txt "^grnsim: unknown flag '--frobnicate'" "unknown flag message"
expect_no_output "unknown flag"
run 2 "unknown validate flag" validate --frobnicate "$model"
run 2 "no file" simulate --t-end 1
run 2 "bad number" simulate "$model" --t-end abc --output out.csv &&
  expect_line err.txt "^grnsim: --t-end" "bad number message"
expect_no_output "bad number"
run 2 "zero steps" simulate "$model" --steps 0 --output out.csv
expect_no_output "zero steps"
run 2 "unknown method" simulate "$model" --method magic --output out.csv &&
  expect_line err.txt "^grnsim: unknown method 'magic'" "unknown method message"
expect_no_output "unknown method"

# --- bad input files: exit 2, file:line:col, nothing written ---------------
run 2 "missing file" simulate missing.textproto --output out.csv &&
  expect_line err.txt '^grnsim: missing\.textproto: no such file' "missing file message"
expect_no_output "missing file"

printf 'name: "n"\nspecies {\n  name: "A"\n' >unbalanced.textproto
run 2 "malformed file" simulate unbalanced.textproto --output out.csv &&
  expect_line err.txt '^grnsim: unbalanced\.textproto:4:1: ' "malformed file:line:col"
expect_no_output "malformed file"

printf 'name: "n"\ntime_unit: s\n  colour: 3\n' >unknown_field.textproto
run 2 "unknown field" simulate unknown_field.textproto --output out.csv &&
  expect_line err.txt '^grnsim: unknown_field\.textproto:3:[0-9]+: .*colour' "unknown field line"
expect_no_output "unknown field"

cat >invalid.textproto <<'PB'
name: "invalid"
time_unit: s
species { name: "X" initial_count: 3 }
reaction {
  name: "decay"
  reactant { species: "X" }
  k: -1
}
PB
run 2 "invalid network" simulate invalid.textproto --output out.csv &&
  expect_line err.txt "^grnsim: invalid\.textproto:7:3: reaction 'decay': rate constant -1" \
    "semantic error carries the field's line"
expect_no_output "invalid network"
run 2 "validate invalid" validate invalid.textproto &&
  expect_line err.txt "^grnsim: invalid\.textproto:7:3: " "validate file:line:col"

printf 'garbage' >net.json
run 2 "unknown extension" simulate net.json --output out.csv &&
  expect_line err.txt '^grnsim: net\.json: unknown network file type' "unknown extension message"
expect_no_output "unknown extension"

# --- runtime failure after output began: exit 1, nothing written -----------
cat >overflow.textproto <<'PB'
name: "overflow"
time_unit: s
species { name: "X" initial_count: 9007199254740000 }
reaction { name: "burst" product { species: "X" stoichiometry: 1000 } k: 1 }
PB
run 1 "numerical failure" simulate overflow.textproto --t-end 10 --seed 1 --output out.csv &&
  expect_line err.txt "reaction 'burst'" "numerical failure names the reaction"
expect_no_output "numerical failure"
run 1 "numerical failure (ensemble)" simulate overflow.textproto --runs 8 --seed 1 --output out.csv
expect_no_output "numerical failure (ensemble)"

# An output that cannot be created fails before the simulation, naming the file.
run 1 "unwritable output" simulate "$model" --runs 50 --t-end 10 \
  --seed 1 --output no_such_dir/out.csv &&
  expect_line err.txt '^grnsim: no_such_dir/out\.csv: cannot create output file' "unwritable output message"

# --- validate ----------------------------------------------------------------
run 0 "validate ok" validate "$model" &&
  expect_line out.txt 'dimer_decay\.textproto: ok \(3 species, 4 reactions' "validate ok line"
run 2 "validate mixed" validate "$model" unbalanced.textproto &&
  expect_line out.txt 'dimer_decay\.textproto: ok' "validate mixed still reports the good file" &&
  expect_line err.txt '^grnsim: unbalanced\.textproto:4:1: ' "validate mixed error"

# --- one trajectory ----------------------------------------------------------
common=(simulate "$model" --t-end 1 --steps 2)
if run 0 "trajectory" "${common[@]}" --seed 3 --output out.csv; then
  checks=$((checks + 1))
  [[ "$(header_of out.csv)" == "time,S1,S2,S3" ]] ||
    fail "trajectory header: '$(header_of out.csv)', expected 'time,S1,S2,S3'"
  expect_line out.csv '^# grnsim [0-9.]+ simulate$' "provenance: version"
  expect_line out.csv '^# model: [0-9a-f]{16} ' "provenance: model fingerprint"
  expect_line out.csv '^# seed: 3$' "provenance: seed"
  expect_line out.csv '^# method: direct$' "provenance: method"
  expect_line out.csv '^# --t-end: 1$' "provenance: an option that changes the numbers"
  expect_rows out.csv 3 "trajectory"
  expect_line out.csv '^0,10000,0,0$' "trajectory starts from the initial counts"
  expect_line out.csv '^0\.5,[0-9]+,[0-9]+,[0-9]+$' "trajectory row at t=0.5"
  expect_line out.csv '^1,[0-9]+,[0-9]+,[0-9]+$' "trajectory row at t=1"
  expect_line err.txt 'seed 3' "summary names the seed"
  mv out.csv traj_a.csv
fi
run 0 "trajectory again" "${common[@]}" --seed 3 --output traj_b.csv
expect_same traj_a.csv traj_b.csv "same seed, same trajectory"
run 0 "trajectory other seed" "${common[@]}" --seed 4 --output traj_c.csv
expect_differ traj_a.csv traj_c.csv "different seed, different trajectory"
run 0 "trajectory to stdout" "${common[@]}" --seed 3 --output - --quiet
expect_same traj_a.csv out.txt "--output - writes the same CSV to stdout"
checks=$((checks + 1))
[[ -s err.txt ]] && fail "--quiet: stderr not empty: $(head -1 err.txt)"

# --- ensembles -----------------------------------------------------------------
if run 0 "ensemble" "${common[@]}" --runs 20 --seed 3 --output ens_a.csv \
  --stats-json stats.json; then
  checks=$((checks + 1))
  want="time,S1.mean,S1.sd,S2.mean,S2.sd,S3.mean,S3.sd"
  [[ "$(header_of ens_a.csv)" == "$want" ]] ||
    fail "ensemble header: '$(header_of ens_a.csv)', expected '$want'"
  expect_line ens_a.csv '^# --runs: 20$' "ensemble provenance: runs"
  expect_rows ens_a.csv 3 "ensemble"
  expect_line ens_a.csv '^0,10000,0,0,0,0,0$' "ensemble at t=0: means are initial counts, sd 0"
  for key in method runs events wall_seconds ns_per_event; do
    expect_line stats.json "^ *\"$key\": " "--stats-json has key $key"
  done
  expect_line stats.json '"runs": 20,' "--stats-json runs value"
  expect_line stats.json '"method": "(direct|nrm)"' "--stats-json method value"
  expect_line stats.json '"events": [1-9][0-9]*,' "--stats-json events > 0"
fi
run 0 "ensemble again" "${common[@]}" --runs 20 --seed 3 --output ens_b.csv
expect_same ens_a.csv ens_b.csv "same seed, same ensemble"
if run 0 "no header comments" "${common[@]}" --runs 20 --seed 3 --output ens_bare.csv \
  --no-header-comments; then
  checks=$((checks + 1))
  [[ "$(head -1 ens_bare.csv)" == "time,S1.mean,S1.sd,S2.mean,S2.sd,S3.mean,S3.sd" ]] ||
    fail "--no-header-comments: first line '$(head -1 ens_bare.csv)'"
  checks=$((checks + 1))
  diff -q <(grep -v '^#' ens_a.csv) ens_bare.csv > /dev/null ||
    fail "--no-header-comments changes more than the '#' lines"
fi
run 0 "ensemble 1 thread" "${common[@]}" --runs 40 --seed 9 --threads 1 --output t1.csv
run 0 "ensemble 2 threads" "${common[@]}" --runs 40 --seed 9 --threads 2 --output t2.csv
expect_same t1.csv t2.csv "--threads 1 and --threads 2 give identical output"
for method in direct nrm; do
  run 0 "method $method" "${common[@]}" --method "$method" --runs 4 --seed 1 \
    --output "m_$method.csv" --stats-json "m_$method.json" &&
    expect_line "m_$method.json" "\"method\": \"$method\"" "--method $method is used"
done

# --- seeds ----------------------------------------------------------------------
run 0 "no seed" "${common[@]}" --output noseed.csv &&
  expect_line err.txt 'seed [0-9]+' "without --seed, stderr reports the drawn seed"

# --- interrupt: exit 130, message, nothing written ---------------------------------
# A birth–death run of ~10^11 events that only SIGINT ends.
cat >long.textproto <<'PB'
name: "long"
time_unit: s
species { name: "X" initial_count: 1000 }
reaction { name: "birth" product { species: "X" } k: 100000 }
reaction { name: "death" reactant { species: "X" } k: 100 }
PB
checks=$((checks + 1))
"$grnsim" simulate long.textproto --t-end 1000000 --steps 1 --seed 1 --output out.csv \
  >out.txt 2>err.txt </dev/null &
pid=$!
sleep 0.5
kill -INT "$pid" 2>/dev/null
for _ in $(seq 1 100); do
  kill -0 "$pid" 2>/dev/null || break
  sleep 0.1
done
if kill -0 "$pid" 2>/dev/null; then
  kill -KILL "$pid" 2>/dev/null
  wait "$pid" 2>/dev/null
  fail "interrupt: grnsim still running 10 s after SIGINT"
else
  wait "$pid"
  code=$?
  [[ "$code" -eq 130 ]] || fail "interrupt: exit $code, expected 130"
  expect_line err.txt '^grnsim: interrupted' "interrupt message (a clean stop, not death by signal)"
fi
expect_no_output "interrupt"

# HDF5 and MPI are opened only when used (engine/io/hdf5_library.h,
# engine/sim/mpi_transport.h): a plain run loads neither.
checks=$((checks + 1))
LD_DEBUG=libs "$grnsim" simulate "$model" --t-end 0.1 --steps 1 --seed 1 --quiet --output plain.csv \
  >/dev/null 2>ld_debug.txt </dev/null || fail "plain run under LD_DEBUG: exit $?"
if grep -qE 'find library=(libhdf5|libmpi)' ld_debug.txt; then
  fail "a plain run loads $(grep -oE 'find library=(libhdf5|libmpi)[^;]*' ld_debug.txt | head -2 | tr '\n' ' ')"
fi
# Under an MPI launcher without the MPI plugin: several ranks are refused
# with the reason, one rank runs alone.
mkdir -p no_plugin && cp "$grnsim" no_plugin/grnsim
checks=$((checks + 1))
OMPI_COMM_WORLD_SIZE=2 OMPI_COMM_WORLD_RANK=0 no_plugin/grnsim simulate "$model" --t-end 0.1 \
  --steps 1 --seed 1 --quiet --output mpi.csv >out.txt 2>err.txt </dev/null
code=$?
[[ "$code" -eq 2 ]] || fail "2 ranks without the MPI plugin: exit $code, expected 2"
expect_line err.txt 'no MPI plugin \(looked for .*libgrnsim_mpi\.so' "2 ranks without the MPI plugin: the reason"
[[ -e mpi.csv ]] && fail "2 ranks without the MPI plugin: mpi.csv written"
checks=$((checks + 1))
OMPI_COMM_WORLD_SIZE=1 OMPI_COMM_WORLD_RANK=0 no_plugin/grnsim simulate "$model" --t-end 0.1 \
  --steps 1 --seed 1 --quiet --output one_rank.csv >/dev/null 2>err.txt </dev/null ||
  fail "1 rank without the MPI plugin: exit $? ($(head -1 err.txt))"
cmp -s one_rank.csv plain.csv || fail "1 rank without the MPI plugin differs from a plain run"

if [[ "$failures" -gt 0 ]]; then
  echo "cli_test: $failures of $checks checks failed" >&2
  exit 1
fi
echo "cli_test: all $checks checks passed"
exit 0
