"""Reading certificate verification failures: the OpenSSL verify code and
the name check. Two codes fit two causes each (20: a missing anchor or too
small a depth; 21: a missing intermediate or a leaf trusted instead of its
CA); the chain, and the trust file when it can be read, decide."""
from __future__ import annotations

from dataclasses import replace

from ..causes import CAUSES, UPSTREAM
from ..upstreams import is_ip_literal
from .case import Case
from .reading import Reading
from .repair import Repair
from .situation import MISSING, SENT
from .weights import CERTAIN, EVEN, LIKELY, POSSIBLE, STRONG

DIRECT_CODES = {
    3: "crl-wrong-issuer", 9: "certificate-not-yet-valid", 10: "certificate-expired", 12: "crl-expired",
    22: "verify-depth-exceeded", 23: "certificate-revoked", 26: "certificate-purpose", 66: "weak-upstream-key",
    67: "weak-upstream-key", 68: "weak-upstream-key",
}
UNTRUSTED_CODES = (2, 18, 19)
CHAIN_DECIDES_20 = ("the chain decides: `openssl s_client -connect HOST:PORT -showcerts` shows how many "
                    "intermediates there are against proxy_ssl_verify_depth")
CHAIN_DECIDES_21 = "the chain decides: does the upstream send its intermediate (openssl s_client -showcerts)?"


def verify_error(code: int, evidence: str, case: Case) -> list[Reading]:
    readings = _verify_error(code, evidence + _elsewhere(case), case)
    if case.situation.verifying is False and not case.options.production:
        return [replace(reading, repair=Repair()) for reading in readings]  # dev: verification is already off here
    return readings


def _elsewhere(case: Case) -> str:
    """A verify error cannot come from a block that does not verify."""
    if case.situation.verifying is not False:
        return ""
    return ("; this config does not verify here, so the line comes from elsewhere: an include, another "
            "location, or the config as it was before")


def _verify_error(code: int, evidence: str, case: Case) -> list[Reading]:
    if code == 20:
        return _unable_to_get_local_issuer(evidence, case)
    if code == 21:
        return _unable_to_verify_first(evidence, case)
    if code == 22:
        return [Reading("verify-depth-exceeded", CERTAIN, evidence, case.depth_repair())]
    if code in UNTRUSTED_CODES:
        return [Reading("untrusted-certificate", CERTAIN, evidence + _bundle_note(case), case.trust_repair())]
    if code == 10:
        return _expired(evidence, case)
    if code in DIRECT_CODES:
        cause = DIRECT_CODES[code]
        repair = Repair((("ssl_verify", "off"),)) if CAUSES[cause].side == UPSTREAM else Repair()
        return [Reading(cause, CERTAIN, evidence, repair)]
    return [Reading("untrusted-certificate", POSSIBLE, evidence)]


def _bundle_note(case: Case) -> str:
    if case.trusts_system_bundle():
        return (f"; {case.trusted_path()} is a bundle of public CAs, which never holds a private or self-signed "
                "upstream's certificate")
    return ""


def _expired(evidence: str, case: Case) -> list[Reading]:
    """Error 10 names an expired certificate somewhere on the path nginx
    built: the leaf, or a CA (a cross-signed root such as DST Root CA X3
    kept in an old trust file) while the upstream's own certificate is fine."""
    chain = case.chain
    if chain is not None and not chain.leaf.expired:
        expired = [cert for cert in chain.ordered[1:] if cert.expired]
        detail = (f"; {expired[0].subject} in the chain expired on {expired[0].not_after:%Y-%m-%d}" if expired
                  else "; the upstream's own certificate is valid, so an expired CA on the path is the one")
        return [Reading("untrusted-certificate", STRONG, evidence + detail, case.trust_repair(),
                        note="trust the upstream's current root (not an expired cross-signed one) and drop "
                             "expired CAs from the trust file")]
    return [Reading("certificate-expired", CERTAIN, evidence, Repair((("ssl_verify", "off"),)))]


