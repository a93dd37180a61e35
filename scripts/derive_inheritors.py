"""Rewrite corpus/inheritors.csv from the published national inheritors list (../shared/data): facts only.

For every shipped record on the national list, its national representative inheritors as the list
gives them: name, sex, group, item (the shipped record's 编号), batch, year, region, birth year.
The list's biography text is never copied; a biography is only one we wrote (BIOGRAPHIES), with its
page as a source.  Rerun after the shipped records change: .venv/bin/python scripts/derive_inheritors.py
"""

from __future__ import annotations

import csv
import json
import re
from pathlib import Path

from heritage.sources import clean_html, inheritor_row

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT.parent / "shared" / "data"
LIST_SOURCE = "中国非物质文化遗产网·国家级非物质文化遗产代表性传承人名录"
HEADERS = ["编号", "来源编号", "姓名", "性别", "民族", "出生日期", "去世年份", "项目", "级别", "批次", "认定年份"]
HEADERS += ["类别", "地区代码", "地区", "简介", "参考资料", "字段访问级别"]
# Biographies written in our own words from public pages: source id -> (text, the page).
BIOGRAPHIES = {
    "716": (
        "王安江，苗名商君，贵州省台江县台盘乡棉花坪村人，务农为生的苗族古歌歌师。据苗族百科的介绍，"
        "他1954年在台江县城读完小学后，在本县几所小学做过民办教师，1962年回乡务农；此后三十多年，"
        "他把大半精力花在走访各寨歌师、记录整理古歌上，整理出《开天辟地》《爬山涉水》《仰阿莎》等12部苗族古歌。"
        "他的生年两处记载不一：国家级代表性传承人名录写作1935年，苗族百科写作1940年；两处都记他于2010年去世。",
        "苗族百科：苗族古歌传承人——王安江（2011-10-22），http://miaozu.h.baike.com/article-86136.html",
    ),
}


def sub_item(title: str) -> str:
    """The sub-item's own name: 火把节（彝族火把节） -> 彝族火把节."""
    found = re.search(r"（(.+)）$", title.strip())
    return found[1] if found else title.strip()


def main_item(title: str) -> str:
    """The item's name without its sub-item: 藏戏（拉萨觉木隆） -> 藏戏."""
    return re.sub(r"（.+）$", "", title.strip())


def carries(record: dict[str, str], listed: dict, sub_items_shipped: set[str]) -> bool:
    """Whether an inheritor of a listed sub-item carries on this record's item: the sub-item's name is
    the record's name or alias; or the record's name has no sub-item, names the item, and no other
    shipped record is that sub-item."""
    names = {record["项目名称"], sub_item(record["项目名称"])}
    names |= {alias for alias in re.split("[；，、]", record["别称"]) if alias}
    if sub_item(listed["title"]) in names or listed["title"].strip() in names:
        return True
    title = record["项目名称"]
    if "（" in title or sub_item(listed["title"]) in sub_items_shipped:
        return False
    return title == main_item(listed["title"]) or (len(title) >= 4 and title in main_item(listed["title"]))


def main() -> None:
    people = [json.loads(line) for line in (DATA / "ich-inheritors" / "records.jsonl").open(encoding="utf-8")]
    items = [json.loads(line) for line in (DATA / "ich-national-list" / "records.jsonl").open(encoding="utf-8")]
    with (ROOT / "corpus" / "records.csv").open(encoding="utf-8", newline="") as handle:
        records = [row for row in csv.DictReader(handle) if row["项目编号"]]
    by_code = {re.sub(r"\s", "", item["project_num"]): item for item in items}
    shipped: dict[str, set[str]] = {}
    for record in records:
        shipped.setdefault(record["项目编号"], set()).update({record["项目名称"], sub_item(record["项目名称"])})
    rows = []
    for person in people:
        codes = re.split(r"[,，;；]", re.sub(r"\s", "", person["child_num"] or ""))
        found = [
            record["编号"]
            for code in codes
            if code in by_code
            for record in records
            if record["项目编号"] == person["project_num"].strip()
            and carries(record, by_code[code], shipped[record["项目编号"]])
        ]
        if found:
            rows.append(_row(person, list(dict.fromkeys(found))))
    rows.sort(key=lambda row: row["编号"])
    with (ROOT / "corpus" / "inheritors.csv").open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, HEADERS, lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)
    print(f"{len(rows)} 位传承人，{len({i for row in rows for i in row['项目'].split('；')})} 条记录")


def _row(person: dict, record_ids: list[str]) -> dict[str, str]:
    row = inheritor_row(person)
    group = row["ethnic_group"]
    if not group:  # the 2009 entries give the group only in their first line: 男，苗族，1935年生
        first = re.match(r"[男女][，,]\s*(\w{1,6}族)[，,]", clean_html(person["content"]))
        group = first[1] if first else ""
    biography, page = BIOGRAPHIES.get(person["id"], ("", ""))
    return {
        "编号": f"I{int(person['id']):05d}",
        "来源编号": row["ref"],
        "姓名": row["name"],
        "性别": row["sex"],
        "民族": group,
        "出生日期": (row["birth_date"] or "")[:4],
        "去世年份": row["death_year"] or "",
        "项目": "；".join(record_ids),
        "级别": "国家级",
        "批次": str(row["batch"] or ""),
        "认定年份": str(row["year"] or ""),
        "类别": row["category"] or "",
        "地区代码": "；".join(row["region_codes"]),
        "地区": row["region_text"],
        "简介": biography,
        "参考资料": "；".join(filter(None, [LIST_SOURCE, page])),
        "字段访问级别": "出生日期=公开",
    }


if __name__ == "__main__":
    main()
