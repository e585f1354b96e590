"""Lambda code packaged without Docker: two zip files built at synth time.

* the task code: the ``tasks`` package, named by a hash of its files;
* the dependency layer: the pinned libraries the handlers import (Powertools, and a
  boto3 recent enough for the End User Messaging Social template API, which the
  runtime's bundled boto3 may predate), installed by pip as wheels for the Lambda
  platform. It is cached under ``build/lambda``, keyed by the pins and the platform,
  so only the first synth after a pin changes needs the package index.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import tomllib
import zipfile
from collections.abc import Iterable
from pathlib import Path

from workflows.settings import PROJECT_ROOT

BUILD_DIR = PROJECT_ROOT / "build" / "lambda"
TASKS_DIR = PROJECT_ROOT / "tasks"

# What the handlers import besides ``tasks``; their exact pins come from pyproject.toml.
LAMBDA_DISTRIBUTIONS = ("aws-lambda-powertools", "boto3", "botocore", "pydantic", "itsdangerous")

# Bump when the layout of the built layer changes, so old caches are not reused.
LAYER_FORMAT = 1
ZIP_EPOCH = (1980, 1, 1, 0, 0, 0)


class PackagingError(RuntimeError):
    """The Lambda code could not be packaged."""


def _canonical(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def lambda_requirements(pyproject: Path = PROJECT_ROOT / "pyproject.toml") -> tuple[str, ...]:
    """The pinned requirement (``name[extras]==version``) of each of LAMBDA_DISTRIBUTIONS."""
    dependencies = tomllib.loads(pyproject.read_text())["project"]["dependencies"]
    pinned: dict[str, str] = {}
    for requirement in dependencies:
        name = re.match(r"[A-Za-z0-9._-]+", requirement)
        if name:
            pinned[_canonical(name.group(0))] = requirement.replace(" ", "")
    requirements = []
    for distribution in LAMBDA_DISTRIBUTIONS:
        requirement = pinned.get(_canonical(distribution), "")
        if "==" not in requirement:
            raise PackagingError(
                f"{distribution} must be pinned with == in pyproject.toml [project].dependencies"
            )
        requirements.append(requirement)
    return tuple(requirements)


def dependency_layer_zip(python_version: str, platform: str, build_dir: Path = BUILD_DIR) -> Path:
    """The layer zip (``python/...``) for this runtime and platform; built once, then cached."""
    requirements = lambda_requirements()
    key = _digest(json.dumps([LAYER_FORMAT, python_version, platform, requirements]).encode())
    target = build_dir / f"dependencies-py{python_version}-{platform}-{key}.zip"
    if target.exists():
        return target
    build_dir.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=build_dir, prefix=".layer-") as scratch:
        site = Path(scratch) / "python"
        _pip_install(site, requirements, python_version, platform)
        shutil.rmtree(site / "bin", ignore_errors=True)
        staged = Path(scratch) / "layer.zip"
        _write_zip(staged, Path(scratch), _files_under(site))
        # A concurrent synth may have finished first: the result is the same.
        os.replace(staged, target)
    return target


def task_code_zip(build_dir: Path = BUILD_DIR) -> Path:
    """The ``tasks`` package as a zip named after its content; older ones are removed."""
    files = [
        path
        for path in _files_under(TASKS_DIR)
        if "__pycache__" not in path.parts and path.suffix not in (".pyc", ".pyo")
    ]
    digest = hashlib.sha256()
    for path in files:
        digest.update(path.relative_to(PROJECT_ROOT).as_posix().encode() + b"\0")
        digest.update(path.read_bytes() + b"\0")
    target = build_dir / f"tasks-{digest.hexdigest()[:16]}.zip"
    if not target.exists():
        build_dir.mkdir(parents=True, exist_ok=True)
        with tempfile.TemporaryDirectory(dir=build_dir, prefix=".tasks-") as scratch:
            staged = Path(scratch) / "tasks.zip"
            _write_zip(staged, PROJECT_ROOT, files)
            os.replace(staged, target)
    for stale in build_dir.glob("tasks-*.zip"):
        if stale != target:
            stale.unlink(missing_ok=True)
    return target


def _pip_install(
    target: Path, requirements: Iterable[str], python_version: str, platform: str
) -> None:
    command = [
        sys.executable, "-m", "pip", "install",
        "--quiet", "--disable-pip-version-check", "--no-compile",
        "--target", str(target),
        "--implementation", "cp",
        "--python-version", python_version,
        "--platform", platform,
        "--only-binary=:all:",
        *requirements,
    ]  # fmt: skip
    result = subprocess.run(command, capture_output=True, text=True, check=False)
    if result.returncode != 0:
        raise PackagingError(
            "pip could not build the Lambda dependency layer (the first synth after a pin "
            f"changes needs the package index):\n{result.stderr.strip()}"
        )


def _files_under(root: Path) -> list[Path]:
    return sorted(path for path in root.rglob("*") if path.is_file())


def _write_zip(target: Path, base: Path, files: Iterable[Path]) -> None:
    """A reproducible zip: sorted entries, fixed timestamps and modes."""
    with zipfile.ZipFile(target, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for path in files:
            entry = zipfile.ZipInfo(path.relative_to(base).as_posix(), date_time=ZIP_EPOCH)
            entry.external_attr = 0o644 << 16
            entry.compress_type = zipfile.ZIP_DEFLATED
            archive.writestr(entry, path.read_bytes())


def _digest(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()[:16]
