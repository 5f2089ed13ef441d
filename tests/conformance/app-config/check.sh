#!/usr/bin/env bash
# Re-derives the committed expectations under node with the real Backstage packages pinned by
# package-lock.json, and fails when any differs from what is committed:
#   derive.js          cases/*/expected.json    (@backstage/config-loader)
#   derive-catalog.js  catalog/*/expected.json  (the catalog backend on fixtures/create-app)
# Needs node and npm; installs Debian's nodejs and npm when missing and we are root.
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)

if ! command -v node >/dev/null 2>&1 || ! command -v npm >/dev/null 2>&1; then
    if [ "$(id -u)" -ne 0 ]; then
        echo "app-config oracle: node and npm are needed (Debian: apt-get install nodejs npm)" >&2
        exit 1
    fi
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq nodejs npm >/dev/null
fi
cd "$here"
npm ci --no-audit --no-fund --loglevel=error >/dev/null
node derive.js --check
node derive-catalog.js --check
