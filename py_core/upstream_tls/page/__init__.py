"""What the web page shows, in the page's words: the verdict card, the one
list of causes and findings, errors keyed by the field that caused them, the
fix's notes, a dump's changed files and the deploy checklist.

The bridge adds this beside the CLI-shaped payload (findings, diagnosis,
fix), which stays what `upstream-tls` prints; only the wording differs.
"""
from __future__ import annotations

from ..analysis import Analysis
from ..engine import NEXT_STEP, UNUSED_NAME, UPSTREAM_MUST, FixResult
from ..options import LABELS, Options
from . import verdict
from .files import changed_files
from .items import Items, capitalised, decapitalised
from .words import Wording

# (The deploy checklist and the recogniser of other formats are imported on
# first use, like the diagnosis: the page is ready sooner without them.)

# The fix's notes list this many applied fixes and this many findings left; the rest are counted.
SHOWN_NOTES = 50
# The page's field ids, by the label an option problem starts with.
FIELD_OF_LABEL = {LABELS["nginx_version"]: "nginx-version", LABELS["ssl_names"]: "ssl-names",
                  LABELS["mode"]: "mode", LABELS["ca_file"]: "ca-file"}


def empty_page(fields: dict) -> dict:
    return {**_nothing(), "verdict": verdict.empty(), "fields": fields}


def unreadable_page(text: str, message: str, fields: dict) -> dict:
    """Input the core cannot read at all (binary)."""
    from .recognise import looks_like, sentence
    found = looks_like(text)
    headline = sentence(found) if found else f"This is not an nginx config: {message}"
    return {**_nothing(), "verdict": verdict.not_nginx(headline), "fields": fields}


def option_fields(problems: list[str], options: dict) -> dict[str, str]:
    """Each option problem beside its field, without the label it starts with."""
    fields = {}
    for problem in problems:
        label, _, rest = problem.partition(": ")
        if label in FIELD_OF_LABEL:
            fields[FIELD_OF_LABEL[label]] = capitalised(rest)
        elif problem.startswith(LABELS["client"]):
            empty = "client-key" if (options.get("client_cert") or "").strip() else "client-cert"
            fields[empty] = "The client certificate and key go together: give both paths, or neither."
    return fields


