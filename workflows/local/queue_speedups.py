"""Events delivered to SQS queues, fast even when the queues hold thousands of messages.

* moto decides whether each message is visible (and not delayed) by reading the clock
  through ``datetime`` once per message, and does so for every message of the queue on
  every send (``SendMessage`` reads the queue's attributes, which count the visible
  messages) and every receive: with 2,000 messages queued one send cost 30 ms. The same
  comparison against ``time.time()`` costs a twentieth of that.
* EventBridge builds each SQS target's input from JSONPaths it compiles again for every
  event (jsonpath-ng rebuilds its parser tables each time): compile each path once.
"""

from __future__ import annotations

import functools
import time

import jsonpath_ng.ext
from moto.sqs.models import Message

_installed = False


def _visible(self: Message) -> bool:
    return time.time() * 1000.0 > self.visible_at


def _delayed(self: Message) -> bool:
    return time.time() * 1000.0 < self.delayed_until


def install() -> None:
    global _installed
    if _installed:
        return
    Message.visible = property(_visible)  # type: ignore[method-assign,assignment]
    Message.delayed = property(_delayed)  # type: ignore[method-assign,assignment]
    # moto.events.utils imports ``parse`` from the module each time it builds an input.
    jsonpath_ng.ext.parse = functools.lru_cache(maxsize=1024)(jsonpath_ng.ext.parse)
    _installed = True
