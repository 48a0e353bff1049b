#!/usr/bin/env bash
# The web sources (web/, an npm workspace): dependencies, the generated client types, tests.
#
#   bash scripts/web.sh install          npm ci in web/, only when package-lock.json changed
#   bash scripts/web.sh generate [DIR]   write web/client's openapi.json and src/openapi.ts
#                                        (into DIR instead, for the stale check)
#   bash scripts/web.sh test             install, then typecheck and vitest the client
#   bash scripts/web.sh build            install, then build the trader interface (web/ui/dist)
#                                        and its web server (web/server/dist), when their sources changed
#   bash scripts/web.sh ui-test          build, then typecheck and vitest the interface and the server
#   bash scripts/web.sh e2e              build, then the browser tests (web/e2e: Chromium, the web
#                                        server, the bridge and a paper node)
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

# --- The trader interface (web/ui), its web server (web/server) and browser tests (web/e2e) ---

web_sources_digest() {
    find web/package-lock.json web/client/src web/ui/src web/ui/index.html web/ui/vite.config.ts \
        web/ui/tsconfig.json web/server/src web/server/tsconfig.json -type f -print0 |
        sort -z | xargs -0 sha256sum | sha256sum | cut -d' ' -f1
}

build_web() {
    local stamp=web/node_modules/.options-nt-build wanted
    install
    wanted=$(web_sources_digest)
    if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$wanted" ] &&
        [ -f web/ui/dist/index.html ] && [ -f web/server/dist/main.js ]; then
        return
    fi
    echo "web: building the trader interface and its web server" >&2
    (cd web/ui && ../node_modules/.bin/tsc --noEmit && ../node_modules/.bin/vite build --logLevel warn >&2)
    (cd web/server && ../node_modules/.bin/tsc -p tsconfig.json)
    echo "$wanted" > "$stamp"
}

test_ui() {
    build_web
    (cd web/ui && ../node_modules/.bin/vitest run)
    (cd web/server && ../node_modules/.bin/tsc -p tsconfig.check.json && ../node_modules/.bin/vitest run)
}

test_e2e() {
    build_web
    (cd web/e2e && ../node_modules/.bin/tsc --noEmit -p . && ../node_modules/.bin/vitest run)
}

case "${1:-}" in
    install) install ;;
    generate) shift; generate "$@" ;;
    test) run_tests ;;
    build) build_web ;;
    ui-test) test_ui ;;
    e2e) test_e2e ;;
    *) echo "usage: bash scripts/web.sh install|generate [DIR]|test|build|ui-test|e2e" >&2; exit 2 ;;
esac
