"""Fixtures shared by every test: the embedded runtime, in-process, time-scaled."""

from __future__ import annotations

import os
from collections.abc import Iterator

import pytest

os.environ.setdefault("JSII_SILENCE_WARNING_DEPRECATED_NODE_VERSION", "1")

from workflows.local.runtime import LocalRuntime

TIME_SCALE = 0.001


@pytest.fixture
def runtime() -> Iterator[LocalRuntime]:
    """A fresh embedded runtime with every workflow; waits run 1000 times faster."""
    with LocalRuntime(time_scale=TIME_SCALE, log_level="WARNING") as local:
        yield local
