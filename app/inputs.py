"""Where input enters the application, normalised and bounded once per boundary.

``workflows/inputs.py`` says what any input may be (NFC text, ASCII digits, each kind's
bounds); this module applies it where input arrives, so views, the API and services never see
raw text:

- **the web request** (:class:`Request`, installed by :func:`init_app`): query strings, form
  fields, uploaded file names and path arguments in NFC (a NUL dropped); a form at most
  ``FORM_PARTS_MAX`` fields (413); a JSON body at most
  ``JSON_MAX_BYTES`` (413) and ``JSON_MAX_DEPTH`` deep (422), its strings (keys too) in NFC
  and free of NUL and lone surrogates (422);
- **ids in paths**: ``<int:…>`` takes ASCII digits up to ``ID_MAX`` (larger names nothing: 404);
- **numbers in query strings**: :func:`int_arg` (the API: 422 when out of range) and
  :func:`page_number` (the pages: the nearest page);
- **the command line**: :func:`nfc_command` (every string argument of every command);
- **files people make**: ``app.services.csv_files.read_csv`` (UTF-8 with or without Excel's
  byte-order mark, any line ending, comma or semicolon, errors naming the line and column).
"""

from __future__ import annotations

import functools
from typing import Any

import click
import flask
from flask import Flask, jsonify, render_template, request
from werkzeug.datastructures import MultiDict
from werkzeug.exceptions import RequestEntityTooLarge
from werkzeug.routing import IntegerConverter
from werkzeug.utils import cached_property

from app.errors import ValidationFailed
from app.i18n import N_, localize
from app.permissions import wants_json
from workflows.inputs import (
    FORM_PARTS_MAX,
    ID_MAX,
    JSON_MAX_BYTES,
    PAGE_MAX,
    BadCharacters,
    TooDeep,
    int_from_text,
    load_json,
    nfc,
    out_of_range,
)

# -- the web request -------------------------------------------------------------------------


def _text(value: str) -> str:
    # A browser never sends NUL (only a hand-made "%00" does), and PostgreSQL refuses it in
    # text: dropped. Lone surrogates cannot occur: werkzeug decodes with "replace".
    return nfc(value).replace("\x00", "")


def _nfc_multidict(values: MultiDict, storage: type[MultiDict]) -> MultiDict:
    return storage((_text(key), _text(value)) for key, value in values.items(multi=True))


class Request(flask.Request):
    """Flask's request with every text the client sends in NFC (``workflows.inputs.nfc``) and
    a bounded JSON body. WTForms, ``request.args``/``form``/``values``/``files`` and
    ``get_json`` all read through it, so no view has to remember. A form of more than
    ``FORM_PARTS_MAX`` fields is refused (413) before any view reads it."""

    max_form_parts = FORM_PARTS_MAX

    @cached_property
    def args(self) -> MultiDict[str, str]:
        return _nfc_multidict(super().args, self.parameter_storage_class)

    def _load_form_data(self) -> None:
        super()._load_form_data()
        # werkzeug counts a multipart form's parts (``max_form_parts``), not a urlencoded
        # form's fields, which is what browsers send.
        if sum(1 for _ in self.form.items(multi=True)) > FORM_PARTS_MAX:
            raise RequestEntityTooLarge()
        self.__dict__["form"] = _nfc_multidict(self.form, self.parameter_storage_class)
        for upload in self.files.values():
            if upload.filename:
                upload.filename = nfc(upload.filename)

    def get_json(self, force: bool = False, silent: bool = False, cache: bool = True) -> Any:
        """The JSON body, parsed by ``workflows.inputs.load_json`` (strings in NFC).

        :raises RequestEntityTooLarge: a body over ``JSON_MAX_BYTES`` (413).
        :raises ValidationFailed: lists and objects nested deeper than ``JSON_MAX_DEPTH``, or
            text with a NUL or a lone surrogate (422, under ``body``), whatever ``silent``
            says: each is an answer of its own.
        Other malformed bodies: None when ``silent``, else Flask's 400.
        """
        if cache and self._cached_json[silent] is not Ellipsis:
            return self._cached_json[silent]
        if not (force or self.is_json):
            return None if silent else self.on_json_loading_failed(None)
        if (self.content_length or 0) > JSON_MAX_BYTES:
            raise RequestEntityTooLarge()
        data = self.get_data(cache=cache)
        if len(data) > JSON_MAX_BYTES:
            raise RequestEntityTooLarge()
        try:
            value = load_json(data)
        except (TooDeep, BadCharacters) as refused:
            raise ValidationFailed({"body": [refused.args[0]]}) from None
        except ValueError as error:
            value = None if silent else self.on_json_loading_failed(error)
        if cache:
            self._cached_json = (value, value)
        return value


class IdConverter(IntegerConverter):
    """``<int:…>`` in every route: ASCII digits only (werkzeug's ``\\d`` takes "٣" as 3). An id
    beyond ``ID_MAX`` becomes 0, which names no row, so the view answers 404 — never a
    database overflow. (Refusing it in the converter instead made werkzeug answer 405 for a
    path whose other method's rule it had half-matched.)"""

    regex = r"[0-9]+"

    def to_python(self, value: str) -> Any:
        if len(value) > len(str(ID_MAX)) or int(value) > ID_MAX:  # int() of 5,000 digits costs
            return 0
        return int(value)


