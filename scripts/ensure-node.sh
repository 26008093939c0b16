#!/usr/bin/env bash
# Makes sure Node.js 20 or newer and npm are installed, for the web code (web/: the SDK, the web
# client and their tests). Installs them with apt-get when missing and run as root; Debian's
# package must then be new enough (Debian 13 has Node.js 20; on Debian 12 install Node.js 20
# from https://nodejs.org).
set -euo pipefail

die() {
    echo "ensure-node.sh: ERROR: $*" >&2
    exit 1
}

if ! command -v node >/dev/null || ! command -v npm >/dev/null; then
    echo "ensure-node.sh: installing Node.js and npm (apt-get install nodejs npm)"
    [[ $EUID -eq 0 ]] || die "Node.js 20+ and npm are not installed; install them (https://nodejs.org)"
    DEBIAN_FRONTEND=noninteractive apt-get update -qq || true
    DEBIAN_FRONTEND=noninteractive apt-get install -y nodejs npm
fi
node_major="$(node -p 'process.versions.node.split(".")[0]')"
((node_major >= 20)) || die "Node.js $(node --version) is too old for the web code; install Node.js 20 or newer"
