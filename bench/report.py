#!/usr/bin/python3
"""bench/run's arithmetic: one CSV row per pgbench run, and the report of a whole run.

  report.py record  --csv F --out PGBENCH_OUTPUT --logs 'GLOB' [--field k=v ...]
      parses pgbench's output and per-transaction logs, appends one row to F, prints a summary line
  report.py report  --csv F --dir RESULTS_DIR --machine MACHINE.md --readme README.md
      writes RESULTS_DIR/summary.md, RESULTS_DIR/plot.dat, and the results section of README.md;
      prints the summary (with the targets' PASS/FAIL lines)

Standard library only (Debian's python3).
"""
import argparse
import csv
import glob
import math
import os
import re
import statistics
import sys

FIELDS = [
    "phase", "workload", "impl", "clients", "repeat", "seconds", "transactions", "tps",
    "tx_per_script", "tx_per_s", "lat_avg_ms", "p50_ms", "p99_ms", "stmt_avg_ms", "server_ms",
    "server_claim_next_ms", "server_complete_ms", "offered", "won", "flags", "started_at",
    "wal_bytes", "wal_per_script", "items", "claim_p99_ms", "dead_tup",
]

# What each workload's pgbench "transaction" (one execution of its script) is.
UNITS = {
    "loop": "loops/s",
    "create": "items/s",
    "race": "claim attempts/s",
    "ceiling": "tx/s",
    "pgbench_N": "tx/s",
    "claim_next": "claims/s",
    "loop_mix": "loops/s",
    "loop_group": "loops/s",
    "claim_next_mix": "claims/s",
    "loop1": "loops/s",
    "batch10": "calls/s",
    "batch50": "calls/s",
    "drain_free": "loops/s",
    "drain_held": "loops/s",
}
IMPL_NAMES = {"ext": "workitem", "peer": "PL/pgSQL peer", "floor": "floor (writes only)",
              "base": "baseline", "lean": "lean peer",
              "hint": "prototype: fronts (bench/prototypes)"}
# The worker loop's eligibility shapes (bench/shapes.sql).
SHAPE_NAMES = {"loop_mix": "realistic: a user and a group per item, 1 in 5 eligible",
               "loop_group": "one group of ten per item"}
WORKLOAD_NAMES = {
    "loop": "worker loop (claim_next + complete)",
    "create": "create",
    "race": "contended claim-by-id (pairs)",
    "ceiling": "ceiling: 1 UPDATE + 1 INSERT, 1 round trip",
    "pgbench_N": "pgbench -N (simple update)",
}
BATCH_ORDER = ["loop1", "batch10", "batch50"]
BATCH_SIZE = {"loop1": 1, "batch10": 10, "batch50": 50}
MATRIX_ORDER = [("loop", "ext"), ("loop", "peer"), ("loop", "floor"), ("create", "ext"),
                ("create", "peer"), ("race", "ext"), ("race", "peer"), ("ceiling", "base"),
                ("pgbench_N", "base")]


def percentile(sorted_values, fraction):
    """Nearest-rank percentile of an already sorted list."""
    if not sorted_values:
        return float("nan")
    rank = max(1, math.ceil(fraction * len(sorted_values)))
    return sorted_values[rank - 1]


def parse_pgbench_output(text):
    found = {}
    for key, pattern in [
        ("transactions", r"number of transactions actually processed: (\d+)"),
        ("failed", r"number of failed transactions: (\d+)"),
        ("lat_avg_ms", r"latency average = ([\d.]+) ms"),
        ("tps", r"tps = ([\d.]+) \(without initial connection time\)"),
    ]:
        match = re.search(pattern, text)
        found[key] = match.group(1) if match else ""
    # -r: "  <avg ms>  <failures>  <command>" per command; keep the SQL ones.
    statements = []
    in_latencies = False
    for line in text.splitlines():
        if line.startswith("statement latencies"):
            in_latencies = True
            continue
        if in_latencies:
            match = re.match(r"\s+([\d.]+)\s+\d+\s+(.*)$", line)
            if not match:
                continue
            command = match.group(2)
            if not command.startswith("\\"):
                statements.append(match.group(1))
    found["stmt_avg_ms"] = ";".join(statements)
    if "aborted" in text.lower() and "were aborted" not in text.lower():
        found["aborted"] = True
    return found


def read_latencies(pattern):
    """Per-transaction latencies (ms) from pgbench --log files: the 3rd column is microseconds."""
    values = []
    for path in glob.glob(pattern):
        with open(path) as log:
            for line in log:
                parts = line.split()
                if len(parts) >= 3 and parts[2].isdigit():
                    values.append(int(parts[2]) / 1000.0)
    values.sort()
    return values