def _nfc_view_args(endpoint: str | None, values: dict[str, Any] | None) -> None:
    for name, value in (values or {}).items():
        if isinstance(value, str):
            values[name] = nfc(value)


def too_large(error: RequestEntityTooLarge):
    """413: a body over ``JSON_MAX_BYTES`` (JSON) or ``MAX_CONTENT_LENGTH`` (anything), or a
    form field over ``MAX_FORM_MEMORY_SIZE``; an upload's own handlers say more."""
    message = N_("Nội dung gửi lên quá lớn.")
    if wants_json():
        return jsonify({"error": message}), 413
    return render_template("error.html", error=error, message=localize(message)), 413


def init_app(app: Flask) -> None:
    """Install the boundary: the request class, the ``int`` converter (before any route is
    registered), NFC path arguments and the 413 answer."""
    app.request_class = Request
    app.url_map.converters["int"] = IdConverter
    app.url_value_preprocessor(_nfc_view_args)
    app.register_error_handler(RequestEntityTooLarge, too_large)


# -- numbers in query strings ----------------------------------------------------------------


def int_arg(name: str, default: int, *, low: int = 1, high: int = PAGE_MAX) -> int:
    """``?name=`` as a whole number from ``low`` to ``high`` (absent or blank: ``default``).

    :raises ValidationFailed: anything else (422, under ``name``).
    """
    raw = request.args.get(name)
    if raw is None or not raw.strip():
        return default
    value = int_from_text(raw)
    if value is None or not low <= value <= high:
        raise ValidationFailed({name: [out_of_range(low, high)]})
    return value


def page_number(name: str = "page") -> int:
    """A page's ``?page=`` for a web list: a page that is no number is the first, one beyond
    ``PAGE_MAX`` the last that may be asked (the list then shows no rows)."""
    value = int_from_text(request.args.get(name) or "")
    return 1 if value is None or value < 1 else min(value, PAGE_MAX)


def cursor_arg(name: str = "cursor") -> str | None:
    """A list's ``?cursor=`` (opaque; the list's service checks it), None when absent or
    blank."""
    return (request.args.get(name) or "").strip() or None


def first_page_instead(
    refused: ValidationFailed, endpoint: str, *, filters: tuple[str, ...] = (), **args: Any
):
    """A web list asked with a cursor its service refused (edited, cut short, another
    list's), or with a value of one of its link-only ``filters`` it does not know (a
    hand-edited ``?kind=``): the list's first page with the other filters and a message
    saying why, instead of an error page. Any other refusal is raised again (the error
    handler shows it).

    :raises ValidationFailed: ``refused`` when it is about neither.
    """
    bad_filters = [name for name in filters if name in refused.errors]
    if "cursor" not in refused.errors and not bad_filters:
        raise refused
    for name in bad_filters:
        args.pop(name, None)
    if bad_filters:  # a hand-edited value, not a stale page link
        message = N_("Giá trị lọc không hợp lệ đã được bỏ; đây là trang đầu của danh sách.")
    else:
        message = N_("Liên kết trang không còn hợp lệ; đây là trang đầu của danh sách.")
    flask.flash(localize(message), "error")
    return flask.redirect(flask.url_for(endpoint, **args))


def last_page_instead(asked: int, last: int, endpoint: str, **args: Any):
    """A web list asked for page ``asked`` past its ``last``: that last page, with a message
    saying so, instead of an empty page numbered beyond the end."""
    args.pop("page", None)
    flask.flash(
        localize(
            N_("Không có trang %(asked)s; đây là trang cuối (%(last)s).", asked=asked, last=last)
        ),
        "warning",
    )
    # No #results here: the message is at the top of the page, and must be seen.
    return flask.redirect(flask.url_for(endpoint, page=last, **args))


def optional_id_arg(name: str) -> int | None:
    """``?name=`` naming a row (``?incident=17``), or None when absent or not an id."""
    value = int_from_text(request.args.get(name) or "")
    return value if value is not None and 1 <= value <= ID_MAX else None


# -- the command line ------------------------------------------------------------------------


class WholeNumber(click.ParamType):
    """A CLI number: ASCII digits from ``low`` to ``high`` (click's ``INT`` takes "٣" and any
    size)."""

    name = "integer"

    def __init__(self, low: int, high: int) -> None:
        self.low, self.high = low, high

    def convert(self, value: Any, param: Any, ctx: Any) -> int:
        number = value if isinstance(value, int) else int_from_text(value)
        if number is None or not self.low <= number <= self.high:
            self.fail(f"{value!r}: {out_of_range(self.low, self.high)}", param, ctx)
        return number


def nfc_command(command: click.Command) -> None:
    """Every string argument and option of ``command`` (and of its subcommands) in NFC before
    the command sees it: a name typed in a macOS terminal is decomposed."""
    if isinstance(command, click.Group):
        for sub in command.commands.values():
            nfc_command(sub)
    callback = command.callback
    if callback is None or getattr(callback, "_nfc", False):
        return

    @functools.wraps(callback)
    def normalised(*args: Any, **kwargs: Any) -> Any:
        kwargs = {k: nfc(v) if isinstance(v, str) else v for k, v in kwargs.items()}
        return callback(*args, **kwargs)

    normalised._nfc = True  # type: ignore[attr-defined]
    command.callback = normalised
