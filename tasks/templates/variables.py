"""Template variables: ``{{1}}, {{2}}`` (positional) or ``{{first_name}}`` (named).

Meta's rules: positional variables are numbered from 1 without gaps; named ones are
lowercase letters, digits and underscores; one template uses one kind; two variables
are never adjacent; every variable has an example value.
"""

from __future__ import annotations

import itertools
import re
from dataclasses import dataclass

from tasks.templates.problems import Problems

ANY_BRACES = re.compile(r"\{\{(.*?)\}\}")
POSITIONAL = re.compile(r"^[1-9][0-9]*$")
NAMED = re.compile(r"^[a-z_][a-z0-9_]*$")


@dataclass(frozen=True)
class Variables:
    """The variables of one text, in order of appearance (repeats kept)."""

    names: tuple[str, ...]
    text: str

    @property
    def positional(self) -> tuple[int, ...]:
        return tuple(int(n) for n in self.names if POSITIONAL.match(n))

    @property
    def named(self) -> tuple[str, ...]:
        return tuple(n for n in self.names if NAMED.match(n))

    def distinct(self) -> list[str]:
        """Distinct names: positional ones by number, named ones in order of appearance."""
        if self.positional:
            return [str(n) for n in sorted(set(self.positional))]
        return list(dict.fromkeys(self.named))


def find_variables(component: str, text: str, problems: Problems) -> Variables:
    """The variables of ``text``; reports malformed, adjacent and unnumbered ones."""
    matches = list(ANY_BRACES.finditer(text))
    names = []
    for match in matches:
        inside = match.group(1)
        if POSITIONAL.match(inside) or NAMED.match(inside):
            names.append(inside)
        else:
            problems.add(
                component, "variable format", match.group(0),
                f"{match.group(0)} is not a variable; write {{{{1}}}}, {{{{2}}}} … or a "
                "lowercase name such as {{first_name}}, with no spaces inside the braces",
            )
    for before, after in itertools.pairwise(matches):
        if not text[before.end():after.start()].strip():
            problems.add(
                component, "adjacent variables", text[before.start():after.end()],
                f"{before.group(0)} and {after.group(0)} are next to each other; "
                "put words between them (Meta rejects adjacent variables as INVALID_FORMAT)",
            )
    variables = Variables(tuple(names), text)
    _check_numbering(component, variables, problems)
    return variables


def _check_numbering(component: str, variables: Variables, problems: Problems) -> None:
    numbers = sorted(set(variables.positional))
    if not numbers:
        return
    expected = list(range(1, numbers[-1] + 1))
    missing = [n for n in expected if n not in numbers]
    if missing:
        used = ", ".join(f"{{{{{n}}}}}" for n in numbers)
        gaps = ", ".join(f"{{{{{n}}}}}" for n in missing)
        problems.add(
            component, "variable numbering", used,
            f"the variables are {used}, so {gaps} is missing; number them "
            "{{1}}, {{2}}, … from 1 without gaps",
        )


def warn_on_edges(component: str, variables: Variables, problems: Problems) -> None:
    """Meta is said to reject a text that starts or ends with a variable (not confirmed)."""
    text = variables.text.strip()
    if not variables.names or not text:
        return
    if text.startswith("{{"):
        problems.warn(component, "the text starts with a variable; Meta may reject it as "
                      "INVALID_FORMAT, so consider adding words before it")
    if text.endswith("}}"):
        problems.warn(component, "the text ends with a variable; Meta may reject it as "
                      "INVALID_FORMAT, so consider ending with a word or a full stop")


def mustache(name: str) -> str:
    return f"{{{{{name}}}}}"
