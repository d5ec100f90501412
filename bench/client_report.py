#!/usr/bin/env python3
"""bench/client's report: from client_bench's lines to bench/results/client.md and the target.

    client_report.py ROWS OUT MODE DURATION WARMUP COMMIT CORES

ROWS holds one tab-separated line per measurement (client_bench's columns, then the repeat).
Prints the PASS/FAIL and INFO lines; writes OUT, which bench/client also puts into README.md.
"""
import collections
import datetime
import statistics
import sys

TARGET = 0.90
JUDGED_THREADS = 8
COLUMNS = ("impl", "op", "threads", "sync", "ops", "seconds", "rate", "p50", "p99",
           "client_us", "server_us", "others", "drained", "repeat")
IMPL_NAMES = {"raw": "raw libpq", "client": "libworkitem", "client-prepared": "libworkitem, prepared"}
OP_NAMES = {"loop": "worker loop", "get": "workitem_get"}
UNITS = {"loop": "loops/s", "get": "gets/s"}


def read_rows(path):
    rows = []
    for line in open(path):
        values = dict(zip(COLUMNS, line.rstrip("\n").split("\t")))
        for key in ("threads", "ops", "drained", "repeat"):
            values[key] = int(values[key])
        for key in ("seconds", "rate", "p50", "p99", "client_us", "server_us", "others"):
            values[key] = float(values[key])
        rows.append(values)
    return rows


