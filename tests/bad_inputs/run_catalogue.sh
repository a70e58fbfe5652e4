#!/usr/bin/env bash
# tests/bad_inputs/run_catalogue.sh GRNSIM SOURCE_DIR
#
# Runs the bad-input catalogue (tests/bad_inputs/MANIFEST.tsv; ctest
# bad_inputs, label unit): every case must end with its exact exit status and
# the expected first line of stderr, within 20 s, without a crash, with nothing
# on stdout, every stderr line prefixed "grnsim: ", and no file left behind.
# The missing file, the directory and the 200 MB files are made here, in a
# private temporary folder (the big ones are never committed). Prints each
# failed check; exits 1 if any failed.
set -u

grnsim="${1:-}"
src="${2:-}"
if [[ -z "$grnsim" || -z "$src" || ! -x "$grnsim" || ! -d "$src" ]]; then
  echo "usage: $0 GRNSIM_BINARY SOURCE_DIR" >&2
  exit 2
fi
grnsim="$(cd "$(dirname "$grnsim")" && pwd)/$(basename "$grnsim")"
dir="$(cd "$src" && pwd)/tests/bad_inputs"
manifest="$dir/MANIFEST.tsv"
[[ -f "$manifest" ]] || { echo "missing $manifest" >&2; exit 2; }

work="$(mktemp -d "${TMPDIR:-/tmp}/grnsim_bad_inputs.XXXXXX")"
trap 'rm -rf "$work"' EXIT
cd "$work" || exit 2
mkdir run gen

# Generated inputs. The 200 MB text file is real text (a header and comment
# lines), so a reader without a size limit would have to read all of it; the
# binary and SBML ones are sparse (no disk used): the limit is checked first.
gen_file() {
  local kind="$1" ext="$2" path="gen/${1}${2}"
  case "$kind" in
    missing) ;;
    directory) mkdir -p "$path" ;;
    200MB)
      if [[ ! -e "$path" ]]; then
        if [[ "$ext" == .textproto ]]; then
          { printf 'name: "big" time_unit: s\n'
            yes '# padding: a 200 MB network file must be refused quickly, before it is read' |
              head -c $((200 * 1024 * 1024 - 25)); } >"$path"
        else
          truncate -s $((200 * 1024 * 1024)) "$path"
        fi
      fi ;;
    *) echo "unknown generated input <$kind>" >&2; exit 2 ;;
  esac
  printf '%s' "$path"
}

failures=0
cases=0
disabled=0
fail() {
  echo "FAIL: $*" >&2
  failures=$((failures + 1))
}

while IFS=$'\t' read -r file command want expected; do
  [[ -z "$file" || "$file" == \#* ]] && continue
  if [[ "$want" == DISABLED:* ]]; then
    disabled=$((disabled + 1))
    echo "skip (known bug, see MANIFEST.tsv): $file $command"
    continue
  fi
  cases=$((cases + 1))
  if [[ "$file" =~ ^\<([A-Za-z0-9]+)\>(\..+)$ ]]; then
    path="$work/$(gen_file "${BASH_REMATCH[1]}" "${BASH_REMATCH[2]}")"
  else
    path="$dir/$file"
    [[ -f "$path" ]] || { fail "$file: not in $dir"; continue; }
  fi
  read -r -a words <<<"$command"
  args=("${words[0]}" "$path" "${words[@]:1}")
  [[ "${words[0]}" == simulate ]] && args+=(--t-end 10 --steps 2 --seed 1 --quiet --output out.csv)
  name="$file ($command)"

  # Each case runs in an empty folder, so anything it writes is seen.
  rm -rf run && mkdir run
  start=$(date +%s%N)
  (cd run && exec timeout -k 5 20 "$grnsim" "${args[@]}" >../out.txt 2>../err.txt </dev/null)
  got=$?
  ms=$((($(date +%s%N) - start) / 1000000))
  case "$got" in
    124 | 137) fail "$name: hung (killed after 20 s)"; continue ;;
  esac
  if ((got > 128)); then
    fail "$name: crashed with signal $((got - 128))"
    sed 's/^/    stderr: /' err.txt | head -5 >&2
    continue
  fi
  # Under GRN_SANITIZE a finding exits 1 with a report instead of a signal.
  if grep -qE 'ERROR: (Address|Leak)Sanitizer|runtime error:' err.txt; then
    fail "$name: sanitizer report"
    grep -E -A12 'ERROR: |runtime error:' err.txt | head -16 | sed 's/^/    stderr: /' >&2
    continue
  fi
  if [[ "$got" != "$want" ]]; then
    fail "$name: exit $got, expected $want"
    sed 's/^/    stderr: /' err.txt | head -5 >&2
  fi
  line="$(head -n 1 err.txt)"
  prefix="grnsim: ${expected//@/$path}"
  if [[ "$line" != "$prefix"* ]]; then
    fail "$name: first stderr line does not start as expected"
    printf '    expected: %s\n    got:      %s\n' "$prefix" "$line" >&2
  fi
  if grep -qv '^grnsim: ' err.txt; then
    fail "$name: a stderr line lacks the 'grnsim: ' prefix"
    grep -v '^grnsim: ' err.txt | head -3 | sed 's/^/    stderr: /' >&2
  fi
  if [[ -s out.txt ]]; then
    fail "$name: wrote to stdout"
    head -3 out.txt | sed 's/^/    stdout: /' >&2
  fi
  left="$(ls -A run)"
  [[ -z "$left" ]] || fail "$name: left files behind: $left"
  # Refusing a file, even a 200 MB one, must not take long.
  if [[ "$file" == \<200MB\>* ]] && ((ms > 5000)); then
    fail "$name: took ${ms} ms to refuse a 200 MB file (limit 5000 ms)"
  fi
done <"$manifest"

echo "bad inputs: $cases cases run, $failures failed checks, $disabled disabled (known bugs)"
((cases >= 40)) || fail "only $cases cases in $manifest (at least 40 expected)"
((failures == 0))
