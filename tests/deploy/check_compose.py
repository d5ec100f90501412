#!/usr/bin/env python3
"""Static checks of deploy/compose/compose.yaml (no Docker engine runs here): it parses, every
service's build context and Dockerfile exist, every env_file, config file and bind mount exists,
secrets are files under secrets/ that git ignores, published ports are loopback only, every
long-running service has a healthcheck, and depends_on names services that exist.
Usage: check_compose.py <repository root>. Prints each problem; exits 1 on any."""
import os
import sys

import yaml

root = sys.argv[1]
compose_dir = os.path.join(root, "deploy/compose")
path = os.path.join(compose_dir, "compose.yaml")
problems = []


def problem(text):
    problems.append(text)


def rel(p):
    return os.path.normpath(os.path.join(compose_dir, p))


with open(path) as handle:
    doc = yaml.safe_load(handle)

services = doc.get("services") or {}
if not services:
    problem("no services")
for wanted in ("postgres", "gateway", "relay", "prometheus", "grafana", "postgres-exporter"):
    if wanted not in services:
        problem(f"service {wanted} missing")

declared_secrets = doc.get("secrets") or {}
declared_configs = doc.get("configs") or {}
declared_volumes = doc.get("volumes") or {}
ignore_file = os.path.join(compose_dir, ".gitignore")
ignored = open(ignore_file).read().split() if os.path.exists(ignore_file) else []

for name, secret in declared_secrets.items():
    file = secret.get("file", "")
    if not file.startswith("secrets/"):
        problem(f"secret {name}: a file under secrets/, not {file!r}")
if declared_secrets and "secrets/" not in ignored:
    problem("deploy/compose/.gitignore must ignore secrets/")
for name, config in declared_configs.items():
    if not os.path.isfile(rel(config.get("file", ""))):
        problem(f"config {name}: {config.get('file')} does not exist")

for name, service in services.items():
    where = f"service {name}"
    build = service.get("build")
    if build is not None:
        context = rel(build["context"] if isinstance(build, dict) else build)
        if not os.path.isdir(context):
            problem(f"{where}: build context {context} does not exist")
        dockerfile = build.get("dockerfile", "Dockerfile") if isinstance(build, dict) else "Dockerfile"
        if not os.path.isfile(os.path.join(context, dockerfile)):
            problem(f"{where}: Dockerfile {dockerfile} does not exist in its context")
    elif "image" not in service:
        problem(f"{where}: neither build nor image")
    image = service.get("image", "")
    if image and (":" not in image or image.endswith(":latest")):
        problem(f"{where}: image {image!r} is not pinned to a tag")
    env_files = service.get("env_file", [])
    for env_file in [env_files] if isinstance(env_files, str) else env_files:
        if not os.path.isfile(rel(env_file)):
            problem(f"{where}: env_file {env_file} does not exist")
    for key, value in (service.get("environment") or {}).items():
        if any(word in key.upper() for word in ("PASSWORD", "SECRET", "TOKEN")) \
                and not key.upper().endswith("_FILE"):
            problem(f"{where}: {key} holds a secret in the environment; use a *_FILE secret")
    for secret in service.get("secrets", []):
        secret_name = secret if isinstance(secret, str) else secret.get("source")
        if secret_name not in declared_secrets:
            problem(f"{where}: secret {secret_name} is not declared")
    for config in service.get("configs", []):
        if config.get("source") not in declared_configs:
            problem(f"{where}: config {config.get('source')} is not declared")
    for volume in service.get("volumes", []):
        source = volume.split(":")[0] if isinstance(volume, str) else volume.get("source", "")
        if source.startswith((".", "/")):
            if not os.path.exists(rel(source)):
                problem(f"{where}: bind mount {source} does not exist")
        elif source not in declared_volumes:
            problem(f"{where}: volume {source} is not declared")
    for port in service.get("ports", []):
        if not str(port).startswith("127.0.0.1:"):
            problem(f"{where}: port {port} is not published on 127.0.0.1 only")
    for dependency in service.get("depends_on") or {}:
        if dependency not in services:
            problem(f"{where}: depends_on names {dependency}, no such service")
    one_shot = service.get("restart") == "no"
    dockerfile_has_healthcheck = False
    if build is not None and isinstance(build, dict):
        with open(os.path.join(rel(build["context"]), build.get("dockerfile", "Dockerfile"))) as df:
            dockerfile_has_healthcheck = "HEALTHCHECK" in df.read()
    if not one_shot and "healthcheck" not in service and not dockerfile_has_healthcheck:
        problem(f"{where}: no healthcheck")

for line in problems:
    print(f"compose.yaml: {line}")
sys.exit(1 if problems else 0)