def main():
    rows_file, out_file, mode, duration, warmup, commit, cores = sys.argv[1:]
    rows = read_rows(rows_file)
    cells = collections.OrderedDict()
    for row in sorted(rows, key=lambda r: (r["op"] != "loop", r["sync"], r["threads"],
                                           list(IMPL_NAMES).index(r["impl"]))):
        cells.setdefault((row["op"], row["sync"], row["threads"], row["impl"]), []).append(row)
    repeats = max(r["repeat"] for r in rows)

    def median(key, field):
        return statistics.median(r[field] for r in cells[key])

    def ratio(key):
        """client ÷ raw: the median of the per-repeat ratios, and those ratios.

        Each repeat measures the implementations one after the other, seconds apart, so a ratio
        within a repeat sees the same load from the machine's other processes; the median of
        these ratios is steadier than the ratio of the medians when that load comes and goes.
        """
        raw = key[:3] + ("raw",)
        if key not in cells or raw not in cells:
            return None, []
        by_repeat = {r["repeat"]: r["rate"] for r in cells[raw]}
        per_repeat = [r["rate"] / by_repeat[r["repeat"]] for r in cells[key]
                      if by_repeat.get(r["repeat"])]
        if not per_repeat:
            return None, []
        return statistics.median(per_repeat), per_repeat

    others = [r["others"] for r in rows]
    now = datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
    command = "bench/client" + (" --quick" if mode == "quick" else "")
    out = [
        f"Last run: `{command}` at commit {commit}, {now}; {cores} cores; libworkitem built "
        f"RelWithDebInfo (-O2). Other processes on the machine kept {min(others):.2f}–"
        f"{max(others):.2f} cores busy during the measurements (median {statistics.median(others):.2f} "
        f"of {cores}; measured from /proc in each window, besides this benchmark and its server).",
        "",
        f"Medians of {repeats} interleaved repeats of {float(duration):g} s after {float(warmup):g} s "
        "of warm-up (min–max of the rate in brackets). One op is a worker loop (claim_next, then "
        "complete: two transactions) or one `workitem_get`; latencies are per op. *client µs/op*: "
        "CPU time of the calling process (all its threads) per op; *server µs/op*: CPU time of the "
        "server's processes per op; *vs raw*: the rate ÷ raw libpq's at the same setting and "
        "threads in the same repeat, median over the repeats.",
        "",
        "| operation | synchronous_commit | threads | implementation | ops/s | p50 ms | p99 ms "
        "| client µs/op | server µs/op | vs raw |",
        "|---|---|--:|---|--:|--:|--:|--:|--:|--:|",
    ]
    for key, measured in cells.items():
        op, sync, threads, impl = key
        rates = [r["rate"] for r in measured]
        drained = " ⚠ drained" if any(r["drained"] for r in measured) else ""
        value, _ = ratio(key)
        versus = "–" if impl == "raw" or value is None else f"{value:.2f}×"
        sync_label = sync if op == "loop" else f"{sync} (a read commits nothing)"
        out.append(
            f"| {OP_NAMES[op]} | {sync_label} | {threads} | {IMPL_NAMES[impl]} | "
            f"{median(key, 'rate'):,.0f} ({min(rates):,.0f}–{max(rates):,.0f}){drained} | "
            f"{median(key, 'p50'):.3f} | {median(key, 'p99'):.3f} | {median(key, 'client_us'):.1f} | "
            f"{median(key, 'server_us'):.0f} | {versus} |")

    lines = []

    def verdict(op, sync, threads, judged):
        key = (op, sync, threads, "client")
        value, per_repeat = ratio(key)
        if value is None:
            return
        raw = (op, sync, threads, "raw")
        detail = (f"per repeat {', '.join(f'{x:.2f}' for x in per_repeat)}; medians "
                  f"{median(key, 'rate'):,.0f} vs {median(raw, 'rate'):,.0f} {UNITS[op]}")
        label = (f"{OP_NAMES[op]}, {threads} thread{'s' if threads > 1 else ''}, "
                 f"synchronous_commit {sync}")
        if judged:
            state = "PASS" if value >= TARGET else "FAIL"
            lines.append(f"{state}  {label}: libworkitem {value:.2f}× raw libpq "
                         f"(target ≥ {TARGET:.2f}×; {detail})")
        else:
            lines.append(f"INFO  {label}: libworkitem {value:.2f}× raw libpq ({detail})")

    # The target is judged where the client's own cost can show: synchronous_commit off, so the
    # server is bound by CPU rather than by the disk's flush; the read commits nothing anyway.
    for op in ("loop", "get"):
        verdict(op, "off", JUDGED_THREADS, True)
    verdict("loop", "on", JUDGED_THREADS, False)
    for op, sync in (("loop", "off"), ("loop", "on"), ("get", "off")):
        verdict(op, sync, 1, False)
    prepared = []
    for op in ("loop", "get"):
        value, _ = ratio((op, "off", JUDGED_THREADS, "client-prepared"))
        if value is not None:
            prepared.append(f"{OP_NAMES[op]} {value:.2f}×")
    if prepared:
        lines.append(f"INFO  libworkitem with prepared statements vs raw libpq's unnamed ones, "
                     f"{JUDGED_THREADS} threads, synchronous_commit off: {', '.join(prepared)}")
    for op in ("loop", "get"):
        raw, client = (op, "off", JUDGED_THREADS, "raw"), (op, "off", JUDGED_THREADS, "client")
        if raw in cells and client in cells:
            lines.append(f"INFO  the caller's CPU per op, {OP_NAMES[op]}, {JUDGED_THREADS} threads: "
                         f"raw libpq {median(raw, 'client_us'):.1f} µs, libworkitem "
                         f"{median(client, 'client_us'):.1f} µs (the server's: "
                         f"{median(raw, 'server_us'):.0f} and {median(client, 'server_us'):.0f} µs)")

    judged = [r["others"] for r in rows if r["threads"] == JUDGED_THREADS and r["sync"] == "off"
              and r["impl"] in ("raw", "client")]
    if judged and statistics.median(judged) > 0.25:
        lines.append(f"NOTE  other processes kept {statistics.median(judged):.2f} cores busy (median) "
                     "during the judged measurements: their load moves the rates; the per-repeat "
                     "ratios show how much")
    out += ["", "```"] + lines + ["```", ""]
    open(out_file, "w").write("\n".join(out))
    print("\n".join(lines))


if __name__ == "__main__":
    main()
