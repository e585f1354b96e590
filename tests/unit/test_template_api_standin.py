"""The End User Messaging Social template stand-in answers like the real API: the botocore
model's shapes, its errors, pagination, and Meta's review of each new template."""

from __future__ import annotations

import json
import time
from typing import Any

import boto3
import pytest
from botocore.config import Config
from botocore.exceptions import ClientError

from workflows.local.runtime import LocalRuntime
from workflows.local.server import LocalServer
from workflows.local.standins.social_messaging import CREATIONS_PER_HOUR, ReviewPlan
from workflows.local.templates_feature import templates_of

WABA = "waba-1a2b3c4d5e6f708192a3b4c5d6e7f809"
META_WABA = "1347766229904230"


def definition(name: str = "order_update", language: str = "en_US") -> dict[str, Any]:
    return {"name": name, "language": language, "category": "UTILITY",
            "components": [{"type": "BODY", "text": "Order {{1}} is on its way.",
                            "example": {"body_text": [["ORD-1"]]}}]}


def create(client: Any, template: dict[str, Any]) -> dict[str, Any]:
    return client.create_whatsapp_message_template(
        id=WABA, templateDefinition=json.dumps(template).encode())


def error_of(call: Any, **params: Any) -> tuple[str, int]:
    with pytest.raises(ClientError) as raised:
        call(**params)
    error = raised.value.response
    return error["Error"]["Code"], error["ResponseMetadata"]["HTTPStatusCode"]


def wait_until(check: Any, seconds: float = 10.0) -> None:
    deadline = time.monotonic() + seconds
    while not check():
        assert time.monotonic() < deadline, "the condition never came true"
        time.sleep(0.01)


def test_create_decodes_the_blob_and_get_returns_metas_template(runtime: LocalRuntime) -> None:
    # GIVEN the EUM client, which base64-encodes the templateDefinition blob itself
    client = runtime.client("socialmessaging")

    # WHEN a template is created
    created = create(client, definition())

    # THEN the answer has the model's shape: a numeric string id, PENDING, the category
    assert created["metaTemplateId"].isdigit()
    assert (created["templateStatus"], created["category"]) == ("PENDING", "UTILITY")
    # AND Get, by id or by name and language, returns Meta's template as a JSON string
    by_id = client.get_whatsapp_message_template(id=WABA, metaTemplateId=created["metaTemplateId"])
    by_name = client.get_whatsapp_message_template(
        id=WABA, templateName="order_update", templateLanguageCode="en_US")
    assert by_id["template"] == by_name["template"]
    template = json.loads(by_id["template"])
    assert template["id"] == created["metaTemplateId"]
    assert template["status"] == "PENDING"
    assert template["components"] == definition()["components"]


def test_a_name_and_language_that_exist_are_refused(runtime: LocalRuntime) -> None:
    client = runtime.client("socialmessaging")
    create(client, definition())
    code, status = error_of(client.create_whatsapp_message_template, id=WABA,
                            templateDefinition=json.dumps(definition()).encode())
    assert (code, status) == ("InvalidParametersException", 400)
    # The same name in another language is a new template.
    assert create(client, definition(language="hi"))["templateStatus"] == "PENDING"


def test_lookups_fail_as_the_api_does(runtime: LocalRuntime) -> None:
    client = runtime.client("socialmessaging")
    get = client.get_whatsapp_message_template
    assert error_of(get, id=WABA, metaTemplateId="42") == ("ResourceNotFoundException", 404)
    assert error_of(get, id=WABA) == ("ValidationException", 400)
    unknown_waba = "waba-00000000000000000000000000000000"
    assert error_of(get, id=unknown_waba, metaTemplateId="42") == (
        "ResourceNotFoundException", 404)
    assert error_of(get, id="1347766229904230", metaTemplateId="42") == (
        "ValidationException", 400)
    bad_definition = {**definition(), "name": "Order Update"}
    assert error_of(client.create_whatsapp_message_template, id=WABA,
                    templateDefinition=json.dumps(bad_definition).encode()) == (
        "InvalidParametersException", 400)


