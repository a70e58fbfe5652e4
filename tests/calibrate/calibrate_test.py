#!/usr/bin/env python3
"""Tests of networks/calibrate/calibrate.py: the two-reporter noise split, the
Latin hypercube, the verdict rule, and (given a grnsim binary) that the Osx
reporter network is built by `grnsim net` and simulates.

  tests/calibrate/calibrate_test.py SOURCE_DIR [GRNSIM]
"""
import math
import os
import random
import subprocess
import sys
import tempfile

# No __pycache__ under networks/: caches key on that directory's files.
sys.dont_write_bytecode = True
sys.path.insert(0, os.path.join(sys.argv[1], "networks", "calibrate"))
import calibrate  # noqa: E402

failures = []


def check(condition, what):
    print(("ok    " if condition else "FAIL  ") + what)
    if not condition:
        failures.append(what)


def poisson(rng, lam):
    # Knuth's method; lam is small here.
    limit, k, p = math.exp(-lam), 0, 1.0
    while True:
        p *= rng.random()
        if p <= limit:
            return k
        k += 1


def two_reporter_split():
    # x, y ~ Poisson(lam * e) given a shared cell factor e ~ U(0.5, 1.5):
    # intrinsic Fano = 1, extrinsic Fano = lam * Var(e) / E(e) = 20 / 12.
    rng = random.Random(7)
    lam, n = 20.0, 20000
    cells = [rng.uniform(0.5, 1.5) for _ in range(n)]
    pairs = [(poisson(rng, lam * e), poisson(rng, lam * e)) for e in cells]
    s = calibrate.two_reporter_noise([pairs])
    check(abs(s["fano_intrinsic"] - 1.0) < 0.05, "intrinsic Fano %.3f is 1 (Poisson)" % s["fano_intrinsic"])
    check(abs(s["fano_extrinsic"] - lam / 12) < 0.1,
          "extrinsic Fano %.3f is lam Var(e)/E(e) = %.3f" % (s["fano_extrinsic"], lam / 12))
    check(abs(s["fano"] - s["fano_intrinsic"] - s["fano_extrinsic"]) < 0.05,
          "the two parts add up to the total Fano %.3f" % s["fano"])
    # Negative control: copies in different cells share nothing.
    ys = [y for _, y in pairs]
    rng.shuffle(ys)
    unpaired = calibrate.two_reporter_noise([[(x, y) for (x, _), y in zip(pairs, ys)]])
    check(abs(unpaired["fano_extrinsic"]) < 0.1,
          "copies from different cells: extrinsic %.3f is 0" % unpaired["fano_extrinsic"])


def latin_hypercube():
    ranges = {"a": (1.0, 1 / 3, 3.0, "assumption"), "b": (0.3, 0.0, 1.0, "assumption")}
    samples = 20
    sets = calibrate.latin_hypercube(ranges, ["a", "b"], samples, 1.0, random.Random(3))
    strata_a = sorted(int((math.log(s["a"]) - math.log(1 / 3)) / math.log(9) * samples) for s in sets)
    strata_b = sorted(int(s["b"] * samples) for s in sets)
    check(strata_a == list(range(samples)), "log-uniform parameter: one draw per stratum")
    check(strata_b == list(range(samples)), "range reaching 0: uniform, one draw per stratum")
    half = calibrate.latin_hypercube(ranges, ["a", "b"], samples, 0.5, random.Random(3))
    check(all(1 / math.sqrt(3) <= s["a"] <= math.sqrt(3) for s in half),
          "spread 0.5 keeps a log-range parameter within half its log range")
    check(all(0.15 <= s["b"] <= 0.65 for s in half), "spread 0.5 halves a linear range around the value")


def verdict():
    check(calibrate.directional(0.2, 0.05, 0.3, +1, 0.1), "up, CI above 0, above the minimum: holds")
    check(not calibrate.directional(0.2, -0.01, 0.3, +1, 0.1), "CI touching 0: does not hold")
    check(not calibrate.directional(0.05, 0.01, 0.1, +1, 0.1), "below the minimum: does not hold")
    check(calibrate.directional(-0.4, -0.6, -0.2, -1, 0.3), "down by more than the minimum: holds")
    base = [1.0] * 50 + [0.0] * 50
    point, low, high = calibrate.paired_effect(base, base, True, random.Random(1), resamples=200)
    check(point == 0 and low == 0 and high == 0, "identical arms: zero effect, zero-width CI")


def osx_reporter(grnsim):
    with tempfile.TemporaryDirectory() as workdir:
        path = calibrate.osx_reporter_network(grnsim, workdir)
        text = open(path).read()
        check(all('name: "%s"' % n in text for n, _, _ in calibrate.OSX_REPORTER_SPECIES),
              "the reporter species are in the network")
        out = subprocess.run([grnsim, "simulate", path, "--t-end", "48", "--runs", "2", "--seed", "1",
                              "--species", "mOsx,mOsx2", "--quiet"], capture_output=True, text=True)
        check(out.returncode == 0, "the reporter network simulates (%s)" % out.stderr.strip()[:200])


two_reporter_split()
latin_hypercube()
verdict()
if len(sys.argv) > 2:
    osx_reporter(sys.argv[2])
print("%d failure(s)" % len(failures))
sys.exit(1 if failures else 0)
