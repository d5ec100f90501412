#!/usr/bin/env python3
"""Asks a running Prometheus (stack_test.sh's) what it holds: every workitem target up, a metric
of each (the gateway's requests, the relay's deliveries, the exporter's queue depth), every alert
rule evaluated without an error, and every query of the dashboards answered (Grafana's $__
intervals as 1m); the panels the test's work feeds must have data. Waits up to a minute for
the scrapes and evaluations to catch up.
Usage: query_prometheus.py <prometheus url> <repository root>. Exits 1 on any problem."""
import glob
import json
import os
import re
import sys
import time
import urllib.parse
import urllib.request

url, root = sys.argv[1], sys.argv[2]
# Panels the test's work must show (stack_test.sh: three items, one claimed and completed).
MUST_HAVE_DATA = {"Queue depth (offered items)", "Oldest offered item", "Items by state",
                  "Claims and completions (gateway)", "Request latency", "Requests by status code",
                  "Database pool", "Relay lag", "Deliveries and failures", "Breakers and dead letters",
                  "Timer: seconds since the last tick", "Event partitions and consumers"}


def get(path, **params):
    query = urllib.parse.urlencode(params)
    with urllib.request.urlopen(f"{url}{path}?{query}", timeout=10) as answer:
        body = json.load(answer)
    if body.get("status") != "success":
        raise RuntimeError(f"{path} {params}: {body}")
    return body["data"]


def value(expr):
    result = get("/api/v1/query", query=expr)["result"]
    return float(result[0]["value"][1]) if result else None


WANTED = {
    'min(up{job=~"workitem-.*"})': lambda v: v == 1,
    'count(up{job=~"workitem-.*"})': lambda v: v == 3,
    'sum(workitem_http_requests_total{route="/api/v1/workitems/{id}/complete",code="200"})': lambda v: v >= 1,
    "sum(workitem_relay_delivered_total)": lambda v: v >= 6,
    'sum(workitem_offered_items{queue="invoices"})': lambda v: v == 2,
    "min(workitem_timer_last_tick_age_seconds)": lambda v: v < 30,
}


def rules_problems():
    problems, evaluated = [], 0
    for group in get("/api/v1/rules")["groups"]:
        for rule in group["rules"]:
            if rule.get("health") == "err":
                problems.append(f"rule {rule['name']}: {rule.get('lastError')}")
            if rule.get("health") == "ok":
                evaluated += 1
    return problems, evaluated


def dashboard_queries():
    for path in sorted(glob.glob(os.path.join(root, "deploy/grafana/dashboards/*.json"))):
        for panel in json.load(open(path))["panels"]:
            for target in panel.get("targets", []):
                yield panel["title"], re.sub(r"\$__(rate_interval|interval|range)", "1m", target["expr"])


deadline = time.time() + 60
while True:
    problems = []
    for expr, ok in WANTED.items():
        got = value(expr)
        if got is None or not ok(got):
            problems.append(f"{expr} = {got}")
    rule_errors, evaluated = rules_problems()
    problems += rule_errors
    if evaluated == 0:
        problems.append("no alert rule evaluated yet")
    with_data, without = set(), set()
    for title, expr in dashboard_queries():
        try:
            (with_data if get("/api/v1/query", query=expr)["result"] else without).add(title)
        except Exception as error:  # a query Prometheus refuses
            problems.append(f"dashboard panel {title!r}: {error}")
    for title in sorted(MUST_HAVE_DATA - with_data):
        problems.append(f"dashboard panel {title!r}: no data")
    if not problems or time.time() > deadline:
        break
    time.sleep(1)
for line in problems:
    print(line)
print(f"{evaluated} alert rules evaluated; dashboard panels with data: {len(with_data)}, "
      f"without: {sorted(without - with_data)}")
sys.exit(1 if problems else 0)
