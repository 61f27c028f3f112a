"""Every notice the workflows emit (and the deadline scan's) has its own Vietnamese text."""

from __future__ import annotations

import pytest

from app.jobs.messages import GENERIC, MESSAGES, email_text, render
from workflows import REGISTRY

SCAN_EVENTS = ("task.reminder", "task.overdue", "task.escalated")


def workflow_events() -> set[str]:
    events = set()
    for definition in REGISTRY.values():
        for notify in definition.create_notify:
            events.add(notify.event)
        for transition in definition.transitions:
            for notify in transition.notify:
                events.add(notify.event)
    return events


def test_the_workflows_emit_notices():
    assert {"accident.declared_immediate", "claim.compensation_due"} <= workflow_events()


@pytest.mark.parametrize("event", sorted(workflow_events() | set(SCAN_EVENTS)))
def test_each_event_has_its_own_text_naming_the_case(event):
    assert event in MESSAGES, f"{event} would fall back to the generic text"
    values = {
        "case_code": "HP-2026-A000123",
        "trigger": "declare",
        "actor": "dn1",
        "title": "Thành lập đoàn điều tra",
        "due": "01/12/2026 09:00",
        "deadline": "Thời hạn điều tra",
        "role_label": "Doanh nghiệp",
    }
    subject, body = render(event, values)
    assert "HP-2026-A000123" in subject
    assert subject.startswith("[SafeCase] ")
    assert "HP-2026-A000123" in body
    assert "{" not in subject + body


def test_urgent_notices_are_marked_and_mute_hint_only_on_routine_ones():
    subject, body = render("accident.declared_immediate", {"case_code": "X"}, urgent=True)
    assert subject.startswith("[SafeCase] [KHẨN] ")
    assert "tắt email" not in email_text(body, urgent=True)
    assert "tắt email" in email_text(body, urgent=False)


def test_an_unknown_event_gets_the_generic_text_with_the_code():
    subject, body = render("something.new", {"case_code": "HP-1", "trigger": "x", "actor": "y"})
    assert subject == "[SafeCase] " + GENERIC[0].format(case_code="HP-1")
    assert render("something.new", {})[0]  # missing values are blank, never an error
