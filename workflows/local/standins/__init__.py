"""Local stand-ins for the AWS APIs moto lacks.

A stand-in answers the real API's REST-JSON requests, with its shapes and its errors,
so boto3, the AWS CLI and the task handlers talk to it unchanged. The same stand-in is
reached two ways: in-process through a botocore ``before-send`` hook (tests, and the
handlers the runtime runs) and over HTTP through the runtime's endpoint (CLI, AWS CLI).
"""

from __future__ import annotations

import functools
import json
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qs, unquote, urlsplit

CREDENTIAL_SCOPE = re.compile(r"Credential=[^/]+/\d{8}/[^/]+/([^/]+)/aws4_request")


@dataclass(frozen=True)
class ApiRequest:
    method: str
    path: str
    query: dict[str, list[str]]
    headers: dict[str, str]
    body: bytes
    signing_name: str

    def json(self) -> dict[str, Any]:
        return json.loads(self.body) if self.body else {}

    @classmethod
    def build(cls, method: str, url: str, headers: dict[str, str], body: bytes) -> ApiRequest:
        parts = urlsplit(url)
        lowered = {
            k.lower(): v.decode("latin-1") if isinstance(v, bytes) else str(v)
            for k, v in headers.items()
        }
        scope = CREDENTIAL_SCOPE.search(lowered.get("authorization", ""))
        return cls(
            method=method.upper(),
            path=unquote(parts.path) or "/",
            query=parse_qs(parts.query),
            headers=lowered,
            body=body or b"",
            signing_name=scope.group(1) if scope else "",
        )


@dataclass
class ApiResponse:
    status: int
    body: dict[str, Any] = field(default_factory=dict)
    headers: dict[str, str] = field(default_factory=dict)

    def encoded(self) -> bytes:
        return json.dumps(self.body, default=str).encode("utf-8")

    def all_headers(self) -> dict[str, str]:
        return {"Content-Type": "application/json", **self.headers}


class ApiError(Exception):
    """An AWS error response: HTTP status, error code and message, as REST-JSON sends them."""

    def __init__(self, status: int, code: str, message: str) -> None:
        super().__init__(message)
        self.status, self.code, self.message = status, code, message

    def response(self) -> ApiResponse:
        return ApiResponse(
            self.status,
            {"message": self.message},
            {"x-amzn-ErrorType": f"{self.code}:", "x-amzn-ErrorMessage": self.message},
        )


Operation = Callable[..., ApiResponse]


@dataclass(frozen=True)
class Route:
    method: str
    pattern: re.Pattern[str]
    operation: Operation


class StandIn:
    """A REST-JSON API answered locally; subclasses declare ``signing_name`` and routes."""

    signing_name: str = ""
    routes: tuple[tuple[str, str, str], ...] = ()

    @functools.cached_property
    def compiled_routes(self) -> list[Route]:
        return [
            Route(method, re.compile(f"^{pattern}$"), getattr(self, name))
            for method, pattern, name in self.routes
        ]

    def answer(self, request: ApiRequest) -> ApiResponse | None:
        """The response, or None when this stand-in does not serve the request."""
        if request.signing_name != self.signing_name:
            return None
        for route in self.compiled_routes:
            match = route.pattern.match(request.path)
            if match and route.method == request.method:
                try:
                    return route.operation(request, **match.groupdict())
                except ApiError as error:
                    return error.response()
        return None


class StandIns:
    """The stand-ins of one runtime, asked in turn."""

    def __init__(self, *stand_ins: StandIn) -> None:
        self.stand_ins = list(stand_ins)

    def answer(self, request: ApiRequest) -> ApiResponse | None:
        for stand_in in self.stand_ins:
            response = stand_in.answer(request)
            if response is not None:
                return response
        return None
