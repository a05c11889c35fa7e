"""The package metadata stays in step with the readable requirement files and the lock files."""

from __future__ import annotations

import fnmatch
import importlib
import re
import subprocess
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PYPROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))


def _pins(name: str) -> list[str]:
    lines = (ROOT / name).read_text(encoding="utf-8").splitlines()
    return [line.strip() for line in lines if line.strip() and not line.startswith(("#", "-r"))]


def _name(pin: str) -> str:
    return re.split(r"[\[=<>]", pin, maxsplit=1)[0].lower().replace("_", "-")


def test_dependencies_are_the_requirement_pins() -> None:
    project = PYPROJECT["project"]
    assert project["dependencies"] == _pins("requirements.txt")
    assert project["optional-dependencies"]["dev"] == _pins("requirements-dev.txt")


def test_console_script_points_at_the_cli() -> None:
    module, _, function = PYPROJECT["project"]["scripts"]["estafette"].partition(":")
    assert callable(getattr(importlib.import_module(module), function))


def test_every_shipped_data_file_is_package_data() -> None:
    tracked = subprocess.run(
        ["git", "ls-files", "data"], cwd=ROOT, capture_output=True, text=True, check=True
    ).stdout.split()
    assert tracked, "no data files tracked"
    globs = PYPROJECT["tool"]["setuptools"]["package-data"]["estafette_data"]
    missing = [
        path
        for path in tracked
        if not any(fnmatch.fnmatch(path.removeprefix("data/"), g) for g in globs)
    ]
    assert missing == []


def test_lock_files_pin_every_direct_requirement_with_hashes() -> None:
    for readable, lock in (
        ("requirements.txt", "requirements.lock"),
        ("requirements-dev.txt", "requirements-dev.lock"),
    ):
        text = (ROOT / lock).read_text(encoding="utf-8")
        locked = {
            m.group(1).lower().replace("_", "-"): m.group(2)
            for m in re.finditer(r"^([A-Za-z0-9_.\-]+)==(\S+)", text, re.MULTILINE)
        }
        wanted = _pins(readable) + (_pins("requirements.txt") if "dev" in readable else [])
        for pin in wanted:
            assert locked.get(_name(pin)) == pin.split("==")[1], f"{lock}: {pin}"
        entries = re.split(r"^(?=[A-Za-z0-9])", text, flags=re.MULTILINE)
        assert all("--hash=sha256:" in e for e in entries if re.match(r"[A-Za-z0-9]", e))