def test_list_pages_through_the_templates(runtime: LocalRuntime) -> None:
    # GIVEN five templates in the WABA
    api = templates_of(runtime).api
    assert api is not None
    seeded = [api.seed_template(WABA, f"promo_{n}") for n in range(5)]
    client = runtime.client("socialmessaging")

    # WHEN they are listed two at a time with boto3's paginator
    pages = list(client.get_paginator("list_whatsapp_message_templates").paginate(
        id=WABA, PaginationConfig={"PageSize": 2}))

    # THEN three pages hold every template once, with the summary fields of the model
    assert [len(page["templates"]) for page in pages] == [2, 2, 1]
    listed = [t for page in pages for t in page["templates"]]
    assert [t["metaTemplateId"] for t in listed] == [s.meta_template_id for s in seeded]
    assert set(listed[0]) >= {"templateName", "metaTemplateId", "templateStatus",
                              "templateQualityScore", "templateLanguage", "templateCategory"}
    assert error_of(client.list_whatsapp_message_templates, id=WABA, maxResults=101) == (
        "ValidationException", 400)
    assert error_of(client.list_whatsapp_message_templates, id=WABA, nextToken="garbage") == (
        "ValidationException", 400)


def test_throttling_answers_429_throttled_request(runtime: LocalRuntime) -> None:
    # A client without the SDK's own retries, as the task Lambdas use (the ASL retries).
    client = boto3.client("socialmessaging", region_name=runtime.region,
                          config=Config(retries={"mode": "standard", "total_max_attempts": 1}))
    templates_of(runtime).api.throttle("CreateWhatsAppMessageTemplate", 1)
    assert error_of(client.create_whatsapp_message_template, id=WABA,
                    templateDefinition=json.dumps(definition()).encode()) == (
        "ThrottledRequestException", 429)
    assert create(client, definition())["templateStatus"] == "PENDING"


def test_meta_allows_100_creations_per_waba_per_hour(runtime: LocalRuntime) -> None:
    client = runtime.client("socialmessaging")
    for n in range(CREATIONS_PER_HOUR):
        create(client, definition(name=f"bulk_{n}"))
    assert error_of(client.create_whatsapp_message_template, id=WABA,
                    templateDefinition=json.dumps(definition(name="one_too_many")).encode()) == (
        "ThrottledRequestException", 429)


def test_the_review_decides_after_its_time_and_publishes_the_event(
    runtime: LocalRuntime,
) -> None:
    # GIVEN reviews planned for two templates: one approved with the event, one withheld
    feature = templates_of(runtime)
    feature.plan_review(ReviewPlan(verdict="APPROVED", after_seconds=60))
    feature.plan_review(ReviewPlan(verdict="REJECTED", after_seconds=60, send_event=False))
    client = runtime.client("socialmessaging")

    # WHEN both are created and the simulated minute passes
    approved = create(client, definition(name="approved_one"))
    rejected = create(client, definition(name="rejected_one"))
    wait_until(lambda: len(feature.published) == 1)

    # THEN both have their verdict, and only the first one's event was published
    def status(created: dict[str, Any]) -> dict[str, Any]:
        return json.loads(client.get_whatsapp_message_template(
            id=WABA, metaTemplateId=created["metaTemplateId"])["template"])

    assert status(approved)["status"] == "APPROVED"
    assert (status(rejected)["status"], status(rejected)["rejected_reason"]) == (
        "REJECTED", "INVALID_FORMAT")
    [event] = feature.published
    # AND the event is Meta's: an integer template id, the locale with a hyphen
    assert event.meta_waba_id == META_WABA
    assert event.value["message_template_id"] == int(approved["metaTemplateId"])
    assert event.value["message_template_language"] == "en-US"
    assert event.value["event"] == "APPROVED"


def test_update_sends_a_template_back_to_review_and_delete_removes_it(
    runtime: LocalRuntime,
) -> None:
    feature = templates_of(runtime)
    seeded = feature.api.seed_template(WABA, "promo_offer", status="REJECTED")
    client = runtime.client("socialmessaging")
    client.update_whatsapp_message_template(
        id=WABA, metaTemplateId=seeded.meta_template_id,
        templateComponents=json.dumps(definition()["components"]).encode())
    assert feature.template("promo_offer").status == "PENDING"
    client.delete_whatsapp_message_template(id=WABA, templateName="promo_offer")
    with pytest.raises(KeyError):
        feature.template("promo_offer")


def test_the_endpoint_serves_the_stand_in_over_http(runtime: LocalRuntime) -> None:
    # GIVEN the runtime served on a local port, as 'wecare-flows local' does
    server = LocalServer(runtime, port=0).start()
    try:
        client = boto3.client("socialmessaging", region_name=runtime.region,
                              endpoint_url=server.url, aws_access_key_id="local",
                              aws_secret_access_key="local")
        # WHEN a client outside the process creates and lists templates
        created = create(client, definition())
        listed = client.list_whatsapp_message_templates(id=WABA)["templates"]
    finally:
        server.stop()
    # THEN it reaches the same stand-in
    assert [t["metaTemplateId"] for t in listed] == [created["metaTemplateId"]]
