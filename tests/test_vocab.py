from heritage import vocab


def test_ten_categories_with_numerals():
    assert len(vocab.CATEGORIES) == 10
    assert vocab.category_by_name("Ⅷ").name == "传统技艺"
    assert vocab.category_by_name("VIII").name == "传统技艺"
    assert vocab.category_by_name("民间美术").name == "传统美术"
    assert vocab.category_by_name("烹饪") is None


def test_56_groups_plus_other_with_unique_codes():
    groups = vocab.ETHNIC_GROUPS
    assert len(groups) == 57 and groups[-1].name == "其他"
    assert len({g.code for g in groups}) == 57 and len({g.name for g in groups}) == 57
    assert vocab.ethnic_group("苗").name == "苗族"
    assert vocab.ethnic_group("MH").name == "苗族"
    assert vocab.ethnic_group("uygur").name == "维吾尔族"
    assert vocab.ethnic_group("火星族") is None


def test_groups_named_in_titles():
    assert vocab.ethnic_groups_in("苗族古歌") == ["苗族"]
    assert vocab.ethnic_groups_in("花儿（土族、撒拉族）") == ["土族", "撒拉族"]
    assert vocab.ethnic_groups_in("土家族摆手舞") == ["土家族"]
    assert vocab.ethnic_groups_in("昆曲") == []
