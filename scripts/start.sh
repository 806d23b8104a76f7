#!/usr/bin/env bash
# One command for a newcomer: install, prepare the embedded SQLite agenda with the demo practice, start.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/bootstrap.sh
export PATH="$PWD/.venv/bin:$PATH"
assistant init --demo
echo
assistant agenda --day "${1:-today}"
