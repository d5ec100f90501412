#!/usr/bin/env python3
"""The numbers of bench/relay/run (bench/README.md, "The relay").

  report.py rate <arrivals> [field=value ...]          one JSON line: events/s at the sink
  report.py latency <written> <arrivals> [field=value ...]
                                                       one JSON line: commit-to-sink p50/p99/max
  report.py loop <tps> [field=value ...]               one JSON line: the loop's loops/s
  report.py summary <rows.jsonl> <meta.json> <out.md>  the results page, with the targets

<arrivals> and <written> hold "key<TAB>nanoseconds" lines (bench/relay/arrivals.cpp,
bench/relay/writer.cpp). A rate is (events - 1) / (last arrival - first arrival): the sink's own
pace, without the relay's start. A latency is an event's arrival minus its COMMIT's return, per
key; percentiles by nearest rank."""
import json
import math
import statistics
import sys


def read_times(path):
    times = {}
    with open(path) as file:
        for line in file:
            key, at = line.split("\t")
            times[key] = int(at)
    return times


def fields(args):
    out = {}
    for arg in args:
        name, value = arg.split("=", 1)
        try:
            out[name] = float(value) if "." in value else int(value)
        except ValueError:
            out[name] = value
    return out


def nearest_rank(values, share):
    ordered = sorted(values)
    return ordered[max(0, math.ceil(share * len(ordered)) - 1)]


def rate(arrivals_path, extra):
    times = sorted(read_times(arrivals_path).values())
    seconds = (times[-1] - times[0]) / 1e9 if len(times) > 1 else 0.0
    events_per_s = (len(times) - 1) / seconds if seconds > 0 else 0.0
    return {**extra, "events": len(times), "seconds": round(seconds, 3),
            "events_per_s": round(events_per_s)}


def latency(written_path, arrivals_path, extra):
    written = read_times(written_path)
    arrived = read_times(arrivals_path)
    ms = [(arrived[key] - at) / 1e6 for key, at in written.items() if key in arrived]
    return {**extra, "written": len(written), "arrived": len(ms),
            "p50_ms": round(nearest_rank(ms, 0.50), 1) if ms else None,
            "p99_ms": round(nearest_rank(ms, 0.99), 1) if ms else None,
            "max_ms": round(max(ms), 1) if ms else None}


def median_of(rows, field):
    values = [row[field] for row in rows if row.get(field) is not None]
    return round(statistics.median(values), 1) if values else None


def spread(rows, field):
    values = [row[field] for row in rows if row.get(field) is not None]
    return f"{min(values):,.0f}–{max(values):,.0f}" if len(values) > 1 else ""


