"""heritage.users called directly: accounts, roles, passwords, locking and the session version."""

from __future__ import annotations

import pytest

from heritage import users

PASSWORD = "正确的长密码1234"


def _account(db, username: str = "zhang", role: str = "curator", **extra) -> dict:
    users.add_user(db, username, PASSWORD, role, **extra)
    return users.get(db, username)


@pytest.mark.parametrize("role", users.ROLES)
def test_an_account_has_its_role_and_starts_enabled(db, role: str):
    assert _account(db, role=role) == {
        "username": "zhang",
        "role": role,
        "display_name": "zhang",
        "disabled": 0,
        "session_version": 0,
    }


def test_a_display_name_and_a_chinese_username(db):
    assert _account(db, "张三_01", display_name="张三")["display_name"] == "张三"


@pytest.mark.parametrize(
    "username, password, role, message",
    [
        ("z", PASSWORD, "curator", "用户名应为 2–32 位的字母、数字、汉字或 _ . -"),
        ("zhang san", PASSWORD, "curator", "用户名应为 2–32 位"),
        ("z" * 33, PASSWORD, "curator", "用户名应为 2–32 位"),
        (
            "zhang",
            PASSWORD,
            "visitor",
            "角色应为 curator（普查员）、reviewer（审核人）、admin（管理员）、researcher（研究人员） 之一",
        ),
        ("zhang", "short", "curator", "密码至少 10 位"),
        ("zhang", "", "curator", "密码至少 10 位"),
    ],
)
def test_a_bad_account_is_refused_in_chinese(db, username, password, role, message):
    with pytest.raises(ValueError) as refused:
        users.add_user(db, username, password, role)
    assert message in str(refused.value)
    assert users.get(db, username) is None


def test_a_username_is_taken_once(db):
    _account(db)
    with pytest.raises(ValueError, match="用户“zhang”已存在"):
        users.add_user(db, "zhang", "另一个长密码abcdef", "admin")
    assert users.get(db, "zhang")["role"] == "curator"


def test_a_password_is_stored_salted_and_only_as_a_hash(db):
    first, second = users.hash_password(PASSWORD), users.hash_password(PASSWORD)
    assert first != second and first.startswith("scrypt$32768$8$1$") and PASSWORD not in first
    assert users.verify_password(PASSWORD, first) and users.verify_password(PASSWORD, second)
    assert not users.verify_password(PASSWORD + "x", first)
    assert not users.verify_password(PASSWORD, "not a hash") and not users.verify_password(PASSWORD, "a$b$c$d$zz$00")


def test_only_the_right_password_signs_in(db):
    _account(db)
    assert users.authenticate(db, "zhang", PASSWORD)["role"] == "curator"
    assert users.authenticate(db, "zhang", PASSWORD[:-1]) is None
    assert users.authenticate(db, "li", PASSWORD) is None
    assert users.authenticate(db, "", "") is None


def test_too_many_wrong_passwords_lock_the_account_until_a_new_password(db):
    _account(db)
    for _ in range(users.MAX_FAILURES - 1):
        assert users.authenticate(db, "zhang", "错误的密码错误的密码") is None
    assert users.authenticate(db, "zhang", PASSWORD) is not None  # a right one in time resets the count
    for _ in range(users.MAX_FAILURES):
        users.authenticate(db, "zhang", "错误的密码错误的密码")
    assert users.authenticate(db, "zhang", PASSWORD) is None  # locked: even the right password
    users.set_password(db, "zhang", "新的长密码新的长密码")
    assert users.authenticate(db, "zhang", PASSWORD) is None
    assert users.authenticate(db, "zhang", "新的长密码新的长密码")["username"] == "zhang"


def test_a_disabled_account_cannot_sign_in_until_enabled(db):
    _account(db)
    users.set_disabled(db, "zhang")
    assert users.get(db, "zhang")["disabled"] == 1
    assert users.authenticate(db, "zhang", PASSWORD) is None
    users.set_disabled(db, "zhang", False)
    assert users.authenticate(db, "zhang", PASSWORD) is not None


def test_a_new_password_and_ending_sessions_move_the_session_version(db):
    _account(db)
    users.end_sessions(db, "zhang")
    assert users.get(db, "zhang")["session_version"] == 1
    users.set_password(db, "zhang", "新的长密码新的长密码")
    assert users.get(db, "zhang")["session_version"] == 2
    users.set_disabled(db, "zhang")
    assert users.get(db, "zhang")["session_version"] == 2


@pytest.mark.parametrize(
    "change",
    [lambda db: users.set_password(db, "li", "新的长密码新的长密码"), lambda db: users.set_disabled(db, "li")],
    ids=["passwd", "disable"],
)
def test_changing_an_account_that_does_not_exist_is_refused(db, change):
    with pytest.raises(ValueError, match="没有用户“li”"):
        change(db)


def test_a_new_password_must_be_long_enough(db):
    _account(db)
    with pytest.raises(ValueError, match="密码至少 10 位"):
        users.set_password(db, "zhang", "123")
    assert users.authenticate(db, "zhang", PASSWORD) is not None


def test_a_role_reads_with_its_chinese_name():
    assert [users.role_label(r) for r in users.ROLES] == [
        "curator（普查员）",
        "reviewer（审核人）",
        "admin（管理员）",
        "researcher（研究人员）",
    ]
    assert users.role_label("visitor") == "visitor（visitor）"
