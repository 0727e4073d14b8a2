"""The HTML forms let a clerk or a resident state that a conditional document's case applies
("khi xin cấp lại"): the document then becomes required, as through the API (issue 11,
items 5 and 7; procedures.selectors.documents_required)."""

import pytest
from django.utils import translation

from applications import services
from applications.models import ApplicationDraft, Dossier
from portal.accounts.models import User
from procedures.models import Procedure, Unit

CODE = "1.004873"  # marital-status certificate: "khi xin cấp lại" is conditional


@pytest.fixture(autouse=True)
def in_english():
    """Messages compared in English, whatever language an earlier test left active."""
    with translation.override("en"):
        yield


def user(username):
    return User.objects.get(username=username)


def _reissue():
    procedure = Procedure.objects.select_related("current_version").get(code=CODE)
    return procedure, procedure.current_version.documents.get(condition="khi xin cấp lại")


def _walk_in(client, username, *, conditions=(), extra_checked=(), unit="19774"):
    procedure, _doc = _reissue()
    always = [d.pk for d in procedure.current_version.documents.all() if d.required]
    client.force_login(user(username))
    client.cookies["motcua_language"] = "en"
    return client.post(
        f"/desk/tiep-nhan/{CODE}/",
        {
            "unit": unit,
            "applicant_name": "Trần Văn Bình",
            "applicant_phone": "0905333444",
            "channel": "desk",
            "submission_key": f"k-{username}-{len(conditions)}-{len(extra_checked)}",
            "checked": [*always, *extra_checked],
            "conditions": list(conditions),
        },
    )


def test_the_walk_in_form_offers_each_condition_in_the_sources_words(client, demo):
    _procedure, reissue = _reissue()
    client.force_login(user("clerk.kimlong"))
    html = client.get(f"/desk/tiep-nhan/{CODE}/").content.decode()
    assert f'name="conditions" value="{reissue.pk}"' in html
    assert "khi xin cấp lại" in html


def test_the_clerk_states_the_re_issue_case_and_the_document_becomes_required(client, demo):
    _procedure, reissue = _reissue()
    refused = _walk_in(client, "clerk.kimlong", conditions=[reissue.pk])
    assert refused.status_code == 400
    assert "Missing required documents" in refused.content.decode()
    assert not Dossier.objects.filter(procedure__code=CODE).exists()
    # The box stays ticked on the page shown again.
    assert f'value="{reissue.pk}" checked' in refused.content.decode()
    received = _walk_in(
        client, "clerk.kimlong", conditions=[reissue.pk], extra_checked=[reissue.pk]
    )
    assert received.status_code == 302
    assert Dossier.objects.filter(procedure__code=CODE).count() == 1


def test_a_first_time_applicant_is_received_without_the_conditional_document(client, demo):
    response = _walk_in(client, "clerk.kimlong")
    assert response.status_code == 302
    assert Dossier.objects.filter(procedure__code=CODE, state="received").count() == 1


def test_the_walk_in_form_is_for_the_units_own_desk(client, demo):
    _procedure, reissue = _reissue()
    other = _walk_in(client, "clerk.thuanhoa", conditions=[reissue.pk], unit="19774")
    assert other.status_code == 400  # not one of their units
    assert not Dossier.objects.filter(receiving_unit__code="19774").exists()
    assert _walk_in(client, "citizen", conditions=[reissue.pk]).status_code == 403
    client.logout()
    assert client.get(f"/desk/tiep-nhan/{CODE}/").status_code == 302


def _draft(owner="citizen"):
    procedure, _doc = _reissue()
    return services.draft_save(
        user=user(owner),
        procedure=procedure,
        answers={"unit": "19774", "applicant_name": "Nguyễn Thị Lan", "applicant_phone": ""},
    )


def test_the_resident_states_the_re_issue_case_and_the_document_becomes_required(client, demo):
    _procedure, reissue = _reissue()
    draft = _draft()
    url = f"/nop-ho-so/nhap/{draft.pk}/tai-lieu/"
    client.force_login(user("citizen"))
    client.cookies["motcua_language"] = "en"
    page = client.get(url).content.decode()
    assert f'name="conditions" value="{reissue.pk}"' in page
    missing = f"Missing: {reissue.name}"
    assert missing not in services.draft_problems(draft)
    response = client.post(url, {"conditions": [reissue.pk], "go": "upload"})
    assert response.status_code == 302
    draft.refresh_from_db()
    assert services.draft_conditions(draft) == [reissue.pk]
    assert missing in services.draft_problems(draft)
    assert f'value="{reissue.pk}" checked' in client.get(url).content.decode()
    # Unticked again: no longer required.
    client.post(url, {"go": "upload"})
    draft.refresh_from_db()
    assert missing not in services.draft_problems(draft)


def test_a_stated_condition_ignores_documents_that_have_none(demo):
    procedure, reissue = _reissue()
    always = procedure.current_version.documents.filter(required=True).first()
    draft = services.draft_state_conditions(draft=_draft(), conditions=[always.pk, reissue.pk])
    assert services.draft_conditions(draft) == [reissue.pk]


def test_another_citizen_or_ward_cannot_state_conditions_on_a_draft(client, demo):
    _procedure, reissue = _reissue()
    draft = _draft()
    url = f"/nop-ho-so/nhap/{draft.pk}/tai-lieu/"
    for username in ("citizen2", "clerk.thuanhoa"):
        client.force_login(user(username))
        assert client.post(url, {"conditions": [reissue.pk]}).status_code == 404
    client.logout()
    assert client.post(url, {"conditions": [reissue.pk]}).status_code == 302
    assert ApplicationDraft.objects.get(pk=draft.pk).data.get("conditions") is None
    assert Unit.objects.filter(code="19774").exists()
