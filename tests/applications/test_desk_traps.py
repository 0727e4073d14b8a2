"""Issue 13, item 6: the desk without traps. The hand-over list, what was ticked at reception, a
failed walk-in that keeps its scans, and a withdrawal that asks for confirmation and a reason."""

import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from applications import services
from applications.models import ApplicationDraft, Dossier, DossierEvent
from portal.accounts.models import Role, StaffRole, User
from procedures.models import Procedure, Unit
from tests.applications.conftest import PDF, pdf


@pytest.fixture
def procedure(demo):
    return (
        Procedure.objects.filter(current_version__processing_unit="working_days")
        .order_by("code")
        .first()
    )


def _required(procedure):
    return [d for d in procedure.current_version.documents.all() if d.required]


def _form(procedure, **extra):
    return {
        "unit": "19774",
        "applicant_name": "Nguyễn Văn An",
        "applicant_id_number": "046090001234",
        "applicant_phone": "0905111222",
        "applicant_address": "12 Kim Long, Huế",
        "channel": "desk",
        "submission_key": "walk-in-traps",
        "checked": [str(d.pk) for d in _required(procedure)],
        **extra,
    }


def _clerk(client, username="clerk.kimlong"):
    client.force_login(User.objects.get(username=username))
    return client


def _received(client, procedure) -> Dossier:
    response = _clerk(client).post(f"/desk/tiep-nhan/{procedure.code}/", _form(procedure))
    assert response.status_code == 302, response.content.decode()[:2000]
    return Dossier.objects.latest("id")


def _specialist(username, unit="19774"):
    user = User.objects.create_user(username=username, password="x", last_name=username)
    StaffRole.objects.create(user=user, unit=Unit.objects.get(code=unit), role=Role.SPECIALIST)
    return user


# --- The hand-over list -------------------------------------------------------------------------


def test_the_hand_over_list_offers_specialists_first_least_loaded_first_with_their_load(
    client, procedure
):
    busy, free = _specialist("specialist.busy"), _specialist("specialist.free")
    _specialist("specialist.elsewhere", unit="19789")
    clerk = User.objects.get(username="clerk.kimlong")
    for _ in range(2):
        services.dossier_start_review(
            dossier=_received(client, procedure), actor=clerk, assignee=busy
        )
        Dossier.objects.update(submission_key="")  # the next walk-in is a new one
    dossier = _received(client, procedure)
    page = _clerk(client).get(f"/desk/ho-so/{dossier.code}/").content.decode()
    select = page[
        page.index('<select id="assignee"') : page.index(
            "</select>", page.index('<select id="assignee"')
        )
    ]
    options = re.findall(r'<option value="([^"]+)"( selected)?>([^<]*)</option>', select)
    names = [value for value, _selected, _label in options]
    leader_at = names.index("leader.kimlong")
    specialists = names[:leader_at]
    assert set(specialists) == {"specialist.kimlong", free.username, busy.username}
    assert specialists[-1] == busy.username  # the most loaded specialist comes last
    assert "specialist.elsewhere" not in names
    assert options[0][1] == " selected"  # a specialist, not the leader (nor the clerk), by default
    assert options[0][0] != "leader.kimlong"
    busy_label = next(label for value, _s, label in options if value == busy.username)
    assert "2" in busy_label


def test_handing_over_to_the_default_specialist_assigns_them(client, procedure):
    dossier = _received(client, procedure)
    client = _clerk(client)
    response = client.post(
        f"/desk/ho-so/{dossier.code}/start_review/",
        {"assignee": "specialist.kimlong", "expected_version": dossier.version},
    )
    assert response.status_code == 302
    assert Dossier.objects.get(pk=dossier.pk).assignee.username == "specialist.kimlong"


# --- What was ticked at reception --------------------------------------------------------------


def test_the_dossier_page_shows_which_documents_were_ticked_and_attached_at_reception(
    client, procedure
):
    documents = list(procedure.current_version.documents.all())
    ticked = documents[:1]
    attached = documents[1] if len(documents) > 1 else None
    data = _form(procedure, checked=[str(d.pk) for d in ticked])
    data.update({f"document_{d.pk}": pdf(f"scan{d.pk}.pdf") for d in _required(procedure)})
    response = _clerk(client).post(f"/desk/tiep-nhan/{procedure.code}/", data)
    assert response.status_code == 302, response.content.decode()[:2000]
    page = client.get(response["Location"]).content.decode()
    items = re.findall(r"<li>(.*?)</li>", page.split('id="docs"')[1].split("</ul>")[0], re.S)
    marked = {d.pk: next(i for i in items if d.name in i) for d in documents}
    for d in ticked:
        assert 'class="ticked"' in marked[d.pk]
    for d in _required(procedure):  # a scan counts as handed in
        assert 'class="ticked"' in marked[d.pk]
        assert f"scan{d.pk}.pdf" in marked[d.pk]
    untouched = [d for d in documents if d not in ticked and not d.required]
    for d in untouched:
        assert 'class="not-ticked"' in marked[d.pk]
    assert attached is None or attached.name in page


