"""Home for a client with no plan yet: booking the first meeting is the main action, and says what happens there
(issue 15, item 11)."""

from __future__ import annotations

from portal.appointments import queries

from ..support.appointments import make_slot
from ..support.client import PortalClient
from ..support.factories import PASSWORD, ClientFactory


def _home(client: PortalClient, person) -> str:  # type: ignore[no-untyped-def]
    client.set_cookie("lang", "en")
    assert client.sign_in(person.email, PASSWORD).status_code == 302
    return client.get("/").get_data(as_text=True)


def test_without_a_plan_the_first_meeting_is_the_main_action(client: PortalClient) -> None:
    page = _home(client, ClientFactory())
    main = page[page.index("<main"):page.index("</main>")]
    assert '<a class="button" href="/appointments/book">Book your first meeting</a>' in main
    assert main.index("Book your first meeting") < main.index('class="cards"')  # before the cards
    assert "talk about your situation and what you would like to do" in main
    assert "0 of 0" not in page and "steps done" not in page


def test_without_a_plan_a_booked_first_meeting_is_what_is_next(client: PortalClient) -> None:
    person = ClientFactory()
    appointment = queries.book(make_slot(), person, person, None, queries.Needs())
    page = _home(client, person)
    assert f'<a href="/appointments/{appointment.id}">Your next appointment</a>' in page
    assert "Book your first meeting" not in page


def test_with_a_plan_home_shows_its_steps_not_the_first_meeting(signed_in: PortalClient) -> None:
    signed_in.set_cookie("lang", "en")
    page = signed_in.get("/").get_data(as_text=True)
    assert "Book your first meeting" not in page and "steps done" in page
