#!/usr/bin/env python3
"""A small renderer for the kustomize features deploy/kubernetes/ uses, for machines whose kubectl
lacks kustomize v5 (Debian 12's: no `patches:`). It follows kustomize's documented semantics
(https://kubectl.docs.kubernetes.io/references/kustomize/kustomization/) for exactly these
fields, and refuses any other: resources (files and folders), namespace, labels (pairs,
includeSelectors: false: metadata labels only), configMapGenerator (envs, files with key=path,
literals, behavior: merge in an overlay; names get kustomize's content hash suffix and every
configMapRef and configMap volume is renamed to match), images (newTag), replicas, patches (a
strategic-merge file matched by kind and name, lists of named elements merged by name, `$patch:
delete`; or a JSON 6902 patch with a target kind and name: add, remove, replace).
tests/deploy/run compares its output with kubectl's wherever kubectl has kustomize v5.
Usage: kustomize.py <kustomization folder>   (the manifests on standard output)"""
import copy
import hashlib
import json
import os
import sys

import yaml

KNOWN = {"apiVersion", "kind", "resources", "namespace", "labels", "configMapGenerator", "images",
         "replicas", "patches"}
MERGE_BY_NAME = {"containers", "initContainers", "env", "volumes", "volumeMounts", "ports"}


