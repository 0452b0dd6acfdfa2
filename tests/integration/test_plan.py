from __future__ import annotations

from sqlalchemy import func, select

from portal.extensions import db
from portal.models import PlanStepEvent, TeamNotice

from ..support.client import PortalClient
from ..support.factories import ClientFactory, PlanFactory, StepFactory


def test_plan_page_lists_every_step_with_its_agency(signed_in: PortalClient, jobseeker) -> None:
    page = signed_in.get("/plan").get_data(as_text=True)
    for step in jobseeker.steps:
        assert step.title in page
    assert "0 of 3 steps done" in page


def test_marking_done_without_javascript_redirects_back_to_the_step(signed_in: PortalClient, jobseeker) -> None:
    step = jobseeker.steps[0]
    response = signed_in.post_form(f"/plan/steps/{step.id}/done")
    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"/plan#step-{step.id}")
    page = signed_in.get("/plan").get_data(as_text=True)
    assert "is marked as done" in page
    assert "1 of 3 steps done" in page


def test_marking_done_with_htmx_returns_the_step_in_place_and_an_announcement(
    signed_in: PortalClient, jobseeker
) -> None:
    step = jobseeker.steps[1]
    response = signed_in.post_form(f"/plan/steps/{step.id}/done", headers={"HX-Request": "true"})
    assert response.status_code == 200
    body = response.get_data(as_text=True)
    assert body.lstrip().startswith(f'<li class="task task--done" id="step-{step.id}">')  # only this step's row
    assert body.count("<li") == 1 and "<html" not in body
    assert "You marked this step as done." in body and ">Undo<" in body  # what happened, and undo, right there
    assert 'id="plan-progress" hx-swap-oob="true"' in body and "1 of 3 steps done" in body
    assert "portal:announce" in response.headers["HX-Trigger"]
    assert "HX-Request" in response.vary


def test_history_restore_gets_the_full_page(signed_in: PortalClient) -> None:
    response = signed_in.get("/plan", headers={"HX-Request": "true", "HX-History-Restore-Request": "true"})
    assert response.get_data(as_text=True).lstrip().lower().startswith("<!doctype html")


def test_undo_is_a_new_event_not_an_erase(signed_in: PortalClient, jobseeker) -> None:
    step = jobseeker.steps[0]
    signed_in.post_form(f"/plan/steps/{step.id}/done")
    signed_in.post_form(f"/plan/steps/{step.id}/not-done")
    kinds = db.session.execute(
        select(PlanStepEvent.kind, PlanStepEvent.to_status).where(PlanStepEvent.step_id == step.id)
        .order_by(PlanStepEvent.at)
    ).all()
    assert [tuple(k) for k in kinds] == [("created", "todo"), ("status", "done"), ("status", "todo")]
    history = signed_in.get(f"/plan/steps/{step.id}").get_data(as_text=True)
    assert "You marked this step as done." in history
    assert "You marked this step as not done." in history


def test_double_submit_records_one_change(signed_in: PortalClient, jobseeker) -> None:
    step = jobseeker.steps[0]
    signed_in.post_form(f"/plan/steps/{step.id}/done")
    signed_in.post_form(f"/plan/steps/{step.id}/done")
    count = db.session.scalar(
        select(func.count()).select_from(PlanStepEvent).where(PlanStepEvent.step_id == step.id)
    )
    assert count == 2


def test_cant_do_needs_a_reason_and_keeps_the_input(signed_in: PortalClient, jobseeker) -> None:
    step = jobseeker.steps[2]
    response = signed_in.post_form(f"/plan/steps/{step.id}/cant-do", {"reason": "other", "detail": ""})
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert "<title>Error: " in page
    assert 'href="#detail"' in page
    assert 'value="other" checked' in page


def test_cant_do_tells_the_responsible_team(signed_in: PortalClient, jobseeker) -> None:
    step = jobseeker.steps[2]
    response = signed_in.post_form(f"/plan/steps/{step.id}/cant-do", {"reason": "transport", "detail": "No bus"})
    assert response.status_code == 302
    notice = db.session.scalars(select(TeamNotice).where(TeamNotice.step_id == step.id)).one()
    assert notice.organisation_id == step.responsible_organisation_id
    page = signed_in.get(f"/plan/steps/{step.id}").get_data(as_text=True)
    assert "You told your team you can&#39;t do this step." in page or "You told your team you can't do this step." in page
    assert "No bus" in page


def test_client_adds_own_step(signed_in: PortalClient) -> None:
    response = signed_in.post_form(
        "/plan/steps/new",
        {"title": "Ask the library about courses", "due_date-day": "1", "due_date-month": "1",
         "due_date-year": "2099"},
    )
    assert response.status_code == 302
    page = signed_in.get("/plan").get_data(as_text=True)
    assert "Ask the library about courses" in page
    assert "Your own step" in page


def test_own_step_in_the_past_is_refused_with_input_kept(signed_in: PortalClient) -> None:
    response = signed_in.post_form(
        "/plan/steps/new",
        {"title": "Late", "due_date-day": "1", "due_date-month": "1", "due_date-year": "2001"},
    )
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    assert "The date must be today or later" in page
    assert 'value="2001"' in page
    assert 'value="Late"' in page


def test_another_clients_step_is_not_found(signed_in: PortalClient) -> None:
    other_plan = PlanFactory(client_id=ClientFactory().id)
    other_step = StepFactory(plan_id=other_plan.id)
    for path in (f"/plan/steps/{other_step.id}", f"/plan/steps/{other_step.id}/cant-do"):
        assert signed_in.get(path).status_code == 404
    assert signed_in.post_form(f"/plan/steps/{other_step.id}/done").status_code == 404
