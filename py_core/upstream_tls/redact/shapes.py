"""Secrets recognisable by their shape alone, wherever they sit (directive,
comment, log line, chain paste): provider tokens by their published
prefixes, private keys, URL passwords, key material, password hashes and
the TLS secrets `openssl s_client` prints.

Certificates are public and the chain reader needs them: public.certificates
keeps them out of reach of the generic detectors here.
"""
from __future__ import annotations

import re
from collections.abc import Iterator

from .text import Hit, Scan, line_end, line_start, literal_spans, pem_blocks
from .values import character_classes, entropy, looks_random

# (prefixes, full shape, tag). Order matters where prefixes overlap: sk-ant-
# is Anthropic's before sk- is taken for OpenAI's.
_PROVIDERS = (
    (("AKIA", "ASIA", "ABIA", "ACCA", "AGPA", "AIDA", "AIPA", "ANPA", "ANVA", "AROA", "APKA"),
     r"A[A-Z]{3}[A-Z0-9]{16}", "AWS_ACCESS_KEY_ID"),
    (("ghp_", "gho_", "ghu_", "ghs_", "ghr_"), r"gh[pousr]_[A-Za-z0-9]{36,251}", "GITHUB_TOKEN"),
    (("github_pat_",), r"github_pat_[A-Za-z0-9_]{22,255}", "GITHUB_TOKEN"),
    (("glpat-", "gldt-", "glrt-", "glptt-", "glcbt-", "glimt-", "glft-", "glsoat-", "gloas-"),
     r"gl[a-z]{2,5}-[A-Za-z0-9_-]{20,}", "GITLAB_TOKEN"),
    (("xoxa-", "xoxb-", "xoxp-", "xoxo-", "xoxr-", "xoxs-", "xoxe-", "xapp-"),
     r"xox[a-z]-[A-Za-z0-9-]{10,}|xapp-[0-9]-[A-Za-z0-9-]{10,}", "SLACK_TOKEN"),
    (("sk_live_", "sk_test_", "rk_live_", "rk_test_", "pk_live_", "pk_test_", "whsec_"),
     r"[srp]k_(?:live|test)_[A-Za-z0-9]{10,}|whsec_[A-Za-z0-9]{20,}", "STRIPE_KEY"),
    (("sk-ant-",), r"sk-ant-[a-z]+[0-9]*-[A-Za-z0-9_-]{20,}", "ANTHROPIC_KEY"),
    (("sk-",), r"sk-(?:proj-|svcacct-|admin-)?[A-Za-z0-9_-]{20,}", "OPENAI_KEY"),
    (("AIza",), r"AIza[0-9A-Za-z_-]{35}", "GOOGLE_API_KEY"),
    (("ya29.",), r"ya29\.[0-9A-Za-z_-]{20,}", "GOOGLE_API_KEY"),
    (("GOCSPX-",), r"GOCSPX-[0-9A-Za-z_-]{20,}", "GOOGLE_API_KEY"),
    (("SG.",), r"SG\.[A-Za-z0-9_-]{16,32}\.[A-Za-z0-9_-]{16,64}", "SENDGRID_KEY"),
    (("AC", "SK"), r"(?:AC|SK)[0-9a-f]{32}", "TWILIO"),
    (("eyJ",), r"eyJ[A-Za-z0-9_-]{8,}\.eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]*", "JWT"),
    (("npm_",), r"npm_[A-Za-z0-9]{36}", "PROVIDER_TOKEN"),
    (("pypi-",), r"pypi-AgE[A-Za-z0-9_-]{40,}", "PROVIDER_TOKEN"),
    (("hvs.", "hvb.", "hvr."), r"hv[sbr]\.[A-Za-z0-9_-]{20,}", "PROVIDER_TOKEN"),
    (("dop_v1_", "doo_v1_", "dor_v1_"), r"do[por]_v1_[a-f0-9]{64}", "PROVIDER_TOKEN"),
    (("shpat_", "shpca_", "shppa_", "shpss_"), r"shp(?:at|ca|pa|ss)_[a-fA-F0-9]{32}", "PROVIDER_TOKEN"),
    (("AA",), r"AA[A-Za-z0-9_-]{33}(?![A-Za-z0-9_-])", "PROVIDER_TOKEN"),  # Telegram, after BOT_ID:
    (("key-",), r"key-[0-9a-zA-Z]{32}(?![A-Za-z0-9])", "PROVIDER_TOKEN"),  # Mailgun
    (("dapi",), r"dapi[0-9a-f]{32}(?:-[0-9]+)?", "PROVIDER_TOKEN"),  # Databricks
    (("NRAK-", "NRII-", "NRJS-"), r"NR(?:AK|II|JS)-[A-Z0-9]{27}", "PROVIDER_TOKEN"),  # New Relic
    (("hf_",), r"hf_[A-Za-z]{34,}", "PROVIDER_TOKEN"),  # Hugging Face
    (("gsk_",), r"gsk_[A-Za-z0-9]{48,}", "PROVIDER_TOKEN"),  # Groq
    (("xai-",), r"xai-[A-Za-z0-9]{60,}", "PROVIDER_TOKEN"),
    (("pplx-",), r"pplx-[A-Za-z0-9]{40,}", "PROVIDER_TOKEN"),  # Perplexity
    (("r8_",), r"r8_[A-Za-z0-9]{37}", "PROVIDER_TOKEN"),  # Replicate
    (("glsa_", "glc_"), r"glsa_[A-Za-z0-9]{32}_[a-f0-9]{8}|glc_[A-Za-z0-9+/]{32,}={0,2}", "PROVIDER_TOKEN"),  # Grafana
    (("AGE-SECRET-KEY-1",), r"AGE-SECRET-KEY-1[0-9A-Z]{58}", "PRIVATE_KEY"),
    (("dp.",), r"dp\.(?:pt|st|ct|sa|scim|audit)\.[A-Za-z0-9]{40,}", "PROVIDER_TOKEN"),  # Doppler
    (("PMAK-",), r"PMAK-[a-f0-9]{24}-[a-f0-9]{34}", "PROVIDER_TOKEN"),  # Postman
    (("lin_api_",), r"lin_api_[A-Za-z0-9]{40}", "PROVIDER_TOKEN"),  # Linear
    (("ntn_", "secret_"), r"ntn_[A-Za-z0-9]{40,}|secret_[A-Za-z0-9]{43}(?![A-Za-z0-9])", "PROVIDER_TOKEN"),  # Notion
    (("figd_",), r"figd_[A-Za-z0-9_-]{40,}", "PROVIDER_TOKEN"),  # Figma
    (("sq0atp-", "sq0csp-", "EAAA"), r"sq0atp-[0-9A-Za-z_-]{22}|sq0csp-[0-9A-Za-z_-]{43}|EAAA[A-Za-z0-9_-]{60}",
     "PROVIDER_TOKEN"),  # Square
    (("ATATT3",), r"ATATT3[A-Za-z0-9_=-]{100,}", "PROVIDER_TOKEN"),  # Atlassian
    (("HRKU-",), r"HRKU-[A-Za-z0-9_-]{60}", "PROVIDER_TOKEN"),  # Heroku
    (("sntrys_", "sntryu_"), r"sntrys_[A-Za-z0-9+/=_]{50,}|sntryu_[a-f0-9]{64}", "PROVIDER_TOKEN"),  # Sentry
    (("bkua_",), r"bkua_[a-f0-9]{40}", "PROVIDER_TOKEN"),  # Buildkite
    (("pul-",), r"pul-[a-f0-9]{40}", "PROVIDER_TOKEN"),  # Pulumi
    (("AKCp",), r"AKCp[A-Za-z0-9]{69}", "PROVIDER_TOKEN"),  # JFrog
    (("sk.eyJ",), r"sk\.eyJ[A-Za-z0-9_-]{20,}\.[A-Za-z0-9_-]{20,}", "PROVIDER_TOKEN"),  # Mapbox secret
)
_TELEGRAM_BOT_ID = re.compile(r"(?<![0-9])[0-9]{8,10}:\Z")


