"""Config + evidence (error.log lines, the upstream's chain) -> ranked causes.

Each piece of evidence proposes candidate causes with a confidence; the same
cause proposed twice gains confidence. Where one log line fits two causes
(verify error 20: missing trust anchor or too small a depth; 21: missing
intermediate or a leaf trusted instead of its CA) the chain decides, and
without it both are listed with the input that would decide.
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field, replace

from .causes import CAUSES, CONFIG, UPSTREAM
from .certs import Chain, ChainError, read_chain
from .editing import compose, format_directive
from .engine import DEFAULT_OPTIONS, FixResult, Report, check
from .engine import fix as rules_fix
from .findings import Edit
from .logs import LogEvent, verify_code_name
from .model import Config
from .options import Options
from .parse import DEFAULT_NAME
from .rewrite import apply_edits
from .rules.base import Context, is_on, set_directives, tls_name
from .rules.host_header import host_header_changes
from .upstreams import PLAIN_SCHEME_OF, TLS_SCHEME_OF, Site, is_ip_literal, parse_target

FileReader = Callable[[str], bytes | None]
DEV_CIPHERS = "DEFAULT:@SECLEVEL=0"
NGINX_DEFAULT_CIPHERS = "HIGH:!aNULL:!MD5"
RULE_CAUSES = {  # rule code -> (cause, confidence when the config alone says so)
    "UT001": ("verify-disabled", 0.3),
    "UT003": ("verify-without-trusted-certificate", 0.8),
    "UT005": ("name-mismatch", 0.6),
    "UT006": ("sni-required", 0.3),
    "UT007": ("host-header-mismatch", 0.35),
    "UT008": ("upstream-server-ssl-flag", 0.9),
    "UT009": ("http-to-https-port", 0.7),
    "UT010": ("https-to-plain-http", 0.7),
    "UT012": ("protocol-mismatch", 0.2),
    "UT013": ("client-key-missing", 0.9),
}
VERIFY_CODE_CAUSES = {
    2: "untrusted-certificate", 3: "crl-wrong-issuer", 9: "certificate-not-yet-valid", 10: "certificate-expired",
    12: "crl-expired", 18: "untrusted-certificate", 19: "untrusted-certificate", 22: "verify-depth-exceeded",
    23: "certificate-revoked", 26: "certificate-purpose", 66: "weak-upstream-key",
}
LOG_KIND_CAUSES = {
    "no-trusted-certificate": "verify-without-trusted-certificate",
    "client-key-missing": "client-key-missing",
    "client-key-mismatch": "client-key-mismatch",
    "upstream-ssl-flag": "upstream-server-ssl-flag",
    "upstream-handshake-rejected": "sni-required",
}


@dataclass
class Cause:
    """One candidate explanation. `settings` are the directives (suffix after
    the module prefix, value) that repair it in the upstream's block."""

    cause: str
    confidence: float
    evidence: list[str] = field(default_factory=list)
    settings: dict[str, str] = field(default_factory=dict)
    decides: str | None = None
    note: str | None = None
    side_here: str | None = None
    unsafe: bool = False

    @property
    def side(self) -> str:
        """Where the repair belongs; the taxonomy's default unless the
        evidence says otherwise (a cipher list this config set)."""
        return self.side_here or CAUSES[self.cause].side

    @property
    def dev_only(self) -> bool:
        """Settings that stand in for an upstream repair weaken TLS (verify
        off, legacy protocols, @SECLEVEL=0): dev mode only, never production."""
        return self.side == UPSTREAM and bool(self.settings)

    def applicable(self, options: Options, unsafe_fixes: bool) -> bool:
        if self.dev_only:
            return not options.production
        return not self.unsafe or unsafe_fixes or not options.production


