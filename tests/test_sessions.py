"""Sessions end when they should (sign-out, a password change, an admin's reset), and sign-in
only ever sends the browser to a page of this site, whatever ``next`` says."""

from __future__ import annotations

from urllib.parse import quote, urljoin, urlsplit

import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from heritage import users
from heritage.cli import main
from heritage.store import open_store
from tests.test_curate import Session
from web import create_app

PASSWORDS = {"sun": "curator-pass-9", "zhou": "admin-pass-009"}
ORIGIN = "http://localhost"


@pytest.fixture(scope="module")
def home(tmp_path_factory):
    folder = tmp_path_factory.mktemp("sessions") / "instance"
    db = open_store(folder)
    users.add_user(db, "sun", PASSWORDS["sun"], "curator")
    users.add_user(db, "zhou", PASSWORDS["zhou"], "admin")
    db.conn.close()
    return folder


@pytest.fixture(scope="module")
def app(home):
    return create_app({"TESTING": True, "HERITAGE_HOME": str(home)})


def signed_in(app, name: str) -> Session:
    session = Session(app)
    response = session.post("/login", username=name, password=PASSWORDS[name])
    assert response.status_code == 302
    return session


def saved_cookie(session: Session) -> str:
    return session.client.get_cookie("session").value


def opens_workspace(app, cookie: str) -> bool:
    """Replay a saved session cookie in a fresh browser: does it still open the workspace?"""
    client = app.test_client()
    client.set_cookie("session", cookie)
    return client.get("/curate/").status_code == 200


def test_sign_out_ends_every_earlier_session(app):
    first, second = signed_in(app, "sun"), signed_in(app, "sun")
    kept, other = saved_cookie(first), saved_cookie(second)
    assert opens_workspace(app, kept) and opens_workspace(app, other)
    first.csrf = first.text("/curate/").split('name="csrf_token" value="')[1].split('"')[0]
    assert first.post("/logout").status_code == 302
    assert not opens_workspace(app, kept)
    assert not opens_workspace(app, other)  # the same account signed in elsewhere is signed out too
    assert opens_workspace(app, saved_cookie(signed_in(app, "sun")))  # signing in again works


def test_a_password_change_on_the_command_line_ends_sessions(app, home):
    kept = saved_cookie(signed_in(app, "sun"))
    assert opens_workspace(app, kept)
    result = CliRunner().invoke(
        main, ["--home", str(home), "user", "passwd", "sun", "--password", PASSWORDS["sun"]], catch_exceptions=False
    )
    assert result.exit_code == 0, result.output
    assert not opens_workspace(app, kept)


def test_an_admins_reset_ends_sessions(app):
    kept = saved_cookie(signed_in(app, "sun"))
    admin = signed_in(app, "zhou")
    admin.csrf = admin.text("/curate/users/").split('name="csrf_token" value="')[1].split('"')[0]
    assert opens_workspace(app, kept)
    response = admin.post("/curate/users/sun", action="password", password=PASSWORDS["sun"])
    assert response.status_code == 302
    assert not opens_workspace(app, kept)
    assert admin.get("/curate/").status_code == 200  # the admin's own session is untouched


def browser_location(location: str) -> str:
    """Where a browser goes for a Location header (tabs and line breaks dropped, \\ read as /)."""
    cleaned = "".join(ch for ch in location if ch not in "\t\r\n").strip("".join(map(chr, range(0x21))))
    return urljoin(ORIGIN + "/login", cleaned.replace("\\", "/"))


@pytest.mark.parametrize(
    "target",
    [
        "/\t/evil.example",
        "/\n/evil.example",
        "\\\\evil.example",
        "/\\evil.example",
        " //evil.example",
        "\x01//evil.example",
        "https://evil.example/",
        "//evil.example",
        "/\r\n/evil.example",
        "javascript:alert(1)",
    ],
)
def test_sign_in_never_redirects_off_site(app, target):
    session = Session(app)
    response = session.client.post(
        f"/login?next={quote(target)}",
        data={"csrf_token": session.csrf, "username": "sun", "password": PASSWORDS["sun"]},
    )
    assert response.status_code == 302
    assert urlsplit(browser_location(response.headers["Location"])).netloc == "localhost", response.headers["Location"]


def test_sign_in_keeps_a_path_of_this_site(app):
    session = Session(app)
    response = session.client.post(
        "/login?next=" + quote("/curate/queue/待审核?q=苗"),
        data={"csrf_token": session.csrf, "username": "sun", "password": PASSWORDS["sun"]},
    )
    assert response.headers["Location"] == "/curate/queue/%E5%BE%85%E5%AE%A1%E6%A0%B8?q=%E8%8B%97"


HOSTILE = st.lists(
    st.sampled_from(
        [
            "/",
            "\\",
            "\t",
            "\n",
            "\r",
            " ",
            "\x00",
            "\x0b",
            "\x1f",
            ":",
            ".",
            "@",
            "?",
            "#",
            "%",
            "e",
            "v",
            "il",
            "http",
            "https:",
            "苗",
            "\x7f",
            "\u3000",
        ]
    ),
    max_size=12,
).map("".join)


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(target=st.one_of(HOSTILE, st.text(max_size=20)))
def test_any_next_stays_on_this_site(app, target):
    from web.auth import same_site_path

    with app.test_request_context():
        path = same_site_path(target)
    if path is not None:
        assert urlsplit(browser_location(path)).netloc == "localhost", repr(target)
    session = Session(app)
    encoded = quote(target.encode("utf-8", "surrogatepass"), safe="")
    response = session.client.post(
        f"/login?next={encoded}", data={"csrf_token": session.csrf, "username": "sun", "password": PASSWORDS["sun"]}
    )
    assert response.status_code == 302, repr(target)
    assert urlsplit(browser_location(response.headers["Location"])).netloc == "localhost", repr(target)


ACTIONS = st.lists(
    st.tuples(st.sampled_from(["sign_in", "sign_out", "passwd", "reset"]), st.integers(0, 3)), min_size=1, max_size=5
)


@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(actions=ACTIONS)
def test_a_saved_cookie_opens_the_workspace_exactly_while_its_session_lives(app, home, actions):
    """Property: after any sequence of sign-ins, sign-outs, password changes and admin resets, each saved
    cookie of the curator opens the workspace exactly when no sign-out or password change came after it."""
    saved: dict[int, str] = {}  # the cookie of each sign-in, as saved right after it
    live: set[int] = set()  # the sign-ins whose cookie should still work
    sessions: dict[int, Session] = {}
    admin = signed_in(app, "zhou")
    admin.csrf = admin.text("/curate/users/").split('name="csrf_token" value="')[1].split('"')[0]
    for number, (action, which) in enumerate(actions):
        if action == "sign_in":
            sessions[number] = signed_in(app, "sun")
            saved[number] = saved_cookie(sessions[number])
            live.add(number)
        elif action == "sign_out" and sessions:
            session = sessions[sorted(sessions)[which % len(sessions)]]
            text = session.text("/curate/")
            if 'name="csrf_token"' in text:
                session.csrf = text.split('name="csrf_token" value="')[1].split('"')[0]
                session.post("/logout")
                live.clear()
        elif action == "passwd":
            CliRunner().invoke(
                main,
                ["--home", str(home), "user", "passwd", "sun", "--password", PASSWORDS["sun"]],
                catch_exceptions=False,
            )
            live.clear()
        elif action == "reset":
            admin.post("/curate/users/sun", action="password", password=PASSWORDS["sun"])
            live.clear()
    for number, cookie in saved.items():
        assert opens_workspace(app, cookie) == (number in live), (actions, number)
