"""Alert e-mails against mail servers that misbehave: one that accepts and never answers, one that drips a byte now
and then, one that refuses the login. The send has one deadline for the whole of it, runs on its own worker (never
the shared ones), is cut at quit, and fails with a code that says why in plain words (review 17)."""

from __future__ import annotations

import dataclasses
import smtplib
import socket
import threading
import time
from collections.abc import Callable, Iterator

import pytest

import app.alerts.email as email_mod
from app.alerts.policy import Alert
from app.settings import SmtpSettings
from screening.types import Level
from tests.app.conftest import free_port, local_smtp

PASSWORD = "s3cret-Passw0rd"


# ----------------------------------------------------------------------------------- misbehaving servers
def _serve(handle: Callable[[socket.socket, threading.Event], None]) -> Iterator[tuple[int, list[socket.socket]]]:
    """A TCP server on 127.0.0.1 that hands each connection to ``handle``; yields (port, accepted connections)."""
    srv = socket.socket()
    srv.bind(("127.0.0.1", 0))
    srv.listen(8)
    srv.settimeout(0.05)
    stop = threading.Event()
    conns: list[socket.socket] = []
    workers: list[threading.Thread] = []

    def loop() -> None:
        while not stop.is_set():
            try:
                conn = srv.accept()[0]
            except OSError:
                continue
            conns.append(conn)
            t = threading.Thread(target=handle, args=(conn, stop), daemon=True)
            t.start()
            workers.append(t)

    acceptor = threading.Thread(target=loop, daemon=True)
    acceptor.start()
    try:
        yield srv.getsockname()[1], conns
    finally:
        stop.set()
        acceptor.join(2)
        for c in conns:
            c.close()
        for t in workers:
            t.join(2)
        srv.close()


@pytest.fixture
def silent_server() -> Iterator[tuple[int, list[socket.socket]]]:
    """Accepts and never sends the 220 greeting."""
    yield from _serve(lambda conn, stop: stop.wait())


@pytest.fixture
def dripping_server() -> Iterator[tuple[int, list[socket.socket]]]:
    """Sends an endless multi-line greeting, one byte every 0.1 s: no single read ever waits long."""

    def drip(conn: socket.socket, stop: threading.Event) -> None:
        try:
            while not stop.is_set():
                for b in b"220-hello\r\n":
                    conn.sendall(bytes([b]))
                    if stop.wait(0.1):
                        return
        except OSError:
            pass

    yield from _serve(drip)


def _smtp_talker(
    auth_offer: bytes, auth_reply: bytes | None = None
) -> Callable[[socket.socket, threading.Event], None]:
    """A mail server's side of the conversation: it greets, offers ``auth_offer`` after EHLO, answers AUTH with
    ``auth_reply`` (when given), says goodbye to QUIT and 250 OK to everything else."""

    def talk(conn: socket.socket, stop: threading.Event) -> None:
        try:
            conn.sendall(b"220 mail.example ready\r\n")
            for line in conn.makefile("rb"):
                verb = line[:4].upper()
                if verb == b"EHLO":
                    conn.sendall(b"250-mail.example\r\n250 " + auth_offer + b"\r\n")
                elif verb == b"AUTH" and auth_reply is not None:
                    conn.sendall(auth_reply + b"\r\n")
                elif verb == b"QUIT":
                    conn.sendall(b"221 bye\r\n")
                    return
                else:
                    conn.sendall(b"250 OK\r\n")
        except OSError:
            pass

    return talk


@pytest.fixture
def refusing_server() -> Iterator[tuple[int, list[socket.socket]]]:
    """A mail server that offers AUTH and refuses every login (535)."""
    yield from _serve(_smtp_talker(b"AUTH PLAIN LOGIN", b"535 5.7.8 Authentication credentials invalid"))


@pytest.fixture
def gssapi_only_server() -> Iterator[tuple[int, list[socket.socket]]]:
    """A mail server that answers well but offers only AUTH GSSAPI, which smtplib cannot do: its login fails with a
    plain SMTPException ("No suitable authentication method found."), after the connection worked."""
    yield from _serve(_smtp_talker(b"AUTH GSSAPI"))


