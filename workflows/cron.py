"""The EventBridge Scheduler ``cron()`` expressions of the catalog, evaluated in UTC.

Fields: minutes, hours, day-of-month, month, day-of-week (1-7 = SUN-SAT, or names), year.
Supported in each: ``*``, ``?``, numbers, names, lists (``,``), ranges (``-``) and
steps (``/``). ``L``, ``W`` and ``#`` are not used by the catalog and are refused.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

MONTHS = {n: i for i, n in enumerate(
    ["JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC"], 1)}
WEEKDAYS = {n: i for i, n in enumerate(["SUN", "MON", "TUE", "WED", "THU", "FRI", "SAT"], 1)}
RANGES = ((0, 59), (0, 23), (1, 31), (1, 12), (1, 7), (1970, 2199))


def _values(field: str, low: int, high: int, names: dict[str, int]) -> set[int]:
    if field in ("*", "?"):
        return set(range(low, high + 1))
    values: set[int] = set()
    for part in field.split(","):
        step = 1
        if "/" in part:
            part, step_text = part.split("/", 1)
            step = int(step_text)
        if part in ("*", ""):
            start, end = low, high
        elif "-" in part:
            first, last = part.split("-", 1)
            start, end = _number(first, names), _number(last, names)
        else:
            start = _number(part, names)
            end = high if step > 1 else start
        values.update(range(start, end + 1, step))
    return values


def _number(text: str, names: dict[str, int]) -> int:
    if text.upper() in names:
        return names[text.upper()]
    if not text.isdigit():
        raise ValueError(f"cron field value {text!r} is not supported")
    return int(text)


def next_fire_time(fields: tuple[str, ...], after: datetime) -> datetime:
    """The first minute strictly after ``after`` that the expression matches."""
    minutes, hours, days, months, weekdays, years = (
        _values(field, low, high, names)
        for field, (low, high), names in zip(
            fields, RANGES, ({}, {}, {}, MONTHS, WEEKDAYS, {}), strict=True
        )
    )
    moment = after.astimezone(UTC).replace(second=0, microsecond=0) + timedelta(minutes=1)
    limit = moment + timedelta(days=366 * 5)
    while moment < limit:
        weekday = moment.isoweekday() % 7 + 1  # Python: Monday=1..Sunday=7; cron: SUN=1
        if (moment.year not in years or moment.month not in months
                or moment.day not in days or weekday not in weekdays):
            moment = (moment + timedelta(days=1)).replace(hour=0, minute=0)
        elif moment.hour not in hours:
            moment = (moment + timedelta(hours=1)).replace(minute=0)
        elif moment.minute not in minutes:
            moment += timedelta(minutes=1)
        else:
            return moment
    raise ValueError(f"cron({' '.join(fields)}) never fires in the next five years")
