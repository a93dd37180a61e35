"""One rule for every write (heritage.workflow.refusals): the form, the browser import, the command-line
import and a restore let a role do exactly what the workflow lets it do, and nothing more."""

from __future__ import annotations

import io
import re

import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from heritage import history, store, users, vocab, workflow
from heritage.cli import main
from heritage.db import write
from heritage.store import open_store
from tests.test_curate import Session
from web import create_app

PASSWORDS = {"qian": "curator-pass-7", "wu": "reviewer-pass-7"}
SEED = {"RPEND": ("待审核", "public"), "RINTL": ("已发布", "internal"), "RWORK": ("调查中", "public")}


@pytest.fixture
def site(tmp_path):
    home = tmp_path / "instance"
    db = open_store(home)
    with write(db):
        for record_id, (status, access) in SEED.items():
            store.put(
                db,
                store.RECORD,
                {
                    "id": record_id,
                    "title": f"项目{record_id}",
                    "category": "民俗",
                    "status": status,
                    "access": access,
                    "informant": "讲述人",
                },
                "seed",
            )
    users.add_user(db, "qian", PASSWORDS["qian"], "curator")
    users.add_user(db, "wu", PASSWORDS["wu"], "reviewer")
    yield create_app({"TESTING": True, "HERITAGE_HOME": str(home)}), db, home
    db.conn.close()


def signed_in(app, name: str) -> Session:
    session = Session(app)
    assert session.post("/login", username=name, password=PASSWORDS[name]).status_code == 302
    session.csrf = re.search(r'name="csrf_token" value="([^"]+)"', session.text("/curate/import/"))[1]
    return session


def snapshot(db) -> list:
    return [
        db.execute("SELECT * FROM records ORDER BY id").fetchall(),
        db.execute("SELECT count(*) FROM revisions").fetchone(),
    ]


def browser_import(session: Session, home, sheet: str) -> tuple[str, str | None]:
    """Upload a sheet (the dry run), then confirm it even if the page offers no button: both pages.
    A refused sheet is not kept, so there is nothing to confirm: then the second page is None."""
    before = {p.name for p in (home / "uploads").glob("*")} if (home / "uploads").exists() else set()
    dry = session.client.post(
        "/curate/import/",
        data={"csrf_token": session.csrf, "kind": "record", "file": (io.BytesIO(sheet.encode("utf-8")), "表.csv")},
        content_type="multipart/form-data",
    ).get_data(as_text=True)
    token = next((p.name for p in (home / "uploads").glob("*") if p.name not in before), None)
    if token is None:
        return dry, None
    done = session.post(f"/curate/import/{token}", kind="record", name="表.csv").get_data(as_text=True)
    return dry, done


CURATOR_REFUSED = [
    ("项目名称,类别,状态,访问级别\n新的项目,民俗,已发布,公开\n", "状态", "新记录的状态应为"),
    ("编号,项目名称,类别,状态\nRPEND,项目RPEND,民俗,已发布\n", "状态", "只有审核人可以审核通过并发布"),
    ("编号,项目名称,类别,访问级别\nRINTL,项目RINTL,民俗,公开\n", "访问级别", "普查员不能放宽访问级别"),
    ("编号,项目名称,类别,字段访问级别\nRINTL,项目RINTL,民俗,讲述人=公开\n", "字段访问级别", "普查员不能放宽“讲述人”"),
    ("编号,项目名称,类别,审核人\nRWORK,项目RWORK,民俗,某审核人\n", "审核人", "审核人在发布时自动记录"),
]


@pytest.mark.parametrize(("sheet", "column", "reason"), CURATOR_REFUSED)
def test_a_curator_cannot_skip_review_through_the_browser_import(site, sheet, column, reason):
    app, db, home = site
    before = snapshot(db)
    dry, done = browser_import(signed_in(app, "qian"), home, sheet)
    for page in filter(None, (dry, done)):
        assert f"<td>2</td><td>{column}</td>" in page and reason in page, page[-3000:]
    assert "确认导入" not in dry and "已导入" not in (done or "")
    assert snapshot(db) == before


def test_a_reviewer_publishes_by_import_only_where_the_form_would(site):
    app, db, home = site
    reviewer = signed_in(app, "wu")
    for sheet, reason in [
        ("项目名称,类别,状态\n新的项目,民俗,已发布\n", "新记录的状态应为"),
        ("编号,项目名称,类别,状态\nRWORK,项目RWORK,民俗,已发布\n", "不能从“调查中”直接改为“已发布”"),
    ]:
        before = snapshot(db)
        dry, done = browser_import(reviewer, home, sheet)
        assert reason in dry and reason in (done or reason) and snapshot(db) == before
    dry, done = browser_import(
        reviewer,
        home,
        "编号,项目名称,类别,状态,访问级别\nRPEND,项目RPEND,民俗,已发布,公开\nRINTL,项目RINTL,民俗,已发布,公开\n",
    )
    assert "已导入" in done, done[-2000:]
    assert store.get(db, store.RECORD, "RPEND")["status"] == "已发布"
    assert store.get(db, store.RECORD, "RINTL")["access"] == "public"


