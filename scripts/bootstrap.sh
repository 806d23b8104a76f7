#!/usr/bin/env bash
# Create or refresh the project's venv (.venv) from Python 3.10 and the locked requirements.
# Idempotent: does nothing when requirements.lock and pyproject.toml are unchanged since the last run.
set -euo pipefail
cd "$(dirname "$0")/.."

find_python() {
  if [ -n "${PYTHON:-}" ]; then echo "$PYTHON"; return; fi
  for candidate in python3.10 "$HOME/.pyenv/versions/3.10.13/bin/python3.10"; do
    if command -v "$candidate" >/dev/null 2>&1 && "$candidate" -c 'import sys; assert sys.version_info[:2] == (3, 10)' 2>/dev/null; then
      echo "$candidate"; return
    fi
  done
  for dir in "$HOME"/.pyenv/versions/3.10.*/bin; do
    if [ -x "$dir/python3.10" ]; then echo "$dir/python3.10"; return; fi
  done
  echo "Python 3.10 est introuvable (Rasa 3.6 l'exige) : installez-le ou indiquez PYTHON=/chemin/python3.10" >&2
  exit 1
}

stamp=.venv/.installed
wanted=$(cat requirements.lock pyproject.toml | sha256sum | cut -d' ' -f1)
if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$wanted" ] && [ -x .venv/bin/assistant ]; then
  exit 0
fi

if [ ! -x .venv/bin/python ]; then
  py=$(find_python)
  echo "Création du venv avec $py…"
  "$py" -m venv .venv
fi
echo "Installation des dépendances (quelques minutes la première fois)…"
.venv/bin/python -m pip install --quiet --upgrade "pip<26" 
.venv/bin/python -m pip install --quiet -r requirements.lock
.venv/bin/python -m pip install --quiet --no-deps -e .
.venv/bin/python -m pip check
echo "$wanted" > "$stamp"
