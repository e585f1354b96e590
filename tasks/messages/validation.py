"""Pydantic validation errors as one line a person can act on."""

from __future__ import annotations

from pydantic import ValidationError


def readable(exc: ValidationError) -> str:
    """Every problem at once: ``sections.0.rows.1.title: String should have at most 24
    characters (got 'A title that is far too long')``."""
    problems = []
    for error in exc.errors():
        where = ".".join(str(part) for part in error["loc"]) or "input"
        got = error.get("input")
        shown = f" (got {got!r})" if isinstance(got, str | int | float) else ""
        problems.append(f"{where}: {error['msg']}{shown}")
    return "; ".join(problems)
