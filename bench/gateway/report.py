#!/usr/bin/env python3
"""The rows of bench/gateway/run, shown one by one and summed up in bench/results/gateway.md.

A row is tab-separated: side (gateway|direct), op (get|loop), connections, repeat, then
  gateway: wrk's RESULT document (get.lua / loop.lua), the gateway's CPU time in the window (us),
           its RSS at the end (KiB);
  direct:  client_bench's line (impl op threads synchronous_commit ops seconds ops_per_s p50_ms
           p99_ms client_cpu_us_per_op server_cpu_us_per_op other_cores drained).

  report.py show < one row
  report.py report ROWS OUT --mode M --duration D --warmup W --commit C --cores N
                   --gateway-pool P --bouncer-pool B
"""
import argparse
import json
import statistics
import sys

TARGETS = {64: 0.8, 1000: 1.0}


def parse(line):
    fields = line.rstrip("\n").split("\t")
    side, op, connections, repeat = fields[0], fields[1], int(fields[2]), int(fields[3])
    row = {"side": side, "op": op, "connections": connections, "repeat": repeat}
    if side == "gateway":
        result = json.loads(fields[4])
        done = result["loops"] if op == "loop" else result["requests"]
        row.update(
            ops_per_s=done / result["seconds"],
            p50_ms=result["p50_ms"],
            p99_ms=result["p99_ms"],
            failed=result["failed"],
            empty=result.get("empty", 0),
            cpu_us_per_request=int(fields[5]) / max(result["requests"], 1),
            rss_mib=int(fields[6]) / 1024,
        )
    else:
        bench = fields[4:]
        row.update(ops_per_s=float(bench[6]), p50_ms=float(bench[7]), p99_ms=float(bench[8]),
                   failed=0, drained=bench[12] == "1")
    return row


def show(row):
    extra = ""
    if row["side"] == "gateway":
        extra = (f"  gateway {row['cpu_us_per_request']:6.1f} us CPU/request, "
                 f"RSS {row['rss_mib']:.0f} MiB, {row['failed']} failed")
    print(f"  {row['side']:7s} {row['op']:4s} {row['connections']:5d} conns  "
          f"{row['ops_per_s']:9.0f} ops/s  p50 {row['p50_ms']:8.3f} ms  "
          f"p99 {row['p99_ms']:8.3f} ms{extra}")


def median(rows, key):
    return statistics.median(r[key] for r in rows) if rows else float("nan")


def report(args):
    rows = [parse(line) for line in open(args.rows) if line.strip()]
    out = []
    out.append("### Gateway against direct libworkitem (`bench/gateway/run`)\n")
    out.append(
        f"{args.mode} run at commit {args.commit}, {args.cores} cores: "
        f"{args.duration} s per measurement after {args.warmup} s of warm-up, repeats "
        f"interleaved (medians; the side that goes first alternates). Gateway: wrk "
        f"(`get.lua`, `loop.lua`) with a token per user, {args.gateway_pool} database connections, "
        f"its request log discarded. Direct: `client_bench --impl client`, one connection a thread "
        f"(64: straight to PostgreSQL; 1,000: through pgbouncer, transaction pooling, "
        f"{args.bouncer_pool} server connections). Both log in as the same `workitem_service` "
        f"login. *ops/s*: GETs, or worker loops (claim-next then complete) completed. Latency: "
        f"per HTTP request for the gateway (a loop is two requests), per call (get) or per loop "
        f"for direct.\n")
    out.append("| op | connections | gateway ops/s | direct ops/s | ratio | target | gateway p50 / p99 ms "
               "| direct p50 / p99 ms | gateway CPU µs/request | gateway RSS MiB | failed |")
    out.append("|---|--:|--:|--:|--:|---|--:|--:|--:|--:|--:|")
    verdicts = []
    for op in ("get", "loop"):
        for connections in sorted({r["connections"] for r in rows}):
            gw = [r for r in rows if r["side"] == "gateway" and r["op"] == op
                  and r["connections"] == connections]
            direct = [r for r in rows if r["side"] == "direct" and r["op"] == op
                      and r["connections"] == connections]
            if not gw or not direct:
                continue
            ratio = median(gw, "ops_per_s") / median(direct, "ops_per_s")
            target = TARGETS.get(connections)
            verdict = "—" if target is None else ("PASS" if ratio >= target else "FAIL")
            verdicts.append(f"{verdict} {op} at {connections}: gateway / direct = {ratio:.2f} "
                            f"(target >= {target})")
            drained = " ⚠ drained" if any(r.get("drained") for r in direct) else ""
            out.append(
                f"| {op} | {connections} | {median(gw, 'ops_per_s'):.0f} | "
                f"{median(direct, 'ops_per_s'):.0f}{drained} | {ratio:.2f} | "
                f"≥ {target} {verdict} | {median(gw, 'p50_ms'):.2f} / {median(gw, 'p99_ms'):.2f} | "
                f"{median(direct, 'p50_ms'):.2f} / {median(direct, 'p99_ms'):.2f} | "
                f"{median(gw, 'cpu_us_per_request'):.0f} | {max(r['rss_mib'] for r in gw):.0f} | "
                f"{sum(r['failed'] for r in gw)} |")
    out.append("")
    out.append("Targets (reported, never fatal):\n")
    out.extend(f"- {v}" for v in verdicts)
    out.append("")
    with open(args.out, "w") as handle:
        handle.write("\n".join(out) + "\n")


def main():
    if sys.argv[1:2] == ["show"]:
        for line in sys.stdin:
            if line.strip():
                show(parse(line))
        return
    parser = argparse.ArgumentParser()
    parser.add_argument("command", choices=["report"])
    parser.add_argument("rows")
    parser.add_argument("out")
    for name in ("mode", "duration", "warmup", "commit", "cores", "gateway-pool", "bouncer-pool"):
        parser.add_argument("--" + name, required=True)
    report(parser.parse_args())


if __name__ == "__main__":
    main()
