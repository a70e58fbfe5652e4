#!/usr/bin/env python3
"""Calibration of [A] parameters toward BIOLOGY.md §5 C6 and C10 (issue 6 item 4).

C6  OCP + sRANKL 30 ng/mL: >= 60% of precursor runs committed by day 4
    (NFATC1 >= 2,000·Ω held >= 12 h, §2.6) and the ensemble-mean NFATC1
    crosses 2,000·Ω between 48 and 72 h.
C10 TF mRNA Fano factor 2-5 and protein CV 0.2-0.5 at Ω = 1 (growth medium,
    stationary, msc.textproto).

`c6` runs a small grid over [A] parameters of module O (each candidate is a
scenario overlay of `set`s; values outside the parameter's declared range
are refused), scores every candidate and picks, among those meeting C6 with a margin
(--margin-h inside the window, --margin-fraction above 60%), the one
closest to the current values (smallest sum of |log(new/old)|).
`c10` measures the noise statistics of the frozen network.
Everything goes through `grnsim simulate` (exact `direct` method, fixed seeds).

  networks/calibrate/calibrate.py --grnsim build/grnsim c6 --runs 200
  networks/calibrate/calibrate.py --grnsim build/grnsim c10 --runs 60
"""
import argparse
import csv
import itertools
import json
import math
import os
import re
import subprocess
import sys
import tempfile

NETWORKS = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
O_MODULE = os.path.join(NETWORKS, "modules", "O_osteoclast.textproto")

# The C6 grid: NFATc1 auto-amplification (weight, half-activation) — the
# optional [A] amendment of BIOLOGY §2.6 moves exactly these — and the maximal
# Nfatc1 activation.
C6_GRID = {
    "Nfatc1_w_auto": [0.8, 0.9, 1.0],
    "Nfatc1_K_auto": [1200, 1350, 1500],
    "Nfatc1_k1": [1.5, 2.0],
}


def parameter_ranges(path):
    """{name: (value, min, max, provenance)} from a module file."""
    text = open(path, encoding="utf-8").read()
    out = {}
    for block in re.findall(r"^parameter \{(.*?)^\}", text, flags=re.S | re.M):
        name = re.search(r'name: "([^"]+)"', block)
        value = re.search(r"value: ([-0-9.eE+]+)", block)
        rng = re.search(r"range \{ min: ([-0-9.eE+]+) max: ([-0-9.eE+]+) \}", block)
        prov = re.search(r"provenance: (\w+)", block)
        if name and value:
            out[name.group(1)] = (float(value.group(1)),
                                  float(rng.group(1)) if rng else None,
                                  float(rng.group(2)) if rng else None,
                                  prov.group(1) if prov else "")
    return out


def write_scenario(directory, settings):
    fd, path = tempfile.mkstemp(suffix=".textproto", dir=directory)
    with os.fdopen(fd, "w") as f:
        f.write('# proto-message: grnsim.v1.Scenario\nname: "calibration_candidate"\n')
        for name, value in settings.items():
            f.write('set { name: "%s" value: %r }\n' % (name, float(value)))
    return path


def simulate(grnsim, network, scenarios, species, t_end, steps, runs, seed, workdir):
    runs_path = os.path.join(workdir, "runs.csv")
    mean_path = os.path.join(workdir, "mean.csv")
    cmd = [grnsim, "simulate", os.path.join(NETWORKS, network)]
    for s in scenarios:
        cmd += ["--scenario", s]
    cmd += ["--method", "direct", "--t-end", str(t_end), "--steps", str(steps), "--runs", str(runs),
            "--seed", str(seed), "--species", ",".join(species), "--output", mean_path,
            "--save-runs", runs_path]
    subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    per_run = {}
    with open(runs_path) as f:
        for row in csv.DictReader(line for line in f if not line.startswith("#")):
            per_run.setdefault(int(row["run"]), []).append(
                (float(row["time"]), {s: float(row[s]) for s in species}))
    return per_run


def c6_score(grnsim, settings, runs, seed, workdir, omega=1.0):
    scenario = write_scenario(workdir, dict(settings, RANKL_ADD=30))
    per_run = simulate(grnsim, "osteoclast.textproto", [scenario], ["NFATC1"], 96, 192, runs, seed,
                       workdir)
    level = 2000.0 * omega
    committed = 0
    times = [t for t, _ in per_run[0]]
    mean = [0.0] * len(times)
    for samples in per_run.values():
        since, held = None, False
        for i, (t, x) in enumerate(samples):
            mean[i] += x["NFATC1"] / len(per_run)
            if x["NFATC1"] >= level:
                since = t if since is None else since
                held = held or t - since >= 12 - 1e-9
            else:
                since = None
        committed += held
    crossing = None
    for i in range(1, len(times)):
        if mean[i - 1] < level <= mean[i]:
            crossing = times[i - 1] + (times[i] - times[i - 1]) * (level - mean[i - 1]) / (mean[i] - mean[i - 1])
            break
    fraction = committed / len(per_run)
    return {"settings": settings, "committed_fraction": fraction, "mean_crossing_h": crossing,
            "nfatc1_mean_96h": mean[-1],
            "meets_c6": fraction >= 0.6 and crossing is not None and 48 <= crossing <= 72}


