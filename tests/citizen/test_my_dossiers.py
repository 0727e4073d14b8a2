"""The citizen's dossiers: the list, the timeline, supplements, withdrawal, downloads, rating and complaints."""

from applications import services
from applications.models import (
    ClockStop,
    Complaint,
    Dossier,
    Rating,
)
from portal.accounts.models import User
from tests.applications.conftest import PDF, pdf
from tests.citizen.conftest import apply_online, required, to_result

# --- My dossiers -------------------------------------------------------------------------------


def test_my_dossiers_lists_only_mine_newest_first_and_others_get_404(as_user, procedure):
    client = as_user("citizen")
    older = apply_online(client, procedure)
    newer = apply_online(client, procedure)
    html = client.get("/ho-so-cua-toi/").content.decode()
    assert html.index(newer.code) < html.index(older.code)
    assert "Submitted, waiting for the desk" in html
    assert "on track" in html
    other = as_user("citizen2")
    assert newer.code not in other.get("/ho-so-cua-toi/").content.decode()
    assert other.get(f"/ho-so-cua-toi/{newer.code}/").status_code == 404
    assert other.get(f"/ho-so-cua-toi/{newer.code}/rut/").status_code == 404


def test_the_dossier_page_shows_the_timeline_in_plain_words(as_user, procedure):
    client = as_user("citizen")
    dossier = apply_online(client, procedure)
    services.dossier_receive(dossier=dossier, actor=User.objects.get(username="clerk.kimlong"))
    html = client.get(f"/ho-so-cua-toi/{dossier.code}/").content.decode()
    assert "Received at the desk" in html
    assert "start_review" not in html
    assert ">receive<" not in html
    receipt = client.get(f"/ho-so-cua-toi/{dossier.code}/giay-tiep-nhan/")
    assert receipt.status_code == 200
    assert receipt.content.startswith(b"%PDF")
    assert receipt["Content-Disposition"].startswith("attachment;")


def test_answering_a_supplement_request_resumes_the_clock(as_user, procedure):
    client = as_user("citizen")
    dossier = apply_online(client, procedure)
    clerk = User.objects.get(username="clerk.kimlong")
    services.dossier_receive(dossier=dossier, actor=clerk)
    services.dossier_request_supplement(dossier=dossier, actor=clerk, reason="Tờ khai thiếu chữ ký")
    page = client.get(f"/ho-so-cua-toi/{dossier.code}/").content.decode()
    assert "Tờ khai thiếu chữ ký" in page
    doc = required(procedure)[0]
    response = client.post(
        f"/ho-so-cua-toi/{dossier.code}/bo-sung/",
        {f"document_{doc.pk}": pdf("to-khai-ky.pdf"), "note": "Đã ký"},
    )
    assert response.status_code == 302
    dossier = Dossier.objects.get(pk=dossier.pk)
    assert dossier.state == "received"
    assert dossier.clock_stopped_at is None
    assert not ClockStop.objects.filter(dossier=dossier, ended_at__isnull=True).exists()
    assert dossier.attachments.filter(purpose="supplement").count() == 1


def test_a_citizen_withdraws_after_confirming(as_user, procedure):
    client = as_user("citizen")
    dossier = apply_online(client, procedure)
    confirm = client.get(f"/ho-so-cua-toi/{dossier.code}/rut/")
    assert confirm.status_code == 200
    dossier = Dossier.objects.get(pk=dossier.pk)
    assert dossier.state == "submitted"
    client.post(f"/ho-so-cua-toi/{dossier.code}/rut/", {"reason": "Nộp nhầm"})
    dossier = Dossier.objects.get(pk=dossier.pk)
    assert dossier.state == "withdrawn"
    assert client.get(f"/ho-so-cua-toi/{dossier.code}/rut/").status_code == 302


def test_the_result_and_the_attachments_download_only_for_who_may_see_them(
    as_user, procedure, client
):
    owner = as_user("citizen")
    dossier = apply_online(owner, procedure)
    assert owner.get(f"/ho-so-cua-toi/{dossier.code}/ket-qua/").status_code == 404
    to_result(dossier)
    response = owner.get(f"/ho-so-cua-toi/{dossier.code}/ket-qua/")
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == PDF
    assert response["Content-Disposition"].startswith("attachment;")
    attachment = dossier.attachments.filter(purpose="application").first()
    assert owner.get(f"/tep/{attachment.pk}/").status_code == 200
    other = as_user("citizen2")
    assert other.get(f"/ho-so-cua-toi/{dossier.code}/ket-qua/").status_code == 404
    assert other.get(f"/tep/{attachment.pk}/").status_code == 404
    assert as_user("clerk.kimlong").get(f"/tep/{attachment.pk}/").status_code == 200
    assert as_user("clerk.thuanhoa").get(f"/tep/{attachment.pk}/").status_code == 404
    client.logout()
    assert client.get(f"/ho-so-cua-toi/{dossier.code}/ket-qua/").status_code == 302


