#!/usr/bin/env bash
# Run the whole test suite (installs what it needs first). Extra arguments go to pytest.
# pytest's "no tests collected" (exit 5) is a failure here: a suite that ran nothing proves nothing.
set -uo pipefail
cd "$(dirname "$0")/.."
bash scripts/bootstrap.sh || exit 1
.venv/bin/python -m pytest --durations=30 "$@"
status=$?
if [ "$status" -eq 5 ]; then
  echo "Aucun test n'a été exécuté : échec." >&2
  exit 1
fi
exit "$status"
