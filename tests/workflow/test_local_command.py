"""``wecare-flows local``, the command behind ``make local``, as a user runs it."""

from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import sys
import time
import urllib.request

BIN = os.path.dirname(sys.executable)


def test_local_serves_every_workflow_until_interrupted() -> None:
    # GIVEN the embedded runtime started as a user starts it, on a free port
    process = subprocess.Popen(
        [f"{BIN}/wecare-flows", "local", "--port", "0", "--time-scale", "0.001"],
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
    )
    try:
        banner = []
        deadline = time.monotonic() + 60
        while not banner or "Ctrl-C" not in banner[-1]:
            assert time.monotonic() < deadline, "".join(banner)
            line = process.stdout.readline()
            assert line, "".join(banner)
            banner.append(line)
        text = "".join(banner)
        url = re.search(r"ready at (http://127\.0\.0\.1:\d+)", text).group(1)

        # THEN it says where it listens, what it runs and what to try
        assert "kb-sync" in text and "wecare-digital, manish-agarwal" in text
        assert "wecare-flows start kb-sync" in text and "aws stepfunctions" in text
        with urllib.request.urlopen(f"{url}/_local/health", timeout=10) as response:
            assert "kb-sync" in json.load(response)["stateMachines"]

        # AND the CLI runs a workflow through it
        done = subprocess.run(
            [f"{BIN}/wecare-flows", "--endpoint-url", url, "start", "kb-sync", "--watch"],
            capture_output=True, text=True, timeout=120,
        )
        assert done.returncode == 0, done.stderr
        assert "SUCCEEDED" in done.stdout

        # WHEN the user presses Ctrl-C
        process.send_signal(signal.SIGINT)
        # THEN it stops cleanly
        assert process.wait(timeout=30) == 0
    finally:
        if process.poll() is None:
            process.kill()
