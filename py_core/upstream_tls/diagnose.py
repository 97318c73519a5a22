"""Config + evidence (error.log lines, the upstream's chain) -> ranked causes.

Each piece of evidence proposes candidate causes with a confidence; the same
cause proposed twice gains confidence. Where one log line fits two causes
(verify error 20: missing trust anchor or too small a depth; 21: missing
intermediate or a leaf trusted instead of its CA) the chain decides, and
without it both are listed with the input that would decide.
"""
from __future__ import annotations

from dataclasses import dataclass, field, replace

from .causes import CAUSES, UPSTREAM
from .certs import Chain
from .editing import compose, format_directive
from .engine import DEFAULT_OPTIONS, FixResult, check
from .engine import fix as rules_fix
from .findings import Edit
from .logs import LogEvent
from .model import Config
from .options import Options
from .parse import DEFAULT_NAME
from .rewrite import apply_edits
from .rules.base import Context, is_on, set_directives, tls_name, upgrade_scheme_edit
from .upstreams import Site, is_ip_literal, parse_target

DEV_CIPHERS = "DEFAULT:@SECLEVEL=0"
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
    "client-key-encrypted": "client-key-encrypted",
    "upstream-ssl-flag": "upstream-server-ssl-flag",
    "upstream-no-client-cert": "client-certificate-required",
    "upstream-client-cert-verify-failed": "client-certificate-rejected",
    "upstream-plain-http-to-https": "http-to-https-port",
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

    @property
    def side(self) -> str:
        return CAUSES[self.cause].side

    @property
    def dev_only(self) -> bool:
        """Settings that weaken TLS: offered in dev mode only, as unsafe."""
        return self.side == UPSTREAM and bool(self.settings)


@dataclass
class Diagnosis:
    config: Config
    site: Site | None
    chain: Chain | None
    events: list[LogEvent]
    causes: list[Cause]
    options: Options
    name: str

    def fix_payload(self, cause: Cause) -> dict | None:
        info = CAUSES[cause.cause]
        if cause.dev_only and self.options.production:
            return {"title": f"the upstream must be fixed: {info.action}", "applicability": "display-only",
                    "directives": []}
        if not cause.settings or self.site is None:
            return {"title": info.action, "applicability": "display-only", "directives": []}
        lines = setting_lines(self.site, cause.settings)
        if cause.dev_only:
            title = f"dev only: {', '.join(lines)} — weakens TLS toward the upstream; {info.action}"
            return {"title": title, "applicability": "unsafe", "directives": lines}
        return {"title": info.action, "applicability": "safe", "directives": lines,
                "where": f"{self.site.node.file}:{self.site.node.line}"}

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
                            if event.kind in ("other-error",)]}


def setting_lines(site: Site, settings: dict[str, str]) -> list[str]:
    return [format_directive(site.directive(suffix), value.split(" ") if suffix == "ssl_protocols" else [value])
            for suffix, value in settings.items() if suffix != "pass_scheme"]


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


def find_site(sites: list[Site], events: list[LogEvent]) -> Site | None:
    """The upstream the evidence is about: the one whose address a log line
    names, else the only TLS upstream, else the only upstream."""
    for event in events:
        if not event.upstream:
            continue
        target = parse_target(event.upstream)
        for site in sites:
            addresses = {(site.target.host, site.target.port)}
            addresses |= {(parse_target(server.args[0]).host, parse_target(server.args[0]).port or 80)
                          for server in site.group_servers if server.args}
            if (target.host, target.port) in addresses:
                return site
    tls = [site for site in sites if site.tls]
    if len(tls) == 1:
        return tls[0]
    return sites[0] if len(sites) == 1 else None


