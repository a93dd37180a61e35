"""Controlled vocabularies of the census: categories, ethnic groups, levels, statuses."""

from __future__ import annotations

import re
from dataclasses import dataclass


@dataclass(frozen=True)
class Category:
    """One of the ten national categories (类别) with its Roman numeral."""

    numeral: str
    name: str


CATEGORIES = (
    Category("Ⅰ", "民间文学"),
    Category("Ⅱ", "传统音乐"),
    Category("Ⅲ", "传统舞蹈"),
    Category("Ⅳ", "传统戏剧"),
    Category("Ⅴ", "曲艺"),
    Category("Ⅵ", "传统体育、游艺与杂技"),
    Category("Ⅶ", "传统美术"),
    Category("Ⅷ", "传统技艺"),
    Category("Ⅸ", "传统医药"),
    Category("Ⅹ", "民俗"),
)

# Names used before the 2008 renaming, and ASCII numerals, that still arrive in sheets.
_CATEGORY_ALIASES = {
    "民间音乐": "传统音乐",
    "民间舞蹈": "传统舞蹈",
    "杂技与竞技": "传统体育、游艺与杂技",
    "传统体育游艺与杂技": "传统体育、游艺与杂技",
    "民间美术": "传统美术",
    "传统手工技艺": "传统技艺",
}
_ASCII_NUMERALS = ("I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX", "X")


def category_by_name(text: str) -> Category | None:
    """Find a category by name, former name or numeral (Ⅷ, VIII, 8)."""
    text = (text or "").strip()
    text = _CATEGORY_ALIASES.get(text, text)
    for index, category in enumerate(CATEGORIES):
        if text in (category.name, category.numeral, _ASCII_NUMERALS[index], str(index + 1)):
            return category
    return None


@dataclass(frozen=True)
class EthnicGroup:
    """A recognised ethnic group (民族) with pinyin and its GB/T 3304 letter code."""

    name: str
    pinyin: str
    code: str


ETHNIC_GROUPS = tuple(
    EthnicGroup(name, pinyin, code)
    for name, pinyin, code in (
        ("汉族", "Han", "HA"),
        ("蒙古族", "Menggu", "MG"),
        ("回族", "Hui", "HU"),
        ("藏族", "Zang", "ZA"),
        ("维吾尔族", "Uygur", "UG"),
        ("苗族", "Miao", "MH"),
        ("彝族", "Yi", "YI"),
        ("壮族", "Zhuang", "ZH"),
        ("布依族", "Buyei", "BY"),
        ("朝鲜族", "Chosen", "CS"),
        ("满族", "Man", "MA"),
        ("侗族", "Dong", "DO"),
        ("瑶族", "Yao", "YA"),
        ("白族", "Bai", "BA"),
        ("土家族", "Tujia", "TJ"),
        ("哈尼族", "Hani", "HN"),
        ("哈萨克族", "Kazak", "KZ"),
        ("傣族", "Dai", "DA"),
        ("黎族", "Li", "LI"),
        ("傈僳族", "Lisu", "LS"),
        ("佤族", "Va", "VA"),
        ("畲族", "She", "SH"),
        ("高山族", "Gaoshan", "GS"),
        ("拉祜族", "Lahu", "LH"),
        ("水族", "Sui", "SU"),
        ("东乡族", "Dongxiang", "DX"),
        ("纳西族", "Naxi", "NX"),
        ("景颇族", "Jingpo", "JP"),
        ("柯尔克孜族", "Kirgiz", "KG"),
        ("土族", "Tu", "TU"),
        ("达斡尔族", "Daur", "DU"),
        ("仫佬族", "Mulao", "ML"),
        ("羌族", "Qiang", "QI"),
        ("布朗族", "Blang", "BL"),
        ("撒拉族", "Salar", "SL"),
        ("毛南族", "Maonan", "MN"),
        ("仡佬族", "Gelao", "GL"),
        ("锡伯族", "Xibe", "XB"),
        ("阿昌族", "Achang", "AC"),
        ("普米族", "Pumi", "PM"),
        ("塔吉克族", "Tajik", "TA"),
        ("怒族", "Nu", "NU"),
        ("乌孜别克族", "Uzbek", "UZ"),
        ("俄罗斯族", "Russ", "RS"),
        ("鄂温克族", "Ewenki", "EW"),
        ("德昂族", "Deang", "DE"),
        ("保安族", "Bonan", "BN"),
        ("裕固族", "Yugur", "YG"),
        ("京族", "Gin", "GI"),
        ("塔塔尔族", "Tatar", "TT"),
        ("独龙族", "Derung", "DR"),
        ("鄂伦春族", "Oroqen", "OR"),
        ("赫哲族", "Hezhen", "HZ"),
        ("门巴族", "Monba", "MB"),
        ("珞巴族", "Lhoba", "LB"),
        ("基诺族", "Jino", "JN"),
        ("其他", "Qita", "QT"),
    )
)
_ETHNIC_BY_NAME = {group.name: group for group in ETHNIC_GROUPS}
# Short forms used in titles and sheets: 苗 for 苗族, 蒙古 for 蒙古族.
_ETHNIC_SHORT = {group.name[:-1]: group for group in ETHNIC_GROUPS if group.name.endswith("族")}


def ethnic_group(text: str) -> EthnicGroup | None:
    """Find an ethnic group by name (苗族), short name (苗), pinyin or letter code."""
    text = (text or "").strip()
    found = _ETHNIC_BY_NAME.get(text) or _ETHNIC_SHORT.get(text)
    if found:
        return found
    folded = text.lower()
    return next((g for g in ETHNIC_GROUPS if folded in (g.pinyin.lower(), g.code.lower())), None)


def ethnic_groups_in(text: str) -> list[str]:
    """The ethnic groups named in a text (苗族古歌 -> 苗族), in order of appearance.

    Only full names count (no two group names contain each other); 汉族 is left out,
    since the national list never records it as an ethnic attribution of an item."""
    found = [
        (text.find(group.name), group.name)
        for group in ETHNIC_GROUPS
        if group.name not in ("汉族", "其他") and group.name in text
    ]
    return [name for _, name in sorted(found)]


LEVELS = ("国家级", "省级", "市级", "县级", "未列入")
STATUSES = ("线索", "调查中", "待审核", "已发布", "退回")
VITALITY = ("良好", "一般", "濒危", "濒临消失")
VALUE_TAGS = ("历史", "文学", "艺术", "科学", "社会")
LISTING_TYPES = ("新增项目", "扩展项目")
SEXES = ("男", "女")

# The language tags of the scripts a native name may be said to be written in (for fonts and screen readers).
SCRIPT_LANGS = {
    "藏文": "bo",
    "维吾尔文": "ug",
    "蒙古文": "mn-Mong",
    "满文": "mnc-Mong",
    "彝文": "ii",
    "朝鲜文": "ko",
    "哈萨克文": "kk-Arab",
    "柯尔克孜文": "ky",
    "苗文": "hmn",
    "壮文": "za",
    "布依文": "pcc",
}


def native_lang(script: str) -> str:
    """The language tag for a native name said to be in a script (藏文 -> bo, 苗文（中部方言） -> hmn); "" when
    unknown. A note in brackets after the script's name does not change it."""
    return SCRIPT_LANGS.get(re.split(r"[（(]", script or "")[0].strip(), "")
