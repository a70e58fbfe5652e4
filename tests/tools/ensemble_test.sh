#!/usr/bin/env bash
# tests/tools/ensemble_test.sh GRNSIM SOURCE_DIR
#
# Ensembles end to end (ctest label unit): --species, --statistics,
# --quantiles, --histogram and --save-runs give identical bytes for 1 and 2
# threads; an ensemble killed with SIGKILL at a random moment and continued
# with --resume writes exactly the bytes of an uninterrupted one; SIGINT
# saves the checkpoint and exits 130; a checkpoint of another seed or option
# set is refused naming the difference. Prints each failed check; exits 1 if
# any failed.
set -u

grnsim="${1:-}"
src="${2:-}"
if [[ -z "$grnsim" || -z "$src" || ! -x "$grnsim" || ! -d "$src" ]]; then
  echo "usage: $0 GRNSIM_BINARY SOURCE_DIR" >&2
  exit 2
fi
grnsim="$(cd "$(dirname "$grnsim")" && pwd)/$(basename "$grnsim")"
dimer="$(cd "$src" && pwd)/bench/models/dimer_decay.textproto"

work="$(mktemp -d "${TMPDIR:-/tmp}/grnsim_ensemble_test.XXXXXX")"
trap 'rm -rf "$work"' EXIT
cd "$work" || exit 2

failures=0
checks=0
fail() {
  echo "FAIL: $*" >&2
  failures=$((failures + 1))
}
# run EXPECTED_EXIT NAME ARGS...: grnsim ARGS, stdout in out.txt, stderr in err.txt.
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
}
expect_line() {
  checks=$((checks + 1))
  grep -qE -- "$2" "$1" || { fail "$3: no line of $1 matches /$2/"; sed "s/^/    $1: /" "$1" | head -5 >&2; }
}
expect_same() {
  checks=$((checks + 1))
  cmp -s "$1" "$2" || fail "$3: $1 and $2 differ"
}

# --- columns, statistics, quantiles, histograms, saved runs ----------------------
stats=(simulate "$dimer" --t-end 1 --steps 4 --runs 70 --seed 3 --species S3,S1
  --statistics mean,sd,min,max --quantiles 0.05,0.5,0.95 --histogram S3 --quiet)
for threads in 1 2; do
  run 0 "statistics, $threads threads" "${stats[@]}" --threads "$threads" --output "s$threads.csv" \
    --save-runs "runs$threads.csv"
done
expect_same s1.csv s2.csv "statistics: 1 and 2 threads"
expect_same s1.hist.csv s2.hist.csv "histograms: 1 and 2 threads"
expect_same runs1.csv runs2.csv "saved runs: 1 and 2 threads"
checks=$((checks + 1))
want="time,S3.mean,S3.sd,S3.min,S3.max,S3.q0.05,S3.q0.5,S3.q0.95,S1.mean,S1.sd,S1.min,S1.max,S1.q0.05,S1.q0.5,S1.q0.95"
[[ "$(grep -v -m1 '^#' s1.csv)" == "$want" ]] || fail "statistics header: '$(grep -v -m1 '^#' s1.csv)'"
expect_line s1.csv '^# seed: 3$' "statistics provenance: seed"
expect_line s1.hist.csv '^# seed: 3$' "histogram provenance: seed"
expect_line runs1.csv '^# seed: 3$' "saved runs provenance: seed"
expect_line s1.csv '^0,0,0,0,0,0,0,0,10000,0,10000,10000,10000,10000,10000$' "statistics at t=0"
expect_line s1.hist.csv '^time,species,low,high,count$' "histogram header"
expect_line s1.hist.csv '^0,S3,0,0,70$' "histogram at t=0: all 70 runs at 0"
checks=$((checks + 1))
[[ "$(grep -v -m1 '^#' runs1.csv)" == "run,time,S3,S1" ]] ||
  fail "saved runs header: '$(grep -v -m1 '^#' runs1.csv)'"
checks=$((checks + 1))
[[ "$(grep -cv '^#' runs1.csv)" -eq $((70 * 5 + 1)) ]] ||
  fail "saved runs: $(grep -cv '^#' runs1.csv) lines besides '#', expected 351"
checks=$((checks + 1))
[[ "$(grep -v '^#' runs1.csv | cut -d, -f1 | tail -n +2 | uniq | tr '\n' ' ')" == "$(seq -s ' ' 0 69) " ]] ||
  fail "saved runs are not in run order"
# The saved runs give the statistics: the mean of S1 at t=1 over the 70 runs.
checks=$((checks + 1))
mean_runs="$(awk -F, '$2 == 1 { s += $4; n++ } END { printf "%.6f", s / n }' runs1.csv)"
mean_stats="$(awk -F, '$1 == 1 { printf "%.6f", $9 }' s1.csv)"
[[ "$mean_runs" == "$mean_stats" ]] || fail "saved runs mean $mean_runs, statistics say $mean_stats"