def _by_first_two() -> dict[str, list[tuple[tuple[str, ...], re.Pattern, str]]]:
    table: dict[str, list] = {}
    for prefixes, shape, tag in _PROVIDERS:
        compiled = re.compile(shape)
        for head in sorted({prefix[:2] for prefix in prefixes}):
            table.setdefault(head, []).append((prefixes, compiled, tag))
    return table


_PROVIDER_TABLE = _by_first_two()
_CANDIDATE = re.compile(r"[A-Za-z0-9_.-]{20,}")
_BASE64_RUN = re.compile(r"[A-Za-z0-9+/]{32,}={0,2}")
_HEX = re.compile(r"[0-9a-fA-F]+")
_SSH2_BEGIN = re.compile(r"---- BEGIN SSH2 ENCRYPTED PRIVATE KEY ----")
_PUTTY_BEGIN = re.compile(r"PuTTY-User-Key-File-[0-9]+:")
_KEY_BODY_LINE = re.compile(r"[ \t#>]*(?:[A-Za-z0-9+/=]{16,}|Proc-Type:.*|DEK-Info:.*|Comment:.*|Version:.*|)\r?")
_USERINFO = re.compile(r"([^\s:/?#@\"'<>;{}\[\]\\]*):([^\s/?#\"'<>;{}\\]+)@")
_USER_ONLY = re.compile(r"([^\s:/?#@\"'<>;{}\[\]\\]{20,})@")
_WEBHOOK = re.compile(r"(?:hooks\.slack\.com/(?:services|workflows|triggers)|discord(?:app)?\.com/api/webhooks)/"
                      r"([A-Za-z0-9/_-]{8,})")
