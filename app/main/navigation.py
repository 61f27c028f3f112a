"""Navigation by role: an item shows when the user holds its permission and its page exists;
a declaration page also when the user's role may declare its kind (the kind's declaration spec,
``app.services.declarations.may_declare``), the quick notice when it may give one."""

from __future__ import annotations

from dataclasses import dataclass

from flask import current_app, request, url_for
from flask_babel import get_locale

from app.permissions import has_permission
from app.services.declarations import may_declare, may_give_notice

# (permission, endpoint, Vietnamese label, English label, counter name); an endpoint with
# arguments is written "endpoint:kind" (the declaration pages, one per kind).
NAV = (
    ("tasks.view", "tasks.inbox", "Việc cần làm", "My tasks", "tasks"),
    ("cases.view", "cases.index", "Vụ việc", "Cases", None),
    ("cases.declare", "cases.declare:accident", "Khai báo tai nạn", "Declare an accident", None),
    # The two-step declaration: a quick notice at once, the full declaration later (#15).
    ("cases.declare", "cases.notice", "Báo tin nhanh tai nạn", "Quick accident notice", None),
    (
        "cases.declare",
        "cases.declare:disease",
        "Khai báo bệnh nghề nghiệp",
        "Declare a disease",
        None,
    ),
    ("cases.declare", "cases.declare:incident", "Khai báo sự cố", "Declare an incident", None),
    ("cases.view", "claims.my_workers", "Người lao động của tôi", "My workers", None),
    # The social-insurance officer's work list: the claims filed with them (#15).
    ("cases.view", "cases.index:claim", "Hồ sơ đề nghị BHXH", "Filed claims", None),
    ("reports.view", "reports.index", "Báo cáo định kỳ", "Periodic reports", None),
    ("statistics.view", "statistics.page", "Thống kê", "Statistics", None),
    ("calculations.use", "calculations.page", "Tính bồi thường", "Calculators", None),
    ("cases.view", "notifications.index", "Thông báo", "Notifications", "notifications"),
    ("admin.users", "admin.users", "Tài khoản", "Accounts", None),
    ("admin.rules", "admin.index", "Quản trị", "Administration", None),
    ("admin.security", "admin.security", "Nhật ký an ninh", "Security log", None),
)


@dataclass(frozen=True)
class NavItem:
    url: str
    label: str
    count: int | None = None
    current: bool = False
    # A menu (the declaration pages when a role may declare more than one kind): its items.
    children: tuple[NavItem, ...] = ()


# The declaration pages are one menu, "Khai báo ▾", when there are two or more: three links
# of their own wrapped an enterprise's navigation to two lines at 1366 px.
DECLARE_MENU = ("Khai báo", "Declare")


def nav_items_for(user) -> list[NavItem]:
    counters = current_app.extensions.get("safecase_nav_counters", {})
    english = str(get_locale()) == "en"
    items = []
    for permission, target, label_vi, label_en, counter in NAV:
        endpoint, _, kind = target.partition(":")
        if endpoint not in current_app.view_functions or not has_permission(user, permission):
            continue
        if endpoint == "claims.my_workers" and user.role not in ("union", "enterprise"):
            continue
        if endpoint == "cases.declare" and not may_declare(user, kind):
            continue
        if endpoint == "cases.notice" and not may_give_notice(user):
            continue
        if target == "cases.index:claim" and user.role != "insurance":
            continue
        if endpoint == "cases.index" and kind:
            url = url_for(endpoint, kind=kind)
        else:
            url = url_for(endpoint, kind=kind) if kind else url_for(endpoint)
        count = counters[counter](user) if counter in counters else None
        items.append(NavItem(url, label_en if english else label_vi, count or None))
    # One current item: the longest prefix of the path (/admin/users is under /admin/ too).
    matches = [item for item in items if request.path.startswith(item.url.split("?")[0])]
    if matches:
        best = max(matches, key=lambda item: len(item.url))
        items = [NavItem(i.url, i.label, i.count, i is best) for i in items]
    return _declare_menu(items, english)


def _declare_menu(items: list[NavItem], english: bool) -> list[NavItem]:
    """The declaration links folded into one menu where there are two or more."""
    declare = [i for i in items if i.url.startswith(url_for("cases.declare"))]
    if len(declare) < 2:
        return items
    menu = NavItem(
        declare[0].url,
        DECLARE_MENU[1] if english else DECLARE_MENU[0],
        current=any(i.current for i in declare),
        children=tuple(declare),
    )
    first = items.index(declare[0])
    rest = [i for i in items if i not in declare]
    return [*rest[:first], menu, *rest[first:]]
