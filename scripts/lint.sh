#!/usr/bin/env bash
# ruff (lint + format check) and mypy on assistant/, from a tools venv of their own (.venv-tools),
# so that their pins never meet Rasa's.
set -euo pipefail
cd "$(dirname "$0")/.."
if [ ! -x .venv-tools/bin/ruff ] || [ ! -x .venv-tools/bin/mypy ]; then
  echo "Installation de ruff et mypy dans .venv-tools…"
  python3 -m venv .venv-tools
  .venv-tools/bin/python -m pip install --quiet "ruff==0.17.*" "mypy==2.4.*" "types-python-dateutil" "types-PyYAML"
fi
paths=()
for dir in assistant actions tests bench; do
  [ -d "$dir" ] && paths+=("$dir")
done
echo "ruff check ${paths[*]}"
.venv-tools/bin/ruff check "${paths[@]}"
echo "ruff format --check ${paths[*]}"
.venv-tools/bin/ruff format --check "${paths[@]}"
echo "mypy assistant"
.venv-tools/bin/mypy --config-file pyproject.toml
