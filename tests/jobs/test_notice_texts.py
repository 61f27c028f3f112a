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


def _placeholders(text: str) -> set[str]:
    import string

    return {name for _, name, _, _ in string.Formatter().parse(text) if name}


def test_the_english_texts_name_the_same_events_and_values():
    """English (#15) has a text for each Vietnamese one, with the same values (the deadline
    scan's task names, deadline and role in English, falling back to the Vietnamese ones)."""
    from app.jobs import messages, messages_en

    assert set(messages_en.MESSAGES) == set(messages.MESSAGES)
    assert set(messages_en.MEDICAL_MESSAGES) == set(messages.MEDICAL_MESSAGES)
    english_names = {"title_en": "title", "deadline_en": "deadline", "role_label_en": "role_label"}
    for table_en, table_vi in (
        (messages_en.MESSAGES, messages.MESSAGES),
        (messages_en.MEDICAL_MESSAGES, messages.MEDICAL_MESSAGES),
    ):
        for event, (subject, body) in table_en.items():
            used = {english_names.get(n, n) for n in _placeholders(subject + body)}
            assert used == _placeholders("".join(table_vi[event])), event


def test_an_english_reader_gets_english_text_footer_and_task_names():
    values = {"case_code": "HP-2026-A000123", "title": "Lập biên bản",
              "title_en": "Write the minutes", "due": "01/12/2026 09:00",
              "deadline": "Thời hạn điều tra", "deadline_en": "Investigation limit"}  # fmt: skip
    subject, body = render("task.overdue", values, lang="en")
    assert subject == "[SafeCase] Overdue: Write the minutes — HP-2026-A000123"
    assert "Investigation limit" in body and "Lập" not in body
    subject, _ = render("accident.declared_immediate", {"case_code": "X"}, urgent=True, lang="en")
    assert subject.startswith("[SafeCase] [URGENT] ")
    assert "do not reply" in email_text(body, urgent=False, lang="en")
    # A scan notice written before the English names existed still reads (in Vietnamese names).
    old = {k: v for k, v in values.items() if not k.endswith("_en")}
    assert "Lập biên bản" in render("task.overdue", old, lang="en")[0]


def test_each_recipient_reads_the_notice_in_the_language_they_chose(app, declaration_day):
    from sqlalchemy import select

    from app.extensions import db
    from app.models import Notification
    from tests.factories import make_accident, make_user

    english = make_user("inspector", username="tt_en")
    english.locale = "en"
    vietnamese = make_user("inspector", username="tt_vi")
    db.session.commit()
    make_accident(make_user("enterprise"), outcomes=("death",))
    subjects = dict(
        db.session.execute(
            select(Notification.user_id, Notification.subject).where(
                Notification.event == "accident.declared_immediate"
            )
        ).all()
    )
    by_name = {u.username: subjects[u.id] for u in (english, vietnamese)}
    assert by_name["tt_en"].startswith("[SafeCase] [URGENT] Occupational accident with a death")
    assert by_name["tt_vi"].startswith("[SafeCase] [KHẨN] Tai nạn lao động chết người")
