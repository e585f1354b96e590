"""One synth per test run, shared by every infra test: ``python app.py`` in a subprocess,
as a user runs it without the CDK CLI, with every proxy pointed at a closed port so that
a synth reaching for the network would fail. The tests read its cloud assembly; cfn-lint
reads its template in the background while they do. Under pytest-xdist the first worker
to get there synthesizes and the others wait for it and read the same directory.

Branches the catalog does not exercise (a direct service integration in an ASL file, a
pipe whose workflow is too slow for its queue, no knowledge base) are tested on single
constructs in small stacks (``small_stack``), which synthesize in a second.
"""

from __future__ import annotations

import fcntl
import json
import os
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from infra.packaging import dependency_layer_zip
from workflows.settings import PROJECT_ROOT

STACK_NAME = "wecare-flows"
REGION = "ap-south-1"
DEAD_PROXY = "http://127.0.0.1:9"
LINT = """
import json, os, sys, traceback
template, region, target = sys.argv[1:]
try:
    from cfnlint.api import lint
    matches = lint(open(template).read(), regions=[region])
    findings = [{"rule": m.rule.id, "text": str(m)} for m in matches]
except Exception:
    findings = [{"rule": "cfn-lint crashed", "text": traceback.format_exc()}]
with open(target + ".part", "w") as out:
    json.dump(findings, out)
os.replace(target + ".part", target)
"""
LINT_TIMEOUT_SECONDS = 300

# The small in-process stacks skip CDK's built-in template validation (seconds per synth);
# the app's own synth, in a subprocess, keeps it. Set before aws_cdk starts its node
# process, which is why aws_cdk is imported in the functions below, not above.
os.environ.setdefault("CDK_VALIDATION", "false")
os.environ.setdefault("JSII_SILENCE_WARNING_DEPRECATED_NODE_VERSION", "1")


@dataclass
class Assembly:
    """A synthesized cloud assembly, read back from its directory."""

    outdir: Path
    stack_name: str
    seconds: float
    template: dict[str, Any] = field(init=False)
    metadata: dict[str, list[dict[str, Any]]] = field(init=False)

    def __post_init__(self) -> None:
        self.template = json.loads(self.template_path.read_text())
        metadata_file = self.outdir / f"{self.stack_name}.metadata.json"
        if metadata_file.exists():
            self.metadata = json.loads(metadata_file.read_text())
        else:  # older cloud assemblies keep the metadata in manifest.json
            manifest = json.loads((self.outdir / "manifest.json").read_text())
            self.metadata = manifest["artifacts"][self.stack_name].get("metadata", {})

    @property
    def template_path(self) -> Path:
        return self.outdir / f"{self.stack_name}.template.json"

    @property
    def lint_path(self) -> Path:
        return self.outdir.parent / "cfn-lint.json"

    def resources(self, resource_type: str) -> dict[str, dict[str, Any]]:
        return {
            logical_id: resource
            for logical_id, resource in self.template["Resources"].items()
            if resource["Type"] == resource_type
        }

    def catalog_functions(self) -> dict[str, dict[str, Any]]:
        """The Lambda functions of the catalog, by function name (not CDK's own helpers)."""
        return {
            function["Properties"]["FunctionName"]: function
            for function in self.resources("AWS::Lambda::Function").values()
            if "FunctionName" in function["Properties"]
        }

    def messages(self, kind: str) -> list[tuple[str, str]]:
        """``(construct path, text)`` of each ``aws:cdk:error`` / ``aws:cdk:warning``."""
        return [
            (path, str(entry["data"]))
            for path, entries in self.metadata.items()
            for entry in entries
            if entry["type"] == f"aws:cdk:{kind}"
        ]

    def asset(self, s3_key: str) -> Path:
        return self.outdir / f"asset.{s3_key}"

    def lint_findings(self) -> list[dict[str, str]]:
        """cfn-lint's findings on the template, once its background run has finished."""
        deadline = time.monotonic() + LINT_TIMEOUT_SECONDS
        while not self.lint_path.exists():
            assert time.monotonic() < deadline, "cfn-lint did not finish"
            time.sleep(0.2)
        return json.loads(self.lint_path.read_text())


def _offline_environment(outdir: Path) -> dict[str, str]:
    environment = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("AWS_", "CDK_")) and key.lower() not in ("http_proxy", "https_proxy")
    }
    environment.update(
        CDK_OUTDIR=str(outdir),
        JSII_SILENCE_WARNING_DEPRECATED_NODE_VERSION="1",
        HTTP_PROXY=DEAD_PROXY,
        HTTPS_PROXY=DEAD_PROXY,
        http_proxy=DEAD_PROXY,
        https_proxy=DEAD_PROXY,
        NO_PROXY="",
        PIP_NO_INDEX="1",
        AWS_EC2_METADATA_DISABLED="true",
    )
    return environment


@contextmanager
def _exclusive(lock_file: Path) -> Iterator[None]:
    with lock_file.open("w") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def _synthesize(outdir: Path) -> float:
    from infra.functions import ARCHITECTURE, PIP_PLATFORMS, RUNTIME

    # The dependency layer is the one step that may need the package index; it is built
    # (or found in the cache) first, so that the synth itself runs offline.
    dependency_layer_zip(RUNTIME.name.removeprefix("python"), PIP_PLATFORMS[ARCHITECTURE.name])
    started = time.monotonic()
    result = subprocess.run(
        [sys.executable, "app.py"],
        cwd=PROJECT_ROOT,
        env=_offline_environment(outdir),
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert result.returncode == 0, f"python app.py failed:\n{result.stderr[-4000:]}"
    return time.monotonic() - started


@pytest.fixture(scope="session")
def synthesized(tmp_path_factory: pytest.TempPathFactory) -> Assembly:
    run = os.environ.get("PYTEST_XDIST_TESTRUNUID")
    base = tmp_path_factory.getbasetemp()
    shared = base.parent / f"wecare-infra-{run}" if run else base / "wecare-infra"
    shared.mkdir(exist_ok=True)
    outdir, done = shared / "cdk.out", shared / "synth-seconds"
    with _exclusive(shared / "lock"):
        if not done.exists():
            seconds = _synthesize(outdir)
            # cfn-lint runs on while the tests do; test_cfn_lint_passes waits for its file.
            subprocess.Popen(
                [
                    sys.executable,
                    "-c",
                    LINT,
                    str(outdir / f"{STACK_NAME}.template.json"),
                    REGION,
                    str(shared / "cfn-lint.json"),
                ],
                stdout=subprocess.DEVNULL,
                stderr=subprocess.DEVNULL,
            )
            done.write_text(str(seconds))
    return Assembly(outdir, STACK_NAME, float(done.read_text()))


def small_stack() -> Any:
    """An empty stack in the project's Region, for testing one construct."""
    from aws_cdk import App, Environment, Stack

    return Stack(App(), "small", env=Environment(account="111122223333", region=REGION))
