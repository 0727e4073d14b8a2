"""The kiosk's ticket prints on an 80 mm receipt printer (issue 13): Chromium's print to PDF."""

import io

from pypdf import PdfReader

from applications.demo_tickets import seed_counters
from applications.services import tickets
from procedures.models import Unit

MM = 72 / 25.4  # PDF points per millimetre


def test_the_ticket_prints_on_80_mm_paper_with_its_number(live_server, demo_transactional, browser):
    seed_counters()
    unit = Unit.objects.get(code="19774")
    tickets.ticket_issue(unit=unit, field=None)
    ticket = tickets.ticket_issue(unit=unit, field=None)
    page = browser.new_context(locale="en-US").new_page()
    page.goto(f"{live_server.url}/desk/kiosk/19774/ticket/{ticket.pk}/")
    assert page.locator("#kiosk-print").is_visible()  # the kiosk's print button, with JavaScript
    pdf = PdfReader(io.BytesIO(page.pdf(prefer_css_page_size=True, print_background=True)))
    assert len(pdf.pages) == 1
    width = float(pdf.pages[0].mediabox.width)
    assert abs(width - 80 * MM) < 2, f"{width / MM:.1f} mm wide"
    text = pdf.pages[0].extract_text()
    assert str(ticket.number) in text
    assert "Kim Long" in text
    assert "Còn 1 người chờ trước bạn" in text  # Vietnamese, for an English browser too
    # Nothing of the screen on paper: no buttons, no site header.
    assert "In phiếu" not in text
    page.context.close()
