"""The certificates of one input and what they add up to for nginx: the
leaf's issuer path, the trust anchor, the verify depth, purpose errors."""
from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property

from .certificate import CertInfo


class ChainError(ValueError):
    """No certificate could be read; the message is one line naming the input."""


# With a keyUsage extension, a leaf must allow one of these (OpenSSL, error 26).
_SERVER_KEY_USAGES = frozenset({"digital_signature", "key_encipherment", "key_agreement"})


@dataclass(frozen=True)
class Chain:
    """The certificates of one input, in the order given, and what they add
    up to for nginx. `problems` are notes about the input itself (skipped
    blocks, DER, order); they never hold key material."""

    certificates: tuple[CertInfo, ...]
    format: str
    problems: tuple[str, ...] = ()
    verify_return_code: tuple[int, str] | None = None
    name: str = "<chain>"

    @cached_property
    def order(self) -> tuple[int, ...]:
        """Indexes into `certificates`, from the leaf up along issuer links.
        The leaf is the first certificate that issued none of the others, so
        a chain given root-first is still read from its leaf."""
        certs = self.certificates
        issuers = {i for i, cert in enumerate(certs)
                   if any(cert.issued(other) for j, other in enumerate(certs) if j != i)}
        path = [next((i for i in range(len(certs)) if i not in issuers), 0)]
        while not certs[path[-1]].self_signed:
            above = next((j for j, cert in enumerate(certs)
                          if j not in path and cert.issued(certs[path[-1]])), None)
            if above is None:
                break
            path.append(above)
        return tuple(path)

    @property
    def ordered(self) -> tuple[CertInfo, ...]:
        """Leaf → intermediates → top, following issuer links."""
        return tuple(self.certificates[i] for i in self.order)

    @property
    def leaf(self) -> CertInfo:
        return self.ordered[0]

    @property
    def in_order(self) -> bool:
        """Whether the chain was given leaf first, each issuer after its subject."""
        return self.order[0] == 0 and list(self.order) == sorted(self.order)

    @property
    def unrelated(self) -> tuple[CertInfo, ...]:
        """Certificates given that are not on the leaf's issuer path."""
        return tuple(cert for i, cert in enumerate(self.certificates) if i not in self.order)

    @property
    def trust_anchor(self) -> CertInfo | None:
        """The self-signed top of the chain: what proxy_ssl_trusted_certificate
        must hold. None when the chain stops below its root — a CA-issued
        certificate is never an anchor (nginx then fails with error 21)."""
        top = self.ordered[-1]
        return top if top.self_signed else None

    @property
    def missing_issuer(self) -> str | None:
        """Subject of the issuer the input lacks, when the top is not self-signed."""
        top = self.ordered[-1]
        return None if top.self_signed else top.issuer

    @property
    def intermediates(self) -> int:
        """CA certificates between the leaf and the trust anchor, counting
        only those given: when the top is not a root, the issuers missing
        from the input may add more."""
        anchored = self.trust_anchor is not None and len(self.order) > 1
        return len(self.order) - 1 - anchored

    @property
    def verify_depth_needed(self) -> int:
        """The smallest proxy_ssl_verify_depth that accepts this chain, never
        below nginx's default of 1: the depth counts intermediates (1 accepts
        root → intermediate → leaf; a self-signed leaf needs 0)."""
        return max(1, self.intermediates)

    @property
    def purpose_errors(self) -> tuple[str, ...]:
        """Why OpenSSL would refuse this chain for a TLS server (error 26,
        unsuitable certificate purpose): extendedKeyUsage anywhere on the
        path, keyUsage on the leaf."""
        errors = []
        for position, index in enumerate(self.order):
            cert = self.certificates[index]
            where = f"certificate {index + 1} ({cert.subject})"
            if not cert.server_auth_ok:
                errors.append(f"{where}: extendedKeyUsage {', '.join(cert.extended_key_usage)} "
                              "does not allow a TLS server")
            if position == 0 and cert.key_usage and _SERVER_KEY_USAGES.isdisjoint(cert.key_usage):
                errors.append(f"{where}: keyUsage {', '.join(cert.key_usage)} does not allow a TLS server")
        return tuple(errors)

    @property
    def dns_names(self) -> tuple[str, ...]:
        return self.leaf.dns_names

    def trust_anchor_pem(self) -> str:
        """PEM of the trust anchor, for the CA bundle."""
        if self.trust_anchor is None:
            raise ChainError(
                f"{self.name}: no self-signed root in the input; the chain stops at {self.ordered[-1].subject}, "
                f"issued by {self.missing_issuer}: fetch that CA certificate from its PKI and trust it")
        return self.trust_anchor.pem

    def role(self, index: int) -> str:
        """What certificate `index` (as given) is in the chain."""
        if index not in self.order:
            return "not in the leaf's chain"
        roles = ["leaf"] if index == self.order[0] else []
        if index == self.order[-1] and self.trust_anchor is not None:
            roles.append("trust anchor, self-signed")
        return ", ".join(roles) or "intermediate"
