"""The element ids the page's scripts use are listed once (web/elements.js):
each is in web/index.html, every `$("…")` of the scripts names a listed id,
and no module but elements.js looks an element up by id on its own."""
from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
WEB = ROOT / "web"
ELEMENTS = WEB / "elements.js"
# A classic script that runs before the bundle, so it cannot import elements.js:
# it reaches the one element it draws into (the download's progress) itself.
BOOT = WEB / "boot.js"
MODULES = sorted(path for path in WEB.glob("*.js") if path not in (ELEMENTS, BOOT))
LOOKUP = re.compile(r"\$\(\s*[\"']([^\"']+)[\"']\s*\)")


class Ids(HTMLParser):
    def __init__(self):
        super().__init__()
        self.ids: list[str] = []

    def handle_starttag(self, tag, attrs):
        self.ids += [value for name, value in attrs if name == "id"]


def page_ids() -> list[str]:
    parser = Ids()
    parser.feed((WEB / "index.html").read_text())
    return parser.ids


def listed_ids() -> list[str]:
    source = ELEMENTS.read_text()
    body = re.search(r"ELEMENT_IDS = Object\.freeze\(\[(.*?)\]\);", source, re.S).group(1)
    return re.findall(r'"([^"]+)"', body)


def test_every_listed_id_is_one_element_of_the_page():
    ids = page_ids()
    listed = listed_ids()
    assert len(listed) == len(set(listed)), "an id is listed twice"
    assert [name for name in listed if name not in ids] == []
    assert [name for name in listed if ids.count(name) > 1] == []


def test_every_lookup_names_a_listed_id():
    listed = set(listed_ids())
    unlisted = {f"{path.name}: {name}" for path in MODULES for name in LOOKUP.findall(path.read_text())
                if name not in listed}
    assert unlisted == set()


def test_every_listed_id_is_used():
    """Named as a string by some module or among elements.js's OPTION_FIELDS
    (which app.js reads by value); a field's error note is reached as
    `${id}-error` from its field's id (app.js markFields)."""
    strings = {name for path in MODULES for name in re.findall(r'"([^"\n]+)"', path.read_text())}
    option_fields = re.search(r"OPTION_FIELDS = Object\.freeze\(\{(.*?)\}\)", ELEMENTS.read_text(), re.S)
    strings |= set(re.findall(r'"([^"\n]+)"', option_fields[1]))
    notes_by_field = "`${id}-error`" in (WEB / "app.js").read_text()
    unused = [name for name in listed_ids() if name not in strings and not (
        notes_by_field and name.endswith("-error") and name.removesuffix("-error") in strings)]
    assert unused == []


def test_only_elements_js_looks_elements_up_by_id():
    assert [path.name for path in MODULES if "getElementById" in path.read_text()] == []
    assert set(re.findall(r'getElementById\("([^"]+)"\)', BOOT.read_text())) == {"load-progress"}


def test_every_module_that_looks_elements_up_takes_dollar_from_elements_js():
    for path in MODULES:
        source = path.read_text()
        if not LOOKUP.search(source) and "$(" not in source:
            continue
        assert re.search(r'^import \{ \$(, \w+)* \} from "\./elements\.js";$', source, re.M), path.name
        assert not re.search(r"\bconst \$ =", source), f"{path.name} defines its own $"
