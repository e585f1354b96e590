"""Routes in-process boto3 calls to the local stand-ins before moto dispatches them.

moto answers in-process calls from its ``BotocoreStubber``; the runtime wraps the
stubber's ``process_request`` so a request a stand-in serves never reaches moto (which
would raise ``NotImplementedError`` for an operation it lacks).
"""

from __future__ import annotations

from typing import Any

from botocore.awsrequest import AWSPreparedRequest
from moto.core.botocore_stubber import BotocoreStubber

from workflows.local.standins import ApiRequest, StandIns

_moto_process_request = BotocoreStubber.process_request
_stand_ins: StandIns | None = None


def _process_request(self: BotocoreStubber, request: AWSPreparedRequest) -> Any:
    if _stand_ins is not None:
        body = request.body or b""
        if hasattr(body, "read"):
            body = body.read()
            request.body = body  # the stream is spent: moto reads the bytes instead
        if isinstance(body, str):
            body = body.encode("utf-8")
        response = _stand_ins.answer(
            ApiRequest.build(request.method, request.url, dict(request.headers), body)
        )
        if response is not None:
            return response.status, response.all_headers(), response.encoded()
    return _moto_process_request(self, request)


def install(stand_ins: StandIns) -> None:
    global _stand_ins
    _stand_ins = stand_ins
    BotocoreStubber.process_request = _process_request


def uninstall() -> None:
    global _stand_ins
    _stand_ins = None
