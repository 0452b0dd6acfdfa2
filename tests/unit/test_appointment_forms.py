"""Booking forms refuse what is not on the list with a sentence that says what to do."""

from __future__ import annotations

from datetime import date
from unittest import mock

from flask import Flask
from werkzeug.datastructures import MultiDict

from portal.appointments.forms import CancelForm, NeedsForm, TimeForm
from portal.appointments.staff_forms import DirectBookForm, PublishForm


def _form(app: Flask, cls, data: dict):  # type: ignore[no-untyped-def]
    with app.test_request_context(method="POST", headers={"Accept-Language": "en"}):
        form = cls(formdata=MultiDict(data), meta={"csrf": False})
        form.validate()
        return {name: [str(e) for e in errors] for name, errors in form.errors.items()}


def test_time_not_on_the_list(app: Flask) -> None:
    with app.test_request_context(method="POST", headers={"Accept-Language": "en"}):
        form = TimeForm(formdata=MultiDict({"slot": "evil"}), meta={"csrf": False})
        form.slot.choices = [("a", "A")]
        assert not form.validate()
        assert form.errors["slot"] == ["That time cannot be booked. Choose one of the free times on the list."]


def test_interpreter_language_is_needed_only_with_yes(app: Flask) -> None:
    assert _form(app, NeedsForm, {"interpreter": "yes"}) == {
        "language": ["Enter the language you need an interpreter for"]}
    assert _form(app, NeedsForm, {"interpreter": "no"}) == {}
    assert "interpreter" in _form(app, NeedsForm, {"interpreter": "maybe"})


def test_cancel_reason_other_needs_words(app: Flask) -> None:
    assert _form(app, CancelForm, {"reason": "other"}) == {"detail": ["Tell us why you can't come"]}
    assert _form(app, CancelForm, {"reason": "health"}) == {}


def test_publish_times_are_checked(app: Flask) -> None:
    errors = _form(app, PublishForm, {"start_time": "10.00", "end_time": "9.00", "weekdays": []})
    assert errors["end_time"] == ["The end time must be after the start time"]
    assert errors["weekdays"] == ["Choose at least one weekday"]


def _dated(field: str, day: date) -> dict[str, str]:
    return {f"{field}-day": str(day.day), f"{field}-month": str(day.month), f"{field}-year": str(day.year)}


def test_publish_refuses_days_more_than_a_year_ahead(app: Flask) -> None:
    with mock.patch("portal.appointments.staff_forms.today_in_helsinki", return_value=date(2026, 1, 5)):
        errors = _form(app, PublishForm, {**_dated("first_day", date(9999, 12, 31)),
                                          **_dated("last_day", date(9999, 12, 31))})
        refused = ["Times can be published at most a year ahead. Enter Tue 5 Jan 2027 or earlier."]
        assert errors["first_day"] == refused
        assert errors["last_day"] == refused
        errors = _form(app, PublishForm, {**_dated("first_day", date(2027, 1, 5))})
        assert "first_day" not in errors and "last_day" not in errors


def test_direct_booking_refuses_days_more_than_a_year_ahead(app: Flask) -> None:
    with mock.patch("portal.appointments.staff_forms.today_in_helsinki", return_value=date(2026, 1, 5)):
        errors = _form(app, DirectBookForm, _dated("day", date(2027, 1, 6)))
        assert errors["day"] == [
            "Appointments can be booked at most a year ahead. Enter Tue 5 Jan 2027 or earlier."]


def test_direct_booking_other_needs_are_checked_like_the_clients(app: Flask) -> None:
    errors = _form(app, DirectBookForm, {"other_needs": "x" * 501})
    assert errors["other_needs"] == ["Use 500 characters or fewer. You used 501."]
    assert "other_needs" not in _form(app, DirectBookForm, {"other_needs": "A quiet room\nStep-free access"})


def test_direct_booking_plan_step_must_be_on_the_list(app: Flask) -> None:
    with app.test_request_context(method="POST", headers={"Accept-Language": "en"}):
        form = DirectBookForm(formdata=MultiDict({"plan_step": "not-a-step"}), meta={"csrf": False})
        form.plan_step.choices = [("none", "No plan step")]
        form.validate()
        assert form.errors["plan_step"] == [
            "That step is not an open step in this client's plan. Choose one of the steps on the list."]
        form = DirectBookForm(formdata=MultiDict({}), meta={"csrf": False})  # not asked: no link, no error
        form.plan_step.choices = [("none", "No plan step")]
        form.validate()
        assert "plan_step" not in form.errors and form.step_id() is None
