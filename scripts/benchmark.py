"""Speed and cost figures of wecare-flows, printed on demand (never asserted in tests).

    make bench                      # every section
    make bench ARGS="--only kb-sync"
    make bench ARGS="--only message-notify"   # 1,000 events: events/s, p50/p99
"""

from __future__ import annotations

import argparse
import importlib
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

# section name -> module under scripts/ with run() and report(figures) -> lines
SECTIONS = {
    "kb-sync": "bench_kb_sync",
    "templates": "bench_templates",
    "message-notify": "bench_message_notify",
}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--only", choices=sorted(SECTIONS), action="append")
    chosen = parser.parse_args().only or list(SECTIONS)
    for name in chosen:
        module = importlib.import_module(SECTIONS[name])
        started = time.perf_counter()
        figures = module.run()
        print(f"== {name} ({time.perf_counter() - started:.1f} s to measure)")
        print("\n".join(module.report(figures)))
        print()


if __name__ == "__main__":
    main()
