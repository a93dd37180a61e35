"""Every published record and exhibit has a picture: a photograph when there is one, else its own drawn cover."""

from __future__ import annotations

import io
import re

import pytest
from PIL import Image

from heritage import exhibits, media, store, users
from heritage.db import write
from heritage.importer import import_file
from heritage.store import open_store
from indexer import index
from tests.conftest import write_csv
from tests.test_curate import PASSWORDS, Session
from web import create_app


def _jpeg() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (600, 400), (30, 80, 110)).save(out, "JPEG")
    return out.getvalue()


def _photo(home, db, record_id: str) -> str:
    with write(db):
        return media.add(db, record_id, media.ingest(home, _jpeg(), "照片.jpg"), {"caption": "现场"})


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    """Records saved in the workspace (W1, W3) and imported (the 侗族大歌 row), none with a cover;
    an exhibit holding two of them."""
    folder = tmp_path_factory.mktemp("pictures") / "instance"
    db = open_store(folder)
    with write(db):
        for record_id, title in (("W1", "苗族银饰锻制技艺"), ("W3", "侗族木构建筑营造技艺")):
            store.put(
                db, store.RECORD, {"id": record_id, "title": title, "category": "传统技艺", "status": "已发布"}, "zhang"
            )
    csv = write_csv(folder.parent / "new.csv", "编号,项目名称,类别,状态\nW2,侗族大歌,传统音乐,已发布\n")
    assert import_file(db, csv).committed
    with write(db):
        exhibits.put(
            db,
            {
                "id": "ex",
                "title": "侗乡苗寨",
                "intro": "两个民族的技艺与歌。",
                "items": [{"record_id": "W1"}, {"record_id": "W2"}],
            },
            "zhang",
        )
    users.add_user(db, "zhang", PASSWORDS["zhang"], "curator")
    index.rebuild(folder, db, procs=1)
    yield folder, db, create_app({"TESTING": True, "HERITAGE_HOME": str(folder)})
    db.conn.close()


def _exhibit_picture(page: str) -> str:
    return re.search(r'<a href="/exhibits/ex">\s*(?:<span class="picture">)?<img src="([^"]+)"', page)[1]


def _png(client, path: str) -> bytes:
    response = client.get(path)
    assert response.status_code == 200 and response.mimetype == "image/png", path
    data = response.get_data()
    response.close()
    return data


def test_records_without_a_cover_get_one_drawn_on_request_and_redrawn_after_a_change(site):
    home, db, app = site
    client = app.test_client()
    for record_id in ("W1", "W2"):  # saved in the workspace, imported
        assert f'src="/covers/{record_id}.png"' in client.get(f"/records/{record_id}").get_data(as_text=True)
        _png(client, f"/covers/{record_id}.png")
    first = _png(client, "/covers/W3.png")
    with write(db):
        store.put(
            db, store.RECORD, {"id": "W3", "title": "侗族鼓楼", "category": "传统技艺", "status": "已发布"}, "zhang"
        )
    assert _png(client, "/covers/W3.png") != first


def test_an_exhibit_has_its_own_cover_then_a_photograph_then_the_curators_choice(site):
    home, db, app = site
    client = app.test_client()
    for path in ("/", "/exhibits"):
        assert _exhibit_picture(client.get(path).get_data(as_text=True)) == "/exhibits/ex/cover.png"
    assert _png(client, "/exhibits/ex/cover.png") != _png(client, "/covers/W1.png")

    photo = _photo(home, db, "W2")
    assert _exhibit_picture(client.get("/exhibits").get_data(as_text=True)) == f"/images/{photo}/medium.jpg"
    assert f'src="/images/{photo}/medium.jpg"' in client.get("/exhibits/ex").get_data(as_text=True)  # its card
    assert f'src="/images/{photo}/medium.jpg"' in client.get("/records/W2").get_data(as_text=True)
    response = client.get(f"/images/{photo}/medium.jpg")
    assert response.status_code == 200 and response.mimetype == "image/jpeg"
    response.close()

    curator = Session(app, "zhang")
    form = {
        "title": "侗乡苗寨",
        "intro": "两个民族的技艺与歌。",
        "status": "已发布",
        "position": "0",
        "item_record": ["W1", "W2"],
        "item_section": ["", ""],
        "item_note": ["", ""],
        "version": re.search(r'name="version" value="(\d+)"', curator.text("/curate/exhibits/ex"))[1],
    }
    refused = curator.post("/curate/exhibits/ex", cover_record="W1", **form)
    assert refused.status_code == 422 and "记录 W1 不存在或还没有上传图片" in refused.get_data(as_text=True)
    chosen = _photo(home, db, "W3")
    assert curator.post("/curate/exhibits/ex", cover_record="W3", **form).status_code == 302
    assert 'value="W3"' in curator.text("/curate/exhibits/ex")
    for path in ("/", "/exhibits"):
        assert _exhibit_picture(client.get(path).get_data(as_text=True)) == f"/images/{chosen}/medium.jpg"
