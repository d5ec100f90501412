#!/usr/bin/env bash
# Every WORKITEM_GATEWAY_* and WORKITEM_RELAY_* variable that deploy/ sets (env files, compose,
# Kubernetes manifests, Dockerfiles) is one the built binary reads: its --help lists each
# variable it reads, and an unknown one would be ignored without a word. The PostgreSQL image's
# init script reads WORKITEM_<LOGIN>_PASSWORD_FILE, and the gateway WORKITEM_GATEWAY_JWT_SECRET
# (a variable only, never a flag): those are known too.
# Usage: check_settings.sh <repository root> <workitem-gateway> <workitem-relay>
set -euo pipefail
root=$1 gateway=$2 relay=$3
known=$( { "$gateway" --help; "$relay" --help; } 2>&1 | grep -oE 'WORKITEM_(GATEWAY|RELAY)_[A-Z_]+' | sort -u)
known+=$'\nWORKITEM_GATEWAY_JWT_SECRET\nWORKITEM_GATEWAY_PASSWORD_FILE\nWORKITEM_RELAY_PASSWORD_FILE'
unknown=0
while IFS= read -r name; do
  grep -qx "$name" <<<"$known" || { echo "deploy/ sets $name, which no binary reads"; unknown=1; }
done < <(grep -rhoE 'WORKITEM_(GATEWAY|RELAY)_[A-Z_]+' "$root/deploy" | sort -u)
exit "$unknown"
