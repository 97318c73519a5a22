"""The model's answer, checked locally: the code block taken out, the
placeholders restored (invented, mangled and dropped ones reported), parsed,
run through the rules, diffed, and compared with the original for weakened
TLS and for changes that have nothing to do with the upstream."""
from __future__ import annotations

import json

import pytest

from upstream_tls import Options
from upstream_tls.llm import LLMError, check_answer, code_blocks, prepare
from upstream_tls.output.llm import answer_payload, flag_payload
from upstream_tls.redact import redact

TOKEN = "Zq8vT3kLm0pR7sW2xY5bN9cD4fG6hJ1a"
ORIGINAL = f"""server {{
    listen 443 ssl;
    server_name www.example.com;
    root /srv/www;
    location /api/ {{
        proxy_pass https://api.internal.example.com;
        proxy_ssl_verify off;
        proxy_set_header Authorization "Bearer {TOKEN}";
    }}
}}
"""
FIXED_LINES = ("        proxy_ssl_verify on;\n"
               "        proxy_ssl_trusted_certificate /etc/nginx/certs/upstream-ca.pem;\n"
               "        proxy_ssl_server_name on;\n")
DEV = Options(mode="dev")
PRODUCTION = Options()


def redacted():
    """(the redacted original, its map) — what the model saw."""
    result = redact(ORIGINAL)
    return result.text, result.mapping


def answer_with(block: str, prose: str = "Verification was off; I turned it on.") -> str:
    return f"Here is the fix.\n\n```nginx\n{block}```\n\n{prose}\n"


def good_block() -> str:
    text, _ = redacted()
    return text.replace("        proxy_ssl_verify off;\n", FIXED_LINES)


def check(block: str, options: Options = PRODUCTION, original: str = ORIGINAL, **kwargs):
    _, mapping = redacted()
    return check_answer(answer_with(block, **kwargs), original, mapping, options, "site.conf")


def kinds(result) -> list[str]:
    return [flag.kind for flag in result.warnings]


def test_a_good_answer_is_restored_checked_and_diffed():
    result = check(good_block(), prose="The token REDACTED_BEARER_1 stays as it was.")
    assert result.code == ORIGINAL.replace("        proxy_ssl_verify off;\n", FIXED_LINES)
    assert TOKEN in result.code and "REDACTED" not in result.code
    assert result.explanation == f"Here is the fix.\n\nThe token {TOKEN} stays as it was."
    assert result.ok and result.warnings == [] and result.findings == [] and not result.weakens_tls
    assert result.diff.startswith("--- site.conf\n+++ site.conf (LLM answer)\n@@ -4,7 +4,9 @@\n")
    assert "-        proxy_ssl_verify off;\n+        proxy_ssl_verify on;\n" in result.diff
    assert result.changes == [{"kind": "replace", "original": [7, 7], "answer": [7, 9]}]
    payload = json.loads(json.dumps(answer_payload(result)))
    assert payload["ok"] is True and payload["code"] == result.code and payload["weakens_tls"] is False


def test_the_map_may_come_as_json_and_bad_json_is_one_line():
    _, mapping = redacted()
    result = check_answer(answer_with(good_block()), ORIGINAL, mapping.to_json())
    assert TOKEN in result.code
    with pytest.raises(LLMError, match=r"^the redaction map: not JSON \(line 1\)$"):
        check_answer("x", ORIGINAL, "{not json")


def test_a_prose_answer_proposes_no_change_and_is_no_danger():
    """"Renew the upstream's certificate; nothing in nginx changes" is an
    answer the prompt itself invites."""
    result = check_answer("Renew the upstream's certificate; nothing in nginx changes.", ORIGINAL, redacted()[1])
    assert result.code is None and result.ok and not result.weakens_tls
    assert [flag_payload(flag) for flag in result.warnings] == [{
        "kind": "no-code-block", "severity": "info",
        "message": "no config change proposed: the answer is prose only (if it says the upstream must change, "
                   "nothing in nginx does)"}]
    assert answer_payload(result)["code"] is None and result.diff == ""


def test_which_code_block_is_checked():
    text, _ = redacted()
    blocks = code_blocks("a\n```text\nlog\n```\nb\n~~~nginx\nfirst\n~~~\n  ```nginx\n  second\n  ```\n")
    assert [(block.info, block.code) for block in blocks] == [("text", "log\n"), ("nginx", "first\n"),
                                                               ("nginx", "second\n")]
    assert all(block.closed for block in blocks)
    both = check_answer(f"Run:\n```sh\nnginx -t\n```\nthen\n```nginx\n{good_block()}```\n", ORIGINAL, redacted()[1])
    assert both.ok and "nginx -t" in both.explanation
    unlabeled = check_answer(f"```\n{good_block()}```\n", ORIGINAL, redacted()[1])
    assert unlabeled.ok
    two_unlabeled = check_answer(f"```\n{good_block()}```\n```\nx\n```\n", ORIGINAL, redacted()[1])
    assert kinds(two_unlabeled) == ["several-code-blocks"] and TOKEN in two_unlabeled.code
    open_block = check_answer(f"```nginx\n{good_block()}", ORIGINAL, redacted()[1])
    assert kinds(open_block) == ["unclosed-code-block"] and open_block.code.endswith("}\n")


