"""User-facing errors of the CLI, each with its own exit code."""

from __future__ import annotations

from enum import IntEnum


class ExitCode(IntEnum):
    OK = 0
    EXECUTION_FAILED = 1
    USAGE = 2
    BAD_INPUT = 3
    NOT_FOUND = 4
    UNREACHABLE = 5
    AWS_ERROR = 6
    INTERRUPTED = 130


class CliError(Exception):
    """One line for the user: what is wrong and what to do. No traceback."""

    exit_code = ExitCode.AWS_ERROR

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class BadInput(CliError):
    exit_code = ExitCode.BAD_INPUT


class NotFound(CliError):
    exit_code = ExitCode.NOT_FOUND


class Unreachable(CliError):
    exit_code = ExitCode.UNREACHABLE


class ServiceError(CliError):
    exit_code = ExitCode.AWS_ERROR
