import pytest


@pytest.fixture
def pages(client, demo):
    return client


def test_the_finder_finds_procedures_without_diacritics(pages):
    html = pages.get("/", {"q": "khai sinh"}).content.decode()
    assert html.index("Đăng ký khai sinh") < html.index("Đăng ký lại khai sinh")


def test_the_finder_filters_by_level(pages):
    html = pages.get("/", {"level": "province"}).content.decode()
    assert "Tách thửa hoặc hợp thửa đất" in html
    assert "Đăng ký khai sinh<" not in html


def test_a_procedure_page_says_who_handles_it_and_where(pages):
    html = pages.get("/thu-tuc/1.001193/", {"unit": "19774"}).content.decode()
    assert "87 Phạm Thị Liên, phường Kim Long" in html
    assert "07:00" in html
    assert "17:00" in html


def test_unknown_procedure_page_is_404(pages):
    assert pages.get("/thu-tuc/0.000000/").status_code == 404


def test_a_10000_character_search_is_cut_and_said(pages):
    response = pages.get("/", {"q": "x" * 10000})
    assert response.status_code == 200


def test_english_is_one_click_away(pages):
    response = pages.post(
        "/i18n/setlang/", {"language": "en", "next": "/thu-tuc/1.001193/"}, follow=True
    )
    assert "Birth registration" in response.content.decode()


def test_every_procedure_page_answers(pages):
    from procedures.models import Procedure

    for code in Procedure.objects.values_list("code", flat=True):
        response = pages.get(f"/thu-tuc/{code}/")
        assert response.status_code == 200, code


def test_a_working_days_procedure_says_how_many_days(pages):
    html = pages.get("/thu-tuc/1.000419/").content.decode()
    assert "ngày làm việc" in html