@pytest.fixture
def unanswered_port() -> Iterator[int]:
    """A port on 127.0.0.1 whose connects never complete: a listener whose accept queue is full, so the system
    drops further SYNs and connect() waits (as for a wrong port behind a firewall). Skips where the system answers
    a full queue at once instead (Windows refuses it)."""
    srv = socket.socket()
    srv.bind(("127.0.0.1", 0))
    srv.listen(0)
    port = srv.getsockname()[1]
    fillers = []
    for _ in range(4):
        s = socket.socket()
        s.setblocking(False)
        s.connect_ex(("127.0.0.1", port))
        fillers.append(s)
    try:
        with socket.socket() as probe:
            probe.settimeout(0.3)
            try:
                probe.connect(("127.0.0.1", port))
            except TimeoutError:
                pass
            except OSError as exc:
                pytest.skip(f"this system answers a connect to a full accept queue at once ({exc!r})")
            else:
                pytest.skip("this system completes a connect to a full accept queue")
        yield port
    finally:
        for s in fillers:
            s.close()
        srv.close()


def _send_in_thread(config: SmtpSettings) -> tuple[threading.Thread, list[object]]:
    outcome: list[object] = []

    def send() -> None:
        try:
            outcome.append(email_mod.send_alert_email(config, Alert("k", "95275012", Level.WARN)))
        except Exception as exc:
            outcome.append(exc)

    t = threading.Thread(target=send, daemon=True)
    t.start()
    return t, outcome


# ----------------------------------------------------------------------------------------------- tests
def test_alert_emails_to_a_silent_server_do_not_hold_other_jobs(qtbot, services, silent_server, monkeypatch) -> None:
    """Two alert e-mails (warn, then block) to a server that never answers: a job queued after them (opening the
    next call's audio, flushing a call's last words) still runs at once; each e-mail fails at its deadline."""
    monkeypatch.setattr(email_mod, "SMTP_TIMEOUT_S", 1.0)
    port, conns = silent_server
    services.settings.update(smtp=local_smtp(port))
    failures: list[BaseException] = []
    services.alerts.emailFailed.connect(lambda _alert, exc: failures.append(exc))
    services.alerts.consider("call-1", "95275012", Level.WARN, ["x"])
    services.alerts.consider("call-1", "95275012", Level.BLOCK, ["x"])
    qtbot.waitUntil(lambda: len(conns) >= 1, timeout=2000)  # an e-mail is talking to the server
    ran: list[float] = []
    t0 = time.monotonic()
    services.jobs.run(lambda: "ran", on_result=lambda _r: ran.append(time.monotonic() - t0), name="listen-call")
    qtbot.waitUntil(lambda: bool(ran), timeout=5000)
    assert ran[0] < 0.5, f"a trivial job waited {ran[0]:.1f} s behind alert e-mails"
    # the e-mails go one after the other on their own worker, each cut at its 1 s deadline
    qtbot.waitUntil(lambda: len(failures) == 2, timeout=4000)
    assert [getattr(f, "code", f) for f in failures] == [email_mod.EmailProblem.TIMED_OUT] * 2
    assert len(conns) == 2


def test_a_dripping_server_is_cut_at_the_deadline(dripping_server, monkeypatch) -> None:
    """A byte every 0.1 s never trips a per-read timeout; the deadline covers the whole send."""
    monkeypatch.setattr(email_mod, "SMTP_TIMEOUT_S", 1.0)
    port, _conns = dripping_server
    t0 = time.monotonic()
    t, outcome = _send_in_thread(local_smtp(port))
    t.join(3.0)
    elapsed = time.monotonic() - t0
    assert not t.is_alive(), "the send outlived its deadline (the server keeps dripping)"
    assert elapsed < 2.0, elapsed
    assert isinstance(outcome[0], email_mod.EmailError)
    assert outcome[0].code is email_mod.EmailProblem.TIMED_OUT
    assert "1 秒" in outcome[0].message.render("zh") and "1 s" in outcome[0].message.render("en")


def test_quit_does_not_wait_for_a_stuck_send(qtbot, services, silent_server, monkeypatch) -> None:
    """Closing the app while an alert e-mail hangs on a silent server: the send is cut, its worker joined at once
    (the ``services`` fixture checks that no thread is left running)."""
    monkeypatch.setattr(email_mod, "SMTP_TIMEOUT_S", 4.0)
    port, conns = silent_server
    services.settings.update(smtp=local_smtp(port))
    services.alerts.consider("call-2", "95275012", Level.BLOCK, ["x"])
    qtbot.waitUntil(lambda: len(conns) == 1, timeout=2000)
    t0 = time.monotonic()
    services.close()
    assert time.monotonic() - t0 < 1.0


