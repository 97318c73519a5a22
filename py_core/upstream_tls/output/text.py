"""The CLI's text: one line per finding with its fix, the summary, the
fix's notes, the ranked diagnosis, a certificate chain."""
from __future__ import annotations

from ..causes import CAUSES
from ..certs import CertInfo, Chain
from ..engine import FixResult, Report
from ..findings import Applicability, Finding, severity_counts
from ..model import Diagnostic


def diagnostic_line(diagnostic: Diagnostic) -> str:
    return f"{diagnostic.file}:{diagnostic.line}: error: {diagnostic.message}"


def finding_lines(finding: Finding) -> list[str]:
    lines = [f"{finding.span.file}:{finding.span.line}: {finding.code} [{finding.severity.value}] {finding.message}"]
    if finding.fix is not None:
        lines.append(f"    fix ({finding.fix.applicability.value}): {finding.fix.title}")
    return lines


def summary_line(findings: list[Finding]) -> str:
    if not findings:
        return "No upstream TLS problems found."
    tally = severity_counts(findings)
    parts = [f"{number} {level}{'s' if number != 1 else ''}" for level, number in tally.items() if number]
    fixable = sum(1 for finding in findings if finding.fix and finding.fix.applicability is Applicability.SAFE)
    text = f"Found {len(findings)} finding{'s' if len(findings) != 1 else ''} ({', '.join(parts)})."
    if fixable:
        text += f" {fixable} fixable with `upstream-tls fix`."
    return text


def text_report(report: Report, file_problems: tuple = ()) -> str:
    """The findings, what `--read-files` found in the files the config
    names, then the one summary line."""
    lines = [line for finding in report.findings for line in finding_lines(finding)]
    lines += [file_problem_line(problem) for problem in file_problems]
    if file_problems:
        count = len(file_problems)
        lines.append((summary_line(report.findings) if report.findings else "No upstream TLS problems in the config "
                      "itself.") + f" {count} problem{'s' * (count != 1)} in the files it names.")
    else:
        lines.append(summary_line(report.findings))
    return "\n".join(lines) + "\n"


def file_problem_line(problem) -> str:
    return f"{problem.file}:{problem.line}: [{problem.severity.value}] {problem.directive} {problem.path}: " \
           f"{problem.message}"


def fix_summary(result: FixResult) -> str:
    lines = list(result.notes)
    lines += [f"fixed {finding.code} ({finding.fix.title}): {finding.message}" for finding in result.applied]
    lines += [f"fill in: {note}" for note in result.placeholders]
    lines += [f"not done: {note}" for note in result.outstanding]
    lines += [line for finding in result.remaining for line in finding_lines(finding)]
    if result.remaining:
        lines.append("Still to do (line numbers are the fixed text's): " + summary_line(result.remaining))
    return "\n".join(lines) + ("\n" if lines else "")


def diagnosis_text(diagnosis) -> str:
    lines = []
    if diagnosis.site is not None:
        site = diagnosis.site
        lines.append(f"upstream: {site.describe()} ({site.node.file}:{site.node.line})")
    lines += [f"also in the log: {site.describe()} ({site.node.file}:{site.node.line}), {count} line(s): "
              "diagnose it with its own lines" for site, count in diagnosis.others]
    if not diagnosis.causes:
        lines.append("No cause found in the evidence.")
    for rank, cause in enumerate(diagnosis.causes, 1):
        kind = "" if CAUSES[cause.cause].tls else ", not TLS"
        lines.append(f"{rank}. {cause.cause} [{cause.side}{kind}, {round(cause.confidence * 100)}%]: "
                     f"{CAUSES[cause.cause].title}")
        lines += [f"   evidence: {item}" for item in cause.evidence]
        remedy = diagnosis.remedy(cause)
        suffix = f" — {' '.join(remedy.directives)}" if remedy.directives else ""
        lines.append(f"   fix ({remedy.applicability}): {remedy.title}{suffix}")
        if cause.note:
            lines.append(f"   note: {cause.note}")
        if cause.decides:
            lines.append(f"   decides: {cause.decides}")
    lines += [f"unexplained: line {event.line}: {event.raw.strip()}" for event in diagnosis.unexplained]
    lines += [f"would decide: {item}" for item in diagnosis.missing]
    return "\n".join(lines) + "\n"


def chain_lines(chain: Chain) -> list[str]:
    """What `upstream-tls cert` prints and the LLM prompt quotes: each
    certificate, the path, the depth, the anchor or what is missing."""
    count = len(chain.certificates)
    lines = [f"{chain.name}: {count} certificate{'s' * (count != 1)}, {chain.format.upper()}"]
    for index, cert in enumerate(chain.certificates):
        lines += [f"{index + 1}. {cert.subject}  [{chain.role(index)}]", *certificate_lines(cert)]
    order = " → ".join(str(i + 1) for i in chain.order)
    depth = chain.verify_depth_needed
    lines.append(f"chain: {order}; {chain.intermediates} intermediate(s): proxy_ssl_verify_depth {depth}"
                 + (" (the default) is enough" if depth == 1 else " is needed"))
    if chain.trust_anchor is not None:
        lines.append(f"trust anchor: {chain.trust_anchor.subject} — put it in proxy_ssl_trusted_certificate")
    else:
        lines.append(f"missing: {chain.missing_issuer} (issuer of {chain.ordered[-1].subject}) is not in "
                     "the input; fetch it from the PKI to trust it")
    lines += [f"purpose: {error}" for error in chain.purpose_errors]
    if chain.verify_return_code is not None:
        lines.append("openssl: Verify return code: {} ({})".format(*chain.verify_return_code))
    lines += [f"note: {problem}" for problem in chain.problems]
    return lines


def certificate_lines(cert: CertInfo) -> list[str]:
    names = "; ".join(filter(None, [", ".join(f"DNS {name}" for name in cert.dns_names),
                                    ", ".join(f"IP {ip}" for ip in cert.ip_addresses)]))
    if cert.expired:
        validity = f"EXPIRED {-cert.days_left} day(s) ago"
    elif cert.not_yet_valid:
        validity = "NOT YET VALID"
    else:
        validity = f"{cert.days_left} day(s) left"
    key = " ".join(str(part) for part in (cert.key_type, cert.ec_curve, cert.key_bits) if part)
    usage = f"; EKU {', '.join(cert.extended_key_usage)}" if cert.extended_key_usage else ""
    return [
        f"   issuer: {cert.issuer}",
        f"   names: {names or 'none (common name ' + str(cert.subject_cn) + ')'}",
        f"   valid: {cert.not_before:%Y-%m-%d %H:%M} .. {cert.not_after:%Y-%m-%d %H:%M} UTC ({validity})",
        f"   key: {key}; signature {cert.signature_algorithm}"
        + (" (weak)" if cert.weak_signature else "") + usage + ("; CA" if cert.is_ca else ""),
    ]