@dataclass
class Diagnosis:
    report: Report
    site: Site | None
    chain: Chain | None
    events: list[LogEvent]
    causes: list[Cause]
    options: Options
    name: str
    others: list[tuple[Site, int]] = field(default_factory=list)

    @property
    def config(self) -> Config:
        return self.report.config

    def fix_payload(self, cause: Cause) -> dict:
        """What repairs `cause` here: directives and their applicability, or
        display-only advice when the repair is not in this config."""
        info = CAUSES[cause.cause]
        if cause.dev_only and self.options.production:
            return {"title": f"the upstream must be fixed: {info.action}", "applicability": "display-only",
                    "directives": []}
        if not cause.settings or self.site is None:
            return {"title": info.action, "applicability": "display-only", "directives": []}
        lines = setting_lines(self.site, cause.settings)
        where = f"{self.site.node.file}:{self.site.node.line}"
        if cause.dev_only:
            title = f"dev only: {' '.join(lines)} weakens TLS toward the upstream; {info.action}"
            return {"title": title, "applicability": "unsafe", "directives": lines, "where": where}
        return {"title": info.action, "applicability": "unsafe" if cause.unsafe else "safe", "directives": lines,
                "where": where}

    def to_dict(self) -> dict:
        return {"causes": [{
            "cause": cause.cause,
            "confidence": round(cause.confidence, 2),
            "side": cause.side,
            "title": CAUSES[cause.cause].title,
            "evidence": cause.evidence,
            "decides": cause.decides,
            "note": cause.note,
            "fix": self.fix_payload(cause),
        } for cause in self.causes],
            "upstream": None if self.site is None else {
                "directive": self.site.describe(), "file": self.site.node.file, "line": self.site.node.line},
            "unexplained": [f"{event.line}: {event.raw.strip()}" for event in self.events
                            if event.kind == "other-error"],
            "other_upstreams": [{"directive": site.describe(), "file": site.node.file, "line": site.node.line,
                                 "log_lines": count} for site, count in self.others]}


def setting_lines(site: Site, settings: dict[str, str]) -> list[str]:
    """The directives `settings` stand for. Keys are directive suffixes after
    the module prefix, plus `pass_scheme` (the scheme of proxy_pass) and
    `host_header` (proxy_set_header Host)."""
    lines = []
    for suffix, value in settings.items():
        if suffix == "pass_scheme":
            lines.append(site.with_scheme(value))
        elif suffix == "host_header":
            lines.append(format_directive("proxy_set_header", ["Host", value]))
        else:
            lines.append(format_directive(site.directive(suffix), value.split(" ") if suffix == "ssl_protocols"
                                          else [value]))
    return lines


class _Collector:
    """Candidate causes by id; proposing one again adds its evidence and a
    little confidence."""

    def __init__(self):
        self.causes: dict[str, Cause] = {}

    def add(self, cause_id: str, confidence: float, evidence: str, **extra) -> Cause:
        cause = self.causes.get(cause_id)
        if cause is None:
            cause = self.causes[cause_id] = Cause(cause_id, confidence, [evidence], **extra)
        else:
            cause.confidence = min(0.99, max(cause.confidence, confidence) + 0.03)
            if evidence not in cause.evidence:
                cause.evidence.append(evidence)
            for key, value in extra.items():
                if value and not getattr(cause, key):
                    setattr(cause, key, value)
        return cause

    def ranked(self) -> list[Cause]:
        return sorted(self.causes.values(), key=lambda cause: -cause.confidence)


@dataclass
class Evidence:
    """Log events sorted by the upstream they name. A log holds lines from
    many locations; reasoning about one upstream with another's lines would
    fix the wrong block."""

    site: Site | None
    events: list[LogEvent]
    others: list[tuple[Site, int]]
    repeats: dict[int, int]


