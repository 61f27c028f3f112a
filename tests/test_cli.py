"""CLI commands with good and bad input.

Bad input prints one line, exits non-zero and writes nothing.
"""

from sqlalchemy import func, select

from app.extensions import db
from app.models import Case, Commune, Enterprise, User
from tests.factories import make_commune, make_enterprise


def count(model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def run(runner, *args):
    return runner.invoke(args=list(args))


def test_enterprise_add(runner):
    make_commune("11311")
    result = run(
        runner,
        "enterprise",
        "add",
        "--tax-code",
        "0201234567",
        "--name",
        "Công ty TNHH Cơ khí A",
        "--commune",
        "11311",
        "--workers",
        "250",
        "--female-workers",
        "80",
        "--industry",
        "C25",
    )
    assert result.exit_code == 0, result.output
    enterprise = db.session.scalar(select(Enterprise))
    assert (enterprise.tax_code, enterprise.workers, enterprise.female_workers) == (
        "0201234567",
        250,
        80,
    )


def test_enterprise_add_refuses_a_malformed_tax_code(runner):
    make_commune("11311")
    result = run(
        runner,
        "enterprise",
        "add",
        "--tax-code",
        "12345",
        "--name",
        "A",
        "--commune",
        "11311",
        "--workers",
        "5",
    )
    assert result.exit_code != 0
    assert "10 hoặc 13 chữ số" in result.output
    assert len(result.output.strip().splitlines()) == 1
    assert count(Enterprise) == 0


def test_enterprise_add_refuses_a_duplicate_tax_code(runner):
    enterprise = make_enterprise()
    result = run(
        runner,
        "enterprise",
        "add",
        "--tax-code",
        enterprise.tax_code,
        "--name",
        "B",
        "--commune",
        enterprise.commune_code,
        "--workers",
        "5",
    )
    assert result.exit_code != 0
    assert "đã có" in result.output
    assert count(Enterprise) == 1


def test_enterprise_add_refuses_an_unknown_commune(runner):
    result = run(
        runner,
        "enterprise",
        "add",
        "--tax-code",
        "0201234567",
        "--name",
        "A",
        "--commune",
        "99999",
        "--workers",
        "5",
    )
    assert result.exit_code != 0
    assert count(Enterprise) == 0


def test_user_add_with_enterprise(runner):
    enterprise = make_enterprise()
    result = run(
        runner,
        "user",
        "add",
        "--username",
        "hoa",
        "--password",
        "s3cret-pass",
        "--role",
        "enterprise",
        "--enterprise",
        enterprise.tax_code,
        "--email",
        "hoa@example.vn",
        "--full-name",
        "Trần Thị Hoa",
    )
    assert result.exit_code == 0, result.output
    user = db.session.scalar(select(User))
    assert user.enterprise_id == enterprise.id
    assert user.password_hash.startswith("$argon2id$")


def test_user_add_refuses_an_unknown_role(runner):
    result = run(
        runner, "user", "add", "--username", "x1", "--password", "s3cret-pass", "--role", "boss"
    )
    assert result.exit_code != 0
    assert "boss" in result.output
    assert count(User) == 0


def test_user_add_refuses_a_duplicate_username(runner):
    run(
        runner,
        "user",
        "add",
        "--username",
        "thanh",
        "--password",
        "s3cret-pass",
        "--role",
        "inspector",
    )
    result = run(
        runner, "user", "add", "--username", "thanh", "--password", "other-pass", "--role", "admin"
    )
    assert result.exit_code != 0
    assert "đã tồn tại" in result.output
    assert count(User) == 1


def test_user_add_refuses_an_enterprise_role_without_an_enterprise(runner):
    result = run(
        runner,
        "user",
        "add",
        "--username",
        "hoa",
        "--password",
        "s3cret-pass",
        "--role",
        "enterprise",
    )
    assert result.exit_code != 0
    assert "mã số thuế của doanh nghiệp" in result.output
    assert count(User) == 0


def test_user_add_refuses_a_commune_role_without_a_commune(runner):
    result = run(
        runner, "user", "add", "--username", "nam", "--password", "s3cret-pass", "--role", "commune"
    )
    assert result.exit_code != 0
    assert count(User) == 0


def test_user_add_refuses_an_unknown_enterprise(runner):
    result = run(
        runner,
        "user",
        "add",
        "--username",
        "hoa",
        "--password",
        "s3cret-pass",
        "--role",
        "enterprise",
        "--enterprise",
        "0209999999",
    )
    assert result.exit_code != 0
    assert count(User) == 0


def test_user_add_refuses_a_short_password(runner):
    result = run(
        runner, "user", "add", "--username", "thanh", "--password", "short", "--role", "inspector"
    )
    assert result.exit_code != 0
    assert count(User) == 0


def test_seed_demo_creates_every_role_once(runner):
    result = run(runner, "seed", "demo")
    assert result.exit_code == 0, result.output
    roles = set(db.session.scalars(select(User.role)))
    assert roles == {"enterprise", "inspector", "union", "commune", "insurance", "admin"}
    assert count(Enterprise) >= 4
    # The shipyard's scaffold collapse: an incident and its fatal accident, linked.
    linked = db.session.scalars(select(Case).where(Case.linked_incident_id.is_not(None))).one()
    assert (linked.kind, linked.severity, linked.linked_incident.kind) == (
        "accident",
        "fatal",
        "incident",
    )
    again = run(runner, "seed", "demo")
    assert again.exit_code == 0
    assert count(User) == len(set(db.session.scalars(select(User.username))))


def test_commune_import_from_csv(runner, tmp_path):
    path = tmp_path / "communes.csv"
    path.write_text("code,name\n11311,Phường Hồng Bàng\n11329,Phường Ngô Quyền\n", encoding="utf-8")
    result = run(runner, "commune", "import", str(path))
    assert result.exit_code == 0, result.output
    assert count(Commune) == 2


def test_commune_import_refuses_a_bad_row_and_writes_nothing(runner, tmp_path):
    path = tmp_path / "communes.csv"
    path.write_text("code,name\n11311,Phường Hồng Bàng\nabc,\n", encoding="utf-8")
    result = run(runner, "commune", "import", str(path))
    assert result.exit_code != 0
    assert "Dòng 3" in result.output
    assert count(Commune) == 0


def test_worker_needs_redis(runner, app):
    app.config["REDIS_URL"] = None
    result = run(runner, "worker", "--burst")
    assert result.exit_code != 0
    assert "REDIS_URL" in result.output
