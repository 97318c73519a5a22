"""One list, one vocabulary: the diagnosis's causes and the config's
findings said the same way — what it is, which side must change, how sure,
and whether the fix below does it. Causes come first (likeliest first), then
the findings in file order."""
from __future__ import annotations

import re

from ..engine import FixResult
from ..options import PLACEHOLDER_PREFIX, Options
from .words import Wording

RULE_CODE = re.compile(r"\bUT\d{3}\b")
SEVERITY_WORDS = {"error": "Error", "warning": "Warning", "info": "Note"}
SIDE_WORDS = {"config": "Change this config", "upstream": "Change the upstream"}
STATUS_WORDS = {
    "fixed": "Fixed below",
    "fill-in": "Fixed below once you fill in what it marks",
    "by-hand": "Do this by hand",
    "unsafe": "Not applied: it may change how the upstream answers, not only TLS (Dev mode applies it)",
    "unsafe-cause": "Not applied automatically (Dev mode applies it)",
    "dev-only": "Dev mode only: it weakens TLS",
    "weak": "Not applied: the evidence points elsewhere first",
    "held": "Not applied automatically",
    "upstream": "Fix on the upstream",
}


def _plain_word(text: str) -> bool:
    """Whether the text starts with an ordinary word (not `proxy_pass`, a path or an acronym)."""
    word = text.split(" ", 1)[0]
    return word.isalpha() and not word[1:2].isupper()


def capitalised(text: str) -> str:
    """A sentence's first letter up, unless the sentence starts with a directive, path or acronym."""
    return text[:1].upper() + text[1:] if _plain_word(text) else text


def decapitalised(text: str) -> str:
    """The first letter down, to go on after a colon; "TLS" stays "TLS"."""
    return text[:1].lower() + text[1:] if _plain_word(text) else text


def likely(confidence: float) -> str:
    return f"{round(confidence * 100)}% likely"


class Items:
    """Builds the merged list for one analysis."""

    def __init__(self, wording: Wording, options: Options, fixed: FixResult | None):
        self.say = wording.say
        self.wording = wording
        self.options = options
        # What the fix did, by position: its title names the real TLS name
        # where the finding's own title still has the placeholder.
        self.applied = {(finding.code, finding.span.file, finding.span.line): finding.fix.title
                        for finding in (fixed.applied if fixed else ())}
        self.fix_made = fixed is not None
        # The fixed text still holds a REPLACE-WITH-… the person must fill in.
        self.placeholders_left = bool(fixed and PLACEHOLDER_PREFIX in fixed.text)
        # A finding the evidence-driven fix resolved in its own way is not
        # among those left in the fixed text.
        self.left = {(finding.code, finding.span.file) for finding in (fixed.remaining if fixed else ())}

    def _resolved(self, evidence: list[str]) -> bool:
        """Whether the fix resolved every rule finding a cause's evidence names (`UT001`…)."""
        codes = set(RULE_CODE.findall(" ".join(evidence)))
        return self.fix_made and bool(codes) and not codes & {code for code, _ in self.left}

    def causes(self, payloads: list[dict], causes: list, upstream: dict | None) -> list[dict]:
        """`upstream`: the diagnosis's proxy_pass ({file, line}), where every cause is linked."""
        where = self.wording.where(upstream["file"], upstream["line"]) if upstream else None
        return [self.cause(payload, cause, index == 0, where)
                for index, (payload, cause) in enumerate(zip(payloads, causes, strict=True))]

    def cause(self, payload: dict, cause, first: bool, where: dict | None) -> dict:
        status = self._cause_status(payload, cause)
        return {
            "kind": "cause", "cause": payload["cause"], "side": payload["side"],
            "side_text": SIDE_WORDS[payload["side"]], "tls": payload["tls"],
            "verdict": first, "headline": capitalised(payload["title"]), "confidence": payload["confidence"],
            "sure": likely(payload["confidence"]), "status": status, "status_text": STATUS_WORDS[status],
            "action": capitalised(self.say(payload["fix"]["title"])), "directives": payload["fix"]["directives"],
            "evidence": [self.say(line) for line in payload["evidence"]],
            "decides": self.say(payload["decides"]) if payload["decides"] else None,
            "note": self.say(payload["note"]) if payload["note"] else None, "where": where,
        }

    def _cause_status(self, payload: dict, cause) -> str:
        status = self._repair_status(payload, cause)
        directives = payload["fix"]["directives"]
        if status == "fixed" and self.placeholders_left and (
                not directives or any(PLACEHOLDER_PREFIX in line for line in directives)):
            return "fill-in"
        return status

    def _repair_status(self, payload: dict, cause) -> str:
        from ..diagnose.weights import APPLY_AT  # evidence only: the page starts without the diagnosis
        applicability = payload["fix"]["applicability"]
        if not payload["fix"]["directives"]:
            if payload["side"] == "upstream":
                return "upstream"
            return "fixed" if self._resolved(payload["evidence"]) else "by-hand"
        if cause.dev_only and self.options.production:
            return "dev-only"
        if not cause.applicable(self.options, False):
            return "unsafe-cause"
        if cause.confidence < APPLY_AT:
            return "weak"
        return "fixed" if self.fix_made and applicability != "display-only" else "held"

    def finding(self, payload: dict) -> dict:
        fix = payload["fix"]
        title = self.applied.get((payload["code"], payload["file"], payload["line"]))
        resolved = self.fix_made and (payload["code"], payload["file"]) not in self.left
        status = self._finding_status(fix, title is not None or (resolved and fix is not None))
        return {
            "kind": "finding", "code": payload["code"], "rule": payload["rule"], "severity": payload["severity"],
            "side": "config", "side_text": SIDE_WORDS["config"], "headline": capitalised(self.say(payload["message"])),
            "sure": SEVERITY_WORDS.get(payload["severity"], payload["severity"]), "status": status,
            "status_text": STATUS_WORDS[status] if fix else "No automatic fix",
            "action": capitalised(self.say(title or fix["title"])) if fix else None,
            "where": self.wording.where(payload["file"], payload["line"]),
            "related": [self.wording.where(span["file"], span["line"]) for span in payload["related"]],
        }

    def _finding_status(self, fix: dict | None, applied: bool) -> str:
        if applied:
            return "fixed"
        if fix is None or fix["applicability"] == "display-only":
            return "by-hand"
        if fix["applicability"] == "unsafe" and self.options.production:
            return "unsafe"
        return "held"