def test_an_online_dossier_marks_nothing_before_reception_and_its_uploads_after(client, procedure):
    from tests.citizen.conftest import apply_online

    client.force_login(User.objects.get(username="citizen"))
    dossier = apply_online(client, procedure)
    page = _clerk(client).get(f"/desk/ho-so/{dossier.code}/").content.decode()
    assert 'class="ticked"' not in page
    assert 'class="not-ticked"' not in page
    services.dossier_receive(dossier=dossier, actor=User.objects.get(username="clerk.kimlong"))
    page = client.get(f"/desk/ho-so/{dossier.code}/").content.decode()
    docs = page.split('id="docs"')[1].split("</ul>")[0]
    for d in _required(procedure):  # uploaded by the citizen: handed in, not "not ticked"
        item = next(i for i in re.findall(r"<li>(.*?)</li>", docs, re.S) if d.name in i)
        assert 'class="ticked"' in item
        assert "Đã đính kèm khi nộp" in item


# --- A failed walk-in keeps its scans and fields ------------------------------------------------

NOT_A_PDF = b"MZ\x90\x00 this is a program, not a scan"


def test_a_refused_scan_keeps_the_other_scans_and_the_fields_and_the_next_try_receives(
    client, procedure
):
    first, *rest = _required(procedure) or pytest.skip("no required document")
    client = _clerk(client)
    data = _form(procedure, applicant_email="an@example.vn", note="Mang bản chính")
    data[f"document_{first.pk}"] = pdf("to-khai.pdf")
    bad = (rest or [first])[0]
    if bad == first:
        other = next(d for d in procedure.current_version.documents.all() if d != first)
        bad = other
    data[f"document_{bad.pk}"] = SimpleUploadedFile("giay-to.pdf", NOT_A_PDF, "application/pdf")
    response = client.post(f"/desk/tiep-nhan/{procedure.code}/", data)
    assert response.status_code == 400
    html = response.content.decode()
    assert not Dossier.objects.exists()
    for value in ("Nguyễn Văn An", "046090001234", "an@example.vn", "12 Kim Long, Huế"):
        assert value in html
    assert "Mang bản chính" in html
    assert 'id="reception-problems"' in html
    assert "giay-to.pdf" in html
    held = ApplicationDraft.objects.get(at_desk=True)
    assert [a.original_name for a in held.attachments.all()] == ["to-khai.pdf"]
    assert "to-khai.pdf" in html
    assert f'name="held" value="{held.pk}"' in html
    # The clerk scans the refused paper again; the kept scan is not asked for again.
    retry = _form(procedure, held=str(held.pk))
    retry[f"document_{bad.pk}"] = pdf("giay-to-2.pdf")
    response = client.post(f"/desk/tiep-nhan/{procedure.code}/", retry)
    assert response.status_code == 302, response.content.decode()[:2000]
    dossier = Dossier.objects.get()
    assert dossier.state == "received"
    assert sorted(a.original_name for a in dossier.attachments.all()) == [
        "giay-to-2.pdf",
        "to-khai.pdf",
    ]
    held.refresh_from_db()
    assert held.dossier == dossier
    assert not held.attachments.exists()
    # A double click on that last try still makes one dossier.
    again = client.post(f"/desk/tiep-nhan/{procedure.code}/", _form(procedure, held=str(held.pk)))
    assert again.status_code == 302
    assert again["Location"] == f"/desk/ho-so/{dossier.code}/"
    assert Dossier.objects.count() == 1


