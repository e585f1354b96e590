"""Serve an ``http`` service function locally: a WSGI request becomes the API Gateway HTTP
API event (payload format 2.0) that the deployed endpoint would send, the function is
invoked through the runtime's Lambda, and its response becomes the WSGI response.

So the page a person opens on the embedded runtime runs the same handler, on the same
event shape, as the page behind the HTTPS endpoint on AWS.
"""

from __future__ import annotations

import base64
import json
import threading
import time
import uuid
from collections.abc import Callable, Iterable
from datetime import UTC, datetime
from http import HTTPStatus
from typing import Any
from urllib.parse import parse_qs

TEXT_TYPES = ("text/", "application/json", "application/x-www-form-urlencoded")


def http_api_event(environ: dict[str, Any], account_id: str) -> dict[str, Any]:
    """The payload-format-2.0 event of one WSGI request."""
    headers = {
        key[5:].replace("_", "-").lower(): value
        for key, value in environ.items()
        if key.startswith("HTTP_")
    }
    for key in ("CONTENT_TYPE", "CONTENT_LENGTH"):
        if environ.get(key):
            headers[key.replace("_", "-").lower()] = environ[key]
    cookies = [c.strip() for c in headers.pop("cookie", "").split(";") if c.strip()]
    length = int(environ.get("CONTENT_LENGTH") or 0)
    raw_body = environ["wsgi.input"].read(length) if length else b""
    is_text = headers.get("content-type", "text/plain").startswith(TEXT_TYPES)
    query = environ.get("QUERY_STRING", "")
    path = environ.get("PATH_INFO", "/")
    now = datetime.now(UTC)
    event: dict[str, Any] = {
        "version": "2.0",
        "routeKey": "$default",
        "rawPath": path,
        "rawQueryString": query,
        "headers": headers,
        "requestContext": {
            "accountId": account_id,
            "apiId": "local",
            "domainName": headers.get("host", "127.0.0.1"),
            "domainPrefix": "local",
            "http": {
                "method": environ["REQUEST_METHOD"],
                "path": path,
                "protocol": environ.get("SERVER_PROTOCOL", "HTTP/1.1"),
                "sourceIp": environ.get("REMOTE_ADDR", "127.0.0.1"),
                "userAgent": headers.get("user-agent", ""),
            },
            "requestId": str(uuid.uuid4()),
            "routeKey": "$default",
            "stage": "$default",
            "time": now.strftime("%d/%b/%Y:%H:%M:%S +0000"),
            "timeEpoch": int(time.time() * 1000),
        },
        "isBase64Encoded": not is_text,
    }
    if cookies:
        event["cookies"] = cookies
    if query:
        event["queryStringParameters"] = {k: ",".join(v) for k, v in parse_qs(query).items()}
    if raw_body:
        event["body"] = raw_body.decode("utf-8") if is_text else base64.b64encode(raw_body).decode()
    return event


class LambdaHttpApp:
    """A WSGI app that answers with an ``http`` function invoked through the local Lambda.

    Requests are served one at a time, as by one Lambda container: the handlers keep
    per-request state in module globals (the Powertools resolver's ``current_event``),
    which concurrent requests in one process would share.
    """

    def __init__(self, function_name: str, lambda_client: Any, account_id: str) -> None:
        self.function_name = function_name
        self._lambda = lambda_client
        self._account_id = account_id
        self._container = threading.Lock()

    def __call__(
        self, environ: dict[str, Any], start_response: Callable[..., Any]
    ) -> Iterable[bytes]:
        event = http_api_event(environ, self._account_id)
        with self._container:
            answer = self._lambda.invoke(
                FunctionName=self.function_name, Payload=json.dumps(event)
            )
            payload = json.loads(answer["Payload"].read() or b"{}")
        if answer.get("FunctionError"):
            return _respond(start_response, 502, {"Content-Type": "text/plain"}, [],
                            f"{self.function_name} failed: {payload.get('errorType')}\n".encode())
        body = payload.get("body") or ""
        data = base64.b64decode(body) if payload.get("isBase64Encoded") else body.encode("utf-8")
        return _respond(start_response, int(payload.get("statusCode", 200)),
                        payload.get("headers") or {}, payload.get("cookies") or [], data)


def _respond(
    start_response: Callable[..., Any],
    status: int,
    headers: dict[str, str],
    cookies: list[str],
    body: bytes,
) -> list[bytes]:
    reason = HTTPStatus(status).phrase if status in HTTPStatus._value2member_map_ else "Status"
    header_list = [(name, str(value)) for name, value in headers.items()
                   if name.lower() != "content-length"]
    header_list += [("Set-Cookie", cookie) for cookie in cookies]
    header_list.append(("Content-Length", str(len(body))))
    start_response(f"{status} {reason}", header_list)
    return [body]