_HASH = re.compile(r"\$apr1\$[./0-9A-Za-z]{1,8}\$[./0-9A-Za-z]{22}|\$2[aby]\$\d\d\$[./0-9A-Za-z]{53}"
                   r"|\{SHA\}[A-Za-z0-9+/]{27}=|\{SSHA\}[A-Za-z0-9+/=]{20,}"
                   r"|\$[156]\$[./0-9A-Za-z]{1,16}\$[./0-9A-Za-z]{22,86}|\{PLAIN\}\S+")
_HTPASSWD_USER = re.compile(r"[ \t#]*[^\s:#\"']+:")
_PGPASS = re.compile(r"[ \t#]*[A-Za-z0-9_.*-]+:(?:[0-9]{2,5}|\*):[^\s:]+:[^\s:]+:(\S+)[ \t]*\r?")
_PORT_FIELD = re.compile(r":(?:[0-9]{2,5}|\*):")  # starts with a literal: found fast
_TLS_SECRET = re.compile(r"(?:Master-Key|Resumption PSK): *([0-9A-Fa-f]{16,})")


def provider_tokens(scan: Scan) -> Iterator[Hit]:
    """Published token shapes: one cheap pass for long word-like runs, then a
    lookup by their first two characters."""
    text = scan.text
    for match in _CANDIDATE.finditer(text):
        start, candidate = match.start(), match.group().rstrip(".")
        hit = _provider(candidate, start, text)
        if hit:
            yield hit
        elif "." in candidate:
            offset = start
            for part in candidate.split("."):
                hit = _provider(part, offset, text)
                if hit:
                    yield hit
                offset += len(part) + 1


def _provider(token: str, start: int, text: str) -> Hit | None:
    for prefixes, shape, tag in _PROVIDER_TABLE.get(token[:2], ()):
        if token.startswith(prefixes):
            match = shape.match(token)
            if match and (prefixes != ("AA",) or _TELEGRAM_BOT_ID.search(text, max(0, start - 11), start)):
                return Hit(start, start + match.end(), tag)
    return None


def private_keys(scan: Scan) -> Iterator[Hit]:
    """PEM private keys (with the `#` of a commented-out paste between BEGIN
    and END), SSH2 and PuTTY key files."""
    text = scan.text
    for start, begin, end in pem_blocks(text):
        if "PRIVATE KEY" in begin.group(1):
            yield Hit(start, end if end >= 0 else _unterminated_end(text, begin.end()), "PRIVATE_KEY")
    yield from _other_private_keys(text)


