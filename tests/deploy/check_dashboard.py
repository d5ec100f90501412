#!/usr/bin/env python3
"""Checks the Grafana dashboards of deploy/grafana/dashboards/: every panel has a query, on the
provisioned datasource (deploy/grafana/provisioning/datasources/); every query parses as PromQL
(each is written, with Grafana's $__ intervals as 5m, as a recording rule into a rules file that
`promtool check rules` parses: promtool has no offline PromQL parser of its own); and every
query names only metrics that exist (metric_names.py).
Usage: check_dashboard.py <repository root> <scratch dir>. Exits 1 on any problem."""
import glob
import json
import os
import re
import subprocess
import sys

import yaml

sys.path.insert(0, os.path.dirname(__file__))
from metric_names import known_metrics, used_metrics  # noqa: E402

root, scratch = sys.argv[1], sys.argv[2]
known = known_metrics(root)
problems = []
datasource_uids = set()
for path in glob.glob(os.path.join(root, "deploy/grafana/provisioning/datasources/*.yaml")):
    for source in yaml.safe_load(open(path))["datasources"]:
        datasource_uids.add(source["uid"])
rules = []
dashboards = sorted(glob.glob(os.path.join(root, "deploy/grafana/dashboards/*.json")))
if not dashboards:
    problems.append("no dashboard")
for path in dashboards:
    name = os.path.basename(path)
    dashboard = json.load(open(path))
    panels = [p for p in dashboard["panels"] if p["type"] != "row"]
    if not panels:
        problems.append(f"{name}: no panels")
    for panel in panels:
        where = f"{name}: panel {panel['title']!r}"
        targets = panel.get("targets", [])
        if not targets:
            problems.append(f"{where}: no query")
        for target in targets:
            uid = (target.get("datasource") or panel.get("datasource") or {}).get("uid")
            if uid not in datasource_uids:
                problems.append(f"{where}: datasource {uid!r} is not provisioned")
            expr = re.sub(r"\$__(rate_interval|interval|range)", "5m", target["expr"])
            if "$" in expr:
                problems.append(f"{where}: unknown variable in {target['expr']}")
            rules.append({"record": f"panel:{len(rules)}", "expr": expr})
            for metric in sorted(used_metrics(expr) - known):
                problems.append(f"{where}: names {metric}, which nothing exports")
rules_file = os.path.join(scratch, "dashboard-queries.rules.yml")
with open(rules_file, "w") as handle:
    yaml.safe_dump({"groups": [{"name": "dashboard", "rules": rules}]}, handle)
checked = subprocess.run(["promtool", "check", "rules", rules_file], capture_output=True, text=True)
if checked.returncode != 0:
    problems.append("a query does not parse:\n" + checked.stdout + checked.stderr)
for line in problems:
    print(line)
print(f"{len(rules)} queries checked")
sys.exit(1 if problems else 0)