def run_c6(args):
    ranges = parameter_ranges(O_MODULE)
    current = {name: ranges[name][0] for name in C6_GRID}
    for name, values in C6_GRID.items():
        value, lo, hi, prov = ranges[name]
        if prov != "assumption":
            sys.exit("%s is not an [A] parameter (%s)" % (name, prov))
        for v in values:
            if lo is not None and not lo <= v <= hi:
                sys.exit("%s = %g is outside its declared range [%g, %g]" % (name, v, lo, hi))
    results = []
    with tempfile.TemporaryDirectory() as workdir:
        for combo in itertools.product(*C6_GRID.values()):
            settings = dict(zip(C6_GRID.keys(), combo))
            r = c6_score(args.grnsim, settings, args.runs, args.seed, workdir)
            r["distance"] = sum(abs(math.log(settings[k] / current[k])) for k in settings)
            results.append(r)
            print(json.dumps(r), flush=True)
    # Robust choice: meet C6 with a margin (crossing >= margin_h inside the
    # 48-72 h window, fraction >= 0.6 + margin_fraction), so that another
    # seed does not move the choice outside the target; then the smallest change.
    meeting = [r for r in results if r["meets_c6"]
               and 48 + args.margin_h <= r["mean_crossing_h"] <= 72 - args.margin_h
               and r["committed_fraction"] >= 0.6 + args.margin_fraction]
    # Ties (e.g. ln 1.125 + ln(1500/1350) = ln 1.25) go to the fewer changed parameters.
    def cost(r):
        changed = sum(1 for k in r["settings"] if r["settings"][k] != current[k])
        return (round(r["distance"], 9), changed)
    chosen = min(meeting, key=cost) if meeting else None
    summary = {"target": "C6", "runs": args.runs, "seed": args.seed, "current": current,
               "margin_h": args.margin_h, "margin_fraction": args.margin_fraction,
               "candidates": results, "chosen": chosen}
    if args.out:
        with open(args.out, "w") as f:
            json.dump(summary, f, indent=1)
    print("chosen:", json.dumps(chosen))


C10_MRNA = {"Runx2": ["mRunx2_u", "mRunx2_m6A"], "Pparg": ["mPparg"], "Cebpa": ["mCebpa"],
            "Osx": ["mOsx"], "Atf4": ["mAtf4"]}
C10_PROTEIN = ["RUNX2", "PPARG", "CEBPA", "OSX", "ATF4"]


def run_c10(args):
    species = sorted({s for v in C10_MRNA.values() for s in v}) + C10_PROTEIN
    with tempfile.TemporaryDirectory() as workdir:
        growth = os.path.join(NETWORKS, "scenarios", "growth_medium.textproto")
        per_run = simulate(args.grnsim, "msc.textproto", [growth], species, 336, 56, args.runs,
                           args.seed, workdir)
    stats = {}
    # Across-run moments at every sample time t >= 168 h (stationary), averaged over times.
    def moments(values_by_time):
        fano, cv, mean_all = [], [], []
        for values in values_by_time:
            m = sum(values) / len(values)
            var = sum((v - m) ** 2 for v in values) / (len(values) - 1)
            mean_all.append(m)
            fano.append(var / m if m > 0 else float("nan"))
            cv.append(math.sqrt(var) / m if m > 0 else float("nan"))
        k = len(values_by_time)
        return sum(mean_all) / k, sum(fano) / k, sum(cv) / k
    times = [i for i, (t, _) in enumerate(per_run[0]) if t >= 168]
    for gene, names in C10_MRNA.items():
        by_time = [[sum(per_run[r][i][1][s] for s in names) for r in per_run] for i in times]
        m, fano, cv = moments(by_time)
        stats["m" + gene] = {"mean": m, "fano": fano, "cv": cv, "meets_c10": 2 <= fano <= 5}
    for p in C10_PROTEIN:
        by_time = [[per_run[r][i][1][p] for r in per_run] for i in times]
        m, fano, cv = moments(by_time)
        stats[p] = {"mean": m, "fano": fano, "cv": cv, "meets_c10": 0.2 <= cv <= 0.5}
    summary = {"target": "C10", "runs": args.runs, "seed": args.seed, "stats": stats}
    if args.out:
        with open(args.out, "w") as f:
            json.dump(summary, f, indent=1)
    for k, v in stats.items():
        print("%-8s mean %8.1f  Fano %6.2f  CV %5.2f  %s" % (k, v["mean"], v["fano"], v["cv"],
                                                              "ok" if v["meets_c10"] else "OUT"))


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--grnsim", required=True)
    p.add_argument("--out", help="write the results as JSON")
    p.add_argument("--seed", type=int, default=606)
    p.add_argument("target", choices=["c6", "c10"])
    p.add_argument("--runs", type=int, default=200)
    p.add_argument("--margin-h", type=float, default=2.0)
    p.add_argument("--margin-fraction", type=float, default=0.05)
    args = p.parse_args()
    run_c6(args) if args.target == "c6" else run_c10(args)


if __name__ == "__main__":
    main()