def test_a_payment_request_links_to_the_payment_page(as_user, procedure):
    client = as_user("citizen")
    dossier = apply_online(client, procedure)
    specialist = User.objects.get(username="specialist.kimlong")
    services.dossier_receive(dossier=dossier, actor=User.objects.get(username="clerk.kimlong"))
    services.dossier_start_review(dossier=dossier, actor=specialist)
    services.dossier_request_payment(dossier=dossier, actor=specialist, amount=8000)
    html = client.get(f"/ho-so-cua-toi/{dossier.code}/").content.decode()
    assert f"/thanh-toan/{dossier.code}/" in html


# --- Rating and complaints ---------------------------------------------------------------------


SCORES = {"overall": "5", "time": "5", "attitude": "4", "guidance": "5", "transparency": "4"}


def test_rating_is_only_after_the_result_and_only_once(as_user, procedure):
    client = as_user("citizen")
    dossier = apply_online(client, procedure)
    early = client.post(f"/ho-so-cua-toi/{dossier.code}/danh-gia/", SCORES)
    assert early.status_code == 302
    assert not Rating.objects.exists()
    to_result(dossier)
    response = client.post(f"/ho-so-cua-toi/{dossier.code}/danh-gia/", SCORES)
    assert response["Location"] == f"/ho-so-cua-toi/{dossier.code}/danh-gia/cam-on/"
    assert client.get(response["Location"]).status_code == 200
    again = client.post(f"/ho-so-cua-toi/{dossier.code}/danh-gia/", {**SCORES, "overall": "1"})
    assert again.status_code == 302
    rating = Rating.objects.get()
    assert (rating.overall, rating.attitude) == (5, 4)
    assert not Complaint.objects.exists()
    assert as_user("citizen2").get(f"/ho-so-cua-toi/{dossier.code}/danh-gia/").status_code == 404


def test_the_rating_form_offers_1_to_5_on_each_criterion(as_user, procedure):
    client = as_user("citizen")
    dossier = apply_online(client, procedure)
    to_result(dossier, result=False)
    html = client.get(f"/ho-so-cua-toi/{dossier.code}/danh-gia/").content.decode()
    for key in SCORES:
        assert all(f'name="{key}" value="{n}"' in html for n in range(1, 6))
    assert "Staff attitude" in html
    incomplete = client.post(f"/ho-so-cua-toi/{dossier.code}/danh-gia/", {"overall": "4"})
    assert incomplete.status_code == 400
    assert not Rating.objects.exists()


def test_a_dissatisfied_rating_opens_a_complaint_the_leader_answers(as_user, procedure):
    client = as_user("citizen")
    dossier = apply_online(client, procedure)
    to_result(dossier, result=False)
    client.post(
        f"/ho-so-cua-toi/{dossier.code}/danh-gia/",
        {**SCORES, "overall": "2", "attitude": "1", "comment": "Cán bộ không hướng dẫn"},
    )
    complaint = Complaint.objects.get(dossier=dossier)
    assert complaint.status == "open"
    assert complaint.rating.overall == 2
    assert as_user("clerk.kimlong").get("/desk/phan-anh/").status_code == 403
    leader = as_user("leader.kimlong")
    listing = leader.get("/desk/phan-anh/").content.decode()
    assert leader.get(f"/desk/phan-anh/{complaint.pk}/").status_code == 200
    assert dossier.code in listing
    assert "Cán bộ không hướng dẫn" in listing
    empty = leader.post(f"/desk/phan-anh/{complaint.pk}/", {"answer": ""})
    assert empty.status_code == 400
    answered = leader.post(
        f"/desk/phan-anh/{complaint.pk}/", {"answer": "Chúng tôi xin lỗi và đã nhắc nhở."}
    )
    assert answered.status_code == 302
    complaint.refresh_from_db()
    assert complaint.status == "answered"
    assert complaint.answered_by.username == "leader.kimlong"
    assert dossier.code not in leader.get("/desk/phan-anh/").content.decode()
    page = as_user("citizen").get(f"/ho-so-cua-toi/{dossier.code}/").content.decode()
    assert "Chúng tôi xin lỗi và đã nhắc nhở." in page
