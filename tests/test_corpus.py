"""The shipped corpus is an exhibition: deep records with sources, in our own words."""

from __future__ import annotations

import html
import json
import re
import unicodedata

from heritage.fields import RECORD_FIELDS
from heritage.vocab import SCRIPT_LANGS
from tests.conftest import NATIONAL_LIST, needs_shared
from tests.shipped import exhibit_record_ids, shipped_records

RECORDS = shipped_records()
FLAGSHIPS = {"C001", "C002", "C003"}  # 彝族火把节, 苗族跳花节, 梭戛长角苗文化
REQUIRED = (
    "历史渊源",
    "基本内容",
    "主要特征",
    "重要价值",
    "价值类型",
    "相关器具及制品",
    "相关场所",
    "存续状况",
    "保护措施",
    "参考资料",
)
TEXT = tuple(f.zh for f in RECORD_FIELDS if f.type == "long")
# The Unicode script names (from unicodedata's character names) a native name in each script is written in.
SCRIPT_NAMES = {
    "藏文": "TIBETAN",
    "维吾尔文": "ARABIC",
    "蒙古文": "MONGOLIAN",
    "满文": "MONGOLIAN",
    "彝文": "YI",
    "傣文": ("TAI LE", "NEW TAI LUE", "TAI THAM"),
    "朝鲜文": "HANGUL",
    "苗文": "LATIN",
    "壮文": "LATIN",
    "布依文": "LATIN",
}  # the last three: official Latin alphabets
OWN_RUN = 24  # characters in a row that may not be shared with the national list's descriptions


def text_length(row: dict[str, str]) -> int:
    return sum(len(row[label]) for label in TEXT if label in row)


def test_the_corpus_is_large_and_every_record_has_census_depth():
    assert len(RECORDS) >= 250
    for row in RECORDS:
        assert all(row[name].strip() for name in REQUIRED), (row["编号"], [n for n in REQUIRED if not row[n].strip()])
        assert text_length(row) >= 200, row["编号"]


def test_exhibit_and_flagship_records_tell_the_whole_story():
    deep = exhibit_record_ids() | FLAGSHIPS
    short = {row["编号"]: text_length(row) for row in RECORDS if row["编号"] in deep and text_length(row) < 800}
    assert not short


def test_national_items_carry_their_published_facts():
    national = [row for row in RECORDS if row["级别"] == "国家级"]
    assert len(national) > 150
    for row in national:
        assert row["项目编号"] and row["批次"] and row["公布年份"] and row["新增/扩展"], row["编号"]


def test_native_names_are_written_in_their_script():
    named = [row for row in RECORDS if row["民族语名称"].strip()]
    for row in named:
        for entry in row["民族语名称"].split("；"):
            name, script, *_ = entry.split("|")
            script = script.split("（")[0]  # 苗文（中部方言）: the dialect is a note
            assert script in SCRIPT_NAMES, (row["编号"], script)
            letters = [unicodedata.name(c, "") for c in name if c.isalpha()]
            assert letters and all(n.startswith(SCRIPT_NAMES[script]) for n in letters), (row["编号"], name)
    assert set(SCRIPT_LANGS) <= set(SCRIPT_NAMES)


def _windows(text: str) -> set[str]:
    text = re.sub(r"\s+", "", text)
    return {text[i : i + OWN_RUN] for i in range(len(text) - OWN_RUN + 1)}


@needs_shared(NATIONAL_LIST)
def test_no_record_text_is_copied_from_the_national_list():
    ours = set().union(*(_windows(row[label]) for row in RECORDS for label in TEXT))
    copied = []
    for line in NATIONAL_LIST.read_text("utf-8").splitlines():
        item = json.loads(line)  # an item's name is a fact to cite, not text to copy: left out
        source = re.sub(r"<[^>]+>", "", html.unescape(item["content"])).replace(item["title"].strip(), "")
        copied += [run for run in _windows(source) if run in ours]
    assert not copied[:5]
