"""Local secret redaction: `redact(text)` replaces every secret in a pasted
config, log or chain by a typed, numbered placeholder and returns the map
back; `restore(text, mapping)` puts the originals back into text that
comes back (an LLM's answer), reporting placeholders it did not issue.

    public text:   public (certificates, template placeholders, pins, hashes,
                   public keys, earlier placeholders), aws (ARN paths):
                   spans no secret detector may replace
    detectors:     shapes (provider tokens, keys, URL passwords, blobs),
                   positions (headers, params, set/map/if, secret directives),
                   prose (labelled credentials in free text, many languages),
                   commands (pasted shell commands), code (Lua/Perl/njs
                   literals), aws (account ids),
                   topology (internal IPs, hosts, upstreams, whole ARNs; optional)
    placeholders:  spans -> REDACTED_<KIND>_<n>, line count kept
    restore:       placeholders -> originals, exactly

Nothing here ever puts a secret value into a report, an exception or a
repr: the map is the only place the originals are kept.
"""
from __future__ import annotations

import json
from collections import Counter
from dataclasses import dataclass, field

from . import aws, code, commands, placeholders, positions, prose, public, shapes, topology
from .kinds import BY_TAG, KINDS, Kind
from .restore import UnknownPlaceholder, restore_text
from .text import Scan

MAP_VERSION = 1
PUBLIC_DETECTORS = (public.certificates, public.templates, public.pins_and_hashes, public.public_keys,
                    public.placeholders, aws.arn_paths)
SECRET_DETECTORS = (shapes.private_keys, shapes.provider_tokens, shapes.url_credentials, shapes.key_material,
                    shapes.password_hashes, shapes.pgpass_lines, positions.header_directives, positions.named_values,
                    positions.if_conditions, positions.map_blocks, positions.secure_link, positions.secret_files,
                    prose.prose_credentials, commands.shell_commands, commands.shell_defaults, code.code_literals,
                    aws.account_ids)
TOPOLOGY_DETECTORS = (topology.addresses, topology.host_names, aws.arns)
_TOPOLOGY_TAGS = frozenset(kind.tag for kind in KINDS if kind.topology)
# Hidden even inside public text: names and addresses (topology) and account
# ids, which an ARN's path or a bucket name may carry.
_UNCLIPPED = _TOPOLOGY_TAGS | {"AWS_ACCOUNT"}
# Found once, replaced wherever they recur, whatever they look like.
_ALWAYS_REPEATED = frozenset({"AWS_ACCOUNT"})


@dataclass(frozen=True)
class Redacted:
    """One line of the report: what kind was found on a line, how often, and
    the placeholders that stand for it there. Never the value."""

    line: int
    kind: Kind
    count: int
    placeholders: tuple[str, ...]


@dataclass(frozen=True)
class RedactionMap:
    """Placeholder -> original. The originals never show in a repr."""

    placeholders: dict[str, str] = field(repr=False)
    preexisting: frozenset[str] = frozenset()

    def to_json(self) -> str:
        return json.dumps({"version": MAP_VERSION, "placeholders": self.placeholders,
                           "preexisting": sorted(self.preexisting)}, indent=2)

    @classmethod
    def from_json(cls, text: str) -> RedactionMap:
        """Raises ValueError for anything but a map this tool wrote; the
        message never quotes the content."""
        try:
            data = json.loads(text)
        except json.JSONDecodeError as exc:
            raise ValueError(f"not JSON (line {exc.lineno})") from None
        if not isinstance(data, dict) or data.get("version") != MAP_VERSION:
            raise ValueError(f"not a redaction map (expected version {MAP_VERSION})")
        mapping, existing = data.get("placeholders"), data.get("preexisting", [])
        if not isinstance(mapping, dict) or not all(
                isinstance(key, str) and isinstance(value, str) for key, value in mapping.items()):
            raise ValueError("not a redaction map (placeholders must map strings to strings)")
        if not isinstance(existing, list) or not all(isinstance(word, str) for word in existing):
            raise ValueError("not a redaction map (preexisting must be a list of strings)")
        return cls(mapping, frozenset(existing))