def _unable_to_get_local_issuer(evidence: str, case: Case) -> list[Reading]:
    chain = case.chain
    if chain is None:
        if case.trusts_system_bundle() and case.situation.public_name:
            return [Reading("verify-depth-exceeded", LIKELY, f"{evidence}; {case.trusted_path()} holds every public "
                            "root, so a publicly named upstream's chain ends in one: it is longer than "
                            f"proxy_ssl_verify_depth {case.current_depth()} (a cross-signed root adds a link)",
                            case.depth_repair(), decides=CHAIN_DECIDES_20),
                    Reading("untrusted-certificate", EVEN, evidence, case.trust_repair(), decides=CHAIN_DECIDES_20)]
        untrusted = STRONG if case.trusts_system_bundle() else LIKELY
        return [Reading("untrusted-certificate", untrusted, evidence + _bundle_note(case), case.trust_repair(),
                        decides=CHAIN_DECIDES_20),
                Reading("verify-depth-exceeded", EVEN, evidence, case.depth_repair(), decides=CHAIN_DECIDES_20)]
    needed, current = chain.verify_depth_needed, case.current_depth()
    trust = case.trust_file()
    top = chain.ordered[-1]
    if trust and not any(cert.subject == top.issuer or cert.fingerprint_sha256 == top.fingerprint_sha256
                         for cert in trust[1].certificates):
        return [Reading("untrusted-certificate", CERTAIN, f"{evidence}; {trust[0]} holds nothing that issued "
                        f"{top.subject}", case.trust_repair())]
    if needed > current:
        return [Reading("verify-depth-exceeded", CERTAIN, f"{evidence}; the chain has {chain.intermediates} "
                        f"intermediates, depth is {current}", Repair((("ssl_verify_depth", str(needed)),)))]
    return [Reading("untrusted-certificate", STRONG, f"{evidence}; the depth ({current}) is enough for the "
                    "chain, so the trust file lacks its root", case.trust_repair())]


def _unable_to_verify_first(evidence: str, case: Case) -> list[Reading]:
    chain = case.chain
    if chain is None and case.trusts_system_bundle():
        return [Reading("incomplete-chain", STRONG, f"{evidence}; {case.trusted_path()} is a bundle of public roots, "
                        "so the missing link is the intermediate the upstream should send", decides=CHAIN_DECIDES_21)]
    if chain is None:
        return [Reading("incomplete-chain", LIKELY, evidence, decides=CHAIN_DECIDES_21),
                Reading("untrusted-certificate", EVEN, evidence + " (a leaf trusted instead of its CA gives the "
                        "same error)", case.trust_repair(), decides=CHAIN_DECIDES_21)]
    leaf = chain.leaf
    trust = case.trust_file()
    if trust and not leaf.self_signed and leaf.fingerprint_sha256 in {
            cert.fingerprint_sha256 for cert in trust[1].certificates}:
        return [Reading("untrusted-certificate", CERTAIN, f"{evidence}; {trust[0]} holds the upstream's own "
                        f"certificate, not the CA that issued it ({leaf.issuer})", case.trust_repair(),
                        note=f"trust {leaf.issuer} instead (fetch it from the PKI if the chain lacks it)")]
    if len(chain.certificates) == 1 and not leaf.self_signed:
        return [Reading("incomplete-chain", STRONG, f"{evidence}; the upstream sends only its leaf, issued by "
                        f"{leaf.issuer}", note=f"fetch {leaf.issuer} from the PKI for the stopgap"),
                Reading("untrusted-certificate", POSSIBLE, f"{evidence}; if the trust file holds the leaf "
                        "itself, it must hold the CA instead", case.trust_repair(),
                        decides="which certificate the trust file holds: the CA, not the leaf")]
    return [Reading("untrusted-certificate", STRONG, f"{evidence}; the upstream sends its chain, so the trust file "
                    "holds something else than its root (a leaf?)", case.trust_repair())]


def name_mismatch(checked: str, where: str, case: Case) -> list[Reading]:
    """`upstream SSL certificate does not match "NAME"`. Toward a hostname
    with SNI off, the upstream served its default certificate: the name is
    right, SNI is missing."""
    evidence = f"{where}: certificate does not match \"{checked}\"{_elsewhere(case)}"
    situation = case.situation
    repair, note = case.name_repair()
    chain = case.chain
    group_name = situation.site is not None and situation.site.group is not None and \
        checked == situation.target.host
    if is_ip_literal(checked) or group_name:
        kind = "an IP address" if is_ip_literal(checked) else "the upstream group's name"
        return [Reading("name-mismatch", CERTAIN, f"{evidence}, {kind}: nginx checks that name unless "
                        "proxy_ssl_name says another", repair, note=note)]
    if situation.sni == MISSING:
        if chain is not None and chain.leaf.matches_name(checked):
            return [Reading("sni-required", CERTAIN, f"{evidence}; the upstream does hold a certificate for it, so "
                            "without SNI it served its default one", repair, note=note)]
        readings = [Reading("sni-required", STRONG, f"{evidence}; without SNI a multi-site upstream serves its "
                            "default certificate", repair, note=note,
                            decides="the chain fetched with -servername NAME covers NAME: then SNI is the fix")]
        return readings + [Reading("name-mismatch", POSSIBLE, evidence, repair, note=note)]
    strength = STRONG if situation.sni == SENT else LIKELY
    return [Reading("name-mismatch", strength, evidence, repair, note=note)]