def record(args):
    with open(args.out) as f:
        text = f.read()
    parsed = parse_pgbench_output(text)
    row = {k: "" for k in FIELDS}
    for item in args.field or []:
        key, _, value = item.partition("=")
        row[key] = value
    if not parsed["tps"]:
        sys.exit(f"report.py: no tps in {args.out}")
    if parsed["failed"] not in ("", "0"):
        sys.exit(f"report.py: {parsed['failed']} failed transactions in {args.out}")
    latencies = read_latencies(args.logs)
    row["transactions"] = parsed["transactions"]
    row["tps"] = f"{float(parsed['tps']):.1f}"
    row["tx_per_s"] = f"{float(parsed['tps']) * float(row['tx_per_script'] or 1):.1f}"
    row["lat_avg_ms"] = parsed["lat_avg_ms"]
    row["p50_ms"] = f"{percentile(latencies, 0.50):.3f}"
    row["p99_ms"] = f"{percentile(latencies, 0.99):.3f}"
    row["stmt_avg_ms"] = parsed["stmt_avg_ms"]
    if row["wal_bytes"] and int(parsed["transactions"] or 0) > 0:
        row["wal_per_script"] = f"{float(row['wal_bytes']) / int(parsed['transactions']):.0f}"
    if args.server_total and int(parsed["transactions"] or 0) > 0:
        row["server_ms"] = f"{float(args.server_total) / int(parsed['transactions']):.4f}"
    new_file = not os.path.exists(args.csv) or os.path.getsize(args.csv) == 0
    with open(args.csv, "a", newline="") as f:
        writer = csv.DictWriter(f, fieldnames=FIELDS)
        if new_file:
            writer.writeheader()
        writer.writerow(row)
    unit = UNITS.get(row["workload"], "tx/s")
    extra = f", won {row['won']}" if row["won"] else ""
    flags = f" [{row['flags']}]" if row["flags"] else ""
    print(f"{row['workload']:>10} {row['impl']:<5} c={row['clients']:<3} r={row['repeat']}: "
          f"{float(row['tps']):9.1f} {unit:<17} p50 {float(row['p50_ms']):7.2f} ms  "
          f"p99 {float(row['p99_ms']):7.2f} ms  server {float(row['server_ms'] or 'nan'):6.3f} ms"
          f"{extra}{flags}")


# ------------------------------------------------------------------------------------------------
# The report

def load(path):
    with open(path, newline="") as f:
        rows = list(csv.DictReader(f))
    for r in rows:
        # Items per second, where a run counted the items it completed: over the run's time
        # (pgbench's transactions / tps, without connection time).
        r["items_per_s"] = ""
        if r.get("items") and r.get("transactions") and float(r["transactions"]) > 0:
            seconds = float(r["transactions"]) / float(r["tps"])
            r["items_per_s"] = f"{float(r['items']) / seconds:.1f}"
            r["run_s"] = f"{seconds:.1f}"
    return rows


def load_for_patch(path):
    with open(path, newline="") as f:
        return list(csv.DictReader(f))


class Cell:
    """The repeats of one (workload, impl, clients[, offered]) measurement."""

    def __init__(self, rows):
        self.rows = sorted(rows, key=lambda r: int(r["repeat"]))

    def values(self, key):
        return [float(r[key]) for r in self.rows if r.get(key, "") not in ("", "nan")]

    def median(self, key):
        values = self.values(key)
        return statistics.median(values) if values else float("nan")

    def low(self, key):
        values = self.values(key)
        return min(values) if values else float("nan")

    def high(self, key):
        values = self.values(key)
        return max(values) if values else float("nan")

    def by_repeat(self, key):
        return {int(r["repeat"]): float(r[key]) for r in self.rows if r.get(key, "") != ""}

    def flags(self):
        return sorted({f for r in self.rows for f in r["flags"].split(";") if f})


def cells(rows, phase):
    grouped = {}
    for r in rows:
        if r["phase"] != phase:
            continue
        offered = int(r["offered"] or 0) if phase == "scale" else 0
        key = (r["workload"], r["impl"], int(r["clients"]), offered)
        grouped.setdefault(key, []).append(r)
    return {k: Cell(v) for k, v in grouped.items()}


def fmt_rate(x):
    if x != x:
        return "–"
    return f"{x:,.0f}" if x >= 100 else f"{x:,.1f}"


def fmt_ms(x):
    if x != x:
        return "–"
    return f"{x:.2f}" if x < 100 else f"{x:.0f}"


def fmt_server(x):
    return "–" if x != x else f"{x:.3f}"


def fmt_wal(x):
    return "–" if x != x else f"{x:,.0f}"


def fmt_ratio(x):
    return "–" if x != x else f"{x:.2f}×"


def spread(cell, key, fmt):
    """A cell's median of `key` with its min–max over the repeats in brackets."""
    return f"{fmt(cell.median(key))} ({fmt(cell.low(key))}–{fmt(cell.high(key))})"


def flag_note(cell):
    """The warning a cell's flags add after its throughput, or nothing."""
    flags = cell.flags()
    return f" ⚠ {', '.join(flags)}" if flags else ""


def ratio(a, b):
    return a / b if b and b == b and a == a else float("nan")


def paired(cell_a, cell_b, key_a, key_b):
    """Per-repeat ratios a/b of two cells measured side by side (same repeat round)."""
    a, b = cell_a.by_repeat(key_a), cell_b.by_repeat(key_b)
    return [a[r] / b[r] for r in sorted(a) if r in b and b[r]]


