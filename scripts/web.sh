#!/usr/bin/env bash
# The web sources (web/, an npm workspace): dependencies, the generated client types, tests.
#
#   bash scripts/web.sh install          npm ci in web/, only when package-lock.json changed
#   bash scripts/web.sh generate [DIR]   write web/client's openapi.json and src/openapi.ts
#                                        (into DIR instead, for the stale check)
#   bash scripts/web.sh test             install, then typecheck and vitest the client
set -euo pipefail
cd "$(dirname "$0")/.."

install() {
    local stamp=web/node_modules/.options-nt-lock wanted
    wanted=$(sha256sum web/package-lock.json | cut -d' ' -f1)
    if [ ! -f "$stamp" ] || [ "$(cat "$stamp")" != "$wanted" ]; then
        echo "web: npm ci (web/package-lock.json changed)" >&2
        (cd web && npm ci --no-audit --no-fund --loglevel=error >&2)
        echo "$wanted" > "$stamp"
    fi
}

generate() {
    local out=${1:-web/client} log
    install
    mkdir -p "$out/src"
    .venv/bin/python web/client/scripts/export_openapi.py > "$out/openapi.json"
    # Optional request fields stay optional in the types (--default-non-nullable false).
    if ! log=$(web/node_modules/.bin/openapi-typescript "$out/openapi.json" \
        --default-non-nullable false --output "$out/src/openapi.ts" 2>&1); then
        echo "$log" >&2
        exit 1
    fi
}

run_tests() {
    install
    (cd web/client && ../node_modules/.bin/tsc --noEmit && ../node_modules/.bin/vitest run)
}

case "${1:-}" in
    install) install ;;
    generate) shift; generate "$@" ;;
    test) run_tests ;;
    *) echo "usage: bash scripts/web.sh install|generate [DIR]|test" >&2; exit 2 ;;
esac