def test_the_edit_form_and_a_restore_follow_the_same_rule(site):
    app, db, _ = site
    curator = signed_in(app, "qian")
    page = curator.text("/curate/records/RINTL")
    version = re.search(r'name="version" value="(\d+)"', page)[1]
    form = {
        "action": "save",
        "version": version,
        "title": "项目RINTL",
        "category": "民俗",
        "informant": "讲述人",
        "access": "public",
    }
    before = snapshot(db)
    response = curator.post("/curate/records/RINTL", **form)
    assert response.status_code == 422 and "普查员不能放宽访问级别" in response.get_data(as_text=True)
    response = curator.post("/curate/records/RINTL", **(form | {"access": "internal", "access.informant": "public"}))
    assert response.status_code == 422 and "普查员不能放宽“讲述人”" in response.get_data(as_text=True)
    assert snapshot(db) == before
    with write(db):  # a reviewer narrows it; a curator may not restore the wider version
        store.put(db, store.RECORD, store.get(db, store.RECORD, "RPEND") | {"access": "internal"}, "wu")
    curator.post("/curate/records/RPEND/history/1/restore")
    assert store.get(db, store.RECORD, "RPEND")["access"] == "internal"
    with pytest.raises(workflow.WorkflowError, match="普查员不能放宽访问级别"), write(db):
        history.restore(db, store.RECORD, "RPEND", 1, "qian", "curator")
    with write(db):
        history.restore(db, store.RECORD, "RPEND", 1, "wu", "reviewer")
    assert store.get(db, store.RECORD, "RPEND")["access"] == "public"


def test_the_command_line_imports_as_an_operator(site, tmp_path):
    _, db, home = site
    sheet = tmp_path / "表.csv"
    sheet.write_text("编号,项目名称,类别,状态,访问级别\nRWORK,项目RWORK,民俗,已发布,公开\n", encoding="utf-8")
    result = CliRunner().invoke(
        main, ["--home", str(home), "import", str(sheet), "--user", "省级管理员"], catch_exceptions=False
    )
    assert result.exit_code == 0, result.output
    assert store.get(db, store.RECORD, "RWORK")["status"] == "已发布"
    assert (
        db.execute("SELECT user FROM revisions WHERE entity_id = 'RWORK' ORDER BY version DESC").fetchone()[0]
        == "省级管理员"
    )


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    start=st.sampled_from(vocab.STATUSES),
    to=st.sampled_from(vocab.STATUSES),
    role=st.sampled_from(["curator", "reviewer", "admin", "researcher"]),
)
def test_a_status_written_directly_is_allowed_exactly_when_the_move_is(db, start, to, role):
    """Property: writing 状态 (form, import, restore) is refused exactly when the workflow move is, and a
    curator's every write to a published record is refused (it changes only through review)."""
    with write(db):
        store.put(
            db,
            store.RECORD,
            {"id": "RMOVE", "title": "状态", "category": "民俗", "status": start, "status_reason": "原因"},
            "seed",
        )
    record = store.get(db, store.RECORD, "RMOVE")
    refused = workflow.refusals(db, role, store.RECORD, record | {"status": to, "status_reason": "原因"})
    try:
        with write(db):
            workflow.move(db, "RMOVE", to, "user", role, reason="原因")
            raise _Undo
    except workflow.WorkflowError:
        moved = False
    except _Undo:
        moved = True
    kept = start == to and role in workflow.EDITORS and not (start == "已发布" and role == "curator")
    assert (not refused) == (moved or kept), (start, to, role, refused)


class _Undo(Exception):
    """Roll a trial move back."""


LEVELS = ("internal", "researcher", "public")


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    kind=st.sampled_from([store.RECORD, store.INHERITOR]),
    before=st.sampled_from(LEVELS),
    after=st.sampled_from(LEVELS),
    field_before=st.sampled_from(LEVELS),
    field_after=st.sampled_from(LEVELS),
    role=st.sampled_from(["curator", "reviewer", "admin"]),
)
def test_only_reviewers_open_anything_wider(db, kind, before, after, field_before, field_after, role):
    """Property: a write that widens an entity's or a field's access is refused exactly for curators."""
    name = "title" if kind is store.RECORD else "name"
    base = {
        "id": "ACCESS",
        name: "访问",
        "category": "民俗",
        "access": before,
        "field_access": {"content" if kind is store.RECORD else "biography": field_before},
    }
    with write(db):
        store.put(db, kind, base, "seed")
    field = next(iter(base["field_access"]))
    change = store.get(db, kind, "ACCESS") | {"access": after, "field_access": {field: field_after}}
    refused = {name for name, _ in workflow.refusals(db, role, kind, change)}
    order = {level: n for n, level in enumerate(LEVELS)}
    widened = ({"access"} if order[after] > order[before] else set()) | (
        {"field_access"} if order[field_after] > order[field_before] else set()
    )
    assert refused == (widened if role == "curator" else set())
