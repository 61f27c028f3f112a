"""Messages the workflows package raises, marked for translation (no Flask here).

A :class:`Message` is the Vietnamese ``str`` every caller already gets (the JSON API's text is
part of its contract) that also remembers its msgid and ``%(name)s`` parameters, so the web
layer (``app.i18n.localize``) can show it in English. ``N_`` is the marker the English
catalogue script extracts (``scripts/translations_en.py``).
"""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType
from typing import Any


class Message(str):
    """A Vietnamese message that keeps its msgid and ``%(name)s`` parameters, so the app can
    translate it (``app.i18n`` turns it into its own ``Message``)."""

    msgid: str
    params: Mapping[str, Any]

    def __new__(cls, msgid: str, params: Mapping[str, Any]) -> Message:
        text = super().__new__(cls, msgid % dict(params) if params else msgid)
        text.msgid = msgid
        text.params = MappingProxyType(dict(params))
        return text


def N_(msgid: str, **params: Any) -> Message:  # the gettext "no-op" marker, as in app.i18n
    """Mark a message for translation; it equals ``msgid % params``."""
    return Message(msgid, params)
