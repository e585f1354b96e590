"""The runbook's payment actions (section 6) through the action Lambda."""

from __future__ import annotations

from tests.operator import invoke_action
from workflows.local.runtime import LocalRuntime


def test_seed_then_validate_the_runbooks_tenants(runtime: LocalRuntime) -> None:
    seeded = invoke_action(runtime, {"action": "seed_payment_configs"})
    assert seeded["ok"] is True
    assert seeded["seeded"] == [
        {"tenantId": "manish-agarwal", "configName": "ManishAgarwal"},
        {"tenantId": "wecare-digital", "configName": "WECARE-DIGITAL"},
    ]

    checked = invoke_action(runtime, {"action": "validate_payment_configuration",
                                      "tenantId": "wecare-digital", "configName": "WECARE-DIGITAL"})

    assert checked["ok"] is True and checked["valid"] is True
    assert checked["problems"] == []
    assert any("Active" in note for note in checked["notCheckableOffline"])


def test_a_tenant_can_be_named_by_its_meta_waba_id(runtime: LocalRuntime) -> None:
    invoke_action(runtime, {"action": "seed_payment_configs"})
    checked = invoke_action(runtime, {"action": "validate_payment_configuration",
                                      "tenantId": "1390647332755815",
                                      "configName": "ManishAgarwal"})
    assert checked["tenantId"] == "manish-agarwal" and checked["valid"] is True


def test_a_broken_configuration_lists_each_problem(runtime: LocalRuntime) -> None:
    runtime.table().put_item(Item={
        "PK": "TENANT#wecare-digital", "SK": "PAYMENT#BROKEN", "configName": "BROKEN",
        "gatewayMid": "HDfub6wOfQybuH", "upiVpa": "9330994400", "mcc": "47", "purposeCode": "3",
    })

    checked = invoke_action(runtime, {"action": "validate_payment_configuration",
                                      "tenantId": "wecare-digital", "configName": "BROKEN"})

    assert checked["valid"] is False
    assert [problem.split()[0] for problem in checked["problems"]] == [
        "gatewayMid", "upiVpa", "mcc", "purposeCode"]


def test_unknown_names_are_refused_with_the_field(runtime: LocalRuntime) -> None:
    unknown_tenant = invoke_action(runtime, {"action": "validate_payment_configuration",
                                             "tenantId": "nobody", "configName": "X"})
    assert unknown_tenant == {"ok": False, "error": "UnknownTenant",
                              "message": "'nobody' is neither a tenant id nor a Meta WABA id"}

    missing_name = invoke_action(runtime, {"action": "validate_payment_configuration",
                                           "tenantId": "wecare-digital"})
    assert missing_name["error"] == "InvalidInput" and "configName" in missing_name["message"]

    unseeded = invoke_action(runtime, {"action": "validate_payment_configuration",
                                       "tenantId": "wecare-digital",
                                       "configName": "WECARE-DIGITAL"})
    assert "seed_payment_configs" in unseeded["message"]


def test_ping_and_list_actions_answer(runtime: LocalRuntime) -> None:
    assert invoke_action(runtime, {"action": "ping"})["status"] == "ok"
    names = {a["action"] for a in invoke_action(runtime, {"action": "list_actions"})["actions"]}
    assert {"ping", "list_actions", "seed_payment_configs",
            "validate_payment_configuration"} <= names
    assert invoke_action(runtime, {"action": "nope"})["error"] == "UnknownAction"
