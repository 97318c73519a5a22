"""The page's contract, page side: what the page posts to its worker and what
it gets back (recorded in the browser, around the real worker) fits
web/bridge.schema.json for the examples gallery, a paste with evidence, and
an LLM preview, send and check; and every field the page's scripts read
from an analyze result is one the schema describes. (The Python side is
tests/unit/test_bridge_contract.py.)"""
from __future__ import annotations

import json
import re
from pathlib import Path

from jsonschema import Draft202012Validator
from playwright.sync_api import expect
from test_llm import ask, send
from test_page import FAILING

ROOT = Path(__file__).resolve().parents[2]
WEB = ROOT / "web"
SCHEMA = json.loads((WEB / "bridge.schema.json").read_text())
DEFS = SCHEMA["$defs"]
PROTOCOL = int(re.search(r"^export const PROTOCOL = (\d+);$", (WEB / "protocol.js").read_text(), re.M).group(1))
LOG = ('2026/11/28 10:00:00 [error] 7#7: *1 upstream SSL certificate verify error: (18:self-signed certificate) '
       'while SSL handshaking to upstream, client: 127.0.0.1, server: _, request: "GET /api/ HTTP/1.1", '
       'upstream: "https://10.0.1.45:8443/api/"\n')


def problems(name: str, instance) -> list[str]:
    validator = Draft202012Validator({"$schema": SCHEMA["$schema"], "$defs": DEFS, "$ref": f"#/$defs/{name}"})
    return [f"{name} at /{'/'.join(map(str, error.absolute_path))}: {error.message}"
            for error in validator.iter_errors(instance)]


def check_exchange(messages: dict) -> dict[str, int]:
    """Every message fits the schema (each reply's result as the result of its
    request's type); returns how many answered requests there were of each type."""
    found = []
    types = {}
    for request in messages["sent"]:
        found += problems("request_message", request)
        types[request["id"]] = request["type"]
    answered: dict[str, int] = {}
    for message in messages["received"]:
        assert message["v"] == PROTOCOL, message
        if message.get("type") in ("status", "progress"):
            found += problems(f"{message['type']}_message", message)
            continue
        found += problems("reply_message", message)
        kind = types[message["id"]]
        if message["ok"]:
            found += problems(f"{kind}_result", message["result"])
            answered[kind] = answered.get(kind, 0) + 1
    assert found == [], "\n".join(found[:10])
    return answered


def test_the_gallery_fits_the_schema(page):
    page.record_bridge()
    page.open()
    ids = page.hook("examples").locator("[data-example]").evaluate_all(
        "(buttons) => buttons.map((button) => button.dataset.example)")
    assert len(ids) >= 5
    for example in ids:
        page.load_example(example)
    answered = check_exchange(page.bridge_messages())
    assert answered["analyze"] >= len(ids) and answered["llm_providers"] == 1


def test_a_paste_with_evidence_fits_the_schema(page, self_signed_pem):
    page.record_bridge()
    page.open()
    page.type_into("log-input", LOG)
    page.type_into("chain-input", self_signed_pem)
    page.paste(FAILING)
    page.settle(FAILING)
    page.hook("findings").locator("[data-code=UT001] .code-link").click()  # a rule's documentation
    expect(page.page.get_by_role("dialog")).to_contain_text("What it finds")
    messages = page.bridge_messages()
    answered = check_exchange(messages)
    assert answered["analyze"] and answered["rule"]
    last = [message for message in messages["received"] if message.get("ok") and "page" in message["result"]][-1]
    assert last["result"]["diagnosis"] and last["result"]["chain"]["ca_bundle"]["pem"]


def test_an_llm_preview_send_and_check_fit_the_schema(page, llm_stub):
    page.record_bridge()
    for provider in ("openai", "anthropic"):
        ask(page, llm_stub, provider=provider)
        send(page)
        answered = check_exchange(page.bridge_messages())
        assert {"llm_providers", "llm_prepare", "llm_stream", "llm_check"} <= set(answered), provider


# Where each script keeps a part of the analyze result: variable -> its schema definitions.
READERS = {
    "app.js": {r"result": ["analyze_result"], r"(?:result\.)?page": ["page"]},
    "fixview.js": {r"result": ["analyze_result"], r"result\.page": ["page"], r"note": ["note"],
                   r"file": ["changed_file"], r"step": ["deploy_step"], r"probe": ["probe"]},
    "verdict.js": {r"card": ["verdict"]},
    "items.js": {r"item": ["cause_item", "finding_item"], r"where": ["where"]},
}


def properties(name: str) -> set[str]:
    return set(DEFS[name]["properties"])


def test_every_field_the_scripts_read_is_in_the_schema():
    unknown = []
    for module, readers in READERS.items():
        source = (WEB / module).read_text()
        for variable, names in readers.items():
            read = set(re.findall(rf"(?<!\w){variable}\??\.(\w+)", source))
            assert read, f"{module} reads nothing from {variable}: update READERS"
            known = set().union(*map(properties, names))
            unknown += [f"{module}: {variable}.{field}" for field in sorted(read - known)]
    assert unknown == []
