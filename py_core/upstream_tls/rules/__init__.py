"""The rule registry: an explicit tuple, in the order findings are reported."""
from .base import Context, Rule
from .client_key import ClientCertificateWithoutKey
from .host_header import HostHeaderMismatch
from .include_hidden import IncludeNotInPaste
from .name_mismatch import NameCannotMatch
from .ports import HttpsToPlainPort, HttpToTlsPort
from .protocols import LegacyProtocols, Tls13Disabled
from .server_ssl_flag import UpstreamServerSslFlag
from .sni_not_sent import SniNotSent
from .trusted_unused import TrustedCertificateUnused
from .unknown_address import UpstreamAddressUnknown
from .verify_disabled import VerifyDisabled
from .verify_not_enabled import VerifyNotEnabled
from .verify_without_trust import VerifyWithoutTrustedCertificate

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

__all__ = ["RULES", "RULES_BY_CODE", "Context", "Rule"]
