"""Covers are drawn from the record: a real PNG, the category's colour, the title's ink."""

import io

from PIL import Image

from heritage.covers import CATEGORY_COLOURS, SIZE, render_cover


def _cover(category, title="苗族蜡染技艺"):
    record = {
        "id": "C1",
        "title": title,
        "category": category,
        "ethnic_groups": ["苗族"],
        "region_text": "贵州省丹寨县",
    }
    return Image.open(io.BytesIO(render_cover(record)))


def test_cover_is_a_png_banded_in_its_category_colour():
    image = _cover("传统技艺")
    assert image.format == "PNG" and image.size == SIZE
    assert image.getpixel((4, 4)) == CATEGORY_COLOURS["传统技艺"]
    assert _cover("民俗").getpixel((4, 4)) == CATEGORY_COLOURS["民俗"]


def test_title_is_drawn():
    blank = _cover("传统技艺", title="").convert("L")
    titled = _cover("传统技艺").convert("L")
    box = (100, 150, SIZE[0], 260)

    def dark(image):
        return sum(1 for value in image.crop(box).tobytes() if value < 100)

    assert dark(titled) > dark(blank) + 500


def test_long_titles_wrap_inside_the_cover():
    image = _cover("传统美术", title="南京云锦木机妆花手工织造技艺与传承保护研究")
    assert image.size == SIZE