def test_a_validation_error_keeps_the_scans_and_says_what_to_fix(client, procedure):
    documents = _required(procedure) or pytest.skip("no required document")
    client = _clerk(client)
    data = _form(procedure, applicant_id_number="12345")
    data.update({f"document_{d.pk}": pdf(f"scan{d.pk}.pdf") for d in documents})
    response = client.post(f"/desk/tiep-nhan/{procedure.code}/", data)
    assert response.status_code == 400
    assert 'id="reception-problems"' in response.content.decode()
    held = ApplicationDraft.objects.get(at_desk=True)
    assert held.attachments.count() == len(documents)
    # Fixed, sent again without choosing the files again.
    fixed = _form(procedure, held=str(held.pk), checked=[])
    response = client.post(f"/desk/tiep-nhan/{procedure.code}/", fixed)
    assert response.status_code == 302, response.content.decode()[:2000]
    attachments = list(Dossier.objects.get().attachments.all())
    assert len(attachments) == len(documents)
    for attachment in attachments:  # the very bytes scanned at the first try
        with attachment.file.open("rb") as handle:
            assert handle.read() == PDF


def test_a_held_walk_in_is_the_clerks_own_and_never_among_anyones_drafts(client, procedure):
    documents = _required(procedure) or pytest.skip("no required document")
    data = _form(procedure, applicant_id_number="12345")
    data.update({f"document_{d.pk}": pdf(f"scan{d.pk}.pdf") for d in documents})
    _clerk(client).post(f"/desk/tiep-nhan/{procedure.code}/", data)
    held = ApplicationDraft.objects.get(at_desk=True)
    assert client.get("/ho-so-cua-toi/nhap/").status_code in (200, 302, 404)
    assert client.get(f"/nop-ho-so/nhap/{held.pk}/").status_code == 404
    # Another clerk of the same ward cannot pick up those scans by their number.
    other = _specialist("clerk.two")
    StaffRole.objects.create(user=other, unit=Unit.objects.get(code="19774"), role=Role.CLERK)
    client.force_login(other)
    response = client.post(
        f"/desk/tiep-nhan/{procedure.code}/",
        _form(procedure, held=str(held.pk), submission_key="other-key", checked=[]),
    )
    assert response.status_code == 400  # the held scans are not theirs: documents missing
    assert not Dossier.objects.exists()


# --- Withdrawing asks for confirmation and a reason --------------------------------------------


def test_the_desk_withdraws_only_after_confirming_with_a_reason_kept_in_the_history(
    client, procedure
):
    dossier = _received(client, procedure)
    page = client.get(f"/desk/ho-so/{dossier.code}/").content.decode()
    assert f'href="/desk/ho-so/{dossier.code}/rut/"' in page
    confirm = client.get(f"/desk/ho-so/{dossier.code}/rut/")
    assert confirm.status_code == 200
    assert 'name="reason"' in confirm.content.decode()
    assert "required" in confirm.content.decode()
    refused = client.post(
        f"/desk/ho-so/{dossier.code}/rut/", {"reason": "  ", "expected_version": dossier.version}
    )
    assert refused.status_code == 400
    assert Dossier.objects.get(pk=dossier.pk).state == "received"
    done = client.post(
        f"/desk/ho-so/{dossier.code}/rut/",
        {"reason": "Công dân xin rút để bổ sung giấy tờ", "expected_version": dossier.version},
    )
    assert done.status_code == 302
    assert Dossier.objects.get(pk=dossier.pk).state == "withdrawn"
    event = DossierEvent.objects.get(dossier=dossier, action="withdraw")
    assert event.note == "Công dân xin rút để bổ sung giấy tờ"
    assert "Công dân xin rút để bổ sung giấy tờ" in client.get(done["Location"]).content.decode()
    # A second click of the confirmation withdraws nothing more.
    again = client.post(f"/desk/ho-so/{dossier.code}/rut/", {"reason": "x"})
    assert again.status_code == 302
    assert DossierEvent.objects.filter(dossier=dossier, action="withdraw").count() == 1


def test_the_desk_withdrawal_page_is_refused_to_strangers(client, procedure):
    dossier = _received(client, procedure)
    url = f"/desk/ho-so/{dossier.code}/rut/"
    client.logout()
    assert client.get(url).status_code == 302  # to sign in
    assert client.post(url, {"reason": "x"}).status_code == 302
    client.force_login(User.objects.get(username="clerk.thuanhoa"))
    assert client.get(url).status_code == 404
    assert client.post(url, {"reason": "x"}).status_code == 404
    client.force_login(User.objects.get(username="citizen2"))
    assert client.get(url).status_code == 403
    assert client.post(url, {"reason": "x"}).status_code == 403
    assert Dossier.objects.get(pk=dossier.pk).state == "received"


