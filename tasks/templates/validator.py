"""Check a template against Meta's rules before it is sent, all rules at once.

The request is the runbook's ``eum_create_template`` payload: ``templateName``,
``category``, ``language``, ``components`` (Meta's component JSON), and optionally
``parameterFormat`` (POSITIONAL or NAMED) and ``allowCategoryChange``. Example values
are required for every variable, as Meta requires them (the runbook's own sample has
none, so it is refused with the exact ``example`` to add).
"""

from __future__ import annotations

import copy
import json
import re
from dataclasses import dataclass
from typing import Any

from tasks.templates import components as rules
from tasks.templates.errors import TemplateInvalid
from tasks.templates.language import SUPPORTED_LANGUAGES, closest_languages, normalize_language
from tasks.templates.problems import Problem, Problems
from tasks.templates.variables import Variables

NAME = re.compile(r"^[a-z0-9_]{1,512}$")
CATEGORIES = ("UTILITY", "MARKETING", "AUTHENTICATION")
PARAMETER_FORMATS = ("POSITIONAL", "NAMED")
# TODO: Meta's CAROUSEL and LIMITED_TIME_OFFER components (MARKETING) have rules of their
# own that are not checked here, so they are refused as unknown types for now.
COMPONENT_TYPES = ("HEADER", "BODY", "FOOTER", "BUTTONS")
DEFINITION_MAX_BYTES = 6000  # CreateWhatsAppMessageTemplate's templateDefinition blob


@dataclass(frozen=True)
class ValidTemplate:
    name: str
    language: str
    category: str
    definition: dict[str, Any]
    warnings: tuple[str, ...] = ()


def validate_template(request: dict[str, Any]) -> ValidTemplate:
    """The Meta template definition, or :class:`TemplateInvalid` listing every problem."""
    problems = Problems()
    template = _check(request, problems)
    if problems.found:
        raise TemplateInvalid(describe(template["name"], problems.found))
    return ValidTemplate(
        name=template["name"],
        language=template["language"],
        category=template["category"],
        definition=template,
        warnings=tuple(problems.warnings),
    )


def template_problems(request: dict[str, Any]) -> tuple[list[Problem], list[str]]:
    """The broken rules and the warnings of a request (an empty list: it is valid)."""
    problems = Problems()
    _check(request, problems)
    return problems.found, problems.warnings


def describe(name: Any, found: list[Problem]) -> str:
    count = f"{len(found)} rule" + ("s" if len(found) != 1 else "")
    listed = "; ".join(f"({n}) {p}" for n, p in enumerate(found, start=1))
    return f"template {name!r} breaks {count} of WhatsApp: {listed}"


def _check(request: Any, problems: Problems) -> dict[str, Any]:
    if not isinstance(request, dict):
        problems.add("template", "shape", request,
                     "the template is a JSON object with templateName, category, language "
                     "and components")
        request = {}
    name = request.get("templateName")
    if not isinstance(name, str) or not NAME.match(name):
        problems.add("template", "name", name,
                     "templateName must be 1 to 512 lowercase letters, digits and underscores, "
                     "e.g. order_confirmation")
    category = str(request.get("category") or "").upper()
    if category not in CATEGORIES:
        problems.add("template", "category", request.get("category"),
                     f"category must be {', '.join(CATEGORIES[:-1])} or {CATEGORIES[-1]}")
    language = _check_language(request.get("language"), problems)
    parts = _check_components(request.get("components"), category == "AUTHENTICATION", problems)
    parameter_format = _parameter_format(request.get("parameterFormat"), parts, problems)

    template: dict[str, Any] = {
        "name": name,
        "language": language,
        "category": category,
        "parameter_format": parameter_format,
        "components": parts["components"],
    }
    if request.get("allowCategoryChange") is not None:
        template["allow_category_change"] = bool(request["allowCategoryChange"])
    size = len(json.dumps(template).encode())
    if size > DEFINITION_MAX_BYTES:
        problems.add("template", "size", f"{size:,} bytes",
                     f"the template definition has {size:,} bytes; End User Messaging Social "
                     f"accepts {DEFINITION_MAX_BYTES:,}")
    return template


def _check_language(raw: Any, problems: Problems) -> str:
    code = normalize_language(raw if isinstance(raw, str) else "")
    if code not in SUPPORTED_LANGUAGES:
        near = closest_languages(code)
        hint = f"; did you mean {', '.join(near)}?" if near else ""
        problems.add("template", "language", raw,
                     f"language must be one of Meta's template language codes such as en, "
                     f"en_US, hi, ta, pt_BR{hint}")
    return code


def _check_components(raw: Any, authentication: bool, problems: Problems) -> dict[str, Any]:
    """Each component checked by its type; returns the normalized list and its variables."""
    found: dict[str, Any] = {"components": [], "variables": []}
    if not isinstance(raw, list) or not raw:
        problems.add("template", "components", raw,
                     'components must be a list with at least a {"type": "BODY", "text": ...}')
        return found
    seen: set[str] = set()
    for index, original in enumerate(raw, start=1):
        if not isinstance(original, dict):
            problems.add(f"components[{index}]", "shape", original,
                         "each component is a JSON object with a type")
            continue
        component = copy.deepcopy(original)
        kind = str(component.get("type", "")).upper()
        component["type"] = kind
        if kind not in COMPONENT_TYPES:
            problems.add(f"components[{index}]", "type", original.get("type"),
                         f"type must be one of {', '.join(COMPONENT_TYPES)}")
            continue
        if kind in seen:
            problems.add(kind, "one per template", kind, f"a template has one {kind} component")
            continue
        seen.add(kind)
        found["variables"].append(_check_component(kind, component, authentication, problems))
        found["components"].append(component)
    if "BODY" not in seen:
        problems.add("BODY", "body required", None, 'add a {"type": "BODY", "text": ...} component')
    if authentication and "HEADER" in seen:
        problems.add("HEADER", "authentication header", "HEADER",
                     "authentication templates have no header")
    return found


def _check_component(
    kind: str, component: dict[str, Any], authentication: bool, problems: Problems
) -> Variables:
    if kind == "BODY":
        return rules.check_body(component, authentication, problems)
    if kind == "HEADER":
        return rules.check_header(component, problems)
    if kind == "FOOTER":
        rules.check_footer(component, authentication, problems)
    else:
        rules.check_buttons(component, authentication, problems)
    return Variables((), "")


def _parameter_format(raw: Any, parts: dict[str, Any], problems: Problems) -> str:
    """POSITIONAL or NAMED: as given, else what the variables use; one kind per template."""
    positional = any(v.positional for v in parts["variables"])
    named = any(v.named for v in parts["variables"])
    if positional and named:
        problems.add("template", "parameter format", "positional and named",
                     "use either {{1}}, {{2}} … or named variables, not both")
    inferred = "NAMED" if named and not positional else "POSITIONAL"
    if raw is None:
        return inferred
    given = str(raw).upper()
    if given not in PARAMETER_FORMATS:
        problems.add("template", "parameter format", raw,
                     "parameterFormat must be POSITIONAL or NAMED")
    elif (given == "NAMED" and positional) or (given == "POSITIONAL" and named):
        problems.add("template", "parameter format", raw,
                     f"parameterFormat is {given} but the variables are {inferred.lower()}")
    return given if given in PARAMETER_FORMATS else inferred
