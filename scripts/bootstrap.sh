#!/usr/bin/env bash
# Create .venv with Python >= 3.12 and install options-nt with its dev and docs extras.
# Idempotent: reinstalls only when pyproject.toml changed since the last run.
set -euo pipefail
cd "$(dirname "$0")/.."
# Everything this script says goes to stderr, so that `backtest.sh --json` keeps stdout clean.
exec 1>&2

python_bin=${PYTHON:-python3}
if command -v pyenv >/dev/null 2>&1; then
    # .python-version selects 3.12 through pyenv on machines that default to 3.11.
    python_bin=$(pyenv which python3 2>/dev/null || echo "$python_bin")
fi
if ! "$python_bin" -c 'import sys; sys.exit(sys.version_info < (3, 12))'; then
    echo "bootstrap: options-nt needs Python >= 3.12; '$python_bin' is $("$python_bin" --version 2>&1)." >&2
    echo "bootstrap: install 3.12 (e.g. 'pyenv install 3.12') or set PYTHON=/path/to/python3.12." >&2
    exit 1
fi

if [ ! -x .venv/bin/python ]; then
    echo "bootstrap: creating .venv with $("$python_bin" --version)"
    "$python_bin" -m venv .venv
fi

stamp=.venv/.options-nt-installed
wanted=$(sha256sum pyproject.toml | cut -d' ' -f1)
if [ ! -f "$stamp" ] || [ "$(cat "$stamp")" != "$wanted" ]; then
    echo "bootstrap: installing options-nt and its dev/docs extras (first run takes a few minutes)"
    pip_install() {
        # Drop pip's notes about unreadable find-links folders some machines configure.
        .venv/bin/python -m pip install --quiet --disable-pip-version-check "$@" 2>&1 |
            { grep -v "^WARNING: Location '.*' is ignored" || true; }
    }
    pip_install --upgrade pip
    pip_install -e ".[dev,docs]"
    echo "$wanted" > "$stamp"
fi

# The trader interface and its web server (web/), built when Node.js and npm are there.
if command -v node >/dev/null 2>&1 && command -v npm >/dev/null 2>&1; then
    bash scripts/web.sh build
else
    echo "bootstrap: no node/npm: the trader interface (web/) is not built; install Node.js >= 20 for it"
fi
