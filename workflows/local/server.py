"""The embedded runtime's endpoint on 127.0.0.1: AWS APIs, stand-ins and local pages.

One port serves, in this order: pages mounted by features (the approval page), the
runtime's own pages under ``/_local/`` (health, outbox), the stand-ins for APIs moto
lacks, and moto's AWS-compatible API for everything else, so the AWS CLI and boto3
work against it unchanged.
"""

from __future__ import annotations

import html
import io
import json
import logging
import threading
from collections.abc import Callable, Iterable
from typing import Any

from moto.moto_server.werkzeug_app import (
    DomainDispatcherApplication,
    MotoRequestHandler,
    create_backend_app,
)
from werkzeug.serving import BaseWSGIServer, make_server

from workflows.local.standins import ApiRequest, ApiResponse
from workflows.settings import LOCAL_ENDPOINT_PORT

WsgiApp = Callable[[dict[str, Any], Callable[..., Any]], Iterable[bytes]]

DEFAULT_PORT = LOCAL_ENDPOINT_PORT


class LocalServer:
    def __init__(self, runtime: Any, host: str = "127.0.0.1", port: int = DEFAULT_PORT) -> None:
        self.runtime = runtime
        self.host, self.port = host, port
        self.mounts: dict[str, WsgiApp] = {}
        self._moto = DomainDispatcherApplication(create_backend_app)
        self._server: BaseWSGIServer | None = None
        self._thread: threading.Thread | None = None

    @property
    def url(self) -> str:
        return f"http://{self.host}:{self.port}"

    def mount(self, prefix: str, app: WsgiApp) -> None:
        """Serve ``prefix`` (e.g. ``/approvals``) with a WSGI app of a feature."""
        self.mounts[prefix] = app

    def start(self) -> LocalServer:
        logging.getLogger("werkzeug").setLevel(logging.WARNING)
        self._server = make_server(
            self.host, self.port, self, threaded=True, request_handler=MotoRequestHandler
        )
        self.port = self._server.server_address[1]
        self._thread = threading.Thread(
            target=self._server.serve_forever, name="wecare-endpoint", daemon=True
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None

    # -- WSGI --------------------------------------------------------------------------------

    def __call__(self, environ: dict[str, Any], start_response: Callable[..., Any]) -> Any:
        path = environ.get("PATH_INFO", "")
        for prefix, app in self.mounts.items():
            if path == prefix or path.startswith(prefix.rstrip("/") + "/"):
                return app(environ, start_response)
        if path.startswith("/_local/"):
            return self._local_page(path, start_response)

        body = _read_body(environ)
        query = environ.get("QUERY_STRING", "")
        url = f"http://{self.host}{path}" + (f"?{query}" if query else "")
        headers = {
            key[5:].replace("_", "-"): value
            for key, value in environ.items()
            if key.startswith("HTTP_")
        }
        answered = self.runtime.stand_ins.answer(
            ApiRequest.build(environ["REQUEST_METHOD"], url, headers, body)
        )
        if answered is not None:
            return _respond(start_response, answered)
        environ["wsgi.input"] = io.BytesIO(body)
        return self._moto(environ, start_response)

    def _local_page(self, path: str, start_response: Callable[..., Any]) -> list[bytes]:
        if path == "/_local/health":
            payload = {"status": "ok", "stateMachines": self.runtime.state_machine_arns}
            return _json(start_response, payload)
        if path == "/_local/outbox.json":
            return _json(start_response, [m.as_json() for m in self.runtime.outbox.messages()])
        if path == "/_local/outbox":
            return _html(start_response, _outbox_page(self.runtime.outbox.messages()))
        start_response("404 Not Found", [("Content-Type", "text/plain")])
        return [b"no such local page\n"]


def _read_body(environ: dict[str, Any]) -> bytes:
    length = int(environ.get("CONTENT_LENGTH") or 0)
    return environ["wsgi.input"].read(length) if length else b""


def _respond(start_response: Callable[..., Any], response: ApiResponse) -> list[bytes]:
    body = response.encoded()
    start_response(
        f"{response.status} {'OK' if response.status < 400 else 'Error'}",
        [*response.all_headers().items(), ("Content-Length", str(len(body)))],
    )
    return [body]


def _json(start_response: Callable[..., Any], payload: Any) -> list[bytes]:
    body = json.dumps(payload, default=str, indent=2).encode()
    start_response("200 OK", [("Content-Type", "application/json")])
    return [body]


def _html(start_response: Callable[..., Any], page: str) -> list[bytes]:
    start_response("200 OK", [("Content-Type", "text/html; charset=utf-8")])
    return [page.encode("utf-8")]


def _outbox_page(messages: list[Any]) -> str:
    rows = "".join(
        f"<article><h2>{html.escape(m.subject)}</h2>"
        f"<p><b>From</b> {html.escape(m.sender)} <b>To</b> {html.escape(', '.join(m.to))}</p>"
        f"<div class='body'>{_body_html(m.body)}</div></article>"
        for m in reversed(messages)
    )
    return (
        "<!doctype html><html><head><meta charset='utf-8'><title>wecare-flows outbox</title>"
        "<style>body{font-family:sans-serif;max-width:60em;margin:auto}"
        "article{border-bottom:1px solid #ccc;padding:1em 0}"
        ".body{white-space:pre-wrap}</style></head>"
        f"<body><h1>Local outbox ({len(messages)})</h1>{rows or '<p>No e-mail yet.</p>'}"
        "</body></html>"
    )


def _body_html(body: str) -> str:
    """HTML bodies are shown as sent (links clickable); text bodies are escaped."""
    if body.lstrip().startswith("<"):
        return body
    return html.escape(body)