def report(args):
    rows = load(args.csv)
    matrix = cells(rows, "matrix")
    scale = cells(rows, "scale")
    clients = sorted({k[2] for k in matrix})
    repeats = max((int(r["repeat"]) for r in rows if r["phase"] == "matrix"), default=0)
    out = []

    with open(args.machine) as f:
        out.append(f.read().rstrip() + "\n")

    # Throughput table ---------------------------------------------------------------------------
    out.append("### Throughput and latency\n")
    out.append(f"Median of {repeats} interleaved repeats (min–max in brackets). A worker loop is two "
               "transactions (claim_next, then complete); *tx/s* counts transactions. "
               "*vs PL/pgSQL*: workitem (or the floor) ÷ the peer in the same unit; *vs ceiling*: tx/s ÷ the "
               "ceiling's tx/s at the same clients. Latencies are per script execution (a whole "
               "loop), from pgbench's per-transaction log. *server ms*: the server's execution time "
               "per script execution (pg_stat_statements, top-level statements): the CPU and "
               "buffer work without the commit's WAL flush, the network or the client — the part "
               "the implementation decides; at 64 clients on 2 cores it includes waiting for a "
               "core. *WAL B*: bytes of WAL written per script execution (a whole loop): with "
               "`synchronous_commit = on` each commit waits for its WAL to reach the disk, so at "
               "1 and 8 clients this, more than CPU, sets the pace. *floor*: the loop's writes and nothing "
               "else, one statement per call (bench/floor.sql) — these rows written plainly, with "
               "none of the logic.\n")
    out.append("| workload | impl | clients | throughput | tx/s | p50 ms | p99 ms | server ms | WAL B | vs PL/pgSQL | vs ceiling |")
    out.append("|---|---|--:|--:|--:|--:|--:|--:|--:|--:|--:|")
    plot_series = []
    for workload, impl in MATRIX_ORDER:
        series = []
        for c in clients:
            cell = matrix.get((workload, impl, c, 0))
            if cell is None:
                continue
            tps, txs = cell.median("tps"), cell.median("tx_per_s")
            ceiling = matrix.get(("ceiling", "base", c, 0))
            vs_ceiling = ratio(txs, ceiling.median("tx_per_s")) if ceiling else float("nan")
            vs_peer = "–"
            if impl in ("ext", "floor") and (workload, "peer", c, 0) in matrix:
                vs_peer = fmt_ratio(ratio(tps, matrix[(workload, "peer", c, 0)].median("tps")))
            unit = UNITS[workload]
            throughput = (f"{fmt_rate(tps)} {unit} ({fmt_rate(cell.low('tps'))}–"
                          f"{fmt_rate(cell.high('tps'))})")
            if workload == "race":
                won = [float(r["won"]) / float(r["seconds"]) for r in cell.rows if r["won"]]
                if won:
                    throughput += f"; {fmt_rate(statistics.median(won))} won/s"
            out.append(f"| {WORKLOAD_NAMES[workload]} | {IMPL_NAMES[impl]} | {c} | {throughput}{flag_note(cell)} | "
                       f"{fmt_rate(txs)} | {fmt_ms(cell.median('p50_ms'))} | "
                       f"{fmt_ms(cell.median('p99_ms'))} | {fmt_server(cell.median('server_ms'))} | "
                       f"{fmt_wal(cell.median('wal_per_script'))} | {vs_peer} | {fmt_ratio(vs_ceiling)} |")
            series.append((c, txs, cell.low("tx_per_s"), cell.high("tx_per_s")))
        if series:
            plot_series.append((workload, impl, series))
    out.append("")

    # Per-statement averages of the loop ---------------------------------------------------------
    loop_lines = []
    for impl in ("ext", "peer", "floor"):
        for c in clients:
            cell = matrix.get(("loop", impl, c, 0))
            if cell is None:
                continue
            parts = [r["stmt_avg_ms"].split(";") for r in cell.rows if r["stmt_avg_ms"]]
            if not parts or len(parts[0]) < 2:
                continue
            claim = statistics.median(float(p[0]) for p in parts)
            complete = statistics.median(float(p[1]) for p in parts)
            loop_lines.append(f"| {IMPL_NAMES[impl]} | {c} | {claim:.3f} | {complete:.3f} | "
                              f"{fmt_server(cell.median('server_claim_next_ms'))} | "
                              f"{fmt_server(cell.median('server_complete_ms'))} |")
    if loop_lines:
        out.append("Worker loop, each call: average latency seen by the client (pgbench -r) and "
                   "the server's mean execution time (pg_stat_statements), medians of repeats:\n")
        out.append("| impl | clients | claim_next ms | complete ms | claim_next server ms | complete server ms |")
        out.append("|---|--:|--:|--:|--:|--:|")
        out.extend(loop_lines)
        out.append("")

    # Eligibility shapes ----------------------------------------------------------------------------
    shapes = cells(rows, "shapes")
    if shapes:
        out.append("### Worker loop by eligibility shape\n")
        out.append("1,000 directory users in ten groups, each user in two; the worker of client k is "
                   "user uk (bench/shapes.sql). *realistic*: every item offered to one random user and "
                   "one random group; *one group*: to one random group. Every claim carries a lease "
                   "(the PL/pgSQL peer has none). The lean peer (bench/lean_peer.sql) is the seed's "
                   "model written plainly: two indexes, the worker's groups passed in, an audit row and "
                   "an outbox row per change. Median of repeats (min–max in brackets); *server ms*: per "
                   "loop (pg_stat_statements); *vs lean*, *vs PL/pgSQL*: workitem ÷ the peer.\n")
        out.append("| shape | impl | clients | loops/s | p99 ms | server ms | claim_next server ms | complete server ms | vs lean | vs PL/pgSQL |")
        out.append("|---|---|--:|--:|--:|--:|--:|--:|--:|--:|")
        for workload in SHAPE_NAMES:
            for c in sorted({k[2] for k in shapes}):
                for impl in ("ext", "lean", "peer"):
                    cell = shapes.get((workload, impl, c, 0))
                    if cell is None:
                        continue
                    vs = {}
                    for peer in ("lean", "peer"):
                        other = shapes.get((workload, peer, c, 0))
                        vs[peer] = (fmt_ratio(ratio(cell.median("tps"), other.median("tps")))
                                    if impl == "ext" and other else "–")
                    out.append(f"| {SHAPE_NAMES[workload]} | {IMPL_NAMES[impl]} | {c} | "
                               f"{spread(cell, 'tps', fmt_rate)}{flag_note(cell)} | "
                               f"{fmt_ms(cell.median('p99_ms'))} | "
                               f"{fmt_server(cell.median('server_ms'))} | "
                               f"{fmt_server(cell.median('server_claim_next_ms'))} | "
                               f"{fmt_server(cell.median('server_complete_ms'))} | "
                               f"{vs['lean']} | {vs['peer']} |")
        out.append("")

    # Batches --------------------------------------------------------------------------------------
    batch = cells(rows, "batch")
    if batch:
        out.append("### Worker loop in batches\n")
        out.append("The realistic shape (queue `mix`, as above). *one item*: the worker loop "
                   "(claim_next, then complete: two transactions per item); *batch of n*: "
                   "`workitem_acknowledge_and_claim_next` — one call, one transaction, that "
                   "completes the n items the worker holds and claims n more — and the lean peer's "
                   "`lean.acknowledge_and_claim_batch` (bench/lean_peer_batch.sql: `LIMIT n FOR "
                   "UPDATE SKIP LOCKED`, one UPDATE, its triggers). *items/s*: items completed while "
                   "it ran ÷ its time; *p99*, *server ms*: per pgbench transaction (a loop, or a "
                   "call). Median of repeats (min–max in brackets); *vs lean 1*: ÷ the lean peer's "
                   "one-item loop, *vs lean n*: ÷ the lean peer's batch of the same size.\n")
        out.append("| impl | clients | items per call | items/s | calls/s | p99 ms | server ms | vs lean 1 | vs lean n |")
        out.append("|---|--:|--:|--:|--:|--:|--:|--:|--:|")
        for c in sorted({k[2] for k in batch}):
            for workload in BATCH_ORDER:
                for impl in ("ext", "lean"):
                    cell = batch.get((workload, impl, c, 0))
                    if cell is None:
                        continue
                    lean1 = batch.get(("loop1", "lean", c, 0))
                    leann = batch.get((workload, "lean", c, 0))
                    vs1 = (fmt_ratio(ratio(cell.median("items_per_s"), lean1.median("items_per_s")))
                           if lean1 and cell is not lean1 else "–")
                    vsn = (fmt_ratio(ratio(cell.median("items_per_s"), leann.median("items_per_s")))
                           if leann and impl == "ext" and workload != "loop1" else "–")
                    out.append(f"| {IMPL_NAMES[impl]} | {c} | {BATCH_SIZE[workload]} | "
                               f"{spread(cell, 'items_per_s', fmt_rate)}{flag_note(cell)} | "
                               f"{fmt_rate(cell.median('tps'))} | "
                               f"{fmt_ms(cell.median('p99_ms'))} | {fmt_server(cell.median('server_ms'))} | "
                               f"{vs1} | {vsn} |")
        out.append("")

    # Bloat ----------------------------------------------------------------------------------------
    bloat = cells(rows, "bloat")
    if bloat:
        out.append("### Under bloat: a transaction holding the xmin horizon\n")
        out.append("8 workers take a fixed number of items off the realistic shape's queue (the "
                   "worker loop, one item per loop; `-t`), with (*held*) and without (*free*) a "
                   "`REPEATABLE READ` transaction open for the whole run, so that no row version "
                   "the run leaves dead can be removed meanwhile. *claim p99*: the server time of "
                   "claim_next (from its Execute to its result, carried in each completed item's "
                   "output), 99th percentile over the run; *loop p99*: per loop, at the client. "
                   "*dead tuples*: `n_dead_tup` at the end of each repeat's run, before the horizon "
                   "moves on. Median of repeats (min–max in brackets).\n")
        out.append("| impl | horizon | repeats | items | run s | items/s | loop p99 ms | claim p99 ms | dead tuples (per repeat) |")
        out.append("|---|---|--:|--:|--:|--:|--:|--:|---|")
        for impl in ("ext", "hint", "lean", "peer"):
            for workload, label in (("drain_free", "free"), ("drain_held", "held")):
                cell = bloat.get((workload, impl, 8, 0))
                if cell is None:
                    continue
                dead = " / ".join(r["dead_tup"] for r in cell.rows if r.get("dead_tup"))
                out.append(f"| {IMPL_NAMES[impl]} | {label} | {len(cell.rows)} | "
                           f"{fmt_rate(cell.median('items'))} | {cell.median('run_s'):.0f} | "
                           f"{spread(cell, 'items_per_s', fmt_rate)}{flag_note(cell)} | "
                           f"{fmt_ms(cell.median('p99_ms'))} | {spread(cell, 'claim_p99_ms', fmt_ms)} | "
                           f"{dead or '–'} |")
        out.append("")

    # Scale ---------------------------------------------------------------------------------------
    sizes = sorted({k[3] for k in scale})
    if sizes:
        out.append("### claim_next latency against offered items\n")
        out.append("A queue holding N offered items, in a database of its own per N (topped up to "
                   "N before each measurement; the sizes measured in turn, repeat by repeat); each "
                   "client claims with `claim_next` alone, one transaction per claim. *one group*: "
                   "queue `scale`, every item offered to the group all workers are in; *realistic*: "
                   "queue `mix`, each item offered to a random user and a random group "
                   "(bench/shapes.sql), claims with a lease. Median of repeats (min–max of p99 in "
                   "brackets); *server ms*: mean execution time of one claim (pg_stat_statements).\n")
        out.append("| shape | impl | clients | offered items | claims/s | p50 ms | p99 ms | server ms |")
        out.append("|---|---|--:|--:|--:|--:|--:|--:|")
        for workload, impl in (("claim_next", "ext"), ("claim_next", "peer"), ("claim_next_mix", "ext")):
            for c in sorted({k[2] for k in scale}):
                for n in sizes:
                    cell = scale.get((workload, impl, c, n))
                    if cell is None:
                        continue
                    shape = "realistic" if workload == "claim_next_mix" else "one group"
                    out.append(f"| {shape} | {IMPL_NAMES[impl]} | {c} | {n:,} | {fmt_rate(cell.median('tps'))} | "
                               f"{fmt_ms(cell.median('p50_ms'))} | {spread(cell, 'p99_ms', fmt_ms)} | "
                               f"{fmt_server(cell.median('server_ms'))} |")
        out.append("")

    # Targets -------------------------------------------------------------------------------------
    targets = []

    def target(label, value, passed, detail):
        verdict = "PASS" if passed else ("FAIL" if value == value else "N/A")
        targets.append(f"{verdict}  {label}: {detail}")

    ext8, peer8, ceil8 = (matrix.get(("loop", "ext", 8, 0)), matrix.get(("loop", "peer", 8, 0)),
                          matrix.get(("ceiling", "base", 8, 0)))
    if ext8 and peer8:
        r = ratio(ext8.median("tps"), peer8.median("tps"))
        per = ", ".join(f"{x:.2f}" for x in paired(ext8, peer8, "tps", "tps"))
        target("worker loop vs PL/pgSQL at 8 clients", r, r >= 1.5,
               f"{fmt_ratio(r)} (target ≥ 1.50×; {fmt_rate(ext8.median('tps'))} vs "
               f"{fmt_rate(peer8.median('tps'))} loops/s; per repeat {per})")
    if ext8 and peer8:
        r = ratio(peer8.median("server_ms"), ext8.median("server_ms"))
        targets.append(f"INFO  worker loop server time per loop at 8 clients: workitem "
                       f"{fmt_server(ext8.median('server_ms'))} ms, PL/pgSQL "
                       f"{fmt_server(peer8.median('server_ms'))} ms (PL/pgSQL ÷ workitem = "
                       f"{fmt_ratio(r)}; the CPU-side speed-up, whatever the disk does)")
    floor8 = matrix.get(("loop", "floor", 8, 0))
    if floor8 and peer8:
        r = ratio(floor8.median("tps"), peer8.median("tps"))
        per = ", ".join(f"{x:.2f}" for x in paired(floor8, peer8, "tps", "tps"))
        targets.append(f"INFO  floor (the loop's writes only) vs PL/pgSQL at 8 clients: {fmt_ratio(r)} "
                       f"({fmt_rate(floor8.median('tps'))} vs {fmt_rate(peer8.median('tps'))} "
                       f"loops/s; per repeat {per}) - these rows written plainly, without any of the "
                       f"logic: about what any implementation of them can gain over the peer here")
    if ext8 and floor8:
        r = ratio(ext8.median("tps"), floor8.median("tps"))
        per = ", ".join(f"{x:.2f}" for x in paired(ext8, floor8, "tps", "tps"))
        targets.append(f"INFO  worker loop vs the floor at 8 clients: {fmt_ratio(r)} (per repeat "
                       f"{per}) - the share of the floor's speed workitem keeps with all its checks")
    if ext8 and ceil8:
        r = ratio(ext8.median("tx_per_s"), ceil8.median("tx_per_s"))
        per = ", ".join(f"{x:.2f}" for x in paired(ext8, ceil8, "tx_per_s", "tx_per_s"))
        target("worker loop tx/s vs ceiling at 8 clients", r, r >= 0.5,
               f"{fmt_ratio(r)} (target ≥ 0.50×; {fmt_rate(ext8.median('tx_per_s'))} vs "
               f"{fmt_rate(ceil8.median('tx_per_s'))} tx/s; per repeat {per})")
    if len(sizes) >= 2:
        small, big = sizes[0], sizes[-1]
        a, b = scale.get(("claim_next", "ext", 1, small)), scale.get(("claim_next", "ext", 1, big))
        if a and b:
            r = ratio(b.median("p99_ms"), a.median("p99_ms"))
            per = ", ".join(f"{x:.2f}" for x in paired(b, a, "p99_ms", "p99_ms"))
            target(f"claim_next p99 at {big:,} vs {small:,} offered items (1 client)", r, r <= 2.0,
                   f"{fmt_ratio(r)} (target ≤ 2.00×; {fmt_ms(b.median('p99_ms'))} ms vs "
                   f"{fmt_ms(a.median('p99_ms'))} ms; per repeat {per}; server time per claim "
                   f"{fmt_server(b.median('server_ms'))} vs {fmt_server(a.median('server_ms'))} ms)")
        a, b = scale.get(("claim_next_mix", "ext", 1, small)), scale.get(("claim_next_mix", "ext", 1, big))
        if a and b:
            r = ratio(b.median("p99_ms"), a.median("p99_ms"))
            per = ", ".join(f"{x:.2f}" for x in paired(b, a, "p99_ms", "p99_ms"))
            target(f"claim_next p99 at {big:,} vs {small:,} offered items, realistic shape (1 client)",
                   r, r <= 1.5,
                   f"{fmt_ratio(r)} (target ≤ 1.50×; {fmt_ms(b.median('p99_ms'))} ms vs "
                   f"{fmt_ms(a.median('p99_ms'))} ms; per repeat {per}; server time per claim "
                   f"{fmt_server(b.median('server_ms'))} vs {fmt_server(a.median('server_ms'))} ms)")
    for workload in SHAPE_NAMES:
        for c in (8, 64):
            ext, lean, peer = (shapes.get((workload, impl, c, 0)) for impl in ("ext", "lean", "peer"))
            if not (ext and lean):
                continue
            r = ratio(ext.median("tps"), lean.median("tps"))
            per = ", ".join(f"{x:.2f}" for x in paired(ext, lean, "tps", "tps"))
            target(f"worker loop vs the lean peer, {SHAPE_NAMES[workload]}, {c} clients", r, r >= 1.0,
                   f"{fmt_ratio(r)} (target ≥ 1.00×; {fmt_rate(ext.median('tps'))} vs "
                   f"{fmt_rate(lean.median('tps'))} loops/s; per repeat {per})")
            if c != 8:
                continue
            r = ratio(ext.median("server_ms"), lean.median("server_ms"))
            per = ", ".join(f"{x:.2f}" for x in paired(ext, lean, "server_ms", "server_ms"))
            target(f"server time per loop vs the lean peer, {SHAPE_NAMES[workload]}, 8 clients", r,
                   r <= 1.0, f"{fmt_ratio(r)} (target ≤ 1.00×; {fmt_server(ext.median('server_ms'))} "
                   f"vs {fmt_server(lean.median('server_ms'))} ms; per repeat {per})")
            if peer:
                r = ratio(ext.median("tps"), peer.median("tps"))
                per = ", ".join(f"{x:.2f}" for x in paired(ext, peer, "tps", "tps"))
                target(f"worker loop vs the PL/pgSQL peer, {SHAPE_NAMES[workload]}, 8 clients", r,
                       r >= 1.5, f"{fmt_ratio(r)} (target ≥ 1.50×; {fmt_rate(ext.median('tps'))} vs "
                       f"{fmt_rate(peer.median('tps'))} loops/s; per repeat {per})")
    for c in [max(k[2] for k in batch)] if batch else []:  # judged at the most clients measured
        lean1 = batch.get(("loop1", "lean", c, 0))
        for workload in ("batch10", "batch50"):
            ext, lean = batch.get((workload, "ext", c, 0)), batch.get((workload, "lean", c, 0))
            n = BATCH_SIZE[workload]
            if lean1:
                r = ratio(ext.median("items_per_s"), lean1.median("items_per_s")) if ext else float("nan")
                per = ", ".join(f"{x:.2f}" for x in paired(ext, lean1, "items_per_s", "items_per_s")) if ext else "–"
                target(f"batches of {n} vs the lean peer's one-item loop, realistic shape, {c} clients",
                       r, r >= 3.0, f"{fmt_ratio(r)} (target ≥ 3.00×; "
                       f"{fmt_rate(ext.median('items_per_s')) if ext else 'not measured'} vs "
                       f"{fmt_rate(lean1.median('items_per_s'))} items/s; per repeat {per})")
            if lean:
                r = ratio(ext.median("items_per_s"), lean.median("items_per_s")) if ext else float("nan")
                per = ", ".join(f"{x:.2f}" for x in paired(ext, lean, "items_per_s", "items_per_s")) if ext else "–"
                target(f"batches of {n} vs the lean peer's batches of {n}, realistic shape, {c} clients",
                       r, r >= 1.0, f"{fmt_ratio(r)} (target ≥ 1.00×; "
                       f"{fmt_rate(ext.median('items_per_s')) if ext else 'not measured'} vs "
                       f"{fmt_rate(lean.median('items_per_s'))} items/s; per repeat {per})")
    free, held = bloat.get(("drain_free", "ext", 8, 0)), bloat.get(("drain_held", "ext", 8, 0))
    if free and held:
        r = ratio(held.median("items_per_s"), free.median("items_per_s"))
        per = ", ".join(f"{x:.2f}" for x in paired(held, free, "items_per_s", "items_per_s"))
        target("under bloat (xmin horizon held), throughput vs the same run without", r, r >= 0.8,
               f"{fmt_ratio(r)} (target ≥ 0.80×; {fmt_rate(held.median('items_per_s'))} vs "
               f"{fmt_rate(free.median('items_per_s'))} items/s; per repeat {per})")
        r = ratio(held.median("claim_p99_ms"), free.median("claim_p99_ms"))
        per = ", ".join(f"{x:.2f}" for x in paired(held, free, "claim_p99_ms", "claim_p99_ms"))
        target("under bloat (xmin horizon held), claim_next p99 vs the same run without", r, r <= 2.0,
               f"{fmt_ratio(r)} (target ≤ 2.00×; {fmt_ms(held.median('claim_p99_ms'))} vs "
               f"{fmt_ms(free.median('claim_p99_ms'))} ms server time; per repeat {per})")
    for impl in ("hint", "lean", "peer"):
        pf, ph = bloat.get(("drain_free", impl, 8, 0)), bloat.get(("drain_held", impl, 8, 0))
        if pf and ph:
            targets.append(
                f"INFO  under bloat, {IMPL_NAMES[impl]}: throughput held ÷ free "
                f"{fmt_ratio(ratio(ph.median('items_per_s'), pf.median('items_per_s')))} "
                f"({fmt_rate(ph.median('items_per_s'))} vs {fmt_rate(pf.median('items_per_s'))} items/s), "
                f"claim p99 held ÷ free {fmt_ratio(ratio(ph.median('claim_p99_ms'), pf.median('claim_p99_ms')))} "
                f"({fmt_ms(ph.median('claim_p99_ms'))} vs {fmt_ms(pf.median('claim_p99_ms'))} ms)")
    out.append("### Targets\n")
    out.append("```")
    out.extend(targets)
    out.append("```")
    out.append("")
    out.append("![throughput against clients](results/throughput.png)\n")

    summary = "\n".join(out)
    os.makedirs(args.dir, exist_ok=True)
    with open(os.path.join(args.dir, "summary.md"), "w") as f:
        f.write("# workitem benchmark results\n\n" + summary.replace("(results/throughput.png)",
                                                                    "(throughput.png)"))

    # The second panel: items/s against items per call (batches), and the bloat runs at 1.
    items_series = []
    if batch:
        c = max(k[2] for k in batch)
        for impl in ("ext", "lean"):
            points = [(BATCH_SIZE[w], cell.median("items_per_s"), cell.low("items_per_s"),
                       cell.high("items_per_s")) for w in BATCH_ORDER
                      for cell in [batch.get((w, impl, c, 0))] if cell]
            if points:
                items_series.append((f"{IMPL_NAMES[impl]}, {c} clients, realistic shape", impl, points))
    for impl in ("ext", "hint", "lean", "peer"):
        for workload, label in (("drain_free", "free"), ("drain_held", "horizon held")):
            cell = bloat.get((workload, impl, 8, 0))
            if cell:
                x = 0.85 if workload == "drain_free" else 1.15
                items_series.append((f"{IMPL_NAMES[impl]}, 8 clients, drain, {label}", f"{impl}:{workload}",
                                     [(x, cell.median("items_per_s"), cell.low("items_per_s"),
                                       cell.high("items_per_s"))]))
    write_plot(args, plot_series, items_series)

    # README: replace what is between the markers.
    if args.readme:
        with open(args.readme) as f:
            readme = f.read()
        begin, end = "<!-- results:begin -->", "<!-- results:end -->"
        if begin in readme and end in readme:
            head, rest = readme.split(begin, 1)
            _, tail = rest.split(end, 1)
            readme = f"{head}{begin}\n{summary}\n{end}{tail}"
            with open(args.readme, "w") as f:
                f.write(readme)
        else:
            print(f"report.py: no results markers in {args.readme}; not updated", file=sys.stderr)

    print()
    print("\n".join(targets))