def _unterminated_end(text: str, marker_end: int) -> int:
    """A key cut short by the paste: after its BEGIN marker it runs over the
    following lines as long as they look like its body."""
    end, stop = marker_end, line_end(text, marker_end)
    while stop < len(text):
        next_stop = line_end(text, stop + 1)
        line = text[stop + 1:next_stop]
        if not line.strip(" \t#>\r") or not _KEY_BODY_LINE.fullmatch(line):
            break
        end = stop = next_stop
    return end


def _other_private_keys(text: str) -> Iterator[Hit]:
    """SSH2 and PuTTY key files: from the header to the closing marker's line."""
    for begin, end_marker in ((_SSH2_BEGIN, "---- END SSH2 ENCRYPTED PRIVATE KEY ----"),
                              (_PUTTY_BEGIN, "Private-MAC:")):
        for match in begin.finditer(text):
            end = text.find(end_marker, match.end())
            yield Hit(match.start(), line_end(text, end) if end >= 0 else _unterminated_end(text, match.end()),
                      "PRIVATE_KEY")


def url_credentials(scan: Scan) -> Iterator[Hit]:
    """scheme://user:password@host — URLs, postgres/mysql/mongodb+srv/redis/amqp
    connection strings — and a user part that is itself a token."""
    text = scan.text
    position = text.find("://")
    while position >= 0:
        start = position + 3
        match = _USERINFO.match(text, start)
        if match:
            if "REDACTED_" not in match.group(2):  # a password already replaced (its rest too)
                for span in literal_spans(text, match.start(2), match.end(2), 1):
                    yield Hit(*span, "PASSWORD")
        else:
            match = _USER_ONLY.match(text, start)
            if match and looks_random(match.group(1)):
                yield Hit(match.start(1), match.end(1), "AUTH_TOKEN")
        position = text.find("://", start)
    for match in _WEBHOOK.finditer(text):
        yield Hit(match.start(1), match.end(1), "SLACK_WEBHOOK")


def key_material(scan: Scan) -> Iterator[Hit]:
    """Long base64 or hex outside certificates: a 40-character AWS secret key,
    session-ticket-style keys (48 or 80 random bytes), other random blobs."""
    text = scan.text
    for match in _BASE64_RUN.finditer(text):
        start = match.start()
        if start and text[start - 1] in "_-.":
            continue
        core = match.group().rstrip("=")
        if _hex(core):
            if len(core) >= 80:
                yield Hit(start, start + len(core), "KEY_MATERIAL")
            continue
        if not _mixed(core):
            continue
        if len(core) == 40 and core[0] != "/" and entropy(core) >= 4.0:
            yield Hit(start, start + 40, "AWS_SECRET_KEY")
        elif len(core) >= 64 and entropy(core) >= 4.5:
            yield Hit(start, match.end(), "KEY_MATERIAL")
        elif entropy(core) >= 4.3:  # a random word in a URL path keeps its slashes
            yield Hit(start + len(core) - len(core.lstrip("/")), start + len(core.rstrip("/")), "HIGH_ENTROPY")
    for match in _TLS_SECRET.finditer(text):
        yield Hit(match.start(1), match.end(1), "KEY_MATERIAL")


def _hex(value: str) -> bool:
    return bool(_HEX.fullmatch(value))


def _mixed(value: str) -> bool:
    return all(character_classes(value))


def password_hashes(scan: Scan) -> Iterator[Hit]:
    """htpasswd lines (auth_basic_user_file contents) pasted along: `user:`
    and one of the hash formats nginx reads."""
    text = scan.text
    for match in _HASH.finditer(text):
        if _HTPASSWD_USER.fullmatch(text, line_start(text, match.start()), match.start()):
            yield Hit(match.start(), match.end(), "PASSWORD_HASH")


def pgpass_lines(scan: Scan) -> Iterator[Hit]:
    """A ~/.pgpass line pasted along, `host:port:database:user:password`."""
    text = scan.text
    done = -1
    for field in _PORT_FIELD.finditer(text):
        start = line_start(text, field.start())
        if start != done:
            done = start
            line = _PGPASS.fullmatch(text, start, line_end(text, start))
            if line:
                yield Hit(*line.span(1), "PASSWORD")