def test_invented_and_mangled_placeholders_are_reported_and_left_alone():
    sni = "        proxy_ssl_server_name on;\n"
    block = good_block().replace(sni, sni + "        proxy_set_header X-Key REDACTED_API_KEY_99;\n")
    result = check(block)
    assert result.unknown_placeholders == [{"placeholder": "REDACTED_API_KEY_99", "line": 10}]
    assert kinds(result) == ["invented-placeholder"] and "REDACTED_API_KEY_99" in result.code
    assert result.warnings[0].line == 10 and not result.ok
    for mangled in ("redacted_bearer_1", "REDACTED_BEARER_2", "REDACTED_TOKEN_1"):
        changed = check(good_block().replace("REDACTED_BEARER_1", mangled))
        assert kinds(changed) == ["mangled-placeholder"], mangled
        assert f"{mangled} is not exactly a placeholder that was sent (was it REDACTED_BEARER_1?)" in \
            changed.warnings[0].message
        assert TOKEN not in changed.code
    loose = check(good_block().replace("REDACTED_BEARER_1", "REDACTED-BEARER-1"))
    assert "mangled-placeholder" in kinds(loose) and "REDACTED-BEARER-1 looks like a placeholder" in \
        loose.warnings[0].message


def test_a_placeholder_dropped_from_a_kept_line_is_reported():
    result = check(good_block().replace("Bearer REDACTED_BEARER_1", "Bearer <your token>"))
    assert kinds(result) == ["dropped-placeholder"]
    assert result.warnings[0].message == ('line 10: the answer dropped REDACTED_BEARER_1 from `proxy_set_header '
                                          'Authorization "Bearer …`: the restored config would lose that value')
    removed = check(good_block().replace('        proxy_set_header Authorization "Bearer REDACTED_BEARER_1";\n', ""))
    assert "dropped-placeholder" not in kinds(removed)  # the whole line went: not a dropped value


def test_placeholders_the_original_already_had_are_not_reported():
    original = ORIGINAL.replace("root /srv/www;", "# REDACTED_NOTE_1 was here\n    root /srv/www;")
    result = redact(original)
    answer = answer_with(result.text.replace("        proxy_ssl_verify off;\n", FIXED_LINES))
    checked = check_answer(answer, original, result.mapping)
    assert checked.ok and checked.unknown_placeholders == []


def test_malformed_answers_get_one_line_diagnostics_without_secrets():
    broken = good_block().replace('"Bearer REDACTED_BEARER_1";', '"Bearer REDACTED_BEARER_1"').replace(
        "    }\n}\n", "    }\n")
    result = check(broken)
    assert result.diagnostics and not result.ok and result.findings == []
    line = result.diagnostics[0]
    assert line.file == "site.conf" and line.line > 0 and "\n" not in line.message
    assert TOKEN not in json.dumps(answer_payload(result)["diagnostics"])
    empty = check_answer("```nginx\n```\n", ORIGINAL, redacted()[1])
    assert empty.diagnostics and "empty input" in empty.diagnostics[0].message


def test_the_rules_run_on_the_answer():
    unfixed = good_block().replace(FIXED_LINES, "        proxy_ssl_verify off;\n")
    result = check(unfixed)
    assert [finding.code for finding in result.findings] == ["UT006", "UT001"]
    assert answer_payload(result)["findings"][1]["code"] == "UT001" and not result.ok
    assert "unchanged" in kinds(result) and not result.weakens_tls  # it was already off: not the answer's doing


@pytest.mark.parametrize(("original_line", "answer_line", "options", "fires"), [
    ("proxy_ssl_verify on;", "proxy_ssl_verify off;", Options(), True),
    ("", "proxy_ssl_verify off;", Options(), True),
    ("", "proxy_ssl_protocols TLSv1 TLSv1.1 TLSv1.2 TLSv1.3;", Options(), True),
    ("", "proxy_ssl_protocols SSLv3 TLSv1.2;", DEV, True),
    ("", 'proxy_ssl_ciphers "DEFAULT:@SECLEVEL=0";', DEV, True),
    ("proxy_ssl_verify off;", "proxy_ssl_verify off;", Options(), False),
    ("proxy_ssl_protocols TLSv1 TLSv1.2;", "proxy_ssl_protocols TLSv1 TLSv1.2;", Options(), False),
    ("", "proxy_ssl_protocols TLSv1.2 TLSv1.3;", Options(), False),
    ("", 'proxy_ssl_ciphers "HIGH:!aNULL:@SECLEVEL=2";', Options(), False),
    ("proxy_ssl_verify on;", "proxy_ssl_verify off;", DEV, False),
])
def test_weakening_flags(original_line, answer_line, options, fires):
    original = ("location / {\n    proxy_pass https://api.internal;\n    proxy_ssl_trusted_certificate /ca.pem;\n"
                f"    proxy_ssl_server_name on;\n    {original_line}\n}}\n")
    answer = original.replace(f"    {original_line}\n", f"    {answer_line}\n")
    result = check_answer(answer_with(answer), original, redact(original).mapping, options)
    assert result.weakens_tls is fires
    if fires:
        flag = next(flag for flag in result.warnings if flag.kind == "weakens-tls")
        assert flag.severity == "danger" and flag.line == 5 and answer_line.split()[0] in flag.message
        assert not result.ok