def choose_name(site: Site, chain: Chain | None, options: Options) -> tuple[str | None, str | None]:
    """(the DNS name to check, or None with why). Asks rather than guesses
    when the certificate holds several names and none is the proxy_pass host."""
    given = options.ssl_name_for(site.target.host, True) if site.target.host else None
    if given:
        return given, None
    if chain is None:
        return None, "pass --upstream-cert (the chain) or --ssl-name NAME to choose the name"
    leaf = chain.leaf
    names = [name for name in leaf.dns_names if "*" not in name]
    if site.target.host in names:
        return site.target.host, None
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

    def __init__(self, site: Site | None, chain: Chain | None, options: Options):
        self.site = site
        self.chain = chain
        self.options = options
        self.found = _Collector()

    def trust_settings(self) -> dict[str, str]:
        settings = {"ssl_verify": "on", "ssl_trusted_certificate": self.options.ca_file}
        if self.chain is not None and self.site is not None and self.chain.verify_depth_needed > _current_depth(
                self.site):
            settings["ssl_verify_depth"] = str(self.chain.verify_depth_needed)
        return settings

    def name_settings(self, cause: str, confidence: float, evidence: str) -> None:
        if self.site is None:
            self.found.add(cause, confidence, evidence)
            return
        name, note = choose_name(self.site, self.chain, self.options)
        settings = {"ssl_server_name": "on"}
        if name:
            settings["ssl_name"] = name
        self.found.add(cause, confidence, evidence, settings=settings, note=note)

    def verify_error(self, event: LogEvent, where: str) -> None:
        code = event.verify_code
        evidence = f"{where}: verify error {code} ({event.verify_text})"
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
        if needed > current:
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
        if not sent_intermediate and not leaf.self_signed:
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
            self.name_settings("sni-required", 0.95, evidence)
        elif alert == 70 or "protocol version" in reason or "unsupported protocol" in reason:
            self._protocols(evidence)
        elif "wrong version number" in reason or "http request" in reason:
            self.found.add("https-to-plain-http", 0.95, evidence)
        elif alert == 116 or "certificate required" in reason:
            self.found.add("client-certificate-required", 0.9, evidence, settings=self._client_settings())
        elif alert in (42, 48) or "bad certificate" in reason or "unknown ca" in reason:
            self.found.add("client-certificate-rejected", 0.7, evidence)
        elif "legacy sigalg" in reason:
            self.found.add("legacy-upstream-protocol", 0.8, evidence, settings={"ssl_ciphers": DEV_CIPHERS})
        elif "key too small" in reason or "too weak" in reason:
            self.found.add("weak-upstream-key", 0.8, evidence, settings={"ssl_ciphers": DEV_CIPHERS})
        elif alert == 40 or "handshake failure" in reason or "no shared cipher" in reason:
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

    def _client_settings(self) -> dict[str, str]:
        cert, key = self.options.client_cert, self.options.client_key
        return {"ssl_certificate": cert, "ssl_certificate_key": key} if cert and key else {}

    def event(self, event: LogEvent) -> None:
        where = f"log line {event.line}"
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
                           settings={"ssl_trusted_certificate": self.options.ca_file})
        elif kind == "no-trusted-certificate":
            self.found.add("verify-without-trusted-certificate", 0.95, f"{where}: {event.message}",
                           settings={"ssl_trusted_certificate": self.options.ca_file})
        elif kind in ("client-key-missing", "client-key-mismatch") and self.options.client_key:
            self.found.add(LOG_KIND_CAUSES[kind], 0.95, f"{where}: {event.message}",
                           settings={"ssl_certificate_key": self.options.client_key})
        elif kind == "upstream-no-client-cert":
            self.found.add("client-certificate-required", 0.95, f"{where} (upstream's log): {event.message}",
                           settings=self._client_settings(),
                           note=None if self._client_settings() else "pass --client-cert and --client-key")
        elif kind == "upstream-plain-http-to-https":
            self.found.add("http-to-https-port", 0.95, f"{where} (upstream's log): {event.message}",
                           settings={"pass_scheme": "https"})
        elif kind in LOG_KIND_CAUSES:
            self.found.add(LOG_KIND_CAUSES[kind], 0.9, f"{where}: {event.message}")

    def _name_mismatch(self, event: LogEvent, where: str) -> None:
        checked = event.checked_name or ""
        evidence = f"{where}: certificate does not match \"{checked}\""
        site = self.site
        sni_off = site is not None and not is_on(site.effective("ssl_server_name"))
        name = tls_name(site) if site else None
        if sni_off and name and not is_ip_literal(name) and self.chain is not None and not self.chain.leaf.matches_name(
                name):
            self.name_settings("sni-required", 0.8, evidence + "; without SNI the upstream serves a certificate "
                               "for another name")
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
             name: str = DEFAULT_NAME) -> Diagnosis:
    report = check(text, options, name)
    config = report.config
    sites = Context(config, options).sites
    site = find_site(sites, log_events)
    reasoner = _Reasoner(site, chain, options)
    for event in log_events:
        reasoner.event(event)
    if chain is not None:
        reasoner.chain_facts()
    for finding in report.findings:
        if finding.code in RULE_CAUSES:
            cause, confidence = RULE_CAUSES[finding.code]
            reasoner.found.add(cause, confidence, f"{finding.span.file}:{finding.span.line}: {finding.code} "
                               f"{finding.message}")
    return Diagnosis(config, site, chain, log_events, reasoner.found.ranked(), options, name)


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
            if cause.confidence < 0.5 or (cause.dev_only and options.production and not unsafe_fixes):
                continue
            for suffix, value in cause.settings.items():
                wanted.setdefault(suffix, value)
        ctx = Context(diagnosis.config, options)
        lines = setting_lines(site, wanted)
        changes = set_directives(ctx, site, lines) if lines else []
        if wanted.get("pass_scheme") and not site.tls:
            changes.append(upgrade_scheme_edit(ctx, site))
        edits = compose(changes) or []
        notes = [f"from the evidence: {line}" for line in lines]
        if wanted.get("ssl_name") and site.target.host:
            options = replace(options, ssl_names=((site.target.host, wanted["ssl_name"]), *options.ssl_names))
    offsets = {source.path: source.offset for source in diagnosis.config.files}
    result = rules_fix(apply_edits(text, edits, offsets), options, diagnosis.name, unsafe_fixes=unsafe_fixes)
    result.original = text
    result.notes = notes
    return result