def test_a_cut_ends_a_connect_the_server_never_answers(unanswered_port) -> None:
    """The server never answers the connect: quitting (a cut) ends the send at once, not at the deadline."""
    guard = email_mod.SendGuard()
    outcome: list[object] = []

    def send() -> None:
        try:
            email_mod.send_alert_email(
                local_smtp(unanswered_port), Alert("k", "1", Level.WARN), guard=guard, deadline_s=8
            )
        except Exception as exc:
            outcome.append(exc)

    t = threading.Thread(target=send, daemon=True)
    t.start()
    time.sleep(0.3)  # connecting
    t0 = time.monotonic()
    guard.cut(email_mod.EmailProblem.STOPPED)
    t.join(3.0)
    assert not t.is_alive(), "the send still waits on the connect after the cut"
    assert time.monotonic() - t0 < 0.5
    assert isinstance(outcome[0], email_mod.EmailError)
    assert outcome[0].code is email_mod.EmailProblem.STOPPED


def test_quit_does_not_wait_for_a_connect_the_server_never_answers(
    qtbot, services, unanswered_port, monkeypatch
) -> None:
    """Closing the app while an alert e-mail is still connecting (the real quit path: AlertService cuts the send,
    the job runner joins its worker)."""
    monkeypatch.setattr(email_mod, "SMTP_TIMEOUT_S", 4.0)
    services.settings.update(smtp=local_smtp(unanswered_port))
    services.alerts.consider("call-3", "95275012", Level.BLOCK, ["x"])
    qtbot.wait(300)  # the e-mail is connecting
    t0 = time.monotonic()
    services.close()
    assert time.monotonic() - t0 < 1.0


def test_the_send_does_not_wait_on_a_lookup_of_this_machines_name(smtp_server, monkeypatch) -> None:
    """smtplib names the machine in EHLO with socket.getfqdn(), a DNS lookup no cut can end; the send must not
    make it (here it would hang until well past the deadline)."""
    inbox, port = smtp_server
    sender = threading.current_thread()
    asked: list[str] = []
    getfqdn = socket.getfqdn

    def slow_getfqdn(name: str = "") -> str:
        if threading.current_thread() is not sender:  # the test server may ask too
            return getfqdn(name)
        asked.append(name)
        time.sleep(2.0)  # a DNS server that does not answer
        return "host.example"

    monkeypatch.setattr(socket, "getfqdn", slow_getfqdn)
    t0 = time.monotonic()
    email_mod.send_alert_email(local_smtp(port), Alert("k", "95275012", Level.WARN), deadline_s=1)
    assert time.monotonic() - t0 < 1.0
    assert asked == []
    assert len(inbox.messages) == 1


def test_a_send_cut_before_it_starts_does_not_connect(silent_server) -> None:
    port, conns = silent_server
    guard = email_mod.SendGuard()
    guard.cut(email_mod.EmailProblem.STOPPED)
    with pytest.raises(email_mod.EmailError) as failed:
        email_mod.send_alert_email(local_smtp(port), Alert("k", "1", Level.WARN), guard=guard)
    assert failed.value.code is email_mod.EmailProblem.STOPPED
    time.sleep(0.1)
    assert conns == []


@pytest.mark.parametrize(
    ("server", "code", "zh", "en"),
    [
        (None, "UNREACHABLE", "连不上", "could not reach"),
        ("refusing_server", "LOGIN_REFUSED", "拒绝登录", "refused the login"),
        # the connection worked: not "wrong address or port", though smtplib's SMTPException is an OSError
        ("gssapi_only_server", "NOT_SUPPORTED", "不支持", "does not support"),
    ],
)
def test_failures_say_why_in_plain_words_without_the_password(request, server, code, zh, en) -> None:
    port = request.getfixturevalue(server)[0] if server else free_port()  # free_port: nothing listens there
    config = local_smtp(port, user="grandma@example.org", password=PASSWORD)
    with pytest.raises(email_mod.EmailError) as failed:
        email_mod.send_alert_email(config, Alert("k", "95275012", Level.WARN))
    exc = failed.value
    assert exc.code is email_mod.EmailProblem[code]
    assert isinstance(exc, OSError)  # callers that catch OSError for network trouble still do
    texts = [exc.message.render("zh"), exc.message.render("en"), str(exc), repr(exc)]
    assert zh in texts[0] and en in texts[1], texts
    assert not any(PASSWORD in t for t in texts)


def test_an_smtp_error_of_a_kind_not_known_here_is_a_failed_send_not_an_unreachable_server() -> None:
    class OddSMTPError(smtplib.SMTPException):
        pass

    problem = email_mod.email_problem(OddSMTPError("odd"), local_smtp(25), 1.0)
    assert problem.code is email_mod.EmailProblem.FAILED
    assert "OddSMTPError" in problem.message.render("en")


def test_smtp_password_is_not_in_the_settings_repr() -> None:
    config = dataclasses.replace(local_smtp(25), user="grandma@example.org", password=PASSWORD)
    assert PASSWORD not in repr(config)
    assert "grandma@example.org" in repr(config)
