"""The dossier checklist counts the papers SafeCase issues itself: once the minutes are
concluded through the workflow, "Biên bản điều tra" is present without an upload."""

from __future__ import annotations

import pytest

from app.services.documents import dossier_checklist
from tests.factories import act, head, make_accident, make_user

pytestmark = pytest.mark.usefixtures("declaration_day")


def test_the_minutes_safecase_made_count_as_present(app):
    ent = make_user("enterprise", username="dn1")
    accident = make_accident(ent)
    act(accident, ent, "open_investigation", team=head(organisation="employer"),
        needs_technical_exam=False)  # fmt: skip
    items = {i.category: i for i in dossier_checklist(accident).items}
    assert not items["minutes"].present and not items["minutes"].issued
    minutes = {"is_work_accident": True, "causes": ["Máy"], "worker_at_fault": False,
               "responsibilities": "NSDLĐ", "measures": ["Che chắn"]}  # fmt: skip
    accident = act(accident, ent, "conclude", **minutes)
    checklist = dossier_checklist(accident)
    items = {i.category: i for i in checklist.items}
    assert items["minutes"].present and items["minutes"].issued and items["minutes"].count == 0
    assert "minutes" not in checklist.missing
    assert "photos" in checklist.missing  # uploads are still asked for
