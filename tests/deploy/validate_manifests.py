#!/usr/bin/env python3
"""Validates rendered Kubernetes manifests (kubectl kustomize's output) against the schemas kept
in schemas/kubernetes-subset.schema.json (schemas/README.md), then checks what a schema cannot:
- every workload's selector matches its pod template's labels, and every Service's and
  PodDisruptionBudget's selector matches a workload's pods;
- a Service's named targetPort is a port of the pods it selects;
- every ConfigMap a pod uses is rendered; every Secret it uses is one the docs list
  (docs/deployment.md, Kubernetes) and none is rendered (secrets are never committed);
- every volumeMount names a volume of its pod;
- every container has resource requests and a memory limit; the gateway's and the relay's
  containers probe /livez (liveness) and /readyz (readiness);
- every object has a namespace.
Usage: validate_manifests.py <rendered.yaml>... Prints file: kind/name: problem; exits 1 on any."""
import json
import os
import sys

import jsonschema
import yaml

SECRETS = {"workitem-db-passwords", "workitem-gateway-db", "workitem-gateway-jwt", "workitem-relay-db",
           "workitem-exporter-db"}
PROBED = {"workitem-gateway", "workitem-relay"}
here = os.path.dirname(os.path.abspath(__file__))
schema = json.load(open(os.path.join(here, "schemas/kubernetes-subset.schema.json")))


def validator_for(kind):
    if kind not in schema["$defs"] or kind[0].islower():
        return None
    return jsonschema.Draft202012Validator({"$ref": f"#/$defs/{kind}", "$defs": schema["$defs"]})


def matches(selector, labels):
    return bool(selector) and all(labels.get(k) == v for k, v in selector.items())


def check(path):
    problems = []
    docs = [d for d in yaml.safe_load_all(open(path)) if d]
    if not docs:
        return [f"{path}: nothing rendered"]
    workloads = [d for d in docs if d["kind"] in ("Deployment", "StatefulSet")]
    configmaps = {d["metadata"]["name"] for d in docs if d["kind"] == "ConfigMap"}
    for doc in docs:
        where = f"{path}: {doc.get('kind')}/{doc.get('metadata', {}).get('name')}"
        if doc.get("kind") == "Secret":
            problems.append(f"{where}: a Secret is rendered; secrets are created apart, never committed")
            continue
        validator = validator_for(doc.get("kind", ""))
        if validator is None:
            problems.append(f"{where}: no schema for this kind (add it to schemas/)")
            continue
        for error in sorted(validator.iter_errors(doc), key=lambda e: list(e.absolute_path)):
            location = "/".join(str(p) for p in error.absolute_path)
            problems.append(f"{where}: {location}: {error.message[:300]}")
        if not doc["metadata"].get("namespace"):
            problems.append(f"{where}: no namespace")
        spec = doc.get("spec", {})
        if doc["kind"] in ("Deployment", "StatefulSet"):
            pod_labels = spec["template"].get("metadata", {}).get("labels", {})
            if not matches(spec["selector"].get("matchLabels"), pod_labels):
                problems.append(f"{where}: selector does not match the pod template's labels")
            pod = spec["template"]["spec"]
            volumes = {v["name"]: v for v in pod.get("volumes", [])}
            claims = {c["metadata"]["name"] for c in spec.get("volumeClaimTemplates", [])}
            for volume in volumes.values():
                if "configMap" in volume and volume["configMap"]["name"] not in configmaps:
                    problems.append(f"{where}: volume {volume['name']}: ConfigMap {volume['configMap']['name']} not rendered")
                if "secret" in volume and volume["secret"]["secretName"] not in SECRETS:
                    problems.append(f"{where}: volume {volume['name']}: Secret {volume['secret']['secretName']} "
                                    "is not one docs/deployment.md lists")
            for container in pod["containers"]:
                cwhere = f"{where}: container {container['name']}"
                for mount in container.get("volumeMounts", []):
                    if mount["name"] not in volumes and mount["name"] not in claims:
                        problems.append(f"{cwhere}: mounts {mount['name']}, no such volume")
                for source in container.get("envFrom", []):
                    ref = source.get("configMapRef")
                    if ref and ref["name"] not in configmaps:
                        problems.append(f"{cwhere}: ConfigMap {ref['name']} not rendered")
                    if source.get("secretRef") and source["secretRef"]["name"] not in SECRETS:
                        problems.append(f"{cwhere}: Secret {source['secretRef']['name']} is not listed")
                for env in container.get("env", []):
                    ref = env.get("valueFrom", {}).get("secretKeyRef")
                    if ref and ref["name"] not in SECRETS:
                        problems.append(f"{cwhere}: Secret {ref['name']} is not listed")
                resources = container.get("resources", {})
                if not resources.get("requests") or "memory" not in resources.get("limits", {}):
                    problems.append(f"{cwhere}: needs resource requests and a memory limit")
                if doc["metadata"]["name"] in PROBED:
                    for probe, path_ in (("livenessProbe", "/livez"), ("readinessProbe", "/readyz")):
                        got = container.get(probe, {}).get("httpGet", {}).get("path")
                        if got != path_:
                            problems.append(f"{cwhere}: {probe} must GET {path_} (has {got})")
        if doc["kind"] in ("Service", "PodDisruptionBudget"):
            selector = spec.get("selector", {})
            selector = selector.get("matchLabels", selector) if doc["kind"] == "PodDisruptionBudget" else selector
            targets = [w for w in workloads
                       if matches(selector, w["spec"]["template"].get("metadata", {}).get("labels", {}))]
            if not targets:
                problems.append(f"{where}: its selector matches no workload's pods")
            if doc["kind"] == "Service":
                names = {p.get("name") for w in targets for c in w["spec"]["template"]["spec"]["containers"]
                         for p in c.get("ports", [])}
                for port in spec.get("ports", []):
                    target = port.get("targetPort")
                    if isinstance(target, str) and target not in names:
                        problems.append(f"{where}: targetPort {target} is no port of its pods")
    return problems


all_problems = []
for rendered in sys.argv[1:]:
    all_problems += check(rendered)
for line in all_problems:
    print(line)
sys.exit(1 if all_problems else 0)
