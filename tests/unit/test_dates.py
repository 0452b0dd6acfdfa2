"""Dates are stored in UTC and shown in Helsinki time, in each language's own format, across DST changes."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from flask import Flask

from portal.common.i18n import format_date, format_datetime


@pytest.mark.parametrize(
    "lang, expected",
    [
        ("fi", "ke 25.11.2026 klo 14.00"),
        ("sv", "ons 25.11.2026 kl. 14.00"),
        ("en", "Wed 25 Nov 2026 at 14:00"),
    ],
)
def test_appointment_format_in_each_language(app: Flask, lang: str, expected: str) -> None:
    with app.test_request_context(headers={"Accept-Language": lang}):
        assert format_datetime(datetime(2026, 11, 25, 12, 0, tzinfo=UTC)) == expected


@pytest.mark.parametrize(
    "utc, expected",
    [
        (datetime(2026, 3, 29, 0, 30, tzinfo=UTC), "Sun 29 Mar 2026 at 02:30"),  # before the spring gap
        (datetime(2026, 3, 29, 1, 30, tzinfo=UTC), "Sun 29 Mar 2026 at 04:30"),  # 03:30 does not exist
        (datetime(2026, 10, 25, 0, 30, tzinfo=UTC), "Sun 25 Oct 2026 at 03:30"),  # first 03:30 (summer time)
        (datetime(2026, 10, 25, 1, 30, tzinfo=UTC), "Sun 25 Oct 2026 at 03:30"),  # second 03:30 (winter time)
        (datetime(2026, 10, 25, 9, 0, tzinfo=UTC), "Sun 25 Oct 2026 at 11:00"),
        (datetime(2026, 10, 24, 9, 0, tzinfo=UTC), "Sat 24 Oct 2026 at 12:00"),
    ],
)
def test_helsinki_time_across_daylight_saving(app: Flask, utc: datetime, expected: str) -> None:
    with app.test_request_context(headers={"Accept-Language": "en"}):
        assert format_datetime(utc) == expected


def test_dates_without_time(app: Flask) -> None:
    for lang, expected in (("fi", "ti 5.1.2027"), ("sv", "tis 5.1.2027"), ("en", "Tue 5 Jan 2027")):
        # a fresh app context per request, as in production (the locale is cached per context)
        with app.app_context(), app.test_request_context(headers={"Accept-Language": lang}):
            assert format_date(date(2027, 1, 5)) == expected


def test_the_day_of_a_moment_is_its_day_in_helsinki(app: Flask) -> None:
    """A plan agreed at 23:30 UTC was agreed on the next day in Helsinki (01:30)."""
    with app.test_request_context(headers={"Accept-Language": "en"}):
        assert format_date(datetime(2026, 3, 1, 23, 30, tzinfo=UTC)) == "Mon 2 Mar 2026"
        assert format_date(date(2026, 3, 1)) == "Sun 1 Mar 2026"