def summary(rows_path, meta_path, out_path):
    rows = [json.loads(line) for line in open(rows_path) if line.strip()]
    meta = json.load(open(meta_path))
    lines = [f"# bench/relay/run ({meta['started']}, {meta['mode']})", ""]
    lines += [f"- **Machine**: {meta['cores']} cores, load average {meta['load_before']} before "
              f"and {meta['load_after']} after the run (1, 5, 15 min). {meta['note']}",
              f"- **Server**: {meta['server']}, private cluster on 127.0.0.1, synchronous_commit "
              f"on, `workitem` preloaded; workitem at commit {meta['commit']}; "
              f"PgQ {meta['pgq']}; nats-server {meta['nats']}",
              f"- **Relay**: {meta['relay']}", ""]

    lines += ["## Events/s to each sink", "",
              f"A backlog of {meta['backlog']:,} committed events (`workitem.created`, "
              f"transactions of 1,000), drained by a fresh consumer; events/s between the first "
              f"and the last arrival at the sink's far end. Relay: `--batch-size 1000`; the webhook "
              f"with its default `concurrency` 16 and NATS both in waves (docs/relay.md, Sinks). "
              f"PgQ: "
              f"its queue holds the same number of events with a workitem event's payload, a tick "
              f"after each 1,000 (batches of 1,000), and bench/relay/pgq_consumer writes each as "
              f"an NDJSON line to a pipe, one write(2) each, as the relay's stdout sink does. "
              f"Median of {meta['repeats']} repeat(s) (min–max).", "",
              "| path | events/s | ratio to PgQ → stdout |", "|---|--:|--:|"]
    rates = {}
    for path in ["pgq/stdout", "relay/stdout", "relay/webhook", "relay/nats"]:
        mine = [r for r in rows if r["kind"] == "rate" and r["path"] == path]
        rates[path] = median_of(mine, "events_per_s")
    for path, value in rates.items():
        mine = [r for r in rows if r["kind"] == "rate" and r["path"] == path]
        ratio = (f"{value / rates['pgq/stdout']:.2f}×"
                 if value and rates.get("pgq/stdout") else "")
        shown = f"{value:,.0f}" if value is not None else "—"
        extra = spread(mine, "events_per_s")
        lines.append(f"| {path} | {shown}{f' ({extra})' if extra else ''} | {ratio} |")

    lines += ["", "## Commit-to-sink latency", "",
              f"A writer commits {meta['rate']:,} events/s ({meta['per_tx']} `workitem_create` "
              f"per transaction, {meta['rate'] // meta['per_tx']} transactions/s on a schedule, "
              f"two connections) for {meta['latency_seconds']} s. Per event: the wall clock at "
              f"which the sink's far end had it minus the one at which its transaction's COMMIT "
              f"returned to the writer (one machine, one clock; keyed by item id or PgQ's "
              f"ev_id, outside the payload). The relay runs with its defaults: wake-ups on "
              f"(`workitem_await_events`), `--idle-wait-ms 500`, batches of up to 500, the "
              f"webhook's `concurrency` 16. PgQ: "
              f"`pgq.ticker()` every {meta['tick_ms']} ms from its own connection, the queue's "
              f"`ticker_max_lag` 0 (a tick whenever events came; PgQ's default waits up to 3 s, "
              f"and `pgqd` ticks once a second by default); its consumer polls again "
              f"{meta['poll_ms']} ms after an empty poll. Median of repeats (min–max of p99).",
              "", "| path | events | p50 ms | p99 ms | max ms | writer's worst lag ms |",
              "|---|--:|--:|--:|--:|--:|"]
    p99 = {}
    for path in ["relay/webhook", "relay/stdout", "relay/webhook-poll", "relay/webhook-linger",
                 "pgq/stdout"]:
        mine = [r for r in rows if r["kind"] == "latency" and r["path"] == path]
        if not mine:
            continue
        p99[path] = median_of(mine, "p99_ms")
        extra = spread(mine, "p99_ms").replace(",", "")
        lines.append(f"| {path} | {median_of(mine, 'arrived'):,.0f} of "
                     f"{median_of(mine, 'written'):,.0f} | {median_of(mine, 'p50_ms')} | "
                     f"{p99[path]}{f' ({extra})' if extra else ''} | {median_of(mine, 'max_ms')} | "
                     f"{median_of(mine, 'lag_ms'):.1f} |")

    lines += ["", "## The worker loop with the relay attached", "",
              f"create + claim_next + complete (three transactions), {meta['clients']} pgbench "
              f"clients, `-M prepared`, {meta['loop_seconds']} s per measurement, "
              f"{meta['repeats']} repeat(s) interleaved: nothing attached, a relay with one "
              f"stdout sink (to /dev/null) following every event the loop writes, and the same "
              f"relay with `--linger-ms {meta.get('linger_ms', 10)}` (relay-linger).", "",
              "| attached | loops/s (each repeat) | median |", "|---|--:|--:|"]
    loops = {}
    for variant in ["none", "relay", "relay-linger"]:
        mine = [r for r in rows if r["kind"] == "loop" and r["variant"] == variant]
        loops[variant] = median_of(mine, "tps")
        each = ", ".join(f"{r['tps']:,.0f}" for r in mine)
        lines.append(f"| {variant} | {each} | {loops[variant]:,.0f} |" if mine else
                     f"| {variant} | — | — |")

    def verdict(ok):
        return "PASS" if ok else "FAIL"
    targets = []
    if rates.get("relay/stdout") and rates.get("pgq/stdout"):
        ratio = rates["relay/stdout"] / rates["pgq/stdout"]
        targets.append(f"{verdict(ratio >= 1.0)}  rate to stdout: relay "
                       f"{rates['relay/stdout']:,.0f} events/s, PgQ {rates['pgq/stdout']:,.0f}: "
                       f"{ratio:.2f}× (target ≥ 1.00×)")
    if p99.get("relay/webhook") is not None:
        targets.append(f"{verdict(p99['relay/webhook'] < 30)}  commit-to-webhook p99 at "
                       f"{meta['rate']:,} events/s: {p99['relay/webhook']} ms (target < 30 ms)")
    if loops.get("none") and loops.get("relay"):
        ratio = loops["relay"] / loops["none"]
        targets.append(f"{verdict(ratio >= 0.95)}  worker loop with the relay attached: "
                       f"{ratio:.2f}× without it (target ≥ 0.95×)")
    if loops.get("none") and loops.get("relay-linger"):
        targets.append(f"INFO  worker loop with the relay attached, --linger-ms "
                       f"{meta.get('linger_ms', 10)}: {loops['relay-linger'] / loops['none']:.2f}× "
                       f"without it")
    if p99.get("relay/webhook-linger") is not None:
        targets.append(f"INFO  commit-to-webhook p99 with --linger-ms {meta.get('linger_ms', 10)}: "
                       f"{p99['relay/webhook-linger']} ms")
    if p99.get("pgq/stdout") is not None:
        targets.append(f"INFO  PgQ's commit-to-stdout p99: {p99['pgq/stdout']} ms "
                       f"(ticker every {meta['tick_ms']} ms)")
    lines += ["", "## Targets", "", "```", *targets, "```", ""]
    with open(out_path, "w") as out:
        out.write("\n".join(lines))
    print("\n".join(lines))


def main():
    mode, args = sys.argv[1], sys.argv[2:]
    if mode == "rate":
        print(json.dumps(rate(args[0], fields(args[1:]))))
    elif mode == "latency":
        print(json.dumps(latency(args[0], args[1], fields(args[2:]))))
    elif mode == "loop":
        print(json.dumps({**fields(args[1:]), "tps": float(args[0])}))
    elif mode == "summary":
        summary(*args)
    else:
        sys.exit(f"report.py: unknown mode {mode}")


if __name__ == "__main__":
    main()
