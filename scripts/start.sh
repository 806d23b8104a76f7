#!/usr/bin/env bash
# One command for a newcomer: install, prepare the embedded SQLite agenda with the demo practice,
# train the dialogue model when needed, and start the action server, the Rasa server (REST channel)
# and the local chat page, all on 127.0.0.1. Ctrl-C stops everything.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/bootstrap.sh
export PATH="$PWD/.venv/bin:$PATH"
assistant init --demo
echo
assistant agenda --day "${1:-today}"
echo
exec python -m assistant.launcher