def sort_evidence(sites: list[Site], events: list[LogEvent]) -> Evidence:
    """The upstream with the most log lines naming its address (else the
    only TLS upstream), its lines plus those naming no upstream (nginx -t,
    the upstream's own log), repeated lines counted once."""
    by_site: dict[int, list[LogEvent]] = {}
    unaddressed, unmatched, seen = [], [], {}
    for event in events:
        key = (event.kind, event.message, event.upstream)
        if key in seen:
            seen[key][1] += 1
            continue
        seen[key] = [event, 1]
        if not event.upstream:
            unaddressed.append(event)
            continue
        target = parse_target(event.upstream)
        match = next((index for index, site in enumerate(sites) if (target.host, target.port) in site.addresses), None)
        (by_site.setdefault(match, []) if match is not None else unmatched).append(event)
    if by_site:
        chosen = max(by_site, key=lambda index: len(by_site[index]))
        site = sites[chosen]
        others = [(sites[index], len(found)) for index, found in by_site.items() if index != chosen]
        mine = by_site[chosen]
    else:
        tls = [site for site in sites if site.tls]
        site = tls[0] if len(tls) == 1 else (sites[0] if len(sites) == 1 else None)
        others, mine = [], unmatched
    repeats = {id(event): count for event, count in seen.values() if count > 1}
    return Evidence(site, sorted(mine + unaddressed, key=lambda event: event.line), others, repeats)


def concerns(site: Site, finding) -> bool:
    """Whether a rule finding is about this upstream: its pass directive,
    its group, or the verify / client-certificate directive in effect for it."""
    span = finding.span
    if (span.file, span.line) == (site.node.file, site.node.line):
        return True
    if site.group is not None and span.file == site.group.file and site.group.line <= span.line <= site.group.end_line:
        return True
    return any(node is not None and (node.file, node.line) == (span.file, span.line)
               for node in (site.effective("ssl_verify"), site.effective("ssl_certificate")))


def choose_name(site: Site, chain: Chain | None, options: Options) -> tuple[str | None, str | None]:
    """(the DNS name to check, or None with why). Asks rather than guesses
    when the certificate holds several names and none is the proxy_pass host."""
    given = options.ssl_name_for(site.target.host, site.target.port, True) if site.target.host else None
    if given:
        return given, None
    if chain is None:
        return None, "pass --upstream-cert (the chain) or --ssl-name NAME to choose the name"
    leaf = chain.leaf
    names = [name for name in leaf.dns_names if "*" not in name]
    if site.target.host in names:
        return site.target.host, None
    if site.group is None and not site.target.is_ip and not site.target.has_variable:
        return None, (f"proxy_pass names {site.target.host} but the certificate names "
                      f"{', '.join(leaf.dns_names) or leaf.subject_cn}: if that really is the upstream, pass "
                      f"--ssl-name {site.target.host}=NAME (nginx will then accept that name from it)")
    if len(names) == 1:
        return names[0], None
    if names:
        return None, f"the certificate names {', '.join(names)}: pass --ssl-name {site.target.host}=NAME"
    if leaf.dns_names:
        return None, (f"the certificate holds only {', '.join(leaf.dns_names)}: "
                      f"pass --ssl-name {site.target.host}=NAME with the concrete name")
    if leaf.subject_cn and not is_ip_literal(leaf.subject_cn):
        return leaf.subject_cn, None
    return None, "the certificate has no DNS name: reissue it with one (nginx matches DNS names only)"


def _current_depth(site: Site) -> int:
    depth = site.effective("ssl_verify_depth")
    try:
        return int(depth.args[0]) if depth is not None else 1
    except (ValueError, IndexError):
        return 1


def _offers_tls13(site: Site, options: Options) -> bool | None:
    protocols = site.effective("ssl_protocols")
    if protocols is not None:
        return "TLSv1.3" in protocols.args
    default = options.default_protocols()
    return None if default is None else "TLSv1.3" in default


