"""Editing a query on the results page: field syntax everywhere, research mode kept, corrections told."""

import re
import urllib.parse
from html.parser import HTMLParser


class _HeaderForm(HTMLParser):
    """The fields of the header's search form, as a browser would send them."""

    def __init__(self):
        super().__init__()
        self.inside, self.fields = False, {}

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form" and attrs.get("role") == "search":
            self.inside = True
        elif tag == "input" and self.inside and attrs.get("name"):
            self.fields[attrs["name"]] = attrs.get("value") or ""

    def handle_endtag(self, tag):
        if tag == "form":
            self.inside = False


def submit_header_box(client, page_url, query):
    """Type a new query into the header box of a page and press 检索."""
    form = _HeaderForm()
    form.feed(client.get(page_url).get_data(as_text=True))
    return client.get("/search?" + urllib.parse.urlencode(form.fields | {"q": query}))


def count(page):
    match = re.search(r'<p class="count" role="status">(.*?)：共 (\d+) 条</p>', page.get_data(as_text=True))
    return match[1], int(match[2])


def test_research_mode_survives_editing_the_query(client):
    research = "/search?" + urllib.parse.urlencode({"q": "侗族大歌", "mode": "research"})
    edited = submit_header_box(client, research, "(侗族大歌 OR 侗戏) NOT 贵州")
    assert "检索式模式" in edited.get_data(as_text=True)
    direct = client.get("/search?" + urllib.parse.urlencode({"q": "(侗族大歌 OR 侗戏) NOT 贵州", "mode": "research"}))
    assert count(edited) == count(direct) and count(direct)[1] > 0
    public = submit_header_box(client, "/search?q=蜡染", "侗族大歌")
    assert "检索式模式" not in public.get_data(as_text=True)


def test_field_syntax_works_in_the_public_box(client):
    typed = submit_header_box(client, "/", "类别:传统技艺 民族:苗族")
    _, found = count(typed)
    chosen = client.get("/search?" + urllib.parse.urlencode({"category": "传统技艺", "ethnic": "苗族"}))
    assert found > 0 and found == count(chosen)[1]
    assert (
        count(client.get("/search?q=" + urllib.parse.quote("类别：传统技艺")))[1]
        == count(client.get("/search?category=" + urllib.parse.quote("传统技艺")))[1]
    )
    api = client.get("/api/search?q=" + urllib.parse.quote("民族:苗族 蜡染")).get_json()
    assert api["total"] > 0 and all("苗族" in hit["ethnic_groups"] for hit in api["results"])


def test_field_syntax_never_silently_finds_nothing(client):
    unknown = client.get("/search?q=" + urllib.parse.quote("类别:火星技艺")).get_data(as_text=True)
    assert "未知的类别“火星技艺”" in unknown
    empty = client.get("/search?q=" + urllib.parse.quote("类别:")).get_data(as_text=True)
    assert "后面缺少要检索的内容" in empty
    nothing = client.get("/search?q=" + urllib.parse.quote("鲸落之歌 OR 侗戏")).get_data(as_text=True)
    assert "改用检索式" in nothing and "mode=research" in nothing


def test_a_corrected_query_says_what_it_searched(client):
    page = client.get("/search?q=" + urllib.parse.quote("火把结"))
    text = page.get_data(as_text=True)
    searched, found = count(page)
    assert searched == "“火把节”" and found >= 1
    assert f"没有找到“火把结”，已改查“火把节”，共 {found} 条" in text and "“火把结”：共" not in text
    link = re.search(r'仍要查<a href="([^"]+)">“火把结”</a>', text)[1]
    as_typed = client.get(link.replace("&amp;", "&"))
    assert count(as_typed) == ("“火把结”", 0)
    assert "您是不是要找" in as_typed.get_data(as_text=True)
