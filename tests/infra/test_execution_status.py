"""The ends a workflow does not record itself reach the function that closes them."""

from __future__ import annotations

from tests.infra import cfn
from tests.infra.conftest import Assembly
from workflows import catalog


def test_each_watching_function_gets_the_status_events_of_its_workflows(
    synthesized: Assembly,
) -> None:
    watchers = [f for f in catalog.SERVICE_FUNCTIONS if f.trigger == "execution-status"]
    assert [f.name for f in watchers] == ["wecare-profile-apply-close-ended-request"]
    dlq_id, _ = cfn.queue(synthesized.template, "wecare-event-delivery-dlq")
    for spec in watchers:
        function_id, _ = cfn.function(synthesized.template, spec.name)
        machines = [cfn.state_machine(synthesized.template, name)[0] for name in spec.watches]
        _, rule = cfn.one(synthesized.template, "AWS::Events::Rule", Name=spec.name)

        assert rule["Properties"]["EventPattern"] == {
            "source": ["aws.states"],
            "detail-type": ["Step Functions Execution Status Change"],
            "detail": {
                "status": ["ABORTED", "TIMED_OUT", "FAILED"],
                "stateMachineArn": [cfn.ref(machine) for machine in machines],
            },
        }
        (target,) = rule["Properties"]["Targets"]
        assert target["Arn"] == cfn.arn_of(function_id)
        assert target["DeadLetterConfig"] == {"Arn": cfn.arn_of(dlq_id)}
        assert target["RetryPolicy"]["MaximumRetryAttempts"] == 8
