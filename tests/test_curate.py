"""The curators' workspace through Flask's test client: sign-in, roles, CSRF, lock-out, the workflow,
editing with errors beside fields, conflicts, history, exhibits, bulk import, public clues."""

from __future__ import annotations

import io
import re

import pytest

from heritage import media, store, users
from heritage.db import write
from indexer import index
from web import create_app

PASSWORDS = {"zhang": "curator-pass-1", "li": "reviewer-pass-1", "wang": "admin-pass-01", "zhao": "research-pass1"}
ROLES = {"zhang": "curator", "li": "reviewer", "wang": "admin", "zhao": "researcher"}


@pytest.fixture(scope="module")
def app(corpus_index):
    home, db = corpus_index
    for name, role in ROLES.items():
        users.add_user(db, name, PASSWORDS[name], role)
    return create_app({"TESTING": True, "HERITAGE_HOME": str(home)})


def token(html: str) -> str:
    return re.search(r'name="csrf_token" value="([^"]+)"', html)[1]


class Session:
    """A browser-like client: signs in and carries the form token."""

    def __init__(self, app, name: str | None = None):
        self.client = app.test_client()
        self.csrf = token(self.client.get("/login").get_data(as_text=True))
        if name:
            response = self.post("/login", username=name, password=PASSWORDS[name])
            assert response.status_code == 302, name
            self.csrf = token(self.client.get("/login").get_data(as_text=True))  # a new session, a new token

    def get(self, path: str, **kwargs):
        return self.client.get(path, **kwargs)

    def post(self, path: str, headers=None, **form):
        return self.client.post(path, data={"csrf_token": self.csrf, **form}, headers=headers or {})

    def text(self, path: str) -> str:
        return self.get(path).get_data(as_text=True)


def new_record(session: Session, **fields) -> str:
    response = session.post(
        "/curate/records/new", action="save", **{"title": "测试项目", "category": "传统技艺", **fields}
    )
    assert response.status_code == 302, response.get_data(as_text=True)[-2000:]
    return response.headers["Location"].rsplit("/", 1)[1]


def version_of(session: Session, record_id: str) -> int:
    return int(re.search(r'name="version" value="(\d+)"', session.text(f"/curate/records/{record_id}"))[1])


def test_every_curator_route_checks_the_role(app):
    anonymous, researcher = Session(app), Session(app, "zhao")
    checked = 0
    for rule in app.url_map.iter_rules():
        if not rule.rule.startswith("/curate"):
            continue
        view = app.view_functions[rule.endpoint]
        assert getattr(view, "roles", None), f"{rule.rule} 没有角色检查"
        assert "researcher" not in view.roles
        path = re.sub(
            r"<([^>]+)>",
            lambda m: (
                "records"
                if m[1].startswith("any(")
                else "1"
                if m[1].startswith("int:")
                else "thumb"
                if m[1] == "size"
                else "C001"
            ),
            rule.rule,
        )
        for method in rule.methods & {"GET", "POST"}:
            send = anonymous.get if method == "GET" else anonymous.post
            response = send(path)
            assert response.status_code == 302 and "/login" in response.headers["Location"], (method, path)
            response = (researcher.get if method == "GET" else researcher.post)(path)
            assert response.status_code == 403, (method, path)
            checked += 1
    assert checked >= 20


def test_login_does_not_reveal_who_exists(app):
    a, b = Session(app), Session(app)
    unknown = a.post("/login", username="nobody", password="whatever-123")
    wrong = b.post("/login", username="li", password="whatever-123")
    strip = lambda r: re.sub(r'value="[^"]+"', "", r.get_data(as_text=True))  # noqa: E731
    assert unknown.status_code == wrong.status_code == 401 and strip(unknown) == strip(wrong)
    assert "用户名或密码不正确" in strip(unknown)


def test_lock_out_after_repeated_failures(app, corpus_index):
    db = corpus_index[1]
    users.add_user(db, "locked", "locked-pass-1", "curator")
    session = Session(app)
    for _ in range(users.MAX_FAILURES):
        assert session.post("/login", username="locked", password="nope-nope-1").status_code == 401
    assert session.post("/login", username="locked", password="locked-pass-1").status_code == 401  # right, but locked
    users.set_password(db, "locked", "locked-pass-2")  # an admin resets it: unlocked
    assert session.post("/login", username="locked", password="locked-pass-2").status_code == 302
    users.set_disabled(db, "locked")
    assert session.get("/curate/").status_code == 302  # a disabled account's session ends
    assert Session(app).post("/login", username="locked", password="locked-pass-2").status_code == 401


