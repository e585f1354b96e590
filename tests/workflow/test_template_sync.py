"""template-sync on the embedded runtime: pages, upserts, deletions, every tenant on the
schedule, throttling, and failures (runbook section 4, eum_sync_templates)."""

from __future__ import annotations

from boto3.dynamodb.conditions import Key

from tests.workflow.template_flow import (
    META_WABA,
    OPS,
    TENANT,
    WABA,
    cached,
    output,
    run,
    stand_in,
)
from workflows.catalog import TEMPLATE_SYNC
from workflows.local.runtime import LocalRuntime

OTHER_WABA = "waba-9e8d7c6b5a49382716f5e4d3c2b1a090"


def test_sync_pages_through_the_templates_and_caches_each_one(runtime: LocalRuntime) -> None:
    # GIVEN five templates in the WABA, in various states
    api = stand_in(runtime)
    statuses = ["APPROVED", "REJECTED", "PAUSED", "PENDING", "DISABLED"]
    for n, status in enumerate(statuses):
        api.seed_template(WABA, f"promo_{n}", language="hi" if n == 4 else "en_US",
                          category="MARKETING", status=status, quality_score="YELLOW")

    # WHEN the tenant is synced two templates per page
    result = run(runtime, "template-sync", {"metaWabaId": META_WABA, "pageSize": 2})

    # THEN it succeeds after three pages with all five templates
    assert result["status"] == "SUCCEEDED"
    [tenant] = output(result)["tenants"]
    assert (tenant["tenantId"], tenant["pages"], tenant["templates"]) == (TENANT, 3, 5)
    pages = [n for n, _ in runtime.functions.invocations
             if n == "wecare-template-sync-list-templates-page"]
    assert len(pages) == 3
    # AND each template is cached with its status, quality score, language and category
    for n, status in enumerate(statuses):
        item = cached(runtime, f"promo_{n}", "hi" if n == 4 else "en_US")
        assert item is not None
        assert (item["templateStatus"], item["qualityScore"], item["category"]) == (
            status, "YELLOW", "MARKETING")
        assert item["statusSource"] == "sync"
    # AND nobody is e-mailed
    assert runtime.outbox.messages() == []


def test_templates_gone_from_the_waba_are_marked_deleted(runtime: LocalRuntime) -> None:
    # GIVEN two templates synced once, one of which is then deleted in WhatsApp Manager
    api = stand_in(runtime)
    kept = api.seed_template(WABA, "order_update")
    api.seed_template(WABA, "old_offer")
    assert run(runtime, "template-sync", {"tenantId": TENANT})["status"] == "SUCCEEDED"
    runtime.client("socialmessaging").delete_whatsapp_message_template(
        id=WABA, templateName="old_offer")

    # WHEN the next sync runs
    result = run(runtime, "template-sync", {"tenantId": TENANT})

    # THEN the deleted one is marked DELETED and the other is untouched
    assert output(result)["tenants"][0]["markedDeleted"] == ["old_offer (en_US)"]
    gone, still = cached(runtime, "old_offer"), cached(runtime, "order_update")
    assert gone is not None and still is not None
    assert gone["templateStatus"] == "DELETED"
    assert (still["templateStatus"], still["metaTemplateId"]) == ("APPROVED",
                                                                  kept.meta_template_id)
    # AND a third sync marks nothing again
    assert output(run(runtime, "template-sync", {}))["markedDeleted"] == 0


def test_the_schedule_syncs_every_tenant_and_records_the_run(runtime: LocalRuntime) -> None:
    # GIVEN templates in both tenants' WABAs
    stand_in(runtime).seed_template(WABA, "order_update")
    stand_in(runtime).seed_template(OTHER_WABA, "trip_reminder", status="PAUSED")
    [schedule] = TEMPLATE_SYNC.schedules

    # WHEN the daily schedule fires
    result = run(runtime, "template-sync", schedule.input)

    # THEN each tenant is synced and the run is recorded with the trigger
    assert schedule.expression == "cron(30 2 * * ? *)"
    done = output(result)
    assert [t["tenantId"] for t in done["tenants"]] == ["manish-agarwal", "wecare-digital"]
    assert done["trigger"] == "schedule"
    paused = cached(runtime, "trip_reminder", tenant="manish-agarwal")
    assert paused is not None and paused["templateStatus"] == "PAUSED"
    [record] = runtime.table().query(KeyConditionExpression=Key("PK").eq("TEMPLATE_SYNC"))["Items"]
    assert (record["outcome"], record["templates"]) == ("SUCCEEDED", 2)


def test_a_throttled_page_is_retried(runtime: LocalRuntime) -> None:
    stand_in(runtime).seed_template(WABA, "order_update")
    stand_in(runtime).throttle("ListWhatsAppMessageTemplates", 2)
    result = run(runtime, "template-sync", {"tenantId": TENANT})
    assert result["status"] == "SUCCEEDED"
    failures = [e["lambdaFunctionFailedEventDetails"]["error"]
                for e in runtime.history(result["executionArn"])
                if e["type"] == "LambdaFunctionFailed"]
    assert failures == ["ServiceThrottled", "ServiceThrottled"]


def test_an_unknown_tenant_fails_the_sync_and_tells_operations(runtime: LocalRuntime) -> None:
    result = run(runtime, "template-sync", {"metaWabaId": "999"})
    assert (result["status"], result["error"]) == ("FAILED", "UnknownTenant")
    [mail] = runtime.outbox.messages()
    assert mail.to == (OPS,)
    assert mail.subject == "[WECARE] Template sync failed: UnknownTenant"


def test_one_tenant_failing_does_not_stop_the_others(runtime: LocalRuntime) -> None:
    # GIVEN listing is throttled beyond every retry (six attempts) for the first tenant
    stand_in(runtime).seed_template(WABA, "order_update")
    stand_in(runtime).throttle("ListWhatsAppMessageTemplates", 6)

    # WHEN every tenant is synced
    result = run(runtime, "template-sync", {"trigger": "schedule"})

    # THEN the other tenant is synced, and the run fails naming the tenant that did not
    assert (result["status"], result["error"]) == ("FAILED", "ServiceThrottled")
    assert result["cause"].startswith("manish-agarwal: ServiceThrottled")
    synced = cached(runtime, "order_update")
    assert synced is not None and synced["templateStatus"] == "APPROVED"
    [mail] = runtime.outbox.messages()
    assert "wecare-digital: SYNCED (1 templates, 0 marked DELETED)" in mail.body
