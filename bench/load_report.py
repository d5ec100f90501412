#!/usr/bin/env python3
"""The load report of bench/report (docs/load.md, The report): Markdown and gnuplot PNGs from the
work directories of tests/load/run. Each holds run.json (how it ran), timeline.tsv (the
driver's per-second series), journal.tsv (every call), relay-lag.tsv (the relay's lag, sampled
each second) and checks.txt (the invariants' PASS/FAIL lines)."""

import argparse
import csv
import datetime
import json
import os
import re
import subprocess
import sys


def read_tsv(path):
    """Rows of a tab-separated file with a header line, as dicts of floats where they parse."""
    if not os.path.exists(path):
        return []
    rows = []
    with open(path, newline="") as handle:
        for row in csv.DictReader(handle, delimiter="\t"):
            parsed = {}
            for key, value in row.items():
                try:
                    parsed[key] = float(value)
                except (TypeError, ValueError):
                    parsed[key] = None
            rows.append(parsed)
    return rows


def parse_time(text):
    """Unix seconds, or an RFC 3339 / ISO 8601 time (Z or an offset; UTC when none)."""
    try:
        return float(text)
    except ValueError:
        moment = datetime.datetime.fromisoformat(text.replace("Z", "+00:00"))
        if moment.tzinfo is None:
            moment = moment.replace(tzinfo=datetime.timezone.utc)
        return moment.timestamp()


def read_faults(path):
    """(time, label) of each "<time> <label>" line; blank lines and # comments skipped."""
    faults = []
    if not path:
        return faults
    with open(path) as handle:
        for line in handle:
            line = line.strip()
            if not line or line.startswith("#"):
                continue
            time, _, label = line.partition(" ")
            faults.append((parse_time(time), label.strip() or "fault"))
    return faults


