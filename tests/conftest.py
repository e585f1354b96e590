"""Fixtures shared by every test: the embedded runtime, in-process, time-scaled."""

from __future__ import annotations

import os
from collections.abc import Iterator

import pytest

os.environ.setdefault("JSII_SILENCE_WARNING_DEPRECATED_NODE_VERSION", "1")

from workflows.local.runtime import LocalRuntime
from workflows.local.server import LocalServer

TIME_SCALE = 0.001


@pytest.fixture
def runtime() -> Iterator[LocalRuntime]:
    """A fresh embedded runtime with every workflow; waits run 1000 times faster."""
    with LocalRuntime(time_scale=TIME_SCALE, log_level="WARNING") as local:
        yield local


@pytest.fixture
def endpoint(runtime: LocalRuntime) -> Iterator[str]:
    """The runtime served over HTTP on a free port of 127.0.0.1, as ``wecare-flows local``."""
    server = LocalServer(runtime, port=0).start()
    runtime.attach_server(server)
    yield server.url
    server.stop()
