"""When certificates run out: the ones that expire within a warning window
(the upstream's rotated certificate or a stale trust file is the commonest
way the 502 comes back). output/prometheus.py gives the same dates as metrics."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from .certs import CertInfo, Chain

DEFAULT_WARN_DAYS = 30


@dataclass(frozen=True)
class Expiry:
    """One certificate of one file, measured against the warning window."""

    file: str
    index: int
    cert: CertInfo
    warn_days: int

    @property
    def expired(self) -> bool:
        return self.cert.not_after <= self.cert.checked_at

    @property
    def expiring(self) -> bool:
        """Expired, or expiring within `warn_days` of the check."""
        return self.cert.not_after <= self.cert.checked_at + timedelta(days=self.warn_days)

    def describe(self) -> str:
        when = self.cert.not_after.strftime("%Y-%m-%d %H:%M:%SZ")
        left = self.cert.not_after - self.cert.checked_at
        if self.expired:
            state = f"EXPIRED on {when} ({_days(-left)} ago)"
        else:
            state = f"expires on {when}, in {_days(left)} (within {self.warn_days} days)"
        return (f"{self.file}: certificate {self.index + 1} ({self.cert.subject}, serial {self.cert.serial}) "
                f"{state}")


def _days(delta: timedelta) -> str:
    days = delta.days
    if days >= 1:
        return f"{days} day{'s' * (days != 1)}"
    hours = int(delta.total_seconds() // 3600)
    return f"{hours} hour{'s' * (hours != 1)}"


def expiries(chain: Chain, warn_days: int) -> list[Expiry]:
    """Every certificate of the file, in the order given."""
    return [Expiry(chain.name, index, cert, warn_days) for index, cert in enumerate(chain.certificates)]


def expiring(chain: Chain, warn_days: int) -> list[Expiry]:
    return [expiry for expiry in expiries(chain, warn_days) if expiry.expiring]
