"""Command-line interface (``flask --app wsgi …``), per the contract.

Each command prints one clear line on error and exits non-zero, and changes nothing
on bad input: validation happens in the services before anything is written.
"""

from __future__ import annotations

from pathlib import Path

import click
from flask import Flask, current_app
from flask.cli import AppGroup

from app.errors import SafeCaseError
from app.inputs import WholeNumber, nfc_command
from app.jobs import QUEUES
from workflows.base import USER_ROLES
from workflows.inputs import COUNT_MAX


def fail(error: SafeCaseError) -> None:
    """Turn a domain error into one line on stderr and exit code 1."""
    details = "; ".join(m for messages in error.errors.values() for m in messages)
    raise click.ClickException(details or error.message)


enterprise_cli = AppGroup("enterprise", help="Doanh nghiệp (enterprises).")
user_cli = AppGroup("user", help="Người dùng (users).")
seed_cli = AppGroup("seed", help="Dữ liệu mẫu (demo data).")
commune_cli = AppGroup("commune", help="Xã/phường (communes).")
codes_cli = AppGroup("codes", help="Danh mục mã (code lists).")


@enterprise_cli.command("add")
@click.option("--tax-code", required=True, help="Mã số thuế, 10 hoặc 13 chữ số.")
@click.option("--name", required=True)
@click.option("--commune", "commune_code", required=True, help="Mã xã/phường.")
@click.option("--workers", required=True, type=WholeNumber(0, COUNT_MAX))
@click.option("--female-workers", default=0, type=WholeNumber(0, COUNT_MAX))
@click.option("--industry", default=None, help="Mã ngành VSIC, ví dụ C25.")
def enterprise_add(tax_code, name, commune_code, workers, female_workers, industry):
    """Add an enterprise."""
    from app.services.parties import add_enterprise

    try:
        enterprise = add_enterprise(
            tax_code=tax_code,
            name=name,
            commune_code=commune_code,
            workers=workers,
            female_workers=female_workers,
            industry_code=industry,
        )
    except SafeCaseError as error:
        fail(error)
    click.echo(f"Đã thêm doanh nghiệp {enterprise.tax_code} — {enterprise.name}")


@user_cli.command("add")
@click.option("--username", required=True)
@click.option("--password", required=True)
@click.option("--role", required=True, help="|".join(USER_ROLES))
@click.option("--enterprise", "enterprise_tax_code", default=None, help="Mã số thuế.")
@click.option("--commune", "commune_code", default=None, help="Mã xã/phường.")
@click.option("--email", default=None)
@click.option("--full-name", default="")
def user_add(username, password, role, enterprise_tax_code, commune_code, email, full_name):
    """Add a user with one of the six roles."""
    from app.services.users import add_user

    try:
        user = add_user(
            username=username,
            password=password,
            role=role,
            enterprise_tax_code=enterprise_tax_code,
            commune_code=commune_code,
            email=email,
            full_name=full_name,
        )
    except SafeCaseError as error:
        fail(error)
    click.echo(f"Đã thêm người dùng {user.username} ({user.role})")