STYLES = {  # (workload, impl): colour, dash type, point type
    ("loop", "ext"): ("#1f4e9c", 1, 7), ("loop", "peer"): ("#1f4e9c", 2, 6),
    ("loop", "floor"): ("#7a3fb0", 3, 1),
    ("create", "ext"): ("#2a9d3a", 1, 5), ("create", "peer"): ("#2a9d3a", 2, 4),
    ("race", "ext"): ("#c45a00", 1, 9), ("race", "peer"): ("#c45a00", 2, 8),
    ("ceiling", "base"): ("#000000", 1, 13), ("pgbench_N", "base"): ("#888888", 1, 11),
}


ITEM_STYLES = {  # the second panel: colour, dash type, point type
    "ext": ("#1f4e9c", 1, 7), "lean": ("#c45a00", 2, 5),
    "ext:drain_free": ("#1f4e9c", 1, 6), "ext:drain_held": ("#1f4e9c", 1, 7),
    "lean:drain_free": ("#c45a00", 1, 4), "lean:drain_held": ("#c45a00", 1, 5),
    "peer:drain_free": ("#2a9d3a", 1, 8), "peer:drain_held": ("#2a9d3a", 1, 9),
}


def write_plot(args, plot_series, items_series=()):
    """plot.dat (one block per series: clients median low high) and a gnuplot script for the PNG;
    with items_series, a second panel: items/s against items per call."""
    data = os.path.join(args.dir, "plot.dat")
    png = os.path.join(args.dir, "throughput.png")
    plots = []
    count = len(plot_series)
    with open(data, "w") as f:
        for index, (workload, impl, series) in enumerate(plot_series):
            if impl == "base":
                title = WORKLOAD_NAMES[workload]
            else:
                title = f"{IMPL_NAMES[impl]}: {WORKLOAD_NAMES[workload].split(' (')[0]}"
            if workload == "loop":
                title += " (2 tx per loop)"
            if workload == "race":
                title += " (attempts)"
            f.write(f"# {title}\n")
            for c, med, low, high in series:
                f.write(f"{c} {med:.1f} {low:.1f} {high:.1f}\n")
            f.write("\n\n")
            colour, dash, point = STYLES.get((workload, impl), ("#444444", 1, 1))
            # Spread the series a little along x so that their bars do not hide each other.
            shift = 1.0 + 0.025 * (index - (count - 1) / 2)
            plots.append(f"'{data}' index {index} using ($1*{shift:.4f}):2:3:4 with yerrorlines "
                         f"lc rgb '{colour}' dt {dash} pt {point} ps 1.3 lw 2 "
                         f"title '{title.replace(chr(39), '')}'")
    item_plots = []
    with open(data, "a") as f:
        for offset, (title, style, points) in enumerate(items_series):
            f.write(f"# {title}\n")
            for x, med, low, high in points:
                f.write(f"{x} {med:.1f} {low:.1f} {high:.1f}\n")
            f.write("\n\n")
            colour, dash, point = ITEM_STYLES.get(style, ("#444444", 1, 1))
            item_plots.append(f"'{data}' index {count + offset} using 1:2:3:4 with yerrorlines "
                              f"lc rgb '{colour}' dt {dash} pt {point} ps 1.3 lw 2 "
                              f"title '{title.replace(chr(39), '')}'")
    if not args.plot_script:
        return
    with open(args.plot_script, "w") as f:
        if not plots and not item_plots:
            return
        panels = (1 if plots else 0) + (1 if item_plots else 0)
        f.write(f"""set terminal pngcairo size 1100,{860 * panels - 160 * (panels - 1)} font 'DejaVu Sans,11'
set output '{png}'
""")
        if panels > 1:
            f.write("set multiplot layout 2,1\n")
    if plots:
        with open(args.plot_script, "a") as f:
            f.write(f"""set title "workitem vs PL/pgSQL peer vs baselines: committed transactions per second\\n{args.subtitle}; median of repeats, bars: min-max" noenhanced
set logscale x 2
set xtics ("1" 1, "8" 8, "64" 64)
set xrange [0.75:85]
set yrange [0:*]
set xlabel 'clients (pgbench -c N -j 2)' offset 0,0.3
set ylabel 'transactions per second'
set grid ytics lc rgb '#dddddd'
set key outside below center vertical maxrows 5 Left reverse noenhanced samplen 3 spacing 1.1
set format y '%.0f'
plot {", ".join(plots)}
""")
    if item_plots:
        with open(args.plot_script, "a") as f:
            f.write(f"""set title "items per second against items per call (worker loop, realistic shape; bloat runs at 1: left free, right with the xmin horizon held)\\n{args.subtitle}; median of repeats, bars: min-max" noenhanced
set logscale x 2
set xtics ("1" 1, "10" 10, "50" 50)
set xrange [0.7:70]
set xlabel 'items per call (1: claim_next then complete; n: acknowledge n and claim n in one call)' offset 0,0.3 noenhanced
set ylabel 'items per second'
set yrange [0:*]
set grid ytics lc rgb '#dddddd'
set key outside below center vertical maxrows 5 Left reverse noenhanced samplen 3 spacing 1.1
set format y '%.0f'
plot {", ".join(item_plots)}
""")
            if plots:
                f.write("unset multiplot\n")


