"""Wherever times are offered, they are under their day, no two read the same, the time is the label and the rest
its hint, and the page says whom the times are with (issue 15, items 1 to 3)."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest

from portal.appointments import queries
from portal.appointments.times import local_day
from portal.models import Slot

from ..support.appointments import make_slot, walk_to_check
from ..support.client import PortalClient
from ..support.factories import ClientFactory, StaffFactory


@pytest.fixture()
def english(signed_in: PortalClient) -> PortalClient:
    signed_in.set_cookie("lang", "en")
    return signed_in


def _radios(page: str) -> list[tuple[str, str, str]]:
    """(value, label, hint) of each time offered, in page order."""
    found = re.findall(
        r'<input class="radios__input" type="radio" id="(slot-\d+)" name="slot" value="([^"]+)" '
        r'aria-describedby="\1-hint"[^>]*>\s*<div class="radios__text">\s*'
        r'<label class="radios__label radios__label--time" for="\1">([^<]+)</label>\s*'
        r'<p class="radios__hint" id="\1-hint">(.*?)</p>', page, re.DOTALL)
    return [(value, label, hint) for _id, value, label, hint in found]


def _days(page: str) -> list[str]:
    return re.findall(r'<h3 class="time-group__heading">([^<]+)</h3>', page)


def _two_days_of_times(**fields: object) -> list[Slot]:
    """9.45 on one day offered by two staff members alike, and 9.45 on the next day: three slots."""
    first = make_slot(**fields)
    twin = make_slot(organisation_id=first.organisation_id, starts_at=first.starts_at, **fields)
    next_day = make_slot(organisation_id=first.organisation_id, starts_at=first.starts_at + timedelta(days=1),
                         **fields)
    return [first, twin, next_day]


def test_the_time_page_says_the_day_and_whom_the_times_are_with(english: PortalClient) -> None:
    slot = make_slot(mode="video", location_fi="Saat linkin tekstiviestillä.",
                     location_en="You will get a link by text message.", topic_en="Rehabilitation advice")
    walk_to_check(english, slot)
    page = english.get("/appointments/book/time").get_data(as_text=True)
    day = re.search(r"<h1 class=\"fieldset__heading\">What time suits you on (\w{3} \d+ \w{3} \d{4})\?</h1>", page)
    assert day, page
    assert f"These are the free times at {slot.organisation.name_en}." in page
    [(value, label, hint)] = _radios(page)
    assert value == str(slot.id)
    assert label == "10:00 to 10:45"  # the time first, alone in the label
    assert hint == "Rehabilitation advice<br>Video call: You will get a link by text message."
    assert page.count("Video call") == 1  # the place no longer repeats the way of meeting


def test_the_day_page_says_whom_the_times_are_with(english: PortalClient) -> None:
    slot = make_slot()
    english.get("/appointments/book")
    english.post_form("/appointments/book", {"what": f"{slot.organisation_id}:"})
    page = english.get("/appointments/book/day").get_data(as_text=True)
    assert f'<div class="hint" id="day-hint">These are the free times at {slot.organisation.name_en}.</div>' in page
    assert 'aria-describedby="day-hint"' in page


def test_times_that_read_the_same_are_offered_once(english: PortalClient) -> None:
    first, twin, _next = _two_days_of_times()
    walk_to_check(english, first)
    options = _radios(english.get("/appointments/book/time").get_data(as_text=True))
    assert len(options) == 1 and options[0][0] in {str(first.id), str(twin.id)}


def test_times_that_differ_only_in_their_place_are_both_offered_and_read_apart(english: PortalClient) -> None:
    first = make_slot(location_fi="Huone 1")
    make_slot(organisation_id=first.organisation_id, starts_at=first.starts_at, location_fi="Huone 2")
    walk_to_check(english, first)
    options = _radios(english.get("/appointments/book/time").get_data(as_text=True))
    assert [label for _v, label, _h in options] == ["10:00 to 10:45"] * 2
    assert len({hint for _v, _l, hint in options}) == 2


def test_other_times_after_cancelling_are_under_their_days(english: PortalClient, jobseeker) -> None:
    slots = _two_days_of_times(location_fi="Kielotie 13, Vantaa")
    later = make_slot(organisation_id=slots[0].organisation_id, starts_at=slots[0].starts_at + timedelta(hours=1),
                      location_fi="Kielotie 13, Vantaa")
    booked = queries.book(later, jobseeker.user, jobseeker.user, None, queries.Needs())
    assert booked is not None
    english.get(f"/appointments/{booked.id}/cancel")
    response = english.post_form(f"/appointments/{booked.id}/cancel", {"reason": "health"})
    page = english.get(response.headers["Location"]).get_data(as_text=True)
    days = _days(page)
    assert len(days) == 2 and days[0] != days[1]
    assert all(re.fullmatch(r"\w{3} \d+ \w{3} \d{4}", day) for day in days)  # the weekday and the date
    options = _radios(page)
    assert len(options) == 2  # the twin reads the same as the first: offered once
    assert len({(day, label, hint) for day, (_v, label, hint) in zip(days, options, strict=True)}) == 2
    # the Finnish place on an English page is marked as Finnish
    assert '<span lang="fi">Kielotie 13, Vantaa</span>' in options[0][2]


def test_the_just_taken_page_offers_times_under_their_days(english: PortalClient) -> None:
    slots = _two_days_of_times()
    target = make_slot(organisation_id=slots[0].organisation_id, starts_at=slots[0].starts_at + timedelta(hours=2))
    check = walk_to_check(english, target)
    rival = ClientFactory()
    assert queries.book(target, rival, rival, None, queries.Needs()) is not None
    from ..support.appointments import confirm_fields

    response = english.post_form("/appointments/book/check", confirm_fields(check))
    assert response.status_code == 409
    page = response.get_data(as_text=True)
    assert len(_days(page)) == 2 and len(_radios(page)) == 2
    # a time chosen there, on another day than the one first chosen, continues the booking
    other_day = next(value for value, _l, _h in _radios(page) if value == str(slots[2].id))
    response = english.post_form("/appointments/book/time", {"slot": other_day})
    assert response.status_code == 302


def test_a_topic_in_the_readers_language_is_not_marked_and_one_in_another_is(english: PortalClient) -> None:
    staff = StaffFactory()
    swedish_only = make_slot(staff=staff, topic_sv="Jobbsökningssamtal")
    both = make_slot(staff=staff, starts_at=swedish_only.starts_at + timedelta(hours=1),
                     topic_sv="Jobbsökningssamtal", topic_en="Job-search review meeting")
    walk_to_check(english, swedish_only)
    hints = [hint for _v, _l, hint in _radios(english.get("/appointments/book/time").get_data(as_text=True))]
    assert hints[0].startswith('<span lang="sv">Jobbsökningssamtal</span><br>')
    assert hints[1].startswith("Job-search review meeting<br>")
    assert local_day(both.starts_at) == local_day(swedish_only.starts_at)