def percentile(values, share):
    """Nearest rank, as bench/ reports its percentiles."""
    if not values:
        return 0.0
    ordered = sorted(values)
    rank = max(1, -(-len(ordered) * share // 1))
    return ordered[int(min(len(ordered), rank)) - 1]


def journal_summary(path):
    """Calls, and their latencies' p50 and p99 in ms, from the journal (one latency per call)."""
    latencies = []
    last = None
    if not os.path.exists(path):
        return 0, 0.0, 0.0
    with open(path) as handle:
        for line in handle:
            fields = line.split("\t", 5)
            call = (fields[0], fields[1])
            if call != last:
                latencies.append(int(fields[4]) / 1000.0)
                last = call
    return len(latencies), percentile(latencies, 0.5), percentile(latencies, 0.99)


class Run:
    def __init__(self, directory):
        self.directory = directory
        meta_path = os.path.join(directory, "run.json")
        self.meta = json.load(open(meta_path)) if os.path.exists(meta_path) else {}
        self.timeline = read_tsv(os.path.join(directory, "timeline.tsv"))
        self.relay = read_tsv(os.path.join(directory, "relay-lag.tsv"))
        checks = os.path.join(directory, "checks.txt")
        self.checks = [line.rstrip("\n") for line in open(checks)] if os.path.exists(checks) else []
        self.calls, self.p50, self.p99 = journal_summary(os.path.join(directory, "journal.tsv"))
        self.start = self.timeline[0]["epoch"] if self.timeline else 0.0

    @property
    def name(self):
        return "%s, %s clients" % (self.meta.get("via", "?"), self.meta.get("clients", "?"))

    def throughput(self):
        """Answered calls per second over the run's full seconds (the first and last cut)."""
        seconds = self.timeline[1:-1] or self.timeline
        if not seconds:
            return 0.0
        return sum(row["calls"] for row in seconds) / len(seconds)


def gnuplot(script):
    subprocess.run(["gnuplot"], input=script, text=True, check=True)


def quote(text):
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def fault_marks(faults, start):
    """gnuplot lines drawing each fault as a dashed vertical line, labelled."""
    lines = []
    for index, (time, label) in enumerate(faults, start=1):
        x = time - start
        lines.append("set arrow %d from %g, graph 0 to %g, graph 1 nohead dt 2 lc rgb 'red'"
                     % (index, x, x))
        lines.append("set label %d %s at %g, graph 0.98 rotate by 90 right front tc rgb 'red' "
                     "font ',8'" % (index, quote(label), x))
    return "\n".join(lines)


def write_data(path, rows, columns):
    with open(path, "w") as handle:
        for row in rows:
            handle.write("\t".join("%g" % (row.get(c) or 0) for c in columns) + "\n")


HEADER = ("set terminal pngcairo noenhanced size 900,420 font ',10'\nset grid\n"
          "set key outside right top\n")


def plot_over_time(run, out, faults, index):
    data = os.path.join(out, "timeline-%d.dat" % index)
    rows = [dict(row, t=row["epoch"] - run.start) for row in run.timeline]
    write_data(data, rows, ["t", "calls", "done", "refused", "p50_ms", "p99_ms"])
    png = "throughput-latency-%d.png" % index
    gnuplot(HEADER + """set output %s
set title %s
set xlabel 'seconds into the run'
set ylabel 'calls/s'
set y2label 'latency ms'
set y2tics
set ytics nomirror
%s
plot %s using 1:2 with lines lw 2 title 'calls/s', \
     %s using 1:3 with lines title 'done/s', \
     %s using 1:5 axes x1y2 with lines title 'p50 ms', \
     %s using 1:6 axes x1y2 with lines title 'p99 ms'
""" % (quote(os.path.join(out, png)), quote("Throughput and latency: " + run.name),
           fault_marks(faults, run.start), quote(data), quote(data), quote(data), quote(data)))
    return png


def plot_claim_next(runs, out):
    series = []
    for index, run in enumerate(runs):
        rows = [row for row in run.timeline if row.get("claim_next_calls")]
        if not rows:
            continue
        data = os.path.join(out, "claim-next-%d.dat" % index)
        write_data(data, rows, ["system_backlog", "claim_next_p50_ms", "claim_next_p99_ms"])
        series.append("%s using 1:2 with points pt 7 ps 0.5 title %s" % (
            quote(data), quote("p50, " + run.name)))
        series.append("%s using 1:3 with points pt 6 ps 0.5 title %s" % (
            quote(data), quote("p99, " + run.name)))
    if not series:
        return None
    png = "claim-next-backlog.png"
    gnuplot(HEADER + """set output %s
set title 'claim_next latency against the system backlog (one point per second)'
set xlabel 'open system items (queue sys) the engines saw'
set ylabel 'claim_next latency ms'
plot %s
""" % (quote(os.path.join(out, png)), ", ".join(series)))
    return png


def plot_clients(runs, out):
    by_via = {}
    for run in runs:
        if "clients" in run.meta:
            by_via.setdefault(run.meta.get("via", "?"), []).append(
                (int(run.meta["clients"]), run.throughput()))
    # One number of clients draws no line: give runs at several.
    if len({clients for points in by_via.values() for clients, _ in points}) < 2:
        return None
    series = []
    for via, points in sorted(by_via.items()):
        data = os.path.join(out, "clients-%s.dat" % via)
        with open(data, "w") as handle:
            for clients, rate in sorted(points):
                handle.write("%d\t%g\n" % (clients, rate))
        series.append("%s using 1:2 with linespoints pt 7 title %s" % (quote(data), quote(via)))
    png = "throughput-clients.png"
    gnuplot(HEADER + """set output %s
set title 'Throughput against clients (one point per run)'
set xlabel 'clients'
set ylabel 'calls/s'
set logscale x
plot %s
""" % (quote(os.path.join(out, png)), ", ".join(series)))
    return png


def plot_relay(run, out, faults, index):
    rows = [dict(row, t=row["epoch"] - run.start) for row in run.relay if row.get("epoch")]
    if not rows:
        return None
    data = os.path.join(out, "relay-%d.dat" % index)
    write_data(data, rows, ["t", "lag_events", "lag_seconds"])
    png = "relay-lag-%d.png" % index
    gnuplot(HEADER + """set output %s
set title %s
set xlabel 'seconds into the run'
set ylabel 'events behind'
set y2label 'oldest waiting, s'
set y2tics
set ytics nomirror
%s
plot %s using 1:2 with lines lw 2 title 'events behind', \
     %s using 1:3 axes x1y2 with lines title 'oldest waiting (s)'
""" % (quote(os.path.join(out, png)), quote("Relay lag: " + run.name),
           fault_marks(faults, run.start), quote(data), quote(data)))
    return png


def baselines(directory, report_dir):
    """A line per result file of bench/results: its title, linked."""
    lines = []
    if not directory or not os.path.isdir(directory):
        return lines
    for name in sorted(os.listdir(directory)):
        path = os.path.join(directory, name)
        title = name
        if name.endswith(".md"):
            with open(path) as handle:
                for line in handle:
                    if line.strip():
                        title = re.sub(r"^#+\s*", "", line.strip())
                        break
        elif not name.endswith((".png", ".csv", ".txt")):
            continue
        lines.append("- [%s](%s): %s" % (name, os.path.relpath(path, report_dir), title))
    return lines


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("runs", nargs="+", help="work directories of tests/load/run")
    parser.add_argument("--out", help="where report.md and its plots go")
    parser.add_argument("--faults", help='a file of "<time> <label>" lines')
    parser.add_argument("--baselines", help="the benchmark results to link (bench/results)")
    arguments = parser.parse_args()

    runs = [Run(directory) for directory in arguments.runs]
    out = os.path.abspath(arguments.out or os.path.join(arguments.runs[0], "report"))
    os.makedirs(out, exist_ok=True)
    faults = read_faults(arguments.faults)

    lines = ["# Load report", "",
             "Made by `bench/report` (docs/load.md, The report) on %s from %d run(s) of "
             "`tests/load/run`. Numbers from a busy shared machine mean little alone: compare "
             "runs and baselines measured on the same machine at the same time."
             % (datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M UTC"),
                len(runs)), ""]
    lines += ["## Runs", "",
              "| run | via | clients | seconds | seed | calls | calls/s | p50 ms | p99 ms | checks |",
              "|---|---|--:|--:|--:|--:|--:|--:|--:|---|"]
    for run in runs:
        passed = sum(1 for line in run.checks if line.startswith("PASS "))
        failed = sum(1 for line in run.checks if line.startswith("FAIL "))
        lines.append("| `%s` | %s | %s | %s | %s | %d | %.0f | %.1f | %.1f | %d passed, %d failed |" % (
            run.directory, run.meta.get("via", "?"), run.meta.get("clients", "?"),
            run.meta.get("seconds", "?"), run.meta.get("seed", "?"), run.calls,
            run.throughput(), run.p50, run.p99, passed, failed))
    lines.append("")
    if faults:
        lines += ["Faults (from `%s`), marked as dashed red lines:" % arguments.faults, ""]
        start = runs[0].start
        lines += ["- %+.0f s: %s" % (time - start, label) for time, label in faults]
        lines.append("")

    for index, run in enumerate(runs):
        lines += ["## %s" % run.name, ""]
        png = plot_over_time(run, out, faults, index) if run.timeline else None
        if png:
            lines += ["![throughput and latency over time](%s)" % png, ""]
        png = plot_relay(run, out, faults, index)
        if png:
            lines += ["![relay lag over time](%s)" % png, ""]
        if run.checks:
            lines += ["The checks:", "", "```"] + run.checks + ["```", ""]

    png = plot_clients(runs, out)
    lines += ["## Throughput against clients", ""]
    lines += ["![throughput against clients](%s)" % png if png else
              "(Runs at one number of clients only: give runs at several to draw this.)", ""]
    png = plot_claim_next(runs, out)
    if png:
        lines += ["## claim_next latency against the backlog", "",
                  "![claim_next latency against backlog](%s)" % png, ""]
    found = baselines(arguments.baselines, out)
    if found:
        lines += ["## Baselines", "",
                  "The benchmarks' results in `bench/results` (bench/README.md), each measured "
                  "against its own baseline in one run:", ""] + found + [""]
    report = os.path.join(out, "report.md")
    with open(report, "w") as handle:
        handle.write("\n".join(lines))
    print(report)
    return 0


if __name__ == "__main__":
    sys.exit(main())
