"""Legal limits quoted in notices come from the rules table in force, not from the text."""

from datetime import date

from app.extensions import db
from app.models import Notification, RuleValue
from tests.factories import make_accident, make_user


def test_the_scene_arrival_limit_in_the_notice_follows_the_rules_table(app):
    db.session.add(RuleValue(key="scene_arrival_hours", valid_from=date(2026, 1, 1), value="3"))
    db.session.commit()
    make_user("inspector")
    make_accident(make_user("enterprise"), ("death",))
    note = db.session.scalars(
        db.select(Notification).where(Notification.event == "accident.declared_immediate")
    ).first()
    assert note is not None
    assert "trong 03 giờ" in note.body
    assert "02 giờ" not in note.body
