"""The local adapter turns a WSGI request into the HTTP API event the deployed endpoint sends."""

from __future__ import annotations

import base64
import io

from workflows.local.lambda_http import http_api_event


def environ(method: str = "GET", path: str = "/approvals/a/x", query: str = "", body: bytes = b"",
            **headers: str) -> dict:
    env = {"REQUEST_METHOD": method, "PATH_INFO": path, "QUERY_STRING": query,
           "SERVER_PROTOCOL": "HTTP/1.1", "REMOTE_ADDR": "10.1.2.3",
           "wsgi.input": io.BytesIO(body), "CONTENT_LENGTH": str(len(body)) if body else ""}
    env.update({f"HTTP_{k.upper()}": v for k, v in headers.items()})
    return env


def test_a_get_becomes_a_payload_format_2_event() -> None:
    event = http_api_event(environ(query="intent=apply", Cookie="a=1; b=2",
                                   User_Agent="Chromium", Host="127.0.0.1:4599"), "123456789012")

    assert event["version"] == "2.0" and event["rawPath"] == "/approvals/a/x"
    assert event["queryStringParameters"] == {"intent": "apply"}
    assert event["cookies"] == ["a=1", "b=2"] and "cookie" not in event["headers"]
    http = event["requestContext"]["http"]
    assert http == {"method": "GET", "path": "/approvals/a/x", "protocol": "HTTP/1.1",
                    "sourceIp": "10.1.2.3", "userAgent": "Chromium"}
    assert event["requestContext"]["stage"] == "$default" and "body" not in event


def test_a_form_post_keeps_its_body_as_text() -> None:
    body = b"csrf=abc&decision=apply"
    env = environ("POST", body=body)
    env["CONTENT_TYPE"] = "application/x-www-form-urlencoded"

    event = http_api_event(env, "123456789012")

    assert event["body"] == "csrf=abc&decision=apply" and event["isBase64Encoded"] is False
    assert event["headers"]["content-type"] == "application/x-www-form-urlencoded"


def test_a_binary_body_is_base64_encoded() -> None:
    env = environ("POST", body=b"\x00\xff")
    env["CONTENT_TYPE"] = "application/octet-stream"
    event = http_api_event(env, "123456789012")
    assert event["isBase64Encoded"] is True and base64.b64decode(event["body"]) == b"\x00\xff"
