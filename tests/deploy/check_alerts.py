#!/usr/bin/env python3
"""Every alert of deploy/prometheus/rules/ is expected to fire by at least one case of the rules'
unit tests, has a runbook section (a heading with its name) in docs/monitoring.md and a runbook
annotation pointing there, and names only metrics that exist (metric_names.py).
Usage: check_alerts.py <repository root>. Prints each problem; exits 1 on any."""
import glob
import os
import sys

import yaml

sys.path.insert(0, os.path.dirname(__file__))
from metric_names import known_metrics, used_metrics  # noqa: E402

root = sys.argv[1]
known = known_metrics(root)
problems = []
alerts = {}
for path in glob.glob(os.path.join(root, "deploy/prometheus/rules/*.yml")):
    for group in yaml.safe_load(open(path))["groups"]:
        for rule in group["rules"]:
            if "alert" in rule:
                alerts[rule["alert"]] = rule
fired = set()
for path in glob.glob(os.path.join(root, "deploy/prometheus/tests/*.yml")):
    for test in yaml.safe_load(open(path))["tests"]:
        for case in test.get("alert_rule_test", []):
            if case.get("exp_alerts"):
                fired.add(case["alertname"])
monitoring = os.path.join(root, "docs/monitoring.md")
headings = set()
if os.path.exists(monitoring):
    headings = {line.lstrip("#").strip() for line in open(monitoring) if line.startswith("#")}
for name, rule in sorted(alerts.items()):
    if name not in fired:
        problems.append(f"{name}: no unit test expects it to fire")
    if name not in headings:
        problems.append(f"{name}: no runbook heading in docs/monitoring.md")
    if rule.get("annotations", {}).get("runbook") != f"docs/monitoring.md#{name.lower()}":
        problems.append(f"{name}: runbook annotation must be docs/monitoring.md#{name.lower()}")
    for metric in sorted(used_metrics(rule["expr"]) - known):
        problems.append(f"{name}: names {metric}, which nothing exports")
if not alerts:
    problems.append("no alerts found")
for line in problems:
    print(line)
sys.exit(1 if problems else 0)
