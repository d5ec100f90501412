#!/usr/bin/env python3
"""Checks what a sink received against what was committed (docs/relay.md, Delivery guarantees):
every expected event arrived, nothing else did, each item's events arrived in version order
(after dropping repeats: at least once allows an event twice, always with its own id), and an
event that came twice came with the same content.
  check_delivery.py <expected.ndjson> <received.ndjson> [--no-duplicates | --duplicates]
(--duplicates: some event must have come twice, as after a kill in the middle of a batch)
expected: {"id", "item", "version"} per line; received: event envelopes (docs/events/README.md),
one a line. Prints one line and exits 1 on a failure."""
import json
import sys


def main():
    expected_file, received_file = sys.argv[1], sys.argv[2]
    expected = [json.loads(line) for line in open(expected_file) if line.strip()]
    received = []
    for number, line in enumerate(open(received_file), 1):
        if not line.strip():
            continue
        try:
            received.append(json.loads(line))
        except json.JSONDecodeError:
            print(f"line {number} of {received_file} is not JSON: {line[:80]!r}")
            return 1
    wanted = {e["id"]: e for e in expected}
    seen = {}
    duplicates = 0
    last_version = {}
    for event in received:
        key = event["id"]
        if key not in wanted:
            print(f"unexpected event {key}")
            return 1
        if key in seen:
            duplicates += 1
            if seen[key] != event:
                print(f"event {key} came twice with different content")
                return 1
            continue
        seen[key] = event
        item, version = event["aggregateid"], event["aggregate_version"]
        if version != last_version.get(item, 0) + 1 and item in last_version:
            print(f"item {item}: version {version} after {last_version[item]}")
            return 1
        last_version[item] = version
    missing = [k for k in wanted if k not in seen]
    if missing:
        print(f"{len(missing)} of {len(wanted)} events missing, e.g. {missing[0]}")
        return 1
    if "--no-duplicates" in sys.argv and duplicates:
        print(f"{duplicates} duplicates")
        return 1
    if "--duplicates" in sys.argv and not duplicates:
        print("no duplicates: nothing was delivered twice")
        return 1
    print(f"ok: {len(wanted)} events, {duplicates} duplicates, {len(last_version)} items in order")
    return 0


if __name__ == "__main__":
    sys.exit(main())
