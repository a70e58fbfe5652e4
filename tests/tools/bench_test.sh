#!/usr/bin/env bash
# tests/tools/bench_test.sh GRNSIM SOURCE_DIR
#
# grnsim bench end to end (ctest label unit, well under a second): on the
# BioNetGen multistate network (9 species / 18 reactions) to a small t, the
# table has a row per exact method with events and ns/event, marks auto's
# pick and the fastest; --json holds the same fields; --approx adds tau and
# ode; --threads 2 adds an ensemble line; bad usage exits 2 and writes no JSON. Prints each failed check; exits 1
# if any failed.
set -u

grnsim="${1:-}"
src="${2:-}"
if [[ -z "$grnsim" || -z "$src" || ! -x "$grnsim" || ! -d "$src" ]]; then
  echo "usage: $0 GRNSIM_BINARY SOURCE_DIR" >&2
  exit 2
fi
grnsim="$(cd "$(dirname "$grnsim")" && pwd)/$(basename "$grnsim")"
net="$(cd "$src" && pwd)/tests/fuzz/corpus/bng_net_fuzz/multistate_no_obs.net"
[[ -r "$net" ]] || { echo "missing $net" >&2; exit 2; }

work="$(mktemp -d "${TMPDIR:-/tmp}/grnsim_bench_test.XXXXXX")"
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
  grep -qE -- "$2" "$1" || { fail "$3: no line of $1 matches /$2/"; sed "s/^/    $1: /" "$1" | head -12 >&2; }
}
expect_no_line() {
  checks=$((checks + 1))
  if grep -qE -- "$2" "$1"; then fail "$3: a line of $1 matches /$2/"; fi
}

# --- the table and the JSON -------------------------------------------------------
run 0 "all exact methods" bench "$net" --t-end 2 --runs 2 --seed 5 --json b.json
cp out.txt table.txt
expect_line table.txt '^network .*multistate_no_obs\.net: 9 species, 18 reactions$' "network line"
expect_line table.txt '^setup +[0-9.]+ s \(read \+ validate \+ compile\), peak memory [0-9.]+ MiB$' "setup line"
expect_line table.txt '^method +events/run +ns/event \(CPU\) +events/s +wall s' "header"
for m in direct nrm cr rssa rssa_cr; do
  # method, events per run (> 0), ns/event, events/s, wall seconds
  expect_line table.txt "^$m +[1-9][0-9]* +[0-9]+\.[0-9] +[0-9.e+]+ +[0-9]+\.[0-9]{3}" "row $m"
done
expect_line table.txt '^direct .* auto' "auto's pick (direct: 18 reactions)"
checks=$((checks + 1))
# Exactly one method row is marked fastest (which one depends on the machine:
# under the sanitizers another method than auto's can win), and a verdict line.
[[ "$(grep -cE '^(direct|nrm|cr|rssa|rssa_cr) .*fastest' table.txt)" -eq 1 ]] ||
  fail "one row marked fastest"
expect_line table.txt '^auto picks (direct|nrm|cr|rssa|rssa_cr)[,;( ]' "the verdict line"
expect_line table.txt '^auto picks direct' "verdict on auto"
expect_no_line table.txt 'approx' "no approximations without --approx"

checks=$((checks + 1))
if command -v python3 >/dev/null; then
  python3 - b.json <<'EOF' || fail "JSON fields"
import json, sys
d = json.load(open(sys.argv[1]))
assert d["species"] == 9 and d["reactions"] == 18, d
assert d["runs"] == 2 and d["t_end"] == 2 and d["seed"] == 5, d
assert d["auto_method"] == "direct", d
assert d["setup_seconds"] >= 0 and d["peak_rss_mib"] > 0
names = [m["method"] for m in d["methods"]]
assert names == ["direct", "nrm", "cr", "rssa", "rssa_cr"], names
assert sum(m["fastest"] for m in d["methods"]) == 1
assert d["fastest_method"] in names and isinstance(d["auto_is_fastest"], bool)
for m in d["methods"]:
    assert m["exact"] and m["applicable"] and m["complete"] and m["runs_done"] == 2, m
    assert m["events"] > 0 and m["ns_per_event_cpu"] > 0 and m["events_per_second"] > 0, m
    assert abs(m["events_per_run"] - m["events"] / 2) < 1, m
    assert m["auto"] == (m["method"] == "direct"), m
    # events are reactions fired: rejections are counted apart
    assert m["rejections_per_event"] >= 0, m
EOF
else
  expect_line b.json '"ns_per_event_cpu": [0-9]' "JSON ns_per_event_cpu"
fi

# Same seed, same events: the runs are reproducible.
run 0 "repeat" bench "$net" --t-end 2 --runs 2 --seed 5 --methods direct --json c.json --quiet
checks=$((checks + 1))
[[ "$(grep -o '"events": [0-9]*' b.json | head -1)" == "$(grep -o '"events": [0-9]*' c.json | head -1)" ]] ||
  fail "direct with the same seed fired a different number of events"

# --- approximations and method selection ------------------------------------------
run 0 "approx" bench "$net" --t-end 1 --methods auto,tau,ode --approx --json d.json --quiet
expect_line out.txt '^tau \(approx\.\) +[0-9]+' "tau row"
expect_line out.txt '^ode \(approx\.\) .*CVODE steps' "ode row"
expect_line d.json '"method": "ode", "exact": false' "ode in JSON"
expect_no_line out.txt '^tau .*fastest' "an approximation is never the fastest exact method"

# --- ensemble throughput on 2 threads ------------------------------------------------
run 0 "threads" bench "$net" --t-end 0.5 --methods direct --threads 2 --json f.json --quiet
expect_line out.txt '^ensemble direct, [0-9]+ runs on 2 threads: [0-9.e+]+ events/s' "ensemble line"
expect_line f.json '"ensemble": \{"method": "direct", "threads": 2, "runs": [0-9]+, "events": [1-9]' "ensemble JSON"
expect_line b.json '"ensemble": null' "no ensemble without --threads"

# --- bad usage: exit 2, no JSON written -------------------------------------------
run 2 "no file" bench
run 2 "two files" bench "$net" "$net"
run 2 "approximation without --approx" bench "$net" --methods tau --json e.json
expect_line err.txt "add --approx" "names the missing flag"
run 2 "unknown method" bench "$net" --methods direct,fast --json e.json
expect_line err.txt "unknown method 'fast'" "names the method"
run 2 "t-end 0" bench "$net" --t-end 0 --json e.json
run 2 "runs 0" bench "$net" --runs 0
run 2 "unknown flag" bench "$net" --bogus
run 2 "threads 0" bench "$net" --threads 0 --json e.json
run 2 "missing network" bench "$work/none.net" --json e.json
checks=$((checks + 1))
[[ ! -e e.json ]] || fail "bad usage wrote e.json"
run 0 "help" bench --help
expect_line out.txt '^usage: grnsim bench FILE' "help"

echo "bench_test: $checks checks, $failures failed"
[[ "$failures" -eq 0 ]]