class _Reasoner:
    """Turns evidence into candidate causes for one upstream site."""

    def __init__(self, site: Site | None, chain: Chain | None, options: Options, read_file: FileReader | None):
        self.site = site
        self.chain = chain
        self.options = options
        self.read_file = read_file
        self.found = _Collector()

    def trust_file(self) -> tuple[str, Chain] | None:
        """The trust file the config names, when the caller can read files
        (the CLI on the nginx host can; the browser cannot)."""
        trusted = self.site.effective("ssl_trusted_certificate") if self.site else None
        if self.read_file is None or trusted is None or not trusted.args:
            return None
        data = self.read_file(trusted.args[0])
        if data is None:
            return None
        try:
            return trusted.args[0], read_chain(data, trusted.args[0])
        except ChainError:
            return None

    def trust_settings(self) -> dict[str, str]:
        """Verification with a trust file: the one the config names stays
        unless --ca-file names another (the root goes into it either way)."""
        settings = {"ssl_verify": "on"}
        current = self.site.effective("ssl_trusted_certificate") if self.site else None
        if current is None or self.options.ca_file is not None:
            settings["ssl_trusted_certificate"] = self.options.trust_path
        if self.chain is not None and self.site is not None and self.chain.verify_depth_needed > _current_depth(
                self.site):
            settings["ssl_verify_depth"] = str(self.chain.verify_depth_needed)
        return settings

    def name_settings(self, cause: str, confidence: float, evidence: str, decides: str | None = None) -> None:
        if self.site is None:
            self.found.add(cause, confidence, evidence, decides=decides)
            return
        name, note = choose_name(self.site, self.chain, self.options)
        settings = {"ssl_server_name": "on"}
        if name:
            settings["ssl_name"] = name
        self.found.add(cause, confidence, evidence, settings=settings, note=note, decides=decides)

    def verify_error(self, event: LogEvent, where: str) -> None:
        code = event.verify_code
        evidence = f"{where}: verify error {code} ({event.verify_text or verify_code_name(code)})"
        if code == 20:
            self._ambiguous_20(evidence)
        elif code == 21:
            self._ambiguous_21(evidence)
        elif code == 22:
            self.found.add("verify-depth-exceeded", 0.9, evidence, settings=self._depth_settings())
        elif code in (2, 18, 19):
            self.found.add("untrusted-certificate", 0.9, evidence, settings=self.trust_settings())
        elif code in VERIFY_CODE_CAUSES:
            cause = VERIFY_CODE_CAUSES[code]
            settings = {"ssl_verify": "off"} if CAUSES[cause].side == UPSTREAM else {}
            self.found.add(cause, 0.9, evidence, settings=settings)
        else:
            self.found.add("untrusted-certificate", 0.4, evidence)

    def _depth_settings(self) -> dict[str, str]:
        if self.chain is not None:
            return {"ssl_verify_depth": str(max(self.chain.verify_depth_needed, 1))}
        current = _current_depth(self.site) if self.site else 1
        return {"ssl_verify_depth": str(current + 1)}

    def _ambiguous_20(self, evidence: str) -> None:
        if self.chain is None:
            decides = ("the chain decides: `openssl s_client -connect HOST:PORT -showcerts` shows how many "
                       "intermediates there are against proxy_ssl_verify_depth")
            self.found.add("untrusted-certificate", 0.6, evidence, settings=self.trust_settings(), decides=decides)
            self.found.add("verify-depth-exceeded", 0.5, evidence, settings=self._depth_settings(), decides=decides)
            return
        needed = self.chain.verify_depth_needed
        current = _current_depth(self.site) if self.site else 1
        trust = self.trust_file()
        top = self.chain.ordered[-1]
        if trust and not any(cert.subject == top.issuer or cert.fingerprint_sha256 == top.fingerprint_sha256
                             for cert in trust[1].certificates):
            self.found.add("untrusted-certificate", 0.95, f"{evidence}; {trust[0]} holds nothing that issued "
                           f"{top.subject}", settings=self.trust_settings())
        elif needed > current:
            self.found.add("verify-depth-exceeded", 0.95, f"{evidence}; the chain has {self.chain.intermediates} "
                           f"intermediates, depth is {current}", settings={"ssl_verify_depth": str(needed)})
        else:
            self.found.add("untrusted-certificate", 0.9, f"{evidence}; the depth ({current}) is enough for the "
                           f"chain, so the trust file lacks its root", settings=self.trust_settings())

    def _ambiguous_21(self, evidence: str) -> None:
        if self.chain is None:
            decides = "the chain decides: does the upstream send its intermediate (openssl s_client -showcerts)?"
            self.found.add("incomplete-chain", 0.6, evidence, decides=decides)
            self.found.add("untrusted-certificate", 0.5, evidence + " (a leaf trusted instead of its CA gives "
                           "the same error)", settings=self.trust_settings(), decides=decides)
            return
        leaf = self.chain.leaf
        sent_intermediate = len(self.chain.certificates) > 1
        trust = self.trust_file()
        if trust and not leaf.self_signed and leaf.fingerprint_sha256 in {
                cert.fingerprint_sha256 for cert in trust[1].certificates}:
            self.found.add("untrusted-certificate", 0.95, f"{evidence}; {trust[0]} holds the upstream's own "
                           f"certificate, not the CA that issued it ({leaf.issuer})", settings=self.trust_settings(),
                           note=f"trust {leaf.issuer} instead (fetch it from the PKI if the chain lacks it)")
        elif not sent_intermediate and not leaf.self_signed:
            self.found.add("incomplete-chain", 0.85, f"{evidence}; the upstream sends only its leaf, issued by "
                           f"{leaf.issuer}", note=f"fetch {leaf.issuer} from the PKI for the stopgap")
            self.found.add("untrusted-certificate", 0.45, f"{evidence}; if the trust file holds the leaf itself, "
                           "it must hold the CA instead", settings=self.trust_settings(),
                           decides="which certificate the trust file holds: the CA, not the leaf")
        else:
            self.found.add("untrusted-certificate", 0.85, f"{evidence}; the upstream sends its chain, so the "
                           "trust file holds something else than its root (a leaf?)", settings=self.trust_settings())

    def handshake(self, event: LogEvent, where: str) -> None:
        reason = (event.ssl_reason or event.message or "").lower()
        alert = event.alert_number
        evidence = f"{where}: {event.ssl_reason or event.message}"
        if alert == 112 or "unrecognized name" in reason:
            sent = tls_name(self.site) if self.site is not None else None
            if self.site is not None and is_on(self.site.effective("ssl_server_name")):
                self.name_settings("name-mismatch", 0.9, f"{evidence}; SNI is on and sends \"{sent}\", a name the "
                                   "upstream does not serve")
            else:
                self.name_settings("sni-required", 0.95, evidence)
        elif alert == 70 or "protocol version" in reason or "unsupported protocol" in reason:
            self._protocols(evidence)
        elif "wrong version number" in reason or "http request" in reason:
            self.found.add("https-to-plain-http", 0.95, evidence, settings=self._plain_settings(), unsafe=True,
                           note="unsafe: http:// sends the traffic unencrypted; if the upstream has a TLS port, "
                                "point proxy_pass at it instead")
        elif alert == 116 or "certificate required" in reason:
            self.found.add("client-certificate-required", 0.9, evidence, settings=self._client_settings())
        elif alert in (42, 48) or "bad certificate" in reason or "unknown ca" in reason:
            self.found.add("client-certificate-rejected", 0.7, evidence)
        elif "legacy sigalg" in reason:
            self.found.add("legacy-upstream-protocol", 0.8, evidence, settings={"ssl_ciphers": DEV_CIPHERS})
        elif "key too small" in reason or "too weak" in reason:
            self.found.add("weak-upstream-key", 0.8, evidence, settings={"ssl_ciphers": DEV_CIPHERS})
        elif alert == 40 or "handshake failure" in reason or "no shared cipher" in reason:
            ciphers = self.site.effective("ssl_ciphers") if self.site else None
            if ciphers is not None:
                self.found.add("cipher-mismatch", 0.8, f"{evidence}; {ciphers.name} {' '.join(ciphers.args)} at "
                               f"{ciphers.file}:{ciphers.line} narrows the list", side_here=CONFIG,
                               settings={"ssl_ciphers": NGINX_DEFAULT_CIPHERS})
            else:
                self.found.add("cipher-mismatch", 0.6, evidence, settings={"ssl_ciphers": DEV_CIPHERS},
                               decides="the upstream's own log names the failing step")
        else:
            self.found.add("protocol-mismatch", 0.3, evidence, decides="the upstream's own error.log")

    def _protocols(self, evidence: str) -> None:
        offers_13 = _offers_tls13(self.site, self.options) if self.site else None
        if offers_13 is False:
            self.found.add("protocol-mismatch", 0.9, evidence + "; TLSv1.3 is not offered",
                           settings={"ssl_protocols": "TLSv1.2 TLSv1.3"})
        elif offers_13:
            self.found.add("legacy-upstream-protocol", 0.8, evidence + "; TLSv1.2 and TLSv1.3 are offered",
                           settings={"ssl_protocols": "TLSv1 TLSv1.1 TLSv1.2 TLSv1.3", "ssl_ciphers": DEV_CIPHERS})
        else:
            decides = "--nginx-version: before 1.23.4 nginx offers no TLSv1.3 by default"
            self.found.add("protocol-mismatch", 0.7, evidence, settings={"ssl_protocols": "TLSv1.2 TLSv1.3"},
                           decides=decides)
            self.found.add("legacy-upstream-protocol", 0.4, evidence, decides=decides)

    def _plain_settings(self) -> dict[str, str]:
        if self.site is None or self.site.target.scheme not in PLAIN_SCHEME_OF:
            return {}
        return {"pass_scheme": PLAIN_SCHEME_OF[self.site.target.scheme]}

    def _tls_settings(self) -> dict[str, str]:
        """Plain HTTP sent to a TLS port: the TLS scheme, and the name from the chain."""
        if self.site is None or self.site.target.scheme not in TLS_SCHEME_OF:
            return {}
        settings = {"pass_scheme": TLS_SCHEME_OF[self.site.target.scheme]}
        name, _ = choose_name(self.site, self.chain, self.options)
        if name and name != self.site.target.host:
            settings.update(ssl_server_name="on", ssl_name=name)
        return settings

    def _client_settings(self) -> dict[str, str]:
        cert, key = self.options.client_cert, self.options.client_key
        return {"ssl_certificate": cert, "ssl_certificate_key": key} if cert and key else {}

    def event(self, event: LogEvent, count: int = 1) -> None:
        where = f"log line {event.line}" + (f" (and {count - 1} more like it)" if count > 1 else "")
        kind = event.kind
        if kind == "verify-error" and event.verify_code is not None:
            self.verify_error(event, where)
        elif kind == "name-mismatch":
            self._name_mismatch(event, where)
        elif kind in ("handshake-failed", "upstream-unsupported-protocol"):
            self.handshake(event, where)
        elif kind == "peer-closed":
            decides = "the upstream's own error.log says why it closed the handshake"
            self.found.add("sni-required", 0.35, f"{where}: peer closed connection in SSL handshake", decides=decides)
            self.found.add("protocol-mismatch", 0.3, f"{where}: peer closed connection in SSL handshake",
                           decides=decides)
        elif kind == "trusted-certificate-load-failed":
            not_pem = "no certificate or crl found" in event.raw.lower()
            cause = "trusted-certificate-not-pem" if not_pem else "trusted-certificate-unreadable"
            self.found.add(cause, 0.95, f"{where}: {event.message}",
                           settings={"ssl_trusted_certificate": self.options.trust_path})
        elif kind == "no-trusted-certificate":
            self.found.add("verify-without-trusted-certificate", 0.95, f"{where}: {event.message}",
                           settings={"ssl_trusted_certificate": self.options.trust_path})
        elif kind in ("client-key-missing", "client-key-mismatch") and self.options.client_key:
            self.found.add(LOG_KIND_CAUSES[kind], 0.95, f"{where}: {event.message}",
                           settings={"ssl_certificate_key": self.options.client_key})
        elif kind == "upstream-no-client-cert":
            self.found.add("client-certificate-required", 0.95, f"{where} (upstream's log): {event.message}",
                           settings=self._client_settings(),
                           note=None if self._client_settings() else "pass --client-cert and --client-key")
        elif kind == "upstream-plain-http-to-https":
            self.found.add("http-to-https-port", 0.95, f"{where} (upstream's log): {event.message}",
                           settings=self._tls_settings())
        elif kind == "upstream-client-cert-verify-failed":
            self.found.add("client-certificate-rejected", 0.9, f"{where} (upstream's log): {event.message}",
                           settings=self._client_settings(),
                           note=None if self._client_settings() else "pass --client-cert and --client-key")
        elif kind == "upstream-misdirected-request":
            self._misdirected(event, where)
        elif kind == "client-key-encrypted":
            settings = {"ssl_certificate_key": self.options.client_key} if self.options.client_key else {}
            self.found.add("client-key-encrypted", 0.95, f"{where}: {event.message}", settings=settings)
        elif kind in LOG_KIND_CAUSES:
            self.found.add(LOG_KIND_CAUSES[kind], 0.9, f"{where}: {event.message}")

    def _misdirected(self, event: LogEvent, where: str) -> None:
        """The upstream's 421: Host names another site than the SNI did."""
        settings = {}
        if self.site is not None:
            name = tls_name(self.site)
            if not name or is_ip_literal(name):
                name, _ = choose_name(self.site, self.chain, self.options)
            if name:
                settings["host_header"] = name
        self.found.add("host-header-mismatch", 0.95, f"{where} (upstream's log, 421): {event.message}",
                       settings=settings)

    def _name_mismatch(self, event: LogEvent, where: str) -> None:
        checked = event.checked_name or ""
        evidence = f"{where}: certificate does not match \"{checked}\""
        site = self.site
        sni_off = site is not None and not is_on(site.effective("ssl_server_name"))
        name = tls_name(site) if site else None
        if sni_off and name and not is_ip_literal(name) and checked == name:
            if self.chain is not None and self.chain.leaf.matches_name(name):
                self.name_settings("sni-required", 0.95, evidence + "; the upstream does hold a certificate for "
                                   "it, so without SNI it served its default one")
            else:
                self.name_settings("sni-required", 0.6, evidence + "; without SNI a multi-site upstream serves its "
                                   "default certificate", decides="the chain fetched with -servername NAME")
        confidence = 0.95 if is_ip_literal(checked) or (site and site.group is not None) else 0.85
        self.name_settings("name-mismatch", confidence, evidence)

    def chain_facts(self) -> None:
        chain = self.chain
        leaf = chain.leaf
        verifying = self.site is not None and is_on(self.site.effective("ssl_verify"))
        weight = 0.8 if verifying else 0.5
        if leaf.expired:
            self.found.add("certificate-expired", weight, f"chain: expired {-leaf.days_left} days ago "
                           f"({leaf.not_after:%Y-%m-%d})", settings={"ssl_verify": "off"})
        if leaf.not_yet_valid:
            self.found.add("certificate-not-yet-valid", weight, f"chain: valid only from {leaf.not_before:%Y-%m-%d}",
                           settings={"ssl_verify": "off"})
        if not leaf.server_auth_ok:
            self.found.add("certificate-purpose", weight, "chain: extendedKeyUsage lacks serverAuth "
                           f"({', '.join(leaf.extended_key_usage)})", settings={"ssl_verify": "off"})
        if leaf.key_type == "rsa" and leaf.key_bits and leaf.key_bits < 2048:
            self.found.add("weak-upstream-key", weight, f"chain: RSA {leaf.key_bits}-bit key",
                           settings={"ssl_ciphers": DEV_CIPHERS})
        if verifying and self.site is not None:
            name = tls_name(self.site)
            if name and not leaf.matches_name(name):
                self.name_settings("name-mismatch", 0.7, f"chain: the certificate does not cover \"{name}\" "
                                   f"(it names {', '.join(leaf.dns_names) or leaf.subject_cn})")


