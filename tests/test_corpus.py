"""The shipped corpus is an exhibition: deep records with sources, in our own words."""

from __future__ import annotations

import html
import json
import re
import unicodedata
from pathlib import Path

from heritage import corpus
from heritage.fields import RECORD_FIELDS
from heritage.sources import clean_html
from heritage.vocab import SCRIPT_LANGS, native_lang
from tests.conftest import INHERITORS, NATIONAL_LIST, needs_shared
from tests.shipped import exhibit_record_ids, shipped_records, shipped_rows

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
    "哈萨克文": "ARABIC",  # the Arabic-based alphabet Kazakhs in China write
    "柯尔克孜文": ("ARABIC", "CYRILLIC"),  # Arabic-based in China, Cyrillic in Kyrgyzstan (said in a note)
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


def test_every_shipped_native_script_has_a_language_tag_for_its_fonts():
    scripts = {entry.split("|")[1] for row in RECORDS for entry in row["民族语名称"].split("；") if entry.strip()}
    assert len(scripts) >= 8 and not [script for script in scripts if not native_lang(script)]


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


# ---- the shipped inheritors and their lineage ----

PEOPLE = shipped_rows(corpus.INHERITORS_FILE)
LINKS = shipped_rows(corpus.LINEAGE_FILE)
LIST_RUN = 24  # characters in a row that may not be shared with the published inheritors' biographies


def _published_inheritors() -> dict[str, dict]:
    entries = (json.loads(line) for line in INHERITORS.read_text("utf-8").splitlines())
    return {f"ihchina-inheritor:{entry['id']}": entry for entry in entries}


URL = re.compile(r"https?://\S+")


def test_every_shipped_inheritor_carries_a_shipped_item_and_names_the_page_it_comes_from():
    records = {row["编号"]: row for row in RECORDS}
    assert len(PEOPLE) >= 250 and len({row["编号"] for row in PEOPLE}) == len(PEOPLE)
    for row in PEOPLE:
        assert row["姓名"] and row["项目"] in records, row["编号"]
        assert row["类别"] == records[row["项目"]]["类别"], row["编号"]
        # every fact of a row is drawn from public pages it names, never from the list we may not redistribute
        assert all(URL.search(source) for source in row["参考资料"].split("；")), row["编号"]
        assert row["级别"] in ("", "国家级", "省级", "市级", "县级"), row["编号"]
    assert len({row["项目"] for row in PEOPLE}) >= 150


def test_lineage_links_join_named_people_of_an_item_and_name_their_page():
    ids = {row["编号"]: row for row in PEOPLE}
    records = {row["编号"] for row in RECORDS}
    assert len(LINKS) >= 50
    assert len({(row["项目"], row["师傅"], row["徒弟"]) for row in LINKS}) == len(LINKS)
    for row in LINKS:
        assert row["项目"] in records and row["师傅"] != row["徒弟"], row
        assert row["关系"] and URL.search(row["参考资料"]), row
        for end in (row["师傅"], row["徒弟"]):
            assert end in ids or not re.fullmatch(r"I\d+", end), end  # an inheritor's 编号, or a name
        assert {row["师傅"], row["徒弟"]} & set(ids), row  # at least one end is a shipped inheritor
        assert all(ids[end]["项目"] == row["项目"] for end in (row["师傅"], row["徒弟"]) if end in ids), row


def test_nothing_shipped_is_derived_from_the_shared_reference_data():
    """../shared/data is for tests and benchmarks only: no shipped file carries its ids and no shipped
    code or script reads it."""
    shipped = [corpus.INHERITORS_FILE, corpus.LINEAGE_FILE, corpus.CORPUS_DIR / "records.csv"]
    assert not [path.name for path in shipped if "ihchina-inheritor:" in path.read_text("utf-8")]
    root = Path(__file__).resolve().parents[1]
    code = [p for folder in ("heritage", "indexer", "web", "scripts") for p in (root / folder).rglob("*.py")]
    code += list((root / "scripts").iterdir())
    readers = [p.name for p in code if re.search(r"shared/data|\"shared\" / \"data\"", p.read_text("utf-8"))]
    assert not readers


@needs_shared(INHERITORS)
def test_no_inheritor_text_is_copied_from_the_published_biographies():
    def runs(text: str) -> set[str]:
        text = re.sub(r"\s+", "", text)
        return {text[i : i + LIST_RUN] for i in range(len(text) - LIST_RUN + 1)}

    ours = set().union(*(runs(value) for row in PEOPLE + LINKS for value in row.values()))
    copied = [run for entry in _published_inheritors().values() for run in runs(clean_html(entry["content"])) & ours]
    assert not copied[:5]
