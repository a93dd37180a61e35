"""Covers are drawn patterns (示意图案): the same for a record every time, different between records, in the
category's colours, never the title, labelled on the page, and replaced by a curator's photograph."""

import hashlib
import io
import re

from PIL import Image

from heritage import corpus, covers, media, store
from heritage.db import write
from tests.test_pictures import _jpeg


def _image(record) -> Image.Image:
    image = Image.open(io.BytesIO(covers.render_cover(record)))
    assert image.format == "PNG" and image.size == covers.SIZE
    return image.convert("RGB")


def _distance(one, other) -> int:
    return sum(abs(a - b) for a, b in zip(one, other, strict=True))


def _share(image: Image.Image, colour) -> float:
    """The share of pixels within a small distance of a colour (a cover has at most 64 colours)."""
    counts = image.getcolors(64)
    return sum(n for n, pixel in counts if _distance(pixel, colour) < 40) / sum(n for n, _ in counts)


def test_a_record_gets_the_same_cover_every_time():
    record = {"id": "C134", "title": "苗族蜡染技艺", "category": "传统技艺"}
    assert covers.render_cover(record) == covers.render_cover(dict(record))


def test_records_get_different_covers_in_every_motif():
    records = [
        {"id": f"C{n:03}", "title": "", "category": category} for n, category in enumerate(covers.CATEGORY_COLOURS)
    ]
    records += [{"id": f"D{n:03}", "title": "", "category": "民俗"} for n in range(20)]
    drawn = {hashlib.sha256(covers.render_cover(r)).hexdigest() for r in records}
    assert len(drawn) == len(records)
    assert {covers.motif_of(r) for r in records} >= {"paper_cut", "drum", "clouds", "cross_stitch", "brocade"}


def test_every_category_paints_in_its_own_colour_and_hem():
    for n, (category, colour) in enumerate(covers.CATEGORY_COLOURS.items()):
        for m in range(3):
            image = _image({"id": f"K{n}-{m}", "title": "", "category": category})
            assert _distance(image.getpixel((2, covers.SIZE[1] - 2)), colour) < 6, category  # the hem along the foot
            own = _share(image, colour)
            others = [c for other, c in covers.CATEGORY_COLOURS.items() if other != category]
            assert own > 0.05 and all(_share(image, c) * 3 < own for c in others if _distance(c, colour) > 80), category


def test_the_craft_named_in_the_title_chooses_the_motif_and_the_title_is_never_written():
    assert covers.motif_of({"id": "A", "title": "苗族蜡染技艺", "category": "传统技艺"}) == "batik"
    assert covers.motif_of({"id": "A", "title": "苗绣", "category": "传统美术"}) == "cross_stitch"
    assert covers.motif_of({"id": "A", "title": "壮族铜鼓习俗", "category": "民俗"}) == "drum"
    assert covers.motif_of({"id": "A", "title": "蔚县剪纸", "category": "传统美术"}) == "paper_cut"
    assert covers.motif_of({"id": "A", "title": "藏医药", "category": "传统医药"}) == "herbs"
    short, long = ({"id": "A", "title": title, "category": "传统技艺"} for title in ("蜡染", "苗族蜡染技艺与传承"))
    assert covers.render_cover(short) == covers.render_cover(long)  # no letters of the title in the picture


def test_init_draws_every_shipped_cover_in_the_current_style_and_redraws_missing_ones(corpus_index):
    home, db = corpus_index  # loaded by corpus.load, as `heritage init` does
    rows = db.execute("SELECT record_id, storage_id, sha256, caption FROM media WHERE medium = 'cover'").fetchall()
    assert len(rows) == db.execute("SELECT count(*) FROM records").fetchone()[0]
    for record_id, storage_id, sha256, caption in rows:
        path = covers.cover_file(home, record_id)
        assert storage_id == f"covers/{covers.STYLE}/{record_id}.png"
        assert hashlib.sha256(path.read_bytes()).hexdigest() == sha256 and caption.startswith("示意图案：")
    covers.cover_file(home, "C001").unlink()
    assert corpus.draw_missing_covers(db, home) == 1


def test_the_record_page_labels_the_drawn_pattern_and_a_photograph_replaces_it(client, corpus_index):
    home, db = corpus_index
    card = re.compile(
        r'<a href="/records/C135">\s*<span class="picture"><img src="([^"]+)"[^>]*>(<span class="drawn">示意图案</span>)?'
    )
    assert card.search(client.get("/").get_data(as_text=True)).groups() == (
        "/covers/C135.png",
        '<span class="drawn">示意图案</span>',
    )
    page = client.get("/records/C135").get_data(as_text=True)
    assert 'src="/covers/C135.png"' in page and "示意图案" in page and "照片" in page
    assert "蜡染冰纹" in page  # the motif is named, so the pattern is read as a pattern
    with write(db):
        media.add(db, "C135", media.ingest(home, _jpeg(), "印染.jpg"), {"caption": "枫香印染的布样"})
    page = client.get("/records/C135").get_data(as_text=True)
    assert 'src="/covers/C135.png"' not in page and "示意图案" not in page and "枫香印染的布样" in page
    photo, tag = card.search(client.get("/").get_data(as_text=True)).groups()
    assert photo.startswith("/images/") and tag is None
    assert store.get(db, store.RECORD, "C135")["title"] in page