def test_a_citizen_withdrawal_without_a_reason_is_asked_again_and_changes_nothing(
    client, procedure
):
    from tests.citizen.conftest import apply_online

    client.force_login(User.objects.get(username="citizen"))
    dossier = apply_online(client, procedure)
    response = client.post(f"/ho-so-cua-toi/{dossier.code}/rut/", {"reason": ""})
    assert response.status_code == 400
    assert 'role="alert"' in response.content.decode()
    assert Dossier.objects.get(pk=dossier.pk).state == "submitted"
    client.post(f"/ho-so-cua-toi/{dossier.code}/rut/", {"reason": "Nộp nhầm thủ tục"})
    assert Dossier.objects.get(pk=dossier.pk).state == "withdrawn"
    assert "Nộp nhầm thủ tục" in client.get(f"/ho-so-cua-toi/{dossier.code}/").content.decode()


def test_the_api_refuses_a_withdrawal_without_a_reason(client, procedure):
    from rest_framework.test import APIClient

    dossier = _received(client, procedure)
    api = APIClient()
    api.force_authenticate(User.objects.get(username="clerk.kimlong"))
    response = api.post(f"/api/v1/dossiers/{dossier.code}/withdraw/", {}, format="json")
    assert response.status_code == 400
    assert "reason" in response.json()["errors"]
    assert Dossier.objects.get(pk=dossier.pk).state == "received"


def test_held_scans_are_discarded_after_a_day_when_a_reception_form_opens(
    client, procedure, django_capture_on_commit_callbacks
):
    from datetime import timedelta

    from django.utils import timezone

    documents = _required(procedure) or pytest.skip("no required document")
    data = _form(procedure, applicant_id_number="12345")
    data.update({f"document_{d.pk}": pdf(f"scan{d.pk}.pdf") for d in documents})
    _clerk(client).post(f"/desk/tiep-nhan/{procedure.code}/", data)
    held = ApplicationDraft.objects.get(at_desk=True)
    storage, name = held.attachments.first().file.storage, held.attachments.first().file.name
    assert client.get(f"/desk/tiep-nhan/{procedure.code}/").status_code == 200
    assert ApplicationDraft.objects.filter(pk=held.pk).exists()  # still fresh: kept
    ApplicationDraft.objects.filter(pk=held.pk).update(
        updated_at=timezone.now() - timedelta(hours=25)
    )
    with django_capture_on_commit_callbacks(execute=True):
        assert client.get(f"/desk/tiep-nhan/{procedure.code}/").status_code == 200
    assert not ApplicationDraft.objects.filter(pk=held.pk).exists()
    assert not storage.exists(name)


def test_the_hand_over_list_is_one_query_however_many_people_and_dossiers(
    client, procedure, django_assert_num_queries
):
    from applications.selectors.handover import handover_candidates

    unit = Unit.objects.get(code="19774")
    with django_assert_num_queries(1):
        few = handover_candidates(unit=unit)
    clerk = User.objects.get(username="clerk.kimlong")
    for n in range(5):
        person = _specialist(f"specialist.extra{n}")
        services.dossier_start_review(
            dossier=_received(client, procedure), actor=clerk, assignee=person
        )
        Dossier.objects.update(submission_key="")
    with django_assert_num_queries(1):
        many = handover_candidates(unit=unit)
    assert len(many) == len(few) + 5
    assert all(c.load == 1 for c in many if c.user.username.startswith("specialist.extra"))


@pytest.mark.parametrize("who", ["anonymous", "citizen2", "clerk.thuanhoa"])
def test_a_held_walk_in_is_out_of_reach_of_anyone_else(client, procedure, who):
    documents = _required(procedure) or pytest.skip("no required document")
    data = _form(procedure, applicant_id_number="12345")
    data.update({f"document_{d.pk}": pdf(f"scan{d.pk}.pdf") for d in documents})
    _clerk(client).post(f"/desk/tiep-nhan/{procedure.code}/", data)
    held = ApplicationDraft.objects.get(at_desk=True)
    client.logout()
    if who != "anonymous":
        client.force_login(User.objects.get(username=who))
    unit = "19789" if who == "clerk.thuanhoa" else "19774"
    response = client.post(
        f"/desk/tiep-nhan/{procedure.code}/",
        _form(procedure, held=str(held.pk), unit=unit, checked=[], submission_key="other"),
    )
    expected = {"anonymous": 302, "citizen2": 403, "clerk.thuanhoa": 400}[who]
    assert response.status_code == expected
    assert f'name="held" value="{held.pk}"' not in response.content.decode()
    assert all(f"scan{d.pk}.pdf" not in response.content.decode() for d in documents)
    assert not Dossier.objects.exists()
    assert ApplicationDraft.objects.get(pk=held.pk).attachments.count() == len(documents)