def test_csrf_and_cross_site_requests_are_refused(app, corpus_index):
    session = Session(app, "zhang")
    record_id = new_record(session)
    before = store.get(corpus_index[1], store.RECORD, record_id)["version"]
    client = session.client
    attempts = [
        client.post(f"/curate/records/{record_id}/move", data={"to": "待审核"}),
        client.post(f"/curate/records/{record_id}/move", data={"to": "待审核", "csrf_token": "forged"}),
        session.post(f"/curate/records/{record_id}/move", to="待审核", headers={"Origin": "https://evil.example"}),
        session.post(f"/curate/records/{record_id}/move", to="待审核", headers={"Sec-Fetch-Site": "cross-site"}),
        Session(app).client.post("/login", data={"username": "zhang", "password": PASSWORDS["zhang"]}),
    ]
    assert [r.status_code for r in attempts] == [403] * 5
    assert "表单已过期或来自其他网站" in attempts[0].get_data(as_text=True)
    assert store.get(corpus_index[1], store.RECORD, record_id)["version"] == before
    assert (
        session.post(
            f"/curate/records/{record_id}/move", to="待审核", version=before, headers={"Origin": "http://localhost"}
        ).status_code
        == 302
    )


def test_sessions_are_short(app):
    session = Session(app, "zhang")
    assert session.get("/curate/").status_code == 200
    with session.client.session_transaction() as cookie:
        cookie["seen"] -= 31 * 60
    response = session.get("/curate/")
    assert response.status_code == 302 and "/login" in response.headers["Location"]


def test_workflow_and_who_may_move(app, corpus_index):
    curator, reviewer = Session(app, "zhang"), Session(app, "li")
    record_id = new_record(curator)
    db = corpus_index[1]
    status = lambda: store.get(db, store.RECORD, record_id)["status"]  # noqa: E731
    assert status() == "调查中"
    move = lambda who, to, **extra: who.post(f"/curate/records/{record_id}/move", to=to, **extra)  # noqa: E731
    move(curator, "已发布")
    assert status() == "调查中"  # not a step from here
    move(curator, "待审核")
    assert status() == "待审核"
    move(curator, "已发布")
    assert status() == "待审核" and "只有审核人可以审核通过并发布" in curator.text(f"/curate/records/{record_id}")
    move(reviewer, "退回")
    assert status() == "待审核" and "退回时必须写明原因" in reviewer.text(f"/curate/records/{record_id}")
    move(reviewer, "退回", reason="缺少调查信息")
    assert status() == "退回" and "退回原因：缺少调查信息" in curator.text(f"/curate/records/{record_id}")
    move(curator, "待审核")
    move(reviewer, "已发布")
    record = store.get(db, store.RECORD, record_id)
    assert record["status"] == "已发布" and record["reviewer"] == "li"
    notes = [r[0] for r in db.execute("SELECT note FROM revisions WHERE entity_id = ? ORDER BY version", [record_id])]
    assert notes[1:] == ["调查中 → 待审核", "待审核 → 退回：缺少调查信息", "退回 → 待审核", "待审核 → 已发布"]
    assert reviewer.post(f"/curate/records/{record_id}/move", to="调查中", version=1).status_code == 302
    assert status() == "已发布"  # an action on a stale page is refused


def test_queues_show_completeness_and_what_is_missing(app):
    curator = Session(app, "zhang")
    record_id = new_record(curator, title="某节日", category="民俗")
    page = curator.text("/curate/queue/调查中")
    row = re.search(rf"{record_id}</span></td>.*?</tr>", page, re.S)[0]
    assert "时间" in row and "相关场所" in row and "图片" in row  # a festival without dates or places
    before = int(re.search(r"(\d+)%", row)[1])
    curator.post(
        f"/curate/records/{record_id}",
        action="save",
        version=1,
        title="某节日",
        category="民俗",
        dates="农历三月十五",
        places="芦笙场",
    )
    after = int(
        re.search(
            r"(\d+)%", re.search(rf"{record_id}</span></td>.*?</tr>", curator.text("/curate/queue/调查中"), re.S)[0]
        )[1]
    )
    assert after > before


