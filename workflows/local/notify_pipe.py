"""What the EventBridge Pipes do on AWS between the notify queues and message-notify.

On AWS a pipe per notify queue reads one message at a time and starts the Express
workflow synchronously (``REQUEST_RESPONSE``) with a JSON array holding the SQS record;
a succeeded execution deletes the message, a failed one leaves it on the queue, to come
back after the visibility timeout and to move to the dead-letter queue after
``maxReceiveCount`` receives.

moto has neither Pipes nor ``StartSyncExecution``, so a worker thread per queue does it:
it receives messages, starts one execution each with the same input, waits until the
execution ends, then deletes the message or makes it visible again after the queue's
visibility timeout times the runtime's time scale (at least one second: SQS counts
whole seconds). While its execution runs a message is kept invisible, so a slow
execution is not delivered twice by the pipe itself.

Like the runtime's other patches, the pipe works on moto's backends directly (receive,
start, wait, delete): going through boto3 for each (and ``DescribeExecution``, which
searches every execution of the state machine) cost more than the workflow itself.

Timing on the runtime's clock keeps AWS's order of things. On AWS an execution lives at
most 30 s, a notification claim's lease is 60 s and the visibility timeout 180 s, so a
redelivery after a crashed execution finds the lease expired. Locally an execution and
its tasks run in real time, never cut below the clock's task floor; the pipe sets the
lease to what an execution and its last task can really take, and waits long enough
between deliveries that the queue's receives outlast a lease.
"""

from __future__ import annotations

import json
import logging
import math
import os
import threading
from dataclasses import dataclass
from typing import Any

from moto.sqs.models import Message, sqs_backends
from moto.stepfunctions.responses import get_backend

from workflows import resources
from workflows.catalog import workflow
from workflows.local.clock import CLOCK

log = logging.getLogger(__name__)

WORKFLOW = "message-notify"
LEASE_VARIABLE = "NOTIFY_CLAIM_LEASE_SECONDS"
TERMINAL = ("SUCCEEDED", "FAILED", "TIMED_OUT", "ABORTED")
DEFAULT_CONCURRENCY = 4  # executions in flight per queue
HOLD_SECONDS = 300  # invisible while the execution runs (real seconds)
IDLE_SECONDS = 0.005
MAX_IDLE_SECONDS = 0.1


@dataclass
class InFlight:
    receipt_handle: str
    execution: Any  # moto's execution object (its ``status`` is read while it runs)


def real_seconds(timeout: float) -> float:
    """How long a timeout of the workflow lasts in real seconds on the runtime's clock."""
    return max(CLOCK.real_seconds(timeout) or 0.0, min(timeout, CLOCK.task_floor_seconds))


def local_lease_seconds() -> int:
    """The longest an execution, and the task it was running when stopped, really take."""
    definition = workflow(WORKFLOW).definition()
    longest_task = max(
        state.get("TimeoutSeconds", 60)
        for state in definition["States"].values()
        if state["Type"] == "Task"
    )
    return math.ceil(real_seconds(definition["TimeoutSeconds"]) + real_seconds(longest_task))


def retry_delay_seconds(queue: resources.NotifyQueue, lease_seconds: int) -> int:
    """The queue's visibility timeout on the clock, in whole seconds (SQS counts whole
    seconds), long enough that the queue's receives outlast a claim's lease."""
    scaled = round(queue.visibility_timeout_seconds * CLOCK.scale)
    outlast = math.ceil(lease_seconds / max(1, queue.max_receive_count - 1))
    return max(1, scaled, outlast)


