"""Booking forms refuse what is not on the list with a sentence that says what to do."""

from __future__ import annotations

from flask import Flask
from werkzeug.datastructures import MultiDict

from portal.appointments.forms import CancelForm, NeedsForm, TimeForm
from portal.appointments.staff_forms import PublishForm


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