def test_every_field_edits_and_errors_stand_beside_their_field(app, corpus_index):
    curator = Session(app, "zhang")
    record_id = new_record(curator)
    full = {
        "title": "全字段项目",
        "aliases": "别名甲\n别名乙",
        "native_names": "ཞྭ་ལྷ་ཁ|藏文|zhwa lha kha",
        "category": "民俗",
        "subcategory": "岁时节令",
        "level": "省级",
        "batch": "第二批",
        "year": "2008",
        "listing_type": "新增项目",
        "ethnic_groups": "苗族\n侗族",
        "region_codes": "522630 贵州省黔东南苗族侗族自治州台江县\n雷山县",
        "region_text": "台江、雷山",
        "content": "正文",
        "history": "渊源",
        "value_tags": "历史\n艺术",
        "artifacts": "芦笙",
        "places": "踩鼓场",
        "vitality": "一般",
        "dates": "农历三月十五",
        "surveyor": "调查员甲",
        "survey_date": "2024-05-01",
        "informant_consent": "是",
        "sources": "某志",
        "access": "public",
        "access.content": "researcher",
    }
    response = curator.post(f"/curate/records/{record_id}", action="save", version=1, **full)
    assert response.status_code == 302
    record = store.get(corpus_index[1], store.RECORD, record_id)
    assert record["aliases"] == ["别名甲", "别名乙"] and record["region_codes"] == ["522630", "522634"]
    assert (
        record["native_names"][0]["script"] == "藏文" and record["batch"] == 2 and record["informant_consent"] is True
    )
    assert record["field_access"] == {"content": "researcher"} and record["value_tags"] == ["历史", "艺术"]
    bad = curator.post(
        f"/curate/records/{record_id}",
        action="save",
        version=2,
        **(full | {"year": "二〇〇八年", "ethnic_groups": "火星族", "title": ""}),
    )
    text = bad.get_data(as_text=True)
    assert bad.status_code == 422
    for field, words in (("year", "年份"), ("ethnic_groups", "火星族"), ("title", "必填")):
        assert re.search(rf'<p class="error" id="e-{field}">[^<]*{words}', text), field
    assert store.get(corpus_index[1], store.RECORD, record_id)["version"] == 2  # nothing saved


def test_field_access_on_the_public_site(app, corpus_index):
    curator, reviewer = Session(app, "zhang"), Session(app, "li")
    record_id = new_record(curator, content="只给研究人员看的正文", **{"access.content": "researcher"})
    curator.post(f"/curate/records/{record_id}/move", to="待审核")
    reviewer.post(f"/curate/records/{record_id}/move", to="已发布")
    assert "只给研究人员看的正文" not in Session(app).text(f"/records/{record_id}")
    assert "只给研究人员看的正文" in Session(app, "zhao").text(f"/records/{record_id}")


def test_a_second_save_of_the_same_version_is_kept_not_lost(app, corpus_index):
    first, second = Session(app, "zhang"), Session(app, "li")
    record_id = new_record(first, content="原文")
    first.post(
        f"/curate/records/{record_id}",
        action="save",
        version=1,
        title="测试项目",
        category="传统技艺",
        content="甲的修改",
    )
    response = second.post(
        f"/curate/records/{record_id}",
        action="save",
        version=1,
        title="测试项目",
        category="传统技艺",
        content="乙的修改",
    )
    assert response.status_code == 302 and "/curate/drafts/" in response.headers["Location"]
    page = second.text(response.headers["Location"])
    assert "已另存为草稿" in page and "甲的修改" in page and "乙的修改" in page
    record = store.get(corpus_index[1], store.RECORD, record_id)
    assert record["content"] == "甲的修改" and record["version"] == 2
    draft = corpus_index[1].execute("SELECT data FROM drafts WHERE entity_id = ?", [record_id]).fetchone()[0]
    assert "乙的修改" in draft


