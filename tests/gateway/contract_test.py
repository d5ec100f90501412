#!/usr/bin/env python3
"""The contract test: every (method, path) of openapi.yaml is served by the gateway's router,
and every route the router serves is in openapi.yaml.
   contract_test.py <print-routes executable> <openapi.yaml>
Routes the contract lists that this gateway deliberately does not serve yet are named in
NOT_SERVED with the reason (docs/rest.md, What is still to come); the test fails if one of them
becomes served, so the list cannot go stale."""
import subprocess
import sys

import yaml

METHODS = {"get", "put", "post", "patch", "delete", "head", "options"}

# Every route of the contract is served now.
NOT_SERVED = set()


def main():
    executable, document = sys.argv[1], sys.argv[2]
    with open(document, encoding="utf-8") as f:
        contract = yaml.safe_load(f)
    documented = {
        (method.upper(), path)
        for path, item in contract["paths"].items()
        for method in item
        if method in METHODS
    }
    output = subprocess.run([executable], check=True, capture_output=True, text=True).stdout
    served = set()
    for line in output.splitlines():
        method, path = line.split(" ", 1)
        served.add((method, path))

    failures = []
    for route in sorted(documented - served - NOT_SERVED):
        failures.append("in openapi.yaml, not served: %s %s" % route)
    for route in sorted(served - documented):
        failures.append("served, not in openapi.yaml: %s %s" % route)
    for route in sorted(NOT_SERVED & served):
        failures.append("served now, remove it from NOT_SERVED: %s %s" % route)
    for route in sorted(NOT_SERVED - documented):
        failures.append("NOT_SERVED names a route openapi.yaml lacks: %s %s" % route)
    for failure in failures:
        print(failure)
    print("contract: %d routes documented, %d served, %d not yet served, %d failures"
          % (len(documented), len(served), len(NOT_SERVED), len(failures)))
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