def diagnose(text: str, log_events: list[LogEvent], chain: Chain | None, options: Options = DEFAULT_OPTIONS,
             name: str = DEFAULT_NAME, read_file: FileReader | None = None) -> Diagnosis:
    """Ranked causes. `read_file(path) -> bytes | None` lets the diagnosis
    look into files the config names (the trust file); without it, what only
    those files could tell is listed as what decides."""
    report = check(text, options, name)
    config = report.config
    evidence = sort_evidence(Context(config, options).sites, log_events)
    site = evidence.site
    reasoner = _Reasoner(site, chain, options, read_file)
    for event in evidence.events:
        reasoner.event(event, evidence.repeats.get(id(event), 1))
    if chain is not None:
        reasoner.chain_facts()
    for finding in report.findings:
        if finding.code in RULE_CAUSES and (site is None or concerns(site, finding)):
            cause, confidence = RULE_CAUSES[finding.code]
            reasoner.found.add(cause, confidence, f"{finding.span.file}:{finding.span.line}: {finding.code} "
                               f"{finding.message}")
    return Diagnosis(report, site, chain, log_events, reasoner.found.ranked(), options, name, evidence.others)


def _in_effect(site: Site, suffix: str, value: str) -> bool:
    """Whether the setting already holds, so the fix neither rewrites nor
    reports it."""
    if suffix in ("pass_scheme", "host_header"):
        return suffix == "pass_scheme" and site.target.scheme == value
    current = site.effective(suffix)
    return current is not None and [arg.lower() for arg in current.args] == value.lower().split(" ")