def config_map_hash(data):
    """kustomize's hasher: sha256 of the JSON {"data", "kind", "name"} (keys sorted, Go's escaping;
    the name is empty when a generator hashes), its first 10 hex digits with 0 1 3 a e written
    g h k m t (no vowels, no look-alikes)."""
    text = json.dumps(data, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    text = text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
    digest = hashlib.sha256(text.encode()).hexdigest()[:10]
    return digest.translate(str.maketrans("013ae", "ghkmt"))


def read_env(path):
    values = {}
    for line in open(path):
        line = line.strip()
        if line and not line.startswith("#"):
            key, _, value = line.partition("=")
            values[key] = value
    return values


def generate(spec, folder):
    data = {}
    for env in spec.get("envs", []):
        data.update(read_env(os.path.join(folder, env)))
    for entry in spec.get("files", []):
        key, _, path = entry.rpartition("=") if "=" in entry else (os.path.basename(entry), "", entry)
        data[key] = open(os.path.join(folder, path)).read()
    for literal in spec.get("literals", []):
        key, _, value = literal.partition("=")
        data[key] = value
    return data


def strategic_merge(target, patch):
    for key, value in patch.items():
        if isinstance(value, dict) and isinstance(target.get(key), dict):
            strategic_merge(target[key], value)
        elif key in MERGE_BY_NAME and isinstance(value, list) and isinstance(target.get(key), list):
            added = []  # elements only the patch has come first, in its order (as kustomize does)
            for element in value:
                found = [t for t in target[key] if t.get("name") == element.get("name")]
                if element.get("$patch") == "delete":
                    target[key] = [t for t in target[key] if t.get("name") != element.get("name")]
                elif found:
                    strategic_merge(found[0], element)
                else:
                    added.append(copy.deepcopy(element))
            target[key] = added + target[key]
        else:
            target[key] = copy.deepcopy(value)


def json6902(target, operations):
    for operation in operations:
        *parents, last = [p.replace("~1", "/").replace("~0", "~") for p in operation["path"].split("/")[1:]]
        node = target
        for part in parents:
            node = node[int(part)] if isinstance(node, list) else node[part]
        key = int(last) if isinstance(node, list) else last
        if operation["op"] in ("add", "replace"):
            if operation["op"] == "replace" and (key not in node if isinstance(node, dict) else key >= len(node)):
                raise ValueError(f"replace {operation['path']}: nothing there")
            if isinstance(node, list) and operation["op"] == "add":
                node.insert(key, operation["value"])
            else:
                node[key] = operation["value"]
        elif operation["op"] == "remove":
            del node[key]
        else:
            raise ValueError(f"JSON patch op {operation['op']} is not supported here")


def build(folder):
    """Returns (objects, generated ConfigMaps' data by name) of the kustomization in folder."""
    kustomization = yaml.safe_load(open(os.path.join(folder, "kustomization.yaml")))
    unknown = set(kustomization) - KNOWN
    if unknown:
        raise ValueError(f"{folder}: fields this renderer does not know: {sorted(unknown)}")
    objects, generated = [], {}
    for resource in kustomization.get("resources", []):
        path = os.path.join(folder, resource)
        if os.path.isdir(path):
            more, more_generated = build(path)
            objects += more
            generated.update(more_generated)
        else:
            objects += [d for d in yaml.safe_load_all(open(path)) if d]
    for spec in kustomization.get("configMapGenerator", []):
        data = generate(spec, folder)
        if spec.get("behavior") == "merge":
            generated[spec["name"]].update(data)
        elif spec["name"] in generated:
            raise ValueError(f"ConfigMap {spec['name']} generated twice (behavior: merge?)")
        else:
            generated[spec["name"]] = data
    for patch in kustomization.get("patches", []):
        if "path" in patch:
            for document in yaml.safe_load_all(open(os.path.join(folder, patch["path"]))):
                matches = [o for o in objects if o["kind"] == document["kind"]
                           and o["metadata"]["name"] == document["metadata"]["name"]]
                if not matches:
                    raise ValueError(f"patch {patch['path']}: no {document['kind']} {document['metadata']['name']}")
                strategic_merge(matches[0], {k: v for k, v in document.items() if k not in ("apiVersion", "kind")})
        else:
            target = patch["target"]
            matches = [o for o in objects if o["kind"] == target["kind"] and o["metadata"]["name"] == target["name"]]
            if not matches:
                raise ValueError(f"patch target {target}: no such object")
            for match in matches:
                json6902(match, yaml.safe_load(patch["patch"]))
    for replica in kustomization.get("replicas", []):
        for o in objects:
            if o["metadata"]["name"] == replica["name"] and o["kind"] in ("Deployment", "StatefulSet"):
                o["spec"]["replicas"] = replica["count"]
    images = {i["name"]: i for i in kustomization.get("images", [])}
    for o in objects:
        for container in o.get("spec", {}).get("template", {}).get("spec", {}).get("containers", []):
            name = container["image"].split("@")[0].rsplit(":", 1)[0] if ":" in container["image"].split("/")[-1] \
                else container["image"]
            if name in images:
                container["image"] = f"{name}:{images[name]['newTag']}"
    labels = {}
    for entry in kustomization.get("labels", []):
        if entry.get("includeSelectors") or entry.get("includeTemplates"):
            raise ValueError("labels: only includeSelectors: false is supported here")
        labels.update(entry["pairs"])
    # Labels and the namespace reach the generated ConfigMaps too, when render() makes them.
    for o in objects:
        o["metadata"].setdefault("labels", {}).update(labels)
        if "namespace" in kustomization:
            o["metadata"]["namespace"] = kustomization["namespace"]
    build.labels = getattr(build, "labels", []) + [(labels, kustomization.get("namespace"))]
    return objects, generated


def render(folder):
    build.labels = []
    objects, generated = build(folder)
    names, config_maps = {}, []
    for name, data in generated.items():
        hashed = f"{name}-{config_map_hash({'data': data, 'kind': 'ConfigMap', 'name': ''})}"
        names[name] = hashed
        metadata = {"name": hashed, "labels": {}}
        for labels, namespace in build.labels:
            metadata["labels"].update(labels)
            if namespace:
                metadata["namespace"] = namespace
        if not metadata["labels"]:
            del metadata["labels"]
        config_maps.append({"apiVersion": "v1", "kind": "ConfigMap", "metadata": metadata, "data": data})
    for o in objects:
        pod = o.get("spec", {}).get("template", {}).get("spec", {})
        for container in pod.get("containers", []):
            for source in container.get("envFrom", []):
                ref = source.get("configMapRef")
                if ref and ref["name"] in names:
                    ref["name"] = names[ref["name"]]
        for volume in pod.get("volumes", []):
            if "configMap" in volume and volume["configMap"]["name"] in names:
                volume["configMap"]["name"] = names[volume["configMap"]["name"]]
    return config_maps + objects


if __name__ == "__main__":
    yaml.safe_dump_all(render(sys.argv[1]), sys.stdout, sort_keys=True)