def patch(args):
    """Sets fields of the last row of the CSV (what is known only after a measurement)."""
    rows = load_for_patch(args.csv)
    for item in args.field:
        key, _, value = item.partition("=")
        rows[-1][key] = value
    with open(args.csv, "w", newline="") as f:
        writer = csv.DictWriter(f, fieldnames=FIELDS)
        writer.writeheader()
        writer.writerows(rows)


def main():
    parser = argparse.ArgumentParser()
    sub = parser.add_subparsers(dest="command", required=True)
    rec = sub.add_parser("record")
    rec.add_argument("--csv", required=True)
    rec.add_argument("--out", required=True)
    rec.add_argument("--logs", required=True)
    rec.add_argument("--field", action="append")
    rec.add_argument("--server-total", help="pg_stat_statements total_exec_time (ms) of the run")
    rep = sub.add_parser("report")
    rep.add_argument("--csv", required=True)
    rep.add_argument("--dir", required=True)
    rep.add_argument("--machine", required=True)
    rep.add_argument("--readme")
    rep.add_argument("--plot-script")
    rep.add_argument("--subtitle", default="")
    pat = sub.add_parser("patch")
    pat.add_argument("--csv", required=True)
    pat.add_argument("--field", action="append", required=True)
    args = parser.parse_args()
    {"record": record, "report": report, "patch": patch}[args.command](args)


if __name__ == "__main__":
    main()
