"""The JSON API, the OpenAPI description, the sitemap, and every route against hostile input."""

import re
import xml.etree.ElementTree as ET

import pytest

from web import create_app

BOTH_ENGINES = True  # every test on corpus_index runs on Whoosh and on tantivy (tests/conftest.py)

SITEMAP = "{http://www.sitemaps.org/schemas/sitemap/0.9}"


def test_records_list_filters_and_pages(client):
    first = client.get("/api/records?category=民俗&limit=5").get_json()
    assert first["total"] > 5 and len(first["results"]) == 5 and first["pages"] == -(-first["total"] // 5)
    assert all(r["category"] == "民俗" for r in first["results"])
    second = client.get("/api/records?category=民俗&limit=5&page=2").get_json()
    assert not {r["id"] for r in first["results"]} & {r["id"] for r in second["results"]}
    everything = client.get("/api/records?limit=50").get_json()
    ids = {
        r["id"]
        for page in range(1, everything["pages"] + 1)
        for r in client.get(f"/api/records?limit=50&page={page}").get_json()["results"]
    }
    assert len(ids) == everything["total"] and "X2" not in ids and "X1" in ids
    miao = client.get("/api/records?ethnic=苗族&region=贵州").get_json()
    assert miao["total"] and all("苗族" in r["ethnic_groups"] for r in miao["results"])
    bad = client.get("/api/records?category=火星")
    assert bad.status_code == 400 and "类别“火星”无法识别" in bad.get_json()["error"]["message"]


def test_facets(client):
    facets = client.get("/api/facets").get_json()
    assert sum(c["count"] for c in facets["facets"]["category"]) == facets["total"]
    guizhou = client.get("/api/facets?region=520000").get_json()
    assert guizhou["facets"]["region"] and all(c["value"].startswith("52") for c in guizhou["facets"]["region"])
    assert client.get("/api/facets?q=(((&mode=research").status_code == 400


def test_exhibits_articles_inheritors(client):
    shown = client.get("/api/exhibits").get_json()
    assert [e["id"] for e in shown][:4] == [
        "miao-festivals",
        "embroidery-and-brocade",
        "yi-torch-festival",
        "suoga-long-horn-miao",
    ]
    assert "draft-exhibit" not in {e["id"] for e in shown}
    torch = client.get("/api/exhibits/yi-torch-festival").get_json()
    assert torch["items"][0] == {
        "id": "C001",
        "title": "彝族火把节",
        "category": "民俗",
        "note": torch["items"][0]["note"],
        "section": 0,
    }
    assert torch["sections"][0]["heading"] == "祭火、玩火、送火" and torch["sources"]
    assert client.get("/api/exhibits/draft-exhibit").status_code == 404
    news = client.get("/api/articles").get_json()
    assert "ich-law-2011" in {a["id"] for a in news} and "draft-article" not in {a["id"] for a in news}
    assert "body" in client.get("/api/articles/ich-law-2011").get_json()
    person = client.get("/api/inheritors/P1").get_json()
    assert person["items"] == [{"id": "C134", "title": "苗族蜡染技艺"}] and "phone" not in person
    assert client.get("/api/inheritors/P2").status_code == 404


def test_openapi_describes_every_api_route(client):
    spec = client.get("/api/openapi.json").get_json()
    assert spec["openapi"].startswith("3.1")
    app_routes = {
        re.sub(r"<(?:\w+:)?(\w+)>", "{id}", rule.rule)
        for rule in client.application.url_map.iter_rules()
        if rule.rule.startswith("/api/") and rule.rule not in ("/api/openapi.json", "/api/")
    }  # "/api/": the guide
    assert app_routes == set(spec["paths"])
    for path, item in spec["paths"].items():
        for parameter in item["get"]["parameters"]:
            assert parameter["in"] in ("query", "path") and parameter["description"], path


def test_sitemap_lists_public_pages_only(client):
    index = ET.fromstring(client.get("/sitemap.xml").data)
    files = [loc.text for loc in index.iter(f"{SITEMAP}loc")]
    assert any(f.endswith("/sitemaps/pages.xml") for f in files) and any("records-1" in f for f in files)
    urls = []
    for file in files:
        urls += [
            loc.text
            for loc in ET.fromstring(client.get(file.replace("http://localhost", "")).data).iter(f"{SITEMAP}loc")
        ]
    assert "http://localhost/records/C001" in urls and "http://localhost/exhibits/miao-festivals" in urls
    assert "http://localhost/records/X2" not in urls and "http://localhost/inheritors/P2" not in urls
    assert "http://localhost/inheritors/P1" in urls
    assert client.get("/sitemaps/records-99.xml").status_code == 404
    assert "Sitemap: http://localhost/sitemap.xml" in client.get("/robots.txt").get_data(as_text=True)


JUNK = [
    "",
    "?q=%00",
    "?page=-1",
    "?page=abc",
    "?limit=0",
    "?limit=10000",
    "?sort=x",
    "?format=evil",
    "?region=<script>alert(1)</script>",
    "?category=%ff%fe",
    "?year=99999",
    "?from=x&to=y",
    "?ethnic=" + "苗" * 500,
    "?q=" + "(" * 300 + "&mode=research",
]


def test_every_route_with_hostile_parameters_is_never_a_500(client):
    for rule in client.application.url_map.iter_rules():
        if "GET" not in rule.methods:
            continue
        for value in ("C001", "<script>", "../../etc/passwd", "1" * 300, "%00", "2027"):
            path = re.sub(r"<(?:\w+:)?\w+>", value, rule.rule)
            for junk in JUNK:
                response = client.get(path + junk)
                assert response.status_code < 500, path + junk
                if response.mimetype == "text/html":  # CSV, JSON and XML carry data, served as such with nosniff
                    assert "<script>alert(1)</script>" not in response.get_data(as_text=True), path + junk
                response.close()


def test_trusted_hosts_and_request_size(corpus_index):
    app = create_app({"TESTING": True, "HERITAGE_HOME": str(corpus_index[0]), "TRUSTED_HOSTS": ["heritage.example"]})
    client = app.test_client()
    assert client.get("/", headers={"Host": "evil.example"}).status_code == 400
    assert client.get("/", headers={"Host": "heritage.example"}).status_code == 200
    big = client.post("/clues", data={"title": "x" * (25 * 1024 * 1024)}, headers={"Host": "heritage.example"})
    assert big.status_code == 413 and "请求内容过大" in big.get_data(as_text=True)


@pytest.mark.parametrize(
    "path", ["/exhibits", "/browse", "/calendar/2027", "/articles", "/inheritors", "/api/exhibits", "/sitemap.xml"]
)
def test_security_headers_everywhere(client, path):
    headers = client.get(path).headers
    assert "script-src 'self'" in headers["Content-Security-Policy"] and headers["X-Content-Type-Options"] == "nosniff"


def test_site_config_in_the_instance_folder(corpus_index, monkeypatch, tmp_path):
    monkeypatch.delenv("HERITAGE_SECRET_KEY", raising=False)
    home = corpus_index[0]
    (home / "site.cfg").write_text('SECRET_KEY = "from-the-instance-folder"\nTRUSTED_HOSTS = ["heritage.example"]\n')
    try:
        app = create_app({"HERITAGE_HOME": str(home)})  # production: the key comes from site.cfg
        assert app.config["SECRET_KEY"] == "from-the-instance-folder" and app.instance_path == str(home)
        assert app.test_client().get("/", headers={"Host": "evil.example"}).status_code == 400
    finally:
        (home / "site.cfg").unlink()