class PageView:
    """The page's part of one analysis (`analysis.report` parsed)."""

    def __init__(self, analysis: Analysis, fixed: FixResult | None, result: dict, fields: dict):
        self.analysis = analysis
        self.fixed = fixed
        self.result = result
        self.fields = dict(fields)
        self.wording = Wording(analysis.report.offsets)
        self.items = Items(self.wording, analysis.options, fixed)

    def build(self) -> dict:
        result = self.result
        if result["chain"] and result["chain"].get("error"):
            self.fields["chain-input"] = "No certificate could be read here: " + \
                result["chain"]["error"].removeprefix(f"{self.analysis.inputs.chain_name}: ")
        if result["diagnostics"]:
            return self._refused(result["diagnostics"][0])
        findings = [self.items.finding(payload) for payload in result["findings"]]
        diagnosis = result["diagnosis"]
        causes = self.items.causes(diagnosis["causes"], self.analysis.diagnosis.causes,
                                   diagnosis["upstream"]) if diagnosis else []
        files = changed_files(self.fixed.original, self.fixed.text, self.analysis.inputs.name) \
            if self.fixed and self.fixed.changed else None
        from .deploy import deploy_steps
        deploy = deploy_steps(self.fixed, self.analysis.inputs.name, self.options,
                              (result["chain"] or {}).get("ca_bundle"), files) if self.fixed else []
        card = self._verdict(causes, findings, self._outstanding(), self._next_steps() if deploy else [])
        return {
            **_nothing(), "fields": self.fields, "items": causes + findings, "files": files, "deploy": deploy,
            "verdict": card, "notes": self._notes(bool(deploy)),
            "missing": [self.wording.say(line) for line in diagnosis["missing"]] if diagnosis else [],
            "unexplained": diagnosis["unexplained"] if diagnosis else [],
        }

    @property
    def options(self) -> Options:
        return self.analysis.options

    def _refused(self, diagnostic: dict) -> dict:
        from .recognise import looks_like, sentence
        where = self.wording.where(diagnostic["file"], diagnostic["line"])
        found = looks_like(self.analysis.inputs.config)
        if found:  # the card names what it is; where nginx would stop reading it helps no one
            return {**_nothing(), "verdict": verdict.not_nginx(sentence(found)), "fields": self.fields}
        return {**_nothing(), "verdict": verdict.refused(diagnostic["message"], where), "fields": self.fields,
                "problems": [{"where": where, "message": diagnostic["message"]}]}

    def _outstanding(self) -> list[str]:
        """What is left to do, in page words; a TLS name no upstream takes
        goes beside its field instead."""
        left = []
        for line in self.fixed.outstanding if self.fixed else ():
            if line.startswith(UNUSED_NAME):
                self.fields["ssl-names"] = capitalised(self.wording.say(line))
            elif not line.startswith(UPSTREAM_MUST):  # the verdict says it in its own step
                left.append(self.wording.say(line))
        return left

    def _next_steps(self) -> list[str]:
        notes = self.fixed.notes if self.fixed else ()
        return [capitalised(self.wording.say(note.removeprefix(NEXT_STEP))) + "."
                for note in notes if note.startswith(NEXT_STEP)]

    def _verdict(self, causes: list[dict], findings: list[dict], outstanding: list[str],
                 next_steps: list[str]) -> dict:
        diagnosis = self.result["diagnosis"]
        if causes:
            # A step left after the fix belongs in the verdict only if it is this
            # cause's (the CA file its directives name); the checklist has them all.
            paths = [word.rstrip(";") for line in causes[0]["directives"] for word in line.split() if "/" in word]
            own_steps = [step for step in next_steps if any(path in step for path in paths)]
            card = verdict.from_cause(causes[0], self._basis(), own_steps, outstanding)
        elif diagnosis is not None:
            card = verdict.no_cause(self.result["diagnosis"]["missing"], findings, self.result["findings_total"])
        else:
            fix_state = "withheld" if self.fixed is None else "changed" if self.fixed.changed else "unchanged"
            card = verdict.from_config(findings, self.result["findings_total"], fix_state, next_steps, outstanding)
        problems = [message for field, message in self.fields.items() if field != "chain-input"]
        if problems and self.fixed is None:
            card["steps"] = [f"Correct the marked option first: {decapitalised(problems[0])}"] + card["steps"]
        return card

    def _basis(self) -> str:
        lines = self.result["diagnosis"]["log_lines"]
        parts = [f"{lines} pasted line{'s' if lines != 1 else ''}"] if lines else []
        if self.analysis.chain is not None:
            parts.append("the certificate chain")
        elif any(event.source == "probe" for event in self.analysis.events):
            parts.append("what openssl s_client printed")
        return "from " + " and ".join(parts) if parts else "from the config alone: no pasted line says why"

    def _notes(self, deploying: bool) -> list[dict]:
        """The fix's notes, each said once: "next:" steps are in the deploy checklist."""
        fixed = self.fixed
        if fixed is None:
            return []
        say = self.wording.say
        notes = [{"kind": "applied", "text": capitalised(say(finding.fix.title)),
                  "where": self.wording.where(finding.span.file, finding.span.line)}
                 for finding in fixed.applied[:SHOWN_NOTES]]
        notes += [{"kind": "note", "text": capitalised(say(note))} for note in fixed.notes
                  if not (deploying and note.startswith(NEXT_STEP))]
        notes += [{"kind": "todo", "text": "Fill in " + say(line)} for line in fixed.placeholders]
        notes += [{"kind": "remaining", "text": capitalised(say(finding.message)),
                   "label": f"{self.wording.line_words(finding.span.file, finding.span.line)} of the fixed text",
                   "severity": finding.severity.value} for finding in fixed.remaining[:SHOWN_NOTES]]
        hidden = max(0, len(fixed.applied) - SHOWN_NOTES) + max(0, len(fixed.remaining) - SHOWN_NOTES)
        if hidden:
            notes.append({"kind": "note", "text": f"And {hidden:,} more fixes and findings (the command line lists "
                                                  "them all)."})
        return notes


def _nothing() -> dict:
    return {"verdict": None, "items": [], "fields": {}, "notes": [], "files": None, "deploy": [], "missing": [],
            "unexplained": [], "problems": []}