@commune_cli.command("import")
@click.argument("path", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--province", default=None, help="Mã tỉnh (mặc định SAFECASE_PROVINCE).")
def commune_import(path: Path, province: str | None):
    """Import communes from a CSV file with columns code,name."""
    from app.services.parties import import_communes_file

    try:
        changed = import_communes_file(path, province or current_app.config["SAFECASE_PROVINCE"])
    except SafeCaseError as error:
        fail(error)
    click.echo(f"Đã nhập {changed} xã/phường.")


@codes_cli.command("load")
@click.argument("list_name", metavar="LIST")
@click.argument("path", metavar="FILE", type=click.Path(dir_okay=False, path_type=Path))
def codes_load(list_name: str, path: Path):
    """Add or update the codes of LIST from a CSV FILE (code,label_vi,label_en,parent)."""
    from app.services.codes import load_csv

    try:
        data = path.read_bytes()
    except OSError as error:
        raise click.ClickException(f"Không đọc được tệp {path}: {error.strerror}") from None
    try:
        result = load_csv(list_name, data)
    except SafeCaseError as error:
        fail(error)
    click.echo(f"Đã nạp danh mục {result.summary()}.")


@codes_cli.command("load-defaults")
def codes_load_defaults():
    """Load every code list shipped in app/data/codes (idempotent)."""
    from app.services.codes import load_defaults

    try:
        results = load_defaults()
    except SafeCaseError as error:
        fail(error)
    click.echo("Đã nạp danh mục: " + "; ".join(r.summary() for r in results) + ".")


@seed_cli.command("demo")
def seed_demo():
    """Load a believable Hải Phòng: communes, enterprises, one user per role, a few cases.

    The shipped code lists are loaded first (idempotent), so the demo's coded facts resolve."""
    from app.services.codes import load_defaults
    from app.services.demo import seed_demo_data

    try:
        load_defaults()
        message = seed_demo_data()
    except SafeCaseError as error:
        # The demo is made of many units of work: a failure half-way leaves the accounts, and
        # a re-run would skip the demo on a database that has users. Say how to start over.
        details = "; ".join(m for messages in error.errors.values() for m in messages)
        raise click.ClickException(
            f"dữ liệu mẫu chưa tạo xong ({details or error.message}). Xoá instance/safecase.db"
            " rồi chạy lại make run."
        ) from None
    click.echo(message)


workflows_cli = AppGroup("workflows", help="Quy trình (workflow definitions).")
audit_cli = AppGroup("audit", help="Nhật ký kiểm toán (audit trail).")
security_cli = AppGroup("security", help="Nhật ký an ninh (security audit).")


@workflows_cli.command("diagram")
@click.argument("kind")
def workflows_diagram(kind: str):
    """Print the Mermaid state diagram of a case kind (accident, claim, disease, incident)."""
    from workflows import REGISTRY
    from workflows.diagram import mermaid

    if kind not in REGISTRY:
        raise click.ClickException(
            f"Không có loại vụ việc {kind!r}; chọn một trong: {', '.join(sorted(REGISTRY))}."
        )
    click.echo(mermaid(REGISTRY[kind]), nl=False)


@workflows_cli.command("check")
def workflows_check():
    """Validate every workflow definition (also done by the test suite)."""
    from workflows import REGISTRY, WorkflowError, validate_all

    try:
        validate_all()
    except WorkflowError as error:
        raise click.ClickException(str(error).replace("\n", " ")) from None
    click.echo(f"{len(REGISTRY)} quy trình hợp lệ: {', '.join(sorted(REGISTRY))}.")


@audit_cli.command("verify")
def audit_verify():
    """Recompute every case's event hash chain; exit 1 naming each broken case and event."""
    from app.services.audit import verify_chains

    broken = verify_chains()
    if not broken:
        click.echo("Mọi chuỗi sự kiện đều nguyên vẹn.")
        return
    for link in broken:
        click.echo(f"BROKEN {link.case_code} event {link.seq}: {link.reason}", err=True)
    cases = sorted({link.case_code for link in broken})
    raise click.ClickException(f"{len(cases)} vụ việc có chuỗi sự kiện bị sửa: {', '.join(cases)}")


@security_cli.command("verify")
def security_verify():
    """Recompute the security audit's hash chain; exit 1 with one line naming the broken events."""
    from app.services.security_audit import verify_chain

    broken = verify_chain()
    if not broken:
        click.echo("Nhật ký an ninh nguyên vẹn.")
        return
    shown = "; ".join(f"#{b.seq}: {b.reason}" for b in broken[:5])
    more = f"; … ({len(broken) - 5} more)" if len(broken) > 5 else ""
    raise click.ClickException(f"Nhật ký an ninh đã bị sửa hoặc xoá: {shown}{more}")


@click.command("worker")
@click.option("--burst", is_flag=True, help="Stop when the queues are empty.")
@click.option(
    "--queue",
    "queues",
    multiple=True,
    type=click.Choice(QUEUES),
    help="Only this queue (repeatable); default: all of them.",
)
@click.option(
    "--fork",
    is_flag=True,
    help="Fork a work horse per job (RQ's Worker) instead of running jobs in this process.",
)
def worker(burst: bool, queues: tuple[str, ...], fork: bool):
    """Start an RQ worker for SafeCase's queues (needs REDIS_URL).

    Jobs run in the worker process (RQ's SimpleWorker, a clean app context and session per
    job); ``--fork`` forks a work horse per job as before issue #14 (slower, isolates a job
    that could crash the interpreter).
    """
    from app.jobs import run_worker

    if not current_app.config.get("REDIS_URL"):
        raise click.ClickException("REDIS_URL is not set: without Redis, jobs run in-process.")
    run_worker(burst=burst, queues=queues or QUEUES, fork=fork)


deadlines_cli = AppGroup("deadlines", help="Thời hạn (deadline reminders and escalation).")


@deadlines_cli.command("scan")
@click.option(
    "--as-of",
    "as_of",
    default=None,
    metavar="ISO8601",
    help="Scan as if it were this time, with its UTC offset (e.g. 2027-01-15T00:00:00+07:00).",
)
def deadlines_scan(as_of: str | None):
    """Remind before due times, mark overdue tasks and escalate them, once each."""
    from app.jobs.deadlines import parse_as_of, scan

    try:
        at = parse_as_of(as_of)
    except ValueError as error:
        raise click.ClickException(str(error)) from None
    result = scan(at)
    click.echo(f"Deadline scan{f' as of {as_of}' if as_of else ''}: {result.summary()}.")


@click.command("scheduler")
@click.option(
    "--interval",
    default=None,
    type=WholeNumber(1, 24 * 3600),
    help="Seconds between deadline scans (default 300); relays run every 60 s or less.",
)
@click.option("--once", is_flag=True, help="Run every periodic job once and exit (cron).")
def scheduler(interval: int | None, once: bool):
    """Run the periodic jobs (deadline scan, outbox relay, email retry) until SIGTERM."""
    import logging

    from app.jobs.scheduler import PERIODIC_JOBS, Runner, run_forever

    every = {}
    if interval is not None:
        every = {job.id: min(job.every, interval) for job in PERIODIC_JOBS}
        every["deadlines-scan"] = interval
    runner = Runner(PERIODIC_JOBS, every)
    app = current_app._get_current_object()
    if once:
        results = runner.run_due(app)
        failed = [job_id for job_id, result in results.items() if result is None]
        for job_id, result in results.items():
            summary = result.summary() if hasattr(result, "summary") else result
            click.echo(f"{job_id}: {summary}")
        if failed:
            raise click.ClickException(f"periodic job(s) failed: {', '.join(failed)} (see log)")
        return
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s %(message)s")
    run_forever(app, runner)


def init_app(app: Flask) -> None:
    """Register every command, each taking its text arguments in NFC (``app.inputs``)."""
    for command in (
        enterprise_cli,
        user_cli,
        seed_cli,
        commune_cli,
        codes_cli,
        workflows_cli,
        audit_cli,
        security_cli,
        deadlines_cli,
        worker,
        scheduler,
    ):
        nfc_command(command)
        app.cli.add_command(command)