# --- usage errors ----------------------------------------------------------------
run 2 "--quantiles needs runs" simulate "$dimer" --quantiles 0.5 --output x.csv &&
  expect_line err.txt '^grnsim: --quantiles needs an ensemble' "--quantiles with one run"
run 2 "unknown species" simulate "$dimer" --runs 4 --species S1,Nope --output x.csv &&
  expect_line err.txt "^grnsim: --species: .* has no species 'Nope'" "unknown species message"
run 2 "histogram not kept" simulate "$dimer" --runs 4 --species S1 --histogram S2 --output x.csv &&
  expect_line err.txt "^grnsim: --histogram: species 'S2' is not among the --species kept" "histogram not kept"
run 2 "bad quantile" simulate "$dimer" --runs 4 --quantiles 0.5,2 --output x.csv &&
  expect_line err.txt "^grnsim: --quantiles: '2' is not a number in \[0, 1\]" "bad quantile message"
run 2 "resume without checkpoint" simulate "$dimer" --runs 4 --resume --output x.csv
checks=$((checks + 1))
[[ -e x.csv ]] && fail "usage errors left x.csv behind"

# --- checkpoint and resume ----------------------------------------------------------
cat >bd.textproto <<'PB'
name: "bd"
time_unit: s
species { name: "X" initial_count: 100 }
species { name: "Y" initial_count: 0 }
reaction { name: "birth" product { species: "X" } k: 1000 }
reaction { name: "death" reactant { species: "X" } k: 10 }
reaction { name: "convert" reactant { species: "X" } product { species: "Y" } k: 0.1 }
reaction { name: "decay" reactant { species: "Y" } k: 1 }
PB
base=(simulate bd.textproto --t-end 20 --steps 10 --runs 640 --quantiles 0.5
  --save-runs runs.csv --output out.csv)
ens=("${base[@]}" --seed 5 --quiet)
run 0 "reference" "${ens[@]}" --threads 2 && mv out.csv ref.csv && mv runs.csv ref_runs.csv

# SIGKILL at a random moment (0.2 to 1.2 s in), then resume with 1 thread.
"$grnsim" "${ens[@]}" --threads 2 --checkpoint ck --checkpoint-every 0.1 >out.txt 2>err.txt </dev/null &
pid=$!
sleep "0.$((RANDOM % 10 + 2))"
kill -KILL "$pid" 2>/dev/null
wait "$pid" 2>/dev/null
rm -f out.csv.tmp.*  # the killed process's unfinished output
if run 0 "resume after SIGKILL" "${ens[@]}" --threads 1 --checkpoint ck --resume; then
  expect_same out.csv ref.csv "statistics after SIGKILL and --resume"
  expect_same runs.csv ref_runs.csv "saved runs after SIGKILL and --resume"
fi
checks=$((checks + 1))
[[ -e ck || -e runs.csv.partial ]] && fail "checkpoint or partial runs left after a completed resume"
rm -f out.csv runs.csv

# SIGINT: the runs in flight finish, the checkpoint is written, exit 130.
checks=$((checks + 1))
"$grnsim" "${base[@]}" --seed 5 --threads 2 --checkpoint ck >out.txt 2>err.txt </dev/null &
pid=$!
sleep 0.3
kill -INT "$pid" 2>/dev/null
wait "$pid"
code=$?
if [[ "$code" -eq 130 ]]; then
  expect_line err.txt '^grnsim: interrupted; progress saved in ck \(continue with --resume\)$' "SIGINT message"
  checks=$((checks + 1))
  [[ -s ck ]] || fail "SIGINT: no checkpoint written"
  checks=$((checks + 1))
  [[ -e out.csv ]] && fail "SIGINT: output written although interrupted"
  run 2 "a checkpoint exists" "${ens[@]}" --checkpoint ck &&
    expect_line err.txt '^grnsim: ck: a checkpoint exists; add --resume' "existing checkpoint message"
  run 2 "other seed" "${base[@]}" --seed 6 --checkpoint ck --resume &&
    expect_line err.txt '^grnsim: ck: checkpoint was made with a different --seed \(5 in the checkpoint, 6 now\)' \
      "other seed refused"
  run 2 "other options" "${ens[@]}" --t-end 30 --checkpoint ck --resume &&
    expect_line err.txt '--t-end \(20 in the checkpoint, 30 now\)' "other option refused"
  if run 0 "resume after SIGINT" "${ens[@]}" --threads 2 --checkpoint ck --resume; then
    expect_same out.csv ref.csv "statistics after SIGINT and --resume"
    expect_same runs.csv ref_runs.csv "saved runs after SIGINT and --resume"
  fi
elif [[ "$code" -eq 0 ]]; then
  echo "note: the ensemble finished before SIGINT; interrupt checks skipped" >&2
else
  fail "SIGINT with --checkpoint: exit $code, expected 130"
fi

if [[ "$failures" -gt 0 ]]; then
  echo "ensemble_test: $failures of $checks checks failed" >&2
  exit 1
fi
echo "ensemble_test: all $checks checks passed"
exit 0
