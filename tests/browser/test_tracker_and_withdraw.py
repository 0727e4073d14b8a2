"""Issue 13, items 6 and 7 in Chromium: the citizen's step tracker on a 360 px phone, and the
desk's withdrawal, which asks for confirmation and a reason before anything happens."""

import re

from playwright.sync_api import expect

from applications import services
from applications.models import Dossier, DossierEvent
from portal.accounts.models import User
from procedures.models import Procedure
from tests.browser.test_accessibility import _online_dossier, serious_findings
from tests.browser.test_phone_layout import overflow, sign_in


def _procedure():
    return (
        Procedure.objects.filter(current_version__processing_unit="working_days")
        .order_by("code")
        .first()
    )


def test_the_step_tracker_reads_in_order_on_a_360_px_phone(
    live_server, demo_transactional, browser
):
    base = live_server.url
    citizen = User.objects.get(username="citizen")
    dossier = _online_dossier(_procedure(), citizen)
    services.dossier_receive(dossier=dossier, actor=User.objects.get(username="clerk.kimlong"))
    services.dossier_start_review(
        dossier=dossier,
        actor=User.objects.get(username="clerk.kimlong"),
        assignee=User.objects.get(username="specialist.kimlong"),
    )
    due = Dossier.objects.get(pk=dossier.pk).due_at
    context = browser.new_context(locale="en-US", viewport={"width": 360, "height": 780})
    try:
        page = sign_in(context, base, "citizen")
        page.goto(f"{base}/ho-so-cua-toi/{dossier.code}/")
        steps = page.locator("ol.tracker-steps > li")
        expect(steps).to_have_count(5)
        current = page.locator("ol.tracker-steps > li[aria-current=step]")
        expect(current).to_have_count(1)
        # Where it stands is said in words, not only by colour: the step and "now".
        expect(current).to_contain_text("Đang giải quyết")
        expect(current).to_contain_text("đang ở bước này")
        expect(steps.first).to_contain_text("đã xong")
        from django.utils import timezone

        expect(page.locator(".tracker .next-step")).to_contain_text(
            timezone.localtime(due).strftime("%d/%m/%Y")
        )
        assert overflow(page) == ""
        box = current.bounding_box()
        assert box["x"] >= 0
        assert box["x"] + box["width"] <= 360
        assert box["height"] >= 44
        assert serious_findings(page) == []
    finally:
        context.close()


def test_the_desk_withdraws_only_after_confirming_with_a_reason(
    live_server, demo_transactional, browser
):
    base = live_server.url
    dossier = _online_dossier(_procedure(), User.objects.get(username="citizen"))
    context = browser.new_context(locale="vi-VN", viewport={"width": 390, "height": 844})
    try:
        page = sign_in(context, base, "clerk.kimlong")
        page.goto(f"{base}/desk/ho-so/{dossier.code}/")
        page.locator("#action-withdraw a").click()
        expect(page).to_have_url(re.compile(rf"/desk/ho-so/{dossier.code}/rut/$"))
        # Confirming without a reason goes nowhere: the browser asks for it, nothing changes.
        page.locator("#confirm-withdraw").click()
        expect(page).to_have_url(re.compile(r"/rut/$"))
        assert Dossier.objects.get(pk=dossier.pk).state == "submitted"
        assert page.locator("#reason").evaluate("e => e.validity.valueMissing")
        # "No, keep it" goes back and changes nothing.
        page.get_by_role("link", name="Không, giữ lại").click()
        expect(page).to_have_url(re.compile(rf"/desk/ho-so/{dossier.code}/$"))
        page.locator("#action-withdraw a").click()
        page.locator("#reason").fill("Công dân xin rút để nộp lại sau")
        page.locator("#confirm-withdraw").click()
        expect(page).to_have_url(re.compile(rf"/desk/ho-so/{dossier.code}/$"))
        expect(page.locator("section[aria-labelledby=history]")).to_contain_text(
            "Công dân xin rút để nộp lại sau"
        )
        assert Dossier.objects.get(pk=dossier.pk).state == "withdrawn"
        assert DossierEvent.objects.filter(dossier=dossier, action="withdraw").count() == 1
        assert overflow(page) == ""
    finally:
        context.close()
