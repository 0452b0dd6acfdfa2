"""What every page carries: the icon (no 404 on every page) and the banner after a redirect (issue 15)."""

from __future__ import annotations

import re

from ..support.client import PortalClient

ICON_LINK = re.compile(r'<link rel="icon" href="(/static/favicon\.svg\?v=[0-9a-f]{12})" type="image/svg\+xml">')


def test_every_page_links_the_icon_and_the_icon_is_there(client: PortalClient) -> None:
    page = client.get("/sign-in").get_data(as_text=True)
    found = ICON_LINK.search(page)
    assert found, page[:800]
    icon = client.get(found.group(1))
    assert icon.status_code == 200
    assert icon.mimetype == "image/svg+xml"
    assert icon.headers["Cache-Control"] == "public, max-age=31536000, immutable"
    assert b"<svg" in icon.get_data()


def test_a_browser_asking_for_favicon_ico_gets_the_icon(client: PortalClient) -> None:
    response = client.get("/favicon.ico")
    assert response.status_code == 302
    assert ICON_LINK.search(f'<link rel="icon" href="{response.headers["Location"]}" type="image/svg+xml">')
    assert client.get(response.headers["Location"]).status_code == 200


def test_a_message_after_a_redirect_is_an_alert_that_takes_focus(signed_in: PortalClient) -> None:
    """GOV.UK's success banner: role=alert and focused on load (portal.js), with a title that says what kind."""
    response = signed_in.post_form("/session/extend", {"next": "/"}, follow_redirects=True)
    page = response.get_data(as_text=True)
    banner = re.search(r'<div class="notification notification--success"[^>]*>.*?</div>', page, re.DOTALL)
    assert banner, page
    html = banner.group(0)
    assert 'role="alert"' in html and 'tabindex="-1"' in html and "data-focus-on-load" in html
    assert re.search(r'<h2 class="notification__title" id="notification-title-1">Success</h2>', html)
    assert 'aria-labelledby="notification-title-1"' in html
    assert "You are still signed in." in html
    assert 'role="status"' not in page.replace('id="live-region" class="visually-hidden" role="status"', "")


def test_the_accessibility_statement_says_what_the_act_asks_for(client: PortalClient) -> None:
    """The Act on the Provision of Digital Services: how accessible the service is, the problems known, when the
    statement was written and reviewed, how to give feedback, and the supervisory authority's contacts."""
    page = client.get("/accessibility").get_data(as_text=True)
    assert "This statement applies to the Jobseeker's portal at http://localhost:5000." in page
    assert "<h2>How accessible the service is</h2>" in page and "partly meets the requirements of WCAG 2.1" in page
    problems = page[page.index("<h2>Problems we know of</h2>"):page.index("<h2>What you can do</h2>")]
    assert problems.count("<li>") == 2 and "(WCAG 3.1.2)" in problems and "(WCAG 2.2.1)" in problems
    assert "This statement was written on Mon 30 Nov 2026 and last reviewed on Mon 30 Nov 2026." in page
    assert 'href="mailto:saavutettavuus@example.fi"' in page and "We answer within 14 days." in page
    authority = page[page.index("<h2>Supervisory authority</h2>"):]
    assert "Traficom" in authority
    assert 'href="https://www.saavutettavuusvaatimukset.fi"' in authority
    assert 'href="mailto:saavutettavuus@traficom.fi"' in authority
