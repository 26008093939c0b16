#!/usr/bin/env bash
# Builds the web client (web/) into web/dist, which the API role serves at / (CHAT_WEB_DIR).
# Installs the npm packages from the lockfile first when they are missing or out of date, and
# Node.js itself when missing (scripts/ensure-node.sh). Nothing is fetched at run time: the
# browser loads only what the build put in web/dist.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

scripts/ensure-node.sh
# npm writes node_modules/.package-lock.json on every install: older than the lockfile means
# the lockfile changed since.
if [[ ! web/node_modules/.package-lock.json -nt web/package-lock.json ]]; then
    npm ci --prefix web --no-audit --no-fund
fi
npm --prefix web run build
