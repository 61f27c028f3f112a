"""The user's language on the Python side: Vietnamese is the source text, English the second.

Forms and views use Flask-Babel directly: ``lazy_gettext as _l`` for text fixed at import time
(labels, choices, validator messages) and ``gettext as _`` for text built inside a request
(flash messages), always with named placeholders. Services never translate: their messages
are shared by the web UI, the JSON API (whose Vietnamese error text is part of its contract),
the CLI and the logs. A service marks a message with ``N_`` instead; the result is the plain
Vietnamese ``str`` every caller already gets, which also remembers its msgid and parameters,
and the web layer shows it in the user's language with ``localize``. Labels kept as
``(vi, en)`` pairs (workflow definitions, ``ROLE_LABELS``) are chosen with ``pick``.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from flask_babel import LazyString, get_locale, gettext


class Message(str):
    """Vietnamese text that keeps its msgid and ``%(name)s`` parameters (see ``N_``)."""

    msgid: str
    params: dict[str, Any]

    def __new__(cls, msgid: str, params: Mapping[str, Any]) -> Message:
        # Formatted only with parameters, as gettext does, so a bare "%" stays as typed.
        text = super().__new__(cls, msgid % dict(params) if params else msgid)
        text.msgid = msgid
        text.params = dict(params)
        return text

    def __getnewargs__(self) -> tuple[str, dict[str, Any]]:  # copy and pickle keep the msgid
        return (self.msgid, self.params)


def N_(msgid: str, **params: Any) -> Message:  # the gettext "no-op" marker, with parameters
    """Mark a service message for translation without translating it.

    ``msgid`` is the Vietnamese text with named placeholders; the result equals
    ``msgid % params`` and behaves as that ``str`` everywhere (JSON, logs, comparisons).
    """
    return Message(msgid, params)


def _is_message(text: Any) -> bool:
    # Ours, or the workflows package's own (``workflows.messages``: it cannot import Flask).
    return isinstance(text, str) and hasattr(text, "msgid") and hasattr(text, "params")


def localize(text: Any) -> Any:
    """``text`` in the user's language: a ``Message`` through its msgid (a parameter that is
    itself a ``Message`` localized too; other parameters, such as a case code a user typed,
    as they are), any other string looked up as it is (unknown text comes back unchanged).
    Lazy strings and other values are returned as they are: they render themselves."""
    if _is_message(text):
        params = {
            key: localize(value) if _is_message(value) else value
            for key, value in text.params.items()
        }
        return gettext(text.msgid, **params)
    if isinstance(text, str) and text:
        return gettext(text)
    return text


def localize_errors(errors: Mapping[str, Iterable[Any]]) -> dict[str, list[Any]]:
    """A ``ValidationFailed.errors`` mapping with every message localized."""
    return {path: [localize(message) for message in messages] for path, messages in errors.items()}


def english() -> bool:
    return str(get_locale()) == "en"


def pick(pair: tuple[str, str] | None, fallback: str = "") -> str:
    """The Vietnamese or English half of a (vi, en) label pair."""
    if not pair:
        return fallback
    return pair[1] if english() else pair[0]


def lazy_pick(pair: tuple[str, str]) -> LazyString:
    """``pick`` deferred until the text is shown (for labels and choices made at import)."""
    return LazyString(pick, pair)
