#!/usr/bin/env bash
# tests/tools/mpi_test.sh GRNSIM SOURCE_DIR MPIEXEC
#
# `mpirun -np 2 grnsim simulate ...` (ctest label mpi) writes byte for byte
# what one process writes with the same seed: statistics with quantiles,
# histograms and saved runs; --stats-json reports both ranks' run counts
# (both > 0). Runs with --oversubscribe, so it also passes on one core; as
# root Open MPI needs OMPI_ALLOW_RUN_AS_ROOT(_CONFIRM), set here.
set -u

grnsim="${1:-}"
src="${2:-}"
mpiexec="${3:-mpiexec}"
if [[ -z "$grnsim" || -z "$src" || ! -x "$grnsim" || ! -d "$src" ]]; then
  echo "usage: $0 GRNSIM_BINARY SOURCE_DIR [MPIEXEC]" >&2
  exit 2
fi
grnsim="$(cd "$(dirname "$grnsim")" && pwd)/$(basename "$grnsim")"
model="$(cd "$src" && pwd)/bench/models/dimer_decay.textproto"
export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1
# Keep Open MPI off the network and quiet in containers.
export OMPI_MCA_btl=self,vader OMPI_MCA_btl_vader_single_copy_mechanism=none

work="$(mktemp -d "${TMPDIR:-/tmp}/grnsim_mpi_test.XXXXXX")"
trap 'rm -rf "$work"' EXIT
cd "$work" || exit 2

failures=0
fail() {
  echo "FAIL: $*" >&2
  failures=$((failures + 1))
}

args=(simulate "$model" --t-end 1 --steps 5 --runs 200 --seed 11 --threads 1
  --statistics mean,sd,min,max --quantiles 0.1,0.5,0.9 --histogram S2 --quiet)
"$grnsim" "${args[@]}" --output one.csv --save-runs one_runs.csv --stats-json one.json \
  >one.out 2>one.err </dev/null || fail "one process: exit $? ($(head -1 one.err))"
"$mpiexec" -np 2 --oversubscribe "$grnsim" "${args[@]}" --output two.csv \
  --save-runs two_runs.csv --stats-json two.json >two.out 2>two.err </dev/null ||
  { fail "mpirun -np 2: exit $?"; sed 's/^/    stderr: /' two.err | head -10 >&2; }

for pair in "one.csv two.csv" "one.hist.csv two.hist.csv" "one_runs.csv two_runs.csv"; do
  set -- $pair
  cmp -s "$1" "$2" || fail "$1 and $2 differ (1 process vs 2 MPI ranks)"
done
grep -qE '"ranks": 2,' two.json || fail "two.json: no \"ranks\": 2"
grep -qE '"rank_runs": \[[1-9][0-9]*, [1-9][0-9]*\]' two.json ||
  fail "two.json: rank_runs not two counts > 0: $(grep rank_runs two.json)"
grep -qE '"rank_runs": \[200\]' one.json || fail "one.json: rank_runs is not [200]"
events_one="$(grep '"events"' one.json)"
events_two="$(grep '"events"' two.json)"
[[ "$events_one" == "$events_two" ]] || fail "events differ: $events_one vs $events_two"
ls ./*.partial >/dev/null 2>&1 && fail "partial saved-runs files left: $(ls ./*.partial)"

if [[ "$failures" -gt 0 ]]; then
  echo "mpi_test: $failures checks failed" >&2
  exit 1
fi
echo "mpi_test: 1 process and 2 MPI ranks give identical bytes"
exit 0
