from __future__ import annotations

from datetime import date

import pytest
from flask import Flask
from werkzeug.datastructures import MultiDict

from portal.plan.forms import AddStepForm


class Checked:
    """What a validated form said, read while the request (and its language) is still there."""

    def __init__(self, form: AddStepForm) -> None:
        self.data = form.due_date.data
        self.parts = dict(form.due_date.parts)
        self.date_errors = [str(e) for e in form.due_date.errors]
        self.errors = bool(form.errors)
        self.anchors = [anchor for anchor, _ in form.error_list()]


def _form(app: Flask, **data: str) -> Checked:
    with app.test_request_context(method="POST", headers={"Accept-Language": "en"}):
        form = AddStepForm(formdata=MultiDict(data), meta={"csrf": False})
        form.validate()
        return Checked(form)


def test_day_month_year_becomes_a_date(app: Flask) -> None:
    form = _form(app, title="Go", **{"due_date-day": "5", "due_date-month": "1", "due_date-year": "2099"})
    assert form.data == date(2099, 1, 5)
    assert not form.errors


@pytest.mark.parametrize(
    "parts, message",
    [
        (("", "1", "2099"), "The date must include a day."),
        (("5", "", ""), "The date must include a month and a year."),
        (("31", "2", "2099"), "Enter a real date"),
        (("x", "1", "2099"), "Enter a real date"),
        (("1", "1", "99"), "Enter a real date"),
        (("1", "1", "2001"), "The date must be today or later"),
    ],
)
def test_date_errors_say_how_to_fix_them(app: Flask, parts: tuple[str, str, str], message: str) -> None:
    day, month, year = parts
    form = _form(app, title="Go", **{"due_date-day": day, "due_date-month": month, "due_date-year": year})
    assert any(message in str(error) for error in form.date_errors), form.date_errors
    assert form.parts == {"day": day, "month": month, "year": year}


def test_empty_date_is_allowed(app: Flask) -> None:
    form = _form(app, title="Go")
    assert form.data is None and not form.errors


def test_error_list_links_to_the_first_input_of_each_field(app: Flask) -> None:
    form = _form(app, title="", **{"due_date-day": "40", "due_date-month": "1", "due_date-year": "2099"})
    assert form.anchors == ["title", "due_date-day"]
