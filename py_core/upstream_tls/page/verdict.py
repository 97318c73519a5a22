"""The verdict card: the answer in one glance — what the failure is, which
side must change (this config or the upstream), the one or two steps, and
how sure. It is taken from the same causes and findings the list below shows,
so the card and the list can never disagree."""
from __future__ import annotations

from ..causes import CAUSES
from .items import SIDE_WORDS, capitalised, decapitalised
from .words import CLIENT_FIELDS

# Causes whose client sees another status than 502: the upstream answers it.
NOT_A_502 = frozenset({"client-certificate-required", "client-certificate-rejected", "http-to-https-port",
                       "host-header-mismatch"})
SEVERITY_RANK = {"error": 0, "warning": 1, "info": 2}
# Causes the fix repairs once the person fills in a field it cannot guess.
FIELDS_THAT_FIX = {"client-certificate-required":
                   f"Type their paths into {CLIENT_FIELDS} under Fix options: the fix then writes both."}
THIN_EVIDENCE = "paste the error.log line nginx wrote for the 502 (it has `upstream:` in it)."


def card(kind: str, headline: str, steps: list[str], side: str | None = None, **extra) -> dict:
    return {"kind": kind, "headline": headline, "steps": steps, "side": side,
            "side_text": SIDE_WORDS.get(side or ""), "sure": None, "basis": None, "cause": None, "where": None,
            **extra}


def empty() -> dict:
    """Worded as web/index.html words the card before the core is ready, so nothing moves."""
    return card("empty", "Paste an nginx config — or open an example — to see why nginx answers 502.", [])


def not_nginx(sentence: str) -> dict:
    return card("not-nginx", sentence, [
        "Paste the nginx config itself: `nginx -T` on the nginx host prints all of it, every included file too."])


def refused(message: str, where: dict | None) -> dict:
    place = f"{where['label']}: " if where else ""
    return card("refused", f"nginx would refuse this config — {place}{message}", [
        "Correct that line (`nginx -t` reports the same); the findings and the fix appear once it parses."],
        "config", where=where)


def from_cause(top: dict, basis: str, next_steps: list[str], outstanding: list[str]) -> dict:
    """The likeliest cause, said as the answer."""
    from ..diagnose.weights import APPLY_AT  # evidence only: the page starts without the diagnosis
    title = decapitalised(top["headline"])
    tentative = top["confidence"] < APPLY_AT
    if tentative:
        headline = f"Possibly your 502: {title}."
    elif not top["tls"]:
        headline = f"Your 502 is not about TLS: {title}."
    elif top["cause"] in NOT_A_502:
        headline = f"Why it fails: {title}."
    else:
        headline = f"Your 502: {title}."
    status = top["status"]
    if status in ("fixed", "fill-in"):
        doing = " ".join(f"`{line}`" for line in top["directives"])
        steps = [f"{top['action']} — the fix below does it" + (f": {doing}" if doing else ".")]
        steps += next_steps
    elif top["side"] == "upstream" and status in ("upstream", "dev-only"):
        steps = [f"On the upstream: {CAUSES[top['cause']].action}."]
        if status == "dev-only":
            steps.append("Dev mode can stand in for it from this config, but that weakens TLS.")
    elif top["status"] == "unsafe-cause" and top["note"]:
        steps = [f"{top['action']}.", f"Not applied automatically: {top['note'].removeprefix('unsafe: ')} "
                                      "(Dev mode applies it)."]
    elif status == "by-hand" and top["cause"] in FIELDS_THAT_FIX:
        steps = [f"{top['action']}.", FIELDS_THAT_FIX[top["cause"]]]
    else:
        steps = [f"{top['action']}.", f"{top['status_text']}."]
    steps += [f"Still needed: {decapitalised(line)}" for line in outstanding]
    if tentative:
        steps.append(f"The evidence is thin: {THIN_EVIDENCE}")
    return card("cause", headline, steps, top["side"], sure=top["sure"], confidence=top["confidence"], basis=basis,
                cause=top["cause"], where=top["where"])


def no_cause(missing: list[str], findings: list[dict], total: int) -> dict:
    steps = [capitalised(line) for line in missing[:2]] or [capitalised(THIN_EVIDENCE)]
    if findings:
        steps.append(f"Meanwhile the config has {_problems(findings, total)}: see the list below.")
    return card("no-cause", "The evidence matches no known cause of a 502 yet.", steps, basis="from the evidence")


def from_config(findings: list[dict], total: int, fix_state: str, next_steps: list[str],
                outstanding: list[str]) -> dict:
    """No evidence: what the config alone says. `fix_state`: changed,
    unchanged, or withheld (an option must be corrected first)."""
    if not findings:
        return card("clean", "No upstream TLS problem in this config.", [
            "If nginx still answers 502, paste the error.log lines under Evidence: the cause may not be TLS, "
            "or may sit in a file this paste does not include."], basis="from the config alone")
    worst = min(findings, key=lambda item: SEVERITY_RANK.get(item["severity"], 3))
    steps = {"changed": ["Apply the fix below."], "unchanged": ["No automatic fix: see the list below."],
             "withheld": []}[fix_state]
    steps += next_steps + [f"Still needed: {decapitalised(line)}" for line in outstanding]
    steps.append("Paste the error.log lines under Evidence to name the cause of your 502.")
    headline = f"This config has {_problems(findings, total)}. The worst: {decapitalised(worst['headline'])}"
    return card("config", headline, steps, "config", basis="from the config alone", where=worst["where"])


def _problems(findings: list[dict], total: int | None = None) -> str:
    count = total or len(findings)
    return f"{count:,} upstream TLS problem{'s' if count != 1 else ''}"
