"""The rule registry: an explicit tuple, in the order findings are reported."""
from .base import Rule
from .client_certificate_without_key import ClientCertificateWithoutKey
from .host_header_mismatch import HostHeaderMismatch
from .http_to_tls_port import HttpToTlsPort
from .https_to_plain_port import HttpsToPlainPort
from .include_not_in_paste import IncludeNotInPaste
from .legacy_protocols import LegacyProtocols
from .name_cannot_match import NameCannotMatch
from .sni_not_sent import SniNotSent
from .tls13_disabled import Tls13Disabled
from .trusted_certificate_unused import TrustedCertificateUnused
from .upstream_address_unknown import UpstreamAddressUnknown
from .upstream_server_ssl_flag import UpstreamServerSslFlag
from .verify_disabled import VerifyDisabled
from .verify_not_enabled import VerifyNotEnabled
from .verify_without_trusted_certificate import VerifyWithoutTrustedCertificate

RULES: tuple[Rule, ...] = (
    VerifyDisabled(),
    VerifyNotEnabled(),
    VerifyWithoutTrustedCertificate(),
    TrustedCertificateUnused(),
    NameCannotMatch(),
    SniNotSent(),
    HostHeaderMismatch(),
    UpstreamServerSslFlag(),
    HttpToTlsPort(),
    HttpsToPlainPort(),
    LegacyProtocols(),
    Tls13Disabled(),
    ClientCertificateWithoutKey(),
    UpstreamAddressUnknown(),
    IncludeNotInPaste(),
)

RULES_BY_CODE = {rule.code: rule for rule in RULES}

__all__ = ["RULES", "RULES_BY_CODE", "Rule"]
