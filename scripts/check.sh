#!/usr/bin/env bash
# Set everything up, then run every check: lint, format, types, tests, docs.
# Exits non-zero as soon as one of them fails.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/bootstrap.sh
bash scripts/services.sh

step() { printf '\n==> %s\n' "$*"; }

step "ruff check"
.venv/bin/ruff check src tests examples bench docs
step "ruff format --check"
.venv/bin/ruff format --check src tests examples bench docs
step "mypy src"
.venv/bin/mypy
step "import-linter"
.venv/bin/lint-imports --no-cache
step "pytest"
.venv/bin/python -m pytest -q -p no:cacheprovider "$@"
step "web client: tsc and vitest (scripts/web.sh)"; bash scripts/web.sh test
step "trader interface and web server: tsc and vitest"; bash scripts/web.sh ui-test
step "trader interface: browser tests (Chromium, web server, bridge, paper node)"; bash scripts/web.sh e2e
step "sphinx -W"
.venv/bin/sphinx-build -q -W --keep-going -b html docs docs/_build/html
echo
echo "check: all passed"
