#!/usr/bin/env python3
"""Turns the validation tests' results file into the validation table of networks/README.md.

The tests under tests/validation/ append one JSON line per check to the file
named by GRN_VALIDATION_OUT. Run them, then this script:

  rm -f build/validation.jsonl
  GRN_FULL=1 GRN_VALIDATION_OUT=$PWD/build/validation.jsonl ctest --test-dir build -L validation -j2
  networks/validation_table.py build/validation.jsonl --readme networks/README.md

With --readme the table replaces the text between the markers
`<!-- validation-table:begin -->` and `<!-- validation-table:end -->` (the
file is rewritten atomically); without it the table goes to stdout. When a
check appears more than once, the last line wins.
"""
import argparse
import json
import os
import re
import sys
import tempfile

BEGIN = "<!-- validation-table:begin -->"
END = "<!-- validation-table:end -->"


def order_key(record):
    m = re.match(r"V(\d+)", record["id"])
    return (0, int(m.group(1))) if m else (1, 0)


def fmt(x, unit):
    if x is None:
        return "—"
    if unit == "relative":
        return "%+.1f%%" % (100 * x)
    if unit in ("difference", "fraction"):
        return "%+.3f" % x
    return "%.3g" % x


def table(records):
    lines = ["| ID | check | expected | baseline → scenario | effect (95% CI) | runs/arm (size) | result |",
             "|---|---|---|---|---|---|---|"]
    for r in records:
        unit = r.get("unit", "")
        ci = "%s (%s, %s)" % (fmt(r["effect"], unit), fmt(r["lo"], unit), fmt(r["hi"], unit))
        result = "PASS" if r["pass"] else "FAIL"
        if not r["pass"] and not r.get("asserted", True):
            result += " (reported, not asserted)"
        if unit == "BC":  # the bimodality check records the dose and that dose's OC fraction
            arms = "at %g ng/mL (OC fraction %.3g)" % (r["baseline"], r["scenario"])
        elif unit == "ng/mL":  # IC50: the OC fractions without OPG and at the top dose
            arms = "OC fraction %.4g (no OPG) → %.4g (300)" % (r["baseline"], r["scenario"])
        else:
            arms = "%.4g → %.4g" % (r["baseline"], r["scenario"])
        lines.append("| %s | %s | %s | %s | %s | %d (%s) | %s |" % (
            r["id"], r["check"], r["expected"], arms, ci, r["runs"], r["size"], result))
    passed = sum(1 for r in records if r["pass"])
    lines.append("")
    lines.append("%d of %d checks pass. Relative effects are scenario/baseline − 1; differences are "
                 "scenario − baseline. CIs: percentile bootstrap over runs, 2,000 paired resamples." % (
                     passed, len(records)))
    return "\n".join(lines) + "\n"


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("results", help="the GRN_VALIDATION_OUT file (JSON lines)")
    p.add_argument("--readme", help="README to update between the markers")
    args = p.parse_args()
    latest = {}
    with open(args.results, encoding="utf-8") as f:
        for n, line in enumerate(f, 1):
            if not line.strip():
                continue
            try:
                r = json.loads(line)
            except json.JSONDecodeError as e:
                sys.exit("%s:%d: not a JSON line: %s" % (args.results, n, e))
            latest[(r["id"], r["check"])] = r
    records = sorted(latest.values(), key=order_key)  # stable: test order within an ID
    text = table(records)
    if not args.readme:
        sys.stdout.write(text)
        return
    readme = open(args.readme, encoding="utf-8").read()
    if BEGIN not in readme or END not in readme:
        sys.exit("%s: markers %s / %s not found" % (args.readme, BEGIN, END))
    head, rest = readme.split(BEGIN, 1)
    _, tail = rest.split(END, 1)
    updated = head + BEGIN + "\n" + text + END + tail
    fd, tmp = tempfile.mkstemp(dir=os.path.dirname(os.path.abspath(args.readme)))
    with os.fdopen(fd, "w", encoding="utf-8") as f:
        f.write(updated)
    os.chmod(tmp, 0o644)
    os.replace(tmp, args.readme)


if __name__ == "__main__":
    main()
