"""Messages in the user's language (``app/i18n.py``) and the English catalogue.

``N_`` keeps a service's message the plain Vietnamese ``str`` its callers (the JSON API, the
logs, the tests) already get, and ``localize`` shows it in the user's language. The catalogue
``app/translations/en/LC_MESSAGES/messages.po`` must give every message an English text, and
every message marked in ``app/`` must be in it: after adding or changing one, run
``.venv/bin/python scripts/translations_en.py`` (with its English in the script's table) and
``make translations``.
"""

from __future__ import annotations

import copy
import importlib.util
import json
import pickle

from babel.messages.extract import DEFAULT_KEYWORDS, extract_from_dir
from babel.messages.frontend import parse_keywords, parse_mapping_cfg
from babel.messages.pofile import read_po
from flask import session
from flask_babel import lazy_gettext

from app.i18n import N_, Message, localize, localize_errors
from app.services.documents import ALLOWED_HINT
from tests.conftest import ROOT

PO = ROOT / "app" / "translations" / "en" / "LC_MESSAGES" / "messages.po"
FIX = ".venv/bin/python scripts/translations_en.py && make translations"


def test_a_marked_message_is_its_vietnamese_text():
    message = N_("Tối đa %(n)s ký tự.", n=500)
    assert message == "Tối đa 500 ký tự." and isinstance(message, str)
    assert type(message) is Message
    assert (message.msgid, message.params) == ("Tối đa %(n)s ký tự.", {"n": 500})
    assert json.dumps({"error": message}, ensure_ascii=False) == '{"error": "Tối đa 500 ký tự."}'
    copied = pickle.loads(pickle.dumps(copy.deepcopy(message)))
    assert (copied, copied.msgid, copied.params) == (message, message.msgid, message.params)
    # Without parameters nothing is formatted, as gettext does: a bare "%" stays.
    assert N_("Từ 81% trở lên.") == "Từ 81% trở lên."


def test_localize_shows_a_message_in_english(app):
    with app.test_request_context("/"):
        session["lang"] = "en"
        assert localize(N_("Tối đa %(n)s ký tự.", n=500)) == "At most 500 characters."
        nested = N_("Nội dung tệp không đúng định dạng. %(hint)s", hint=ALLOWED_HINT)
        assert localize(nested) == (
            "The file's content is not in an accepted format. "
            "Only PDF, JPEG, PNG or DOCX files are accepted."
        )
        # Plain text is looked up as it is; text the catalogue does not know comes back unchanged.
        assert localize("Không tìm thấy vụ việc.") == "Case not found."
        assert localize("Một lý do chưa có bản dịch.") == "Một lý do chưa có bản dịch."
        lazy = lazy_gettext("Bắt buộc nhập.")
        assert localize(lazy) is lazy and str(lazy) == "Required."
        assert localize_errors({"note": [N_("Ghi chú tối đa %(n)s ký tự.", n=500)]}) == {
            "note": ["The note may have at most 500 characters."]
        }


def test_localize_keeps_vietnamese_unchanged(app):
    with app.test_request_context("/"):  # no choice made: Vietnamese, the default
        message = N_("Tối đa %(n)s ký tự.", n=500)
        assert localize(message) == "Tối đa 500 ký tự." and type(localize(message)) is str
        assert localize("Không tìm thấy vụ việc.") == "Không tìm thấy vụ việc."


# -- the catalogue --------------------------------------------------------------------------


def _catalogue():
    with PO.open("rb") as handle:
        return read_po(handle, locale="en")


def _script_keywords() -> dict:
    spec = importlib.util.spec_from_file_location(
        "translations_en", ROOT / "scripts" / "translations_en.py"
    )
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return {**DEFAULT_KEYWORDS, **parse_keywords(list(module.KEYWORDS))}


def test_every_message_in_the_catalogue_has_an_english_translation():
    empty = [
        message.id
        for message in _catalogue()
        if message.id
        and not all(isinstance(s, str) and s.strip() for s in _strings(message.string))
    ]
    assert empty == [], f"messages without English; add them to the script's table, then {FIX}"


def _strings(value) -> tuple:
    return value if isinstance(value, tuple) else (value,)


def test_every_message_marked_in_the_app_is_in_the_catalogue():
    with (ROOT / "babel.cfg").open() as handle:
        method_map, options_map = parse_mapping_cfg(handle)
    marked = {
        message if isinstance(message, str) else message[0]
        for _, _, message, _, _ in extract_from_dir(
            str(ROOT / "app"), method_map, options_map, keywords=_script_keywords()
        )
    }
    known = {
        message.id if isinstance(message.id, str) else message.id[0] for message in _catalogue()
    }
    assert sorted(marked - known) == [], f"messages missing from the catalogue: run {FIX}"