def test_verification_off_in_dev_mode_is_a_warning_not_a_danger():
    original = "location / {\n    proxy_pass https://api.internal;\n    proxy_ssl_verify on;\n}\n"
    answer = original.replace("on;", "off;")
    result = check_answer(answer_with(answer), original, redact(original).mapping, DEV)
    assert [(flag.kind, flag.severity) for flag in result.warnings] == [("dev-only", "warning")]
    assert "never in production" in result.warnings[0].message and not result.weakens_tls


def test_dropping_verification_or_the_trusted_certificate_is_flagged():
    original = ("server {\n    location / {\n        proxy_pass https://api.internal;\n        proxy_ssl_verify on;\n"
                "        proxy_ssl_trusted_certificate /ca.pem;\n        proxy_ssl_server_name on;\n    }\n}\n")
    mapping = redact(original).mapping
    no_verify = check_answer(answer_with(original.replace("        proxy_ssl_verify on;\n", "")), original, mapping)
    assert no_verify.weakens_tls and "is no longer verified (`proxy_ssl_verify on` at original line 4" in \
        no_verify.warnings[0].message
    no_trust = check_answer(answer_with(original.replace("        proxy_ssl_trusted_certificate /ca.pem;\n", "")),
                            original, mapping)
    assert no_trust.weakens_tls and "lost its trusted certificate" in no_trust.warnings[0].message
    moved = original.replace("        proxy_ssl_verify on;\n", "").replace("server {\n",
                                                                          "server {\n    proxy_ssl_verify on;\n")
    assert not check_answer(answer_with(moved), original, mapping).weakens_tls  # still verified, from the server


def test_unrelated_changes_are_listed_with_their_lines():
    block = (good_block().replace("listen 443 ssl;", "listen 8443 ssl;")
             .replace("    root /srv/www;\n", "")
             .replace("    server_name www.example.com;\n",
                      "    server_name www.example.com;\n    access_log off;\n    # a comment\n\n"))
    result = check(block)
    unrelated = [(flag.side, flag.line, flag.message) for flag in result.unrelated_changes]
    assert unrelated == [
        ("answer", 2, "line 2: `listen 8443 ssl;` changed (was `listen 443 ssl;`), which is not about the upstream"),
        ("answer", 4, "line 4: `access_log off;` added, which is not about the upstream"),
        ("original", 4, "original line 4: `root /srv/www;` removed, which is not about the upstream"),
    ]
    assert kinds(result).count("unrelated-change") == 3 and not result.ok
    assert answer_payload(result)["unrelated_changes"][0] == {"kind": "unrelated-change", "severity": "warning",
                                                        "message": unrelated[0][2], "line": 2, "side": "answer"}


def test_upstream_group_changes_are_related():
    original = ("upstream billing {\n    server 10.0.2.10:8443 ssl;\n}\nserver {\n    location / {\n"
                "        proxy_pass http://billing;\n    }\n}\n")
    answer = original.replace(" ssl;", ";").replace("http://billing;", "https://billing;\n"
                                                    "        proxy_ssl_verify on;\n"
                                                    "        proxy_ssl_trusted_certificate /ca.pem;\n"
                                                    "        proxy_ssl_name billing.internal;\n"
                                                    "        proxy_ssl_server_name on;")
    result = check_answer(answer_with(answer), original, redact(original).mapping)
    assert result.unrelated_changes == [] and result.ok


def test_line_endings_follow_the_original():
    original = ORIGINAL.replace("\n", "\r\n")
    result = redact(original)
    answer = answer_with(result.text.replace("\r\n", "\n").replace("        proxy_ssl_verify off;\n", FIXED_LINES))
    checked = check_answer(answer, original, result.mapping)
    assert checked.code == original.replace("        proxy_ssl_verify off;\r\n", FIXED_LINES.replace("\n", "\r\n"))
    assert checked.ok and len(checked.changes) == 1


def test_the_round_trip_from_prepare():
    """What prepare sent, answered by echoing its config block fixed, comes
    back as the original with only the fix applied."""
    prepared = prepare("openai", ORIGINAL, topology=True)
    sent = prepared.body["messages"][-1]["content"]
    config = sent.split("```nginx\n", 1)[1].split("```", 1)[0]
    assert "api.internal.example.com" not in config and TOKEN not in config
    result = check_answer(answer_with(config.replace("        proxy_ssl_verify off;\n", FIXED_LINES)), ORIGINAL,
                          prepared.mapping)
    assert result.code == ORIGINAL.replace("        proxy_ssl_verify off;\n", FIXED_LINES) and result.ok
