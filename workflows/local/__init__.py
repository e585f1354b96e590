"""The embedded runtime: every workflow on one machine, on moto's Step Functions interpreter.

:class:`workflows.local.runtime.LocalRuntime` is the entry point; ``wecare-flows local``
serves it on 127.0.0.1 and tests use it in-process.
"""