def test_history_shows_every_save_and_restores_as_a_new_revision(app, corpus_index):
    curator = Session(app, "zhang")
    record_id = new_record(curator, content="第一稿")
    curator.post(
        f"/curate/records/{record_id}",
        action="save",
        version=1,
        title="测试项目",
        category="传统技艺",
        content="第二稿",
    )
    page = curator.text(f"/curate/records/{record_id}/history")
    assert "第 2 版" in page and "第一稿" in page and "第二稿" in page and "zhang" in page
    assert "第一稿" in curator.text(f"/curate/records/{record_id}/history/1")
    curator.post(f"/curate/records/{record_id}/history/1/restore")
    record = store.get(corpus_index[1], store.RECORD, record_id)
    assert record["content"] == "第一稿" and record["version"] == 3 and record["status"] == "调查中"
    assert "恢复到第 1 版" in curator.text(f"/curate/records/{record_id}/history")
    assert curator.get(f"/curate/records/{record_id}/history/9").status_code == 404


def test_inheritors_are_edited_with_their_items(app, corpus_index):
    curator = Session(app, "zhang")
    response = curator.post(
        "/curate/inheritors/new",
        action="save",
        name="测试传承人丙",
        ethnic_group="苗族",
        links="C134\n不存在的项目",
        phone="13800000000",
    )
    assert response.status_code == 422 and "找不到项目“不存在的项目”" in response.get_data(as_text=True)
    response = curator.post(
        "/curate/inheritors/new",
        action="save",
        name="测试传承人丙",
        ethnic_group="苗族",
        links="C134",
        phone="13800000000",
    )
    person = store.get(corpus_index[1], store.INHERITOR, response.headers["Location"].rsplit("/", 1)[1])
    assert person["items"] == ["C134"] and person["phone"] == "13800000000"
    assert "测试传承人丙" in curator.text("/curate/records/C134")


def test_exhibits_are_curated_and_ordered(app):
    curator = Session(app, "zhang")
    response = curator.post(
        "/curate/exhibits/new",
        id="tea",
        title="茶",
        intro="茶的技艺。",
        status="草稿",
        position="9",
        section_heading=["制茶", ""],
        section_body=["两种茶。", ""],
        item_record=["C165", "C154"],
        item_section=["0", "0"],
        item_note=["武夷岩茶", ""],
    )
    assert response.status_code == 302
    assert Session(app).get("/exhibits/tea").status_code == 404  # a draft is not shown
    form = {"title": "茶", "intro": "茶的技艺。", "status": "已发布", "position": "9", "section_heading": "制茶"}
    version = re.search(r'name="version" value="(\d+)"', curator.text("/curate/exhibits/tea"))[1]
    refused = curator.post("/curate/exhibits/tea", version=version, item_record=["C165"], item_section=["0"], **form)
    assert refused.status_code == 422 and "只有审核人可以发布专题展览" in refused.get_data(as_text=True)
    assert Session(app).get("/exhibits/tea").status_code == 404
    Session(app, "li").post(
        "/curate/exhibits/tea",
        version=version,
        item_record=["C165", "C154"],
        item_section=["0", "0"],
        item_note=["", "德昂族酸茶"],
        down="0",
        **form,
    )
    public = Session(app).text("/exhibits/tea")
    assert public.index("德昂族酸茶制作技艺") < public.index("武夷岩茶") and "德昂族酸茶</p>" in public
    stale = curator.post("/curate/exhibits/tea", version=version, item_record="C154", item_section="0", **form)
    assert stale.status_code == 422 and "已被他人修改" in stale.get_data(as_text=True)
    version = re.search(r'name="version" value="(\d+)"', curator.text("/curate/exhibits/tea"))[1]
    bad = curator.post(
        "/curate/exhibits/tea", version=version, item_record="NOPE", item_section="", item_note="", **form
    )
    assert bad.status_code == 422 and "记录 NOPE 不存在" in bad.get_data(as_text=True)
    taken = curator.post("/curate/exhibits/new", id="tea", title="另一个茶")
    assert taken.status_code == 422 and "已被另一个专题展览使用" in taken.get_data(as_text=True)


FOUND_HIT = re.compile(
    r'<li><span class="title">[^<]+</span> <span class="meta">([A-Z0-9]+) ·[^<]*</span>\s*(<span class="badge">已在本展</span>|<button)'
)


