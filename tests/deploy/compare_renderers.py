#!/usr/bin/env python3
"""Compares two renderings of one overlay (kustomize.py's and kubectl kustomize's) object by
object, keyed by kind and name. Usage: compare_renderers.py <ours.yaml> <kubectl's.yaml>.
Prints the first differences; exits 1 when they differ."""
import difflib
import json
import sys

import yaml


def objects(path):
    return {(d["kind"], d["metadata"]["name"]): d for d in yaml.safe_load_all(open(path)) if d}


ours, theirs = objects(sys.argv[1]), objects(sys.argv[2])
differ = False
for key in sorted(set(ours) ^ set(theirs)):
    print(f"{key[0]}/{key[1]}: only in {'ours' if key in ours else 'kubectl’s'}")
    differ = True
for key in sorted(set(ours) & set(theirs)):
    if ours[key] != theirs[key]:
        differ = True
        a = json.dumps(ours[key], sort_keys=True, indent=1).splitlines()
        b = json.dumps(theirs[key], sort_keys=True, indent=1).splitlines()
        print(f"{key[0]}/{key[1]} differs:")
        print("\n".join(list(difflib.unified_diff(a, b, "ours", "kubectl", lineterm=""))[:40]))
sys.exit(1 if differ else 0)
