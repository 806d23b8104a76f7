"""Every file the package reads at run time ships with it: a wheel (a non-editable install) holds the
``*.py`` files alone unless ``pyproject.toml``'s package-data names the others (the first names, the
replies catalogue and the console's templates were missing, 2026-12-08)."""

from __future__ import annotations

from fnmatch import fnmatch
from pathlib import Path

import tomli

ROOT = Path(__file__).resolve().parents[2]


def test_every_data_file_of_the_package_is_in_its_package_data() -> None:
    config = tomli.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    patterns = config["tool"]["setuptools"]["package-data"]["assistant"]
    package = ROOT / "assistant"
    data_files = [
        path.relative_to(package).as_posix()
        for path in package.rglob("*")
        if path.is_file() and path.suffix not in (".py", ".pyc") and "__pycache__" not in path.parts
    ]
    assert data_files, "the package has data files (replies, first names, templates)"
    missing = [name for name in data_files if not any(fnmatch(name, pattern) for pattern in patterns)]
    assert not missing, missing