class QueueWorker:
    """Feeds one notify queue to the workflow."""

    def __init__(
        self,
        runtime: Any,
        queue: resources.NotifyQueue,
        concurrency: int,
        stop: threading.Event,
        lease_seconds: int,
    ) -> None:
        self.queue = queue
        self.retry_delay_seconds = retry_delay_seconds(queue, lease_seconds)
        self.concurrency = concurrency
        self._stop = stop
        self.sqs = sqs_backends[runtime.account_id][runtime.region]
        self.queue_arn = self.sqs.get_queue(queue.name).queue_arn
        self.region = runtime.region
        self.sfn = get_backend(runtime.account_id, runtime.region)
        self.state_machine_arn = runtime.state_machine_arns[WORKFLOW]
        self.in_flight: dict[str, InFlight] = {}
        self.thread = threading.Thread(
            target=self._run, name=f"notify-pipe-{queue.name}", daemon=True
        )

    def _run(self) -> None:
        idle = IDLE_SECONDS
        while not self._stop.is_set():
            try:
                busy = self._receive() + self._settle()
            except Exception:
                log.exception("notify pipe %s: poll failed", self.queue.name)
                busy = 0
            # An empty queue is polled less and less often, as a pipe backs off.
            idle = IDLE_SECONDS if busy or self.in_flight else min(idle * 2, MAX_IDLE_SECONDS)
            if not busy:
                self._stop.wait(idle)

    def _receive(self) -> int:
        room = self.concurrency - len(self.in_flight)
        if room <= 0:
            return 0
        messages = self.sqs.receive_message(
            self.queue.name,
            count=min(10, room),
            wait_seconds_timeout=0,
            visibility_timeout=HOLD_SECONDS,
            message_attribute_names=["All"],
        )
        for message in messages:
            execution = self.sfn.start_execution(
                self.state_machine_arn, execution_input=json.dumps([self._record(message)])
            )
            self.in_flight[execution.execution_arn] = InFlight(
                str(message.receipt_handle), execution
            )
        return len(messages)

    def _settle(self) -> int:
        settled = 0
        for arn, flight in list(self.in_flight.items()):
            status = flight.execution.status
            if status not in TERMINAL:
                continue
            del self.in_flight[arn]
            settled += 1
            if status == "SUCCEEDED":
                self.sqs.delete_message(self.queue.name, flight.receipt_handle)
            else:
                self.sqs.change_message_visibility(
                    self.queue.name, flight.receipt_handle, self.retry_delay_seconds
                )
        return settled

    def _record(self, message: Message) -> dict[str, Any]:
        """The SQS record as a pipe delivers it (the same shape Lambda gets)."""
        return {
            "messageId": message.id,
            "receiptHandle": message.receipt_handle,
            "body": message.body,
            "attributes": {
                "ApproximateReceiveCount": str(message.approximate_receive_count),
                "SentTimestamp": str(message.sent_timestamp),
                "SenderId": message.sender_id,
                "ApproximateFirstReceiveTimestamp": str(
                    message.approximate_first_receive_timestamp
                ),
            },
            "messageAttributes": message.message_attributes,
            "md5OfBody": message.body_md5,
            "eventSource": "aws:sqs",
            "eventSourceARN": self.queue_arn,
            "awsRegion": self.region,
        }


class NotifyPipe:
    """The runtime feature: one :class:`QueueWorker` per notify queue."""

    def __init__(self, concurrency: int = DEFAULT_CONCURRENCY) -> None:
        self.concurrency = concurrency
        self.workers: list[QueueWorker] = []
        self._stop = threading.Event()

    def start(self, runtime: Any) -> None:
        self._stop.clear()
        lease = local_lease_seconds()
        os.environ[LEASE_VARIABLE] = str(lease)
        self.workers = [
            QueueWorker(runtime, queue, self.concurrency, self._stop, lease)
            for queue in resources.NOTIFY_QUEUES
        ]
        for worker in self.workers:
            worker.thread.start()

    def stop(self, runtime: Any) -> None:
        self._stop.set()
        for worker in self.workers:
            worker.thread.join(timeout=5)
        self.workers = []
        os.environ.pop(LEASE_VARIABLE, None)

    def idle(self) -> bool:
        """No execution of the pipe is running."""
        return all(not worker.in_flight for worker in self.workers)


def notify_pipe(runtime: Any) -> NotifyPipe:
    """The runtime's notify pipe (tests ask whether it is idle)."""
    for feature in runtime.features:
        if isinstance(feature, NotifyPipe):
            return feature
    raise LookupError("the notify pipe is not plugged into this runtime")