def evidence_fix(diagnosis: Diagnosis, unsafe_fixes: bool = False) -> FixResult:
    """The config with every config-side cause's settings applied at the
    upstream's block, then the rules' own fixes. Production never applies
    the dev-only settings that weaken TLS."""
    options = diagnosis.options
    text = diagnosis.config.text
    site = diagnosis.site
    edits: list[Edit] = []
    notes: list[str] = []
    if site is not None:
        wanted: dict[str, str] = {}
        for cause in diagnosis.causes:
            if cause.confidence >= 0.5 and cause.applicable(options, unsafe_fixes):
                for suffix, value in cause.settings.items():
                    wanted.setdefault(suffix, value)
        wanted = {suffix: value for suffix, value in wanted.items() if not _in_effect(site, suffix, value)}
        ctx = Context(diagnosis.config, options)
        directives = {key: value for key, value in wanted.items() if key not in ("pass_scheme", "host_header")}
        lines = setting_lines(site, directives)
        changes = set_directives(ctx, site, lines) if lines else []
        if "pass_scheme" in wanted:
            scheme_line = setting_lines(site, {"pass_scheme": wanted["pass_scheme"]})[0]
            changes.append(ctx.editor.replace(site.node, scheme_line))
        if "host_header" in wanted:
            changes += host_header_changes(ctx, site, wanted["host_header"]) or []
        edits = compose(changes) or []
        notes = [f"from the evidence: {line}" for line in setting_lines(site, wanted)]
        if wanted.get("ssl_name") and site.target.host:
            options = replace(options, ssl_names=((site.target.host, wanted["ssl_name"]), *options.ssl_names))
    offsets = {source.path: source.offset for source in diagnosis.config.files}
    result = rules_fix(apply_edits(text, edits, offsets), options, diagnosis.name, unsafe_fixes=unsafe_fixes)
    result.original = text
    result.checked = diagnosis.report
    result.notes = notes
    result.outstanding += [f"the upstream must be fixed ({cause.cause}): {CAUSES[cause.cause].action}"
                           for cause in diagnosis.causes
                           if cause.confidence >= 0.5 and cause.side == UPSTREAM
                           and not cause.applicable(options, unsafe_fixes)]
    return result
