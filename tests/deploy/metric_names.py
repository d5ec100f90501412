"""The metric names the stack exposes, read from their sources (so that rules and dashboards
name only metrics that exist), and the metric names a PromQL expression uses.
- the gateway's and the relay's: every "workitem_..." name in client/gateway/src and
  client/relay/src (a histogram adds _bucket, _sum and _count);
- the database's: deploy/prometheus/postgres-exporter-queries.yaml, <key>_<column> for each
  GAUGE or COUNTER column, and the exporter's own pg_up;
- Prometheus's own: up."""
import glob
import os
import re

import yaml

PROMQL_WORDS = {
    "by", "without", "on", "ignoring", "group_left", "group_right", "bool", "and", "or", "unless",
    "offset", "inf", "nan", "sum", "min", "max", "avg", "count", "stddev", "stdvar", "topk",
    "bottomk", "quantile", "count_values", "group",
}


def source_metrics(root):
    names = set()
    for pattern in ("client/gateway/src/*.cpp", "client/relay/src/*.cpp"):
        for path in glob.glob(os.path.join(root, pattern)):
            text = open(path).read()
            for name in re.findall(r'"(workitem_[a-z0-9_]+)', text):
                names.add(name)
                if "histogram" in text and name.endswith("_seconds"):
                    names.update({name + "_bucket", name + "_sum", name + "_count"})
    return names


def exporter_metrics(root):
    path = os.path.join(root, "deploy/prometheus/postgres-exporter-queries.yaml")
    names = {"pg_up"}
    for prefix, query in yaml.safe_load(open(path)).items():
        for column in query["metrics"]:
            (name, spec), = column.items()
            if spec["usage"] in ("GAUGE", "COUNTER"):
                names.add(f"{prefix}_{name}")
    return names


def known_metrics(root):
    return source_metrics(root) | exporter_metrics(root) | {"up"}


def used_metrics(expr):
    text = re.sub(r'"(?:[^"\\]|\\.)*"', '""', expr)           # strings
    text = re.sub(r"\{[^}]*\}", "", text)                      # label matchers
    text = re.sub(r"\[[^\]]*\]", "", text)                     # ranges and subqueries
    text = re.sub(r"\b(by|without|on|ignoring|group_left|group_right)\s*\([^)]*\)", " ", text)
    text = re.sub(r"\$\w+", " ", text)                         # Grafana variables ($__rate_interval)
    names = set()
    for match in re.finditer(r"(?<![\w.])([a-zA-Z_:][a-zA-Z0-9_:]*)\s*(\()?", text):
        word, call = match.group(1), match.group(2)
        if call or word.lower() in PROMQL_WORDS or re.fullmatch(r"\d+[smhdwy]", word):
            continue
        names.add(word)
    return names
