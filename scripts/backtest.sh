#!/usr/bin/env bash
# Set everything up, then run the main job. Extra arguments go to the job.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/bootstrap.sh
exec .venv/bin/options-nt backtest "$@"
