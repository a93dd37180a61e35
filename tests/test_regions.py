import json

from heritage.regions import COUNTY, PREFECTURE, PROVINCE, divisions, name_stem
from tests.conftest import NATIONAL_LIST, needs_shared


def test_tree_has_every_level():
    tree = divisions()
    assert len(tree.children(None)) >= 34
    assert [r.name for r in tree.ancestors("522630")] == ["贵州省", "黔东南苗族侗族自治州", "台江县"]
    assert tree.get("522630").level == COUNTY and tree.get("520000").level == PROVINCE


def test_stems():
    assert name_stem("黔东南苗族侗族自治州") == "黔东南"
    assert name_stem("巴音郭楞蒙古自治州") == "巴音郭楞"
    assert name_stem("广西壮族自治区") == "广西"


def test_text_resolves_to_most_specific():
    tree = divisions()
    assert [r.code for r in tree.resolve("贵州省台江县")] == ["522630"]
    assert [r.code for r in tree.resolve("黔东南苗族侗族自治州")] == ["522600"]
    assert [r.code for r in tree.resolve("贵州省台江县、雷山县")] == ["522630", "522634"]
    assert [r.code for r in tree.resolve("北京市朝阳区")] == ["110105"]
    assert [r.code for r in tree.resolve("重庆市")] == ["500000"]
    assert tree.resolve("朝阳区") == []  # two 朝阳区: not guessed
    assert tree.resolve("火星") == []


def test_old_codes_follow_their_successor():
    tree = divisions()
    assert tree.successor("451021").code == "451003"  # 田阳县 -> 田阳区
    assert tree.successor("330682").code == "330604"  # 上虞市 -> 上虞区
    assert tree.successor("520222").code == "520281"  # 盘县 -> 盘州市
    assert tree.successor("652122").code == "650421"  # 鄯善县, now under 吐鲁番市
    assert tree.successor("999999") is None


@needs_shared(NATIONAL_LIST)
def test_every_obsolete_code_of_the_national_list_resolves():
    tree = divisions()
    lines = NATIONAL_LIST.read_text("utf-8").splitlines()
    codes = {str(json.loads(line)["area"]) for line in lines}
    obsolete = {c for c in codes if c.isdigit() and len(c) == 6 and tree.get(c) is None}
    assert len(obsolete) > 100
    unresolved = {c for c in obsolete if tree.successor(c) is None}
    # A handful of codes appear in no division table at all; each must still be rare.
    assert len(unresolved) <= 10, sorted(unresolved)
    counties = sum(tree.successor(c).level == COUNTY for c in obsolete - unresolved)
    assert counties / len(obsolete) > 0.8


def test_a_place_word_in_a_search_means_the_largest_unit_of_that_name():
    tree = divisions()
    names = lambda text: [r.name for r in tree.search_places(text)]  # noqa: E731
    assert names("楚雄") == names("楚雄州") == names("云南楚雄") == ["楚雄彝族自治州"]
    assert names("文山") == ["文山壮族苗族自治州"] and names("红河") == ["红河哈尼族彝族自治州"]
    assert names("甘孜州") == ["甘孜藏族自治州"] and names("恩施州") == ["恩施土家族苗族自治州"]
    assert names("吉林") == ["吉林省"] and names("海南州") == ["海南藏族自治州"]
    assert names("楚雄市") == ["楚雄市"]  # a full name means that unit
    assert names("台江") == ["台江区", "台江县"]  # two units of the same size: both
    assert names("长阳县") == ["长阳土家族自治县"]
    assert names("522600") == ["黔东南苗族侗族自治州"]
    assert names("楚雄彝族服饰") == [] and names("火星") == []
    # Imports keep the most specific unit a text names.
    assert [r.name for r in tree.resolve("楚雄")] == ["楚雄市"]
    assert [r.name for r in tree.resolve("甘孜州")] == ["甘孜县"]


def test_every_prefecture_is_found_by_its_short_name():
    tree = divisions()
    prefectures = [r for r in tree.regions.values() if r.level == PREFECTURE]
    assert len(prefectures) > 300
    for prefecture in prefectures:
        stem = name_stem(prefecture.name)
        found = tree.search_places(stem)
        # Only a province of the same name is larger (吉林 -> 吉林省, 海南 -> 海南省, 北京 -> 北京市).
        assert found == [prefecture] or [(r.level, name_stem(r.name)) for r in found] == [(PROVINCE, stem)], stem
        assert prefecture in tree.search_places(prefecture.name) or found[0].name == prefecture.name


def test_every_autonomous_unit_is_found_by_its_spoken_short_form():
    tree = divisions()
    autonomous = [r for r in tree.regions.values() if r.name.endswith(("自治州", "自治县", "自治旗"))]
    assert len(autonomous) > 140
    for unit in autonomous:
        short = name_stem(unit.name) + unit.name[-1]
        if short != unit.name:
            assert tree.search_places(short) == [unit], short
        assert tree.search_places(unit.name) == [unit]
