"""Email through an SMTP server that wants TLS and a login (MAIL_SECURITY, MAIL_USERNAME…).

A real aiosmtpd server on loopback with a certificate from a throw-away CA (trustme): STARTTLS
and implicit TLS deliver after logging in; a wrong password or a certificate the app does not
trust sends nothing and leaves the email to be retried.
"""

from __future__ import annotations

import ssl

import pytest
from sqlalchemy import select

from app.extensions import db
from app.jobs import notifications as jobs
from app.models import Notification
from tests.factories import make_accident, make_user
from tests.jobs.conftest import Mailbox

pytestmark = pytest.mark.usefixtures("app")

LOGIN, PASSWORD = "safecase", "mail-secret-1"


@pytest.fixture(scope="module")
def ca():
    import trustme

    return trustme.CA()


@pytest.fixture
def ca_file(ca, tmp_path):
    path = tmp_path / "city-ca.pem"
    ca.cert_pem.write_to_path(str(path))
    return str(path)


class Logins:
    """An aiosmtpd authenticator that accepts one login and remembers every attempt."""

    def __init__(self) -> None:
        self.attempts: list[tuple[str, bool]] = []

    def __call__(self, server, session, envelope, mechanism, auth_data):
        from aiosmtpd.smtp import AuthResult

        login = auth_data.login.decode()
        ok = (login, auth_data.password.decode()) == (LOGIN, PASSWORD)
        self.attempts.append((login, ok))
        return AuthResult(success=ok, handled=False)


@pytest.fixture
def logins():
    return Logins()


@pytest.fixture
def mailbox(request, ca, logins):
    """The loopback server in the shape the test names: ``starttls`` or ``ssl``."""
    server_context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    ca.issue_cert("127.0.0.1", "localhost").configure_cert(server_context)
    shape = getattr(request, "param", "starttls")
    if shape == "starttls":
        options = {"tls_context": server_context, "require_starttls": True}
    else:
        options = {"ssl_context": server_context}
    box = Mailbox(authenticator=logins, auth_require_tls=shape == "starttls", **options)
    box.shape = shape
    yield box
    box.stop()


@pytest.fixture
def app_config(app_config, mailbox, ca_file):
    app_config.update(
        MAIL_SECURITY=mailbox.shape,
        MAIL_USERNAME=LOGIN,
        MAIL_PASSWORD=PASSWORD,
        MAIL_CA_FILE=ca_file,
    )
    return app_config


def declare_fatal_accident():
    """A fatal accident: the one inspector with an address is emailed at once (urgent)."""
    inspector = make_user("inspector")
    make_accident(make_user("enterprise"), outcomes=("death",))
    return inspector


def emails_to(user) -> list[Notification]:
    return db.session.scalars(
        select(Notification).where(
            Notification.user_id == user.id, Notification.email_wanted.is_(True)
        )
    ).all()


@pytest.mark.parametrize("mailbox", ["starttls", "ssl"], indirect=True)
def test_email_goes_out_over_tls_after_logging_in(mailbox, logins):
    mailbox.start()
    inspector = declare_fatal_accident()
    [message] = mailbox.wait_for(1)
    assert message["To"] == inspector.email
    assert logins.attempts == [(LOGIN, True)]
    assert all(note.emailed_at is not None for note in emails_to(inspector))


def test_a_refused_login_sends_nothing_and_leaves_the_email_to_retry(app, mailbox, logins):
    mailbox.start()
    app.config["MAIL_PASSWORD"] = "wrong-password"
    inspector = declare_fatal_accident()  # the in-process send fails; the case is declared
    [note] = emails_to(inspector)
    with pytest.raises(jobs.smtplib.SMTPAuthenticationError):
        jobs.send_email(note.id)
    db.session.refresh(note)
    assert note.emailed_at is None
    assert mailbox.messages == []
    assert logins.attempts and not any(ok for _, ok in logins.attempts)


def test_a_server_certificate_the_app_does_not_trust_is_refused(app, mailbox, logins):
    mailbox.start()
    app.config["MAIL_CA_FILE"] = None  # the throw-away CA is not in the system's store
    inspector = declare_fatal_accident()
    [note] = emails_to(inspector)
    with pytest.raises(ssl.SSLCertVerificationError):
        jobs.send_email(note.id)
    db.session.refresh(note)
    assert note.emailed_at is None
    assert mailbox.messages == []
    assert logins.attempts == []  # the password never left the app