@dataclass(frozen=True)
class Redaction:
    text: str
    mapping: RedactionMap
    report: tuple[Redacted, ...]

    def scrub(self, message: str) -> str:
        """`message` — an error or diagnostic about this input, which may quote
        it — with every value this redaction replaced (and each line of a
        multi-line one) swapped for its placeholder: the redacted line."""
        if not self.mapping.placeholders:
            return message
        pieces = []
        for name, original in self.mapping.placeholders.items():
            pieces.append((original, name))
            if "\n" in original:
                pieces += [(line.strip(" \t#>\r"), name) for line in original.splitlines()
                           if len(line.strip(" \t#>\r")) >= 8]
        for original, name in sorted(pieces, key=lambda piece: -len(piece[0])):
            if original in message:
                message = message.replace(original, name)
        return message

    def summary(self) -> dict[str, int]:
        """Kind name -> how many values of it were replaced."""
        tally: Counter = Counter()
        for entry in self.report:
            tally[entry.kind.name] += entry.count
        return dict(tally)


@dataclass(frozen=True)
class Restored:
    text: str
    unknown_placeholders: tuple[UnknownPlaceholder, ...]


def redact(text: str, topology: bool = False, known: RedactionMap | None = None) -> Redaction:
    """Replace every secret (and with `topology`, every internal address, host,
    upstream and AWS id) by a placeholder. Deterministic: the same text gives
    the same result. `known` is for texts redacted together (redact_together)."""
    scan = Scan(text)
    for detector in PUBLIC_DETECTORS:
        for span in detector(scan):
            scan.keep(*span)
    detectors = SECRET_DETECTORS + (TOPOLOGY_DETECTORS if topology else ())
    taken = placeholders.preexisting(text, scan.lower)
    found = scan.clip([hit for detector in detectors for hit in detector(scan)], _UNCLIPPED)
    if known is not None:
        taken |= known.preexisting
        found += placeholders.known_values(text, known.placeholders)
    hits = placeholders.resolve(text, found, taken)
    extra = placeholders.repeats(text, hits, _TOPOLOGY_TAGS, _ALWAYS_REPEATED)
    if extra:
        hits = placeholders.resolve(text, hits + extra, taken)
    redacted, mapping, issued = placeholders.apply(text, hits, taken, known.placeholders if known else None)
    return Redaction(redacted, RedactionMap(mapping, taken), _report(text, issued))


def redact_together(texts: list[str], topology: bool = False) -> tuple[Redaction, ...]:
    """Several texts of one paste (a config, its error.log, a chain summary)
    redacted as one: a value gets the same placeholder in each, a secret
    found in one is replaced wherever it recurs in another, and one map —
    every result carries it — restores them all. The first pass collects the
    values; the second replaces each in every text."""
    reserved = frozenset().union(*(placeholders.preexisting(text, text.lower()) for text in texts))
    known = RedactionMap({}, reserved)
    for text in texts:
        known = redact(text, topology, known).mapping
    results = []
    for text in texts:
        results.append(redact(text, topology, known))
        known = results[-1].mapping  # a span merged over a known value is a new value
    return tuple(Redaction(result.text, known, result.report) for result in results)


def restore(text: str, mapping: RedactionMap) -> Restored:
    """Put the originals back for every placeholder the map issued."""
    restored, unknown = restore_text(text, mapping.placeholders, mapping.preexisting)
    return Restored(restored, unknown)


def redact_message(message: str) -> str:
    """An error message with anything secret in it replaced: for messages that
    quote input (a parse error on a line with a token)."""
    return redact(message).text


def _report(text: str, issued) -> tuple[Redacted, ...]:
    entries: dict[tuple[int, str], list[str]] = {}
    line, cursor = 1, 0
    for hit, name in issued:
        line += text.count("\n", cursor, hit.start)
        cursor = hit.start
        entries.setdefault((line, hit.tag), []).append(name)
    return tuple(Redacted(line, BY_TAG[tag], len(names), tuple(dict.fromkeys(names)))
                 for (line, tag), names in entries.items())


__all__ = ["KINDS", "Kind", "Redacted", "Redaction", "RedactionMap", "Restored", "UnknownPlaceholder", "redact",
           "redact_message", "redact_together", "restore"]