def test_the_exhibit_picker_pages_through_every_result_and_marks_those_already_in(app):
    curator = Session(app, "zhang")
    assert curator.post("/curate/exhibits/new", id="paged", title="翻页").status_code == 302
    version = re.search(r'name="version" value="(\d+)"', curator.text("/curate/exhibits/paged"))[1]
    form = {"version": version, "title": "翻页", "q": "苗族"}
    first = curator.post("/curate/exhibits/paged", action="search", **form).get_data(as_text=True)
    total, pages = map(int, re.search(r"找到 (\d+) 条，第 1 / (\d+) 页", first).groups())
    assert pages == -(-total // 12) >= 2 and 'name="found_page" value="2"' in first and "上一页" not in first
    seen = [hit for hit, _ in FOUND_HIT.findall(first)]
    for n in range(2, pages + 1):  # 下一页 is a button of the form: it pages without saving
        shown = curator.post("/curate/exhibits/paged", found_page=str(n), **form).get_data(as_text=True)
        assert (
            f"第 {n} / {pages} 页" in shown and f'name="found_page" value="{n - 1}" class="secondary">上一页' in shown
        )
        assert ("下一页" in shown) == (n < pages) and "已保存" not in shown
        seen += [hit for hit, _ in FOUND_HIT.findall(shown)]
    assert len(seen) == len(set(seen)) == total  # every result once
    assert curator.text("/curate/exhibits/paged").count('name="item_record"') == 0
    added = curator.post("/curate/exhibits/paged", add=seen[13], shown_page="2", **form)
    assert added.status_code == 302 and "found_page=2" in added.headers["Location"]
    again = curator.text(added.headers["Location"])
    marks = dict(FOUND_HIT.findall(again))
    assert "第 2 / " in again and marks[seen[13]] == '<span class="badge">已在本展</span>'
    assert f'name="add" value="{seen[13]}"' not in again and list(marks.values()).count("<button") == len(marks) - 1
    assert "第 1 / " in curator.text("/curate/exhibits/paged?q=苗族&found_page=abc")  # a bad page is the first
    assert f"第 {pages} / " in curator.text("/curate/exhibits/paged?q=苗族&found_page=999")  # past the last: the last


def test_bulk_import_shows_the_report_then_imports_on_confirmation(app, corpus_index, tmp_path):
    import io

    curator = Session(app, "zhang")
    bad = "项目名称,类别,民族\n好的一行,民俗,苗族\n坏的一行,民俗,火星族\n".encode("gb18030")
    page = curator.client.post(
        "/curate/import/",
        data={"csrf_token": curator.csrf, "kind": "record", "file": (io.BytesIO(bad), "普查表.csv")},
        content_type="multipart/form-data",
    ).get_data(as_text=True)
    assert "<td>3</td><td>民族</td>" in page and "火星族" in page and "确认导入" not in page
    good = "项目名称,类别,民族\n浏览器导入的项目,民俗,苗族\n".encode("utf-8-sig")
    page = curator.client.post(
        "/curate/import/",
        data={"csrf_token": curator.csrf, "kind": "record", "file": (io.BytesIO(good), "普查表.csv")},
        content_type="multipart/form-data",
    ).get_data(as_text=True)
    assert "将新增 1 条" in page
    assert not corpus_index[1].execute("SELECT 1 FROM records WHERE title = '浏览器导入的项目'").fetchone()
    action = re.search(r'action="(/curate/import/[^"]+)"', page)[1]
    done = curator.post(action, kind="record", name="普查表.csv").get_data(as_text=True)
    assert "已导入" in done
    assert corpus_index[1].execute("SELECT 1 FROM records WHERE title = '浏览器导入的项目'").fetchone()
    assert curator.post(action, kind="record").status_code == 404  # the file is gone once imported


def test_public_clues_land_in_the_queue_and_stay_private(app, corpus_index):
    visitor = Session(app)
    form = {
        "title": "某村的新米节",
        "category": "民俗",
        "ethnic_groups": "苗族",
        "region_text": "贵州省台江县",
        "content": "每年秋收后全村尝新。",
        "contact": "13700000000",
    }
    assert "谢谢您" in visitor.post("/clues", **form).get_data(as_text=True)
    db = corpus_index[1]
    record_id = db.execute("SELECT id FROM records WHERE title = '某村的新米节'").fetchone()[0]
    record = store.get(db, store.RECORD, record_id)
    assert record["status"] == "线索" and record["access"] == "internal" and "13700000000" not in str(record)
    assert visitor.get(f"/records/{record_id}").status_code == 404
    curator = Session(app, "zhang")
    assert "某村的新米节" in curator.text("/curate/queue/线索")
    assert "13700000000" in curator.text(f"/curate/records/{record_id}")
    before = db.execute("SELECT count(*) FROM records").fetchone()[0]
    visitor.post("/clues", website="http://spam.example", **form)  # the honeypot
    assert db.execute("SELECT count(*) FROM records").fetchone()[0] == before
    assert visitor.post("/clues", **(form | {"title": ""})).status_code == 422
    statuses = [visitor.post("/clues", **(form | {"title": f"线索{n}"})).status_code for n in range(6)]
    assert statuses[-1] == 429 and "提交太频繁" in visitor.post("/clues", **form).get_data(as_text=True)


def test_published_changes_reach_search_and_the_lag_is_shown(app, corpus_index):
    home, db = corpus_index
    curator, reviewer = Session(app, "zhang"), Session(app, "li")
    record_id = new_record(curator, title="独一无二的琵琶鲊技艺")
    curator.post(f"/curate/records/{record_id}/move", to="待审核")
    reviewer.post(f"/curate/records/{record_id}/move", to="已发布")
    assert "尚未进入检索" in curator.text("/curate/")
    index.sync(home, db)  # what the server's index worker does every few seconds
    assert "尚未进入检索" not in curator.text("/curate/")
    assert record_id in Session(app).text("/search?q=琵琶鲊")


def test_preview_shows_the_next_dates_without_saving(app, corpus_index):
    curator = Session(app, "zhang")
    before = corpus_index[1].execute("SELECT count(*) FROM records").fetchone()[0]

    def preview(rule: str):
        return curator.post("/curate/records/new", action="preview", title="预览节日", category="民俗", dates=rule)

    assert re.search(r"近期日期：\d{4}-\d{2}-\d{2}", preview("农历六月二十四").get_data(as_text=True))
    tibetan = preview("藏历正月初一（按藏历，不推算）").get_data(as_text=True)
    assert "日期按藏历所记，未推算为公历" in tibetan and "近期日期" not in tibetan
    bad = preview("农历十三月一")
    assert bad.status_code == 422 and 'id="e-dates"' in bad.get_data(as_text=True)
    assert corpus_index[1].execute("SELECT count(*) FROM records").fetchone()[0] == before


def test_where_sign_in_leads(app):
    session = Session(app)
    response = session.post("/login?next=//evil.example/x", username="zhang", password=PASSWORDS["zhang"])
    assert response.headers["Location"] == "/curate/"
    session = Session(app)
    response = session.post("/login?next=/curate/queue/线索", username="zhang", password=PASSWORDS["zhang"])
    assert response.headers["Location"].startswith("/curate/queue/")
    assert Session(app).post("/login", username="zhao", password=PASSWORDS["zhao"]).headers["Location"] == "/"


def test_a_field_made_public_is_shown_on_the_record_page(app):
    curator, reviewer = Session(app, "zhang"), Session(app, "li")
    record_id = new_record(curator, informant="讲述人乙", surveyor="调查员丁", **{"access.informant": "public"})
    curator.post(f"/curate/records/{record_id}/move", to="待审核")
    reviewer.post(f"/curate/records/{record_id}/move", to="已发布")
    page = Session(app).text(f"/records/{record_id}")
    assert "<dt>讲述人</dt><dd>讲述人乙</dd>" in page and "调查员丁" not in page


def test_the_lag_notice_is_on_every_workspace_page(app, corpus_index):
    curator = Session(app, "zhang")
    new_record(curator, title="让索引落后的记录")
    for path in ("/curate/", "/curate/queue/调查中", "/curate/import/", "/curate/exhibits/", "/curate/records/new"):
        assert "尚未进入检索" in curator.text(path), path
    index.sync(*corpus_index)
    assert "尚未进入检索" not in curator.text("/curate/import/")


def test_behind_a_proxy_the_clue_limit_counts_visitors(corpus_index):
    app = create_app({"TESTING": True, "HERITAGE_HOME": str(corpus_index[0]), "PROXIES": 1})
    form = {"category": "民俗", "content": "代理之后的线索"}
    first, second = Session(app), Session(app)
    statuses = [
        first.post("/clues", headers={"X-Forwarded-For": "203.0.113.7"}, title=f"代理线索{n}", **form).status_code
        for n in range(6)
    ]
    assert statuses == [200] * 5 + [429]
    assert (
        second.post("/clues", headers={"X-Forwarded-For": "198.51.100.9"}, title="另一位访客", **form).status_code
        == 200
    )


def test_admins_manage_accounts_in_the_browser(app, corpus_index):
    admin, curator = Session(app, "wang"), Session(app, "zhang")
    assert curator.get("/curate/users/").status_code == 403
    assert (
        admin.post(
            "/curate/users/", username="新人", display_name="新同事", role="curator", password="new-person-01"
        ).status_code
        == 302
    )
    assert "已建立账户“新人”" in admin.text("/curate/users/")
    admin.post("/curate/users/", username="短密码", role="curator", password="short")
    assert "未建立：密码至少 10 位" in admin.text("/curate/users/")
    newcomer = Session(app)
    assert newcomer.post("/login", username="新人", password="new-person-01").status_code == 302
    admin.post("/curate/users/新人", action="disable")
    assert newcomer.get("/curate/").status_code == 302  # signed out
    admin.post("/curate/users/新人", action="enable")
    admin.post("/curate/users/新人", action="password", password="another-pass-02")
    assert Session(app).post("/login", username="新人", password="another-pass-02").status_code == 302
    admin.post("/curate/users/wang", action="disable")
    assert "不能停用自己的账户" in admin.text("/curate/users/")
    assert admin.post("/curate/users/nobody", action="disable").status_code == 404


def test_the_edit_page_links_to_the_public_page_only_when_readers_may_open_it(app, corpus_index):
    _, db = corpus_index
    with write(db):
        store.put(
            db,
            store.RECORD,
            {"id": "XLINK", "title": "内部的已发布项目", "category": "民俗", "status": "已发布", "access": "internal"},
            "test",
        )
    curator = Session(app, "zhang")
    assert "公开页面" in curator.text("/curate/records/C134")
    assert "公开页面" not in curator.text("/curate/records/XLINK")
    assert "公开页面" not in curator.text(f"/curate/records/{new_record(curator)}")


def test_a_published_record_is_changed_only_through_review(app, corpus_index):
    home, db = corpus_index
    curator, reviewer = Session(app, "zhang"), Session(app, "li")
    record_id = new_record(curator, title="待审核后才公开的项目", content="经审核的说明。")
    curator.post(f"/curate/records/{record_id}/move", to="待审核")
    reviewer.post(f"/curate/records/{record_id}/move", to="已发布")
    page = curator.text(f"/curate/records/{record_id}")
    assert "已发布的记录只有审核人能修改" in page and re.search(r'value="save" disabled>保存', page)
    assert '<fieldset class="media-tools" disabled>' in page  # the upload, order and delete buttons with it
    form = {"title": "待审核后才公开的项目", "category": "传统技艺", "content": "未经审核的说明。"}
    refused = curator.post(
        f"/curate/records/{record_id}", action="save", version=version_of(curator, record_id), **form
    )
    assert refused.status_code == 422 and "未保存：已发布的记录只有审核人能修改" in refused.get_data(as_text=True)
    assert store.get(db, store.RECORD, record_id)["content"] == "经审核的说明。"
    picture = {"image": (io.BytesIO(b"not read"), "a.jpg"), "csrf_token": curator.csrf}
    curator.client.post(f"/curate/records/{record_id}/images", data=picture, content_type="multipart/form-data")
    assert "图片未保存：已发布的记录只有审核人能修改" in curator.text(f"/curate/records/{record_id}")
    assert media.images(db, record_id) == []
    # the reviewer takes it back; the curator's change goes public only when it is published again
    reviewer.post(f"/curate/records/{record_id}/move", to="调查中", version=version_of(reviewer, record_id))
    saved = curator.post(f"/curate/records/{record_id}", action="save", version=version_of(curator, record_id), **form)
    assert saved.status_code == 302 and "未经审核的说明" not in Session(app).text(f"/records/{record_id}")
    curator.post(f"/curate/records/{record_id}/move", to="待审核")
    reviewer.post(f"/curate/records/{record_id}/move", to="已发布")
    assert "未经审核的说明" in Session(app).text(f"/records/{record_id}")
    assert "撤回发布，改为调查中" in reviewer.text(f"/curate/records/{record_id}")
