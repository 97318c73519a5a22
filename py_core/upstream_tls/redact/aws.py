"""AWS account ids, which say whose infrastructure this is: the one inside
every ARN goes by default and the service and resource path around it stay
(`arn:aws:iam::REDACTED_AWS_ACCOUNT_1:role/edge-reader` still reads), as does
a bare 12-digit id where the line says account or owner. With --topology
the whole ARN goes: the resource names say what runs where.
"""
from __future__ import annotations

import re
from collections.abc import Iterator

from .text import Hit, Scan, alternation, line_end, line_start

_ARN = re.compile(r"arn:aws[a-z-]*:[a-z0-9-]*:[a-z0-9-]*:([0-9]{12})?:[^\s\"'`;,)}\]<>]*[^\s\"'`;,)}\]<>.]")
# Portuguese `conta` only as a word (not `contact`, `container`): checked after the match.
# A word that starts so (`awsAccountId`, `accounts`), not one that ends so (`laws`, `draws`).
_CONTEXT = re.compile("(?<![a-z])" +
                      alternation("aws amazon account acct owner arn: konto compte cuenta conta".split()))
# Also inside names: buckets and registries often carry the account
# (`cdk-assets-123456789012-eu-west-1`, `123456789012.dkr.ecr…`).
_ACCOUNT = re.compile(r"(?<![0-9A-Za-z])(?:[0-9]{12}|[0-9]{4}-[0-9]{4}-[0-9]{4})(?![0-9A-Za-z])")


def arn_paths(scan: Scan) -> Iterator[tuple[int, int]]:
    """Public spans: an ARN but its account id, so no generic detector takes
    a resource path (`secret:prod/db-password-AbCd12`) for a secret."""
    for match in _ARN.finditer(scan.text):
        if match.group(1):
            yield match.start(), match.start(1)
            yield match.end(1), match.end()
        else:
            yield match.span()


def account_ids(scan: Scan) -> Iterator[Hit]:
    """The account id of every ARN, and 12-digit ids (or the console's
    1234-5678-9012) on a line that speaks of AWS, an account or an owner —
    also inside a resource path, which arn_paths otherwise keeps."""
    text = scan.text
    for match in _ARN.finditer(text):
        if match.group(1):
            yield Hit(match.start(1), match.end(1), "AWS_ACCOUNT")
    position, lower = 0, scan.lower
    for context in _CONTEXT.finditer(lower):
        end = context.end()
        if context.start() < position or (context.group() == "conta" and lower[end:end + 1].isalpha()):
            continue
        start, position = line_start(text, context.start()), line_end(text, context.start())
        for match in _ACCOUNT.finditer(text, start, position):
            yield Hit(match.start(), match.end(), "AWS_ACCOUNT")


def arns(scan: Scan) -> Iterator[Hit]:
    """With --topology: whole ARNs."""
    for match in _ARN.finditer(scan.text):
        yield Hit(match.start(), match.end(), "AWS_ARN")
