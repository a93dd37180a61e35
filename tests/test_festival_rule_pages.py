"""Sign-day and other-calendar rules on the site: a 干支-day festival on the calendar, and 藏历/水历
festivals shown as written with the note that they are not computed."""

import re

from heritage import store
from heritage.db import write
from indexer import index

NOTE = "日期按藏历所记，未推算为公历"


def page(client, path: str) -> str:
    response = client.get(path)
    assert response.status_code == 200, path
    return response.get_data(as_text=True)


def test_a_sign_day_festival_is_on_the_month_it_falls_in(client, corpus_index):
    home, db = corpus_index
    with write(db):
        record = {
            "id": "G1",
            "title": "测试卯日节",
            "category": "民俗",
            "dates": ["农历十月第一个卯日"],
            "status": "已发布",
        }
        store.put(db, store.RECORD, record, "test")
    index.sync(home, db)
    month = page(client, "/calendar/2023/11")  # 农历十月初一 was 11月13日; its first 卯日 is 11月17日
    assert "测试卯日节" in re.search(r'<span class="date">17</span>(.*?)</td>', month, re.S)[1]
    assert "农历十月第一个卯日" in month
    following = page(client, "/calendar/2024/11")  # 十月初一 2024年11月1日, first 卯日 11月11日
    assert "测试卯日节" in re.search(r'<span class="date">11</span>(.*?)</td>', following, re.S)[1]


def test_tibetan_and_shui_festivals_are_shown_as_written_not_computed(client):
    record = page(client, "/records/C205")
    assert "藏历正月初一（按藏历，不推算）" in record and NOTE in record and "近期：" not in record
    year = page(client, "/calendar/2026")
    listed = year[year.index("按其他历法所记的节日") :]
    assert "藏历年" in listed and "雪顿节" in listed and "水族端节" in listed and "本站未推算为公历" in listed
    assert "（按水历，不推算）" in listed and NOTE not in listed  # the heading says it once, not every line
    grid = year[: year.index("按其他历法所记的节日")]
    assert "藏历年" not in grid and "雪顿节" not in grid
    assert "按其他历法所记的节日" in page(client, "/calendar/2026/2")
