#!/usr/bin/env python3
"""Time `upstream_tls.redact` against crossplane's bare parse of the same
~100k-line config, in the same process, and print the ratio (goal <= 1.0).

Two configs are built from bench/redaction_corpus.py's server blocks:
`dense` keeps its planted secrets (about one line in six holds one, far more
than any real config), `plain` drops those lines. Each is redacted at the
secrets level and with --topology. Timings are the best of --repeat runs.

Usage: python bench/bench_redact.py [--lines 100000] [--repeat 3] [--json FILE]
"""
from __future__ import annotations

import argparse
import gc
import json
import sys
import tempfile
import time
from pathlib import Path

import crossplane

sys.path.insert(0, str(Path(__file__).resolve().parent))
import redaction_corpus  # noqa: E402  (a sibling script, not a package)

from upstream_tls.redact import redact  # noqa: E402


def build(lines: int, with_secrets: bool) -> str:
    """One http block of corpus server blocks, about `lines` long."""
    bodies, count, rounds = [], 0, 1
    while count < lines:
        for sample in redaction_corpus.build_corpus(seed=rounds, rounds=1):
            if not sample.is_config:
                continue
            body = sample.text[len("http {\n"):-len("}\n")]
            if not with_secrets:
                for secret in sample.secrets:
                    body = "\n".join(line for line in body.split("\n") if secret.value.split("\n")[0] not in line)
            bodies.append(body)
            count += body.count("\n")
            if count >= lines:
                break
        rounds += 1
    return "http {\n" + "".join(bodies) + "}\n"


def best(repeat: int, function, *args, **kwargs) -> float:
    times = []
    for _ in range(repeat):
        gc.collect()
        started = time.perf_counter()
        function(*args, **kwargs)
        times.append(time.perf_counter() - started)
    return min(times)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--lines", type=int, default=100_000)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--json", metavar="FILE", help="also write the results here")
    args = parser.parse_args(argv)
    results = []
    print(f"{'config':<8}{'lines':>9}{'parse s':>10}{'redact s':>10}{'ratio':>8}{'topology s':>12}{'ratio':>8}")
    for name, with_secrets in (("dense", True), ("plain", False)):
        text = build(args.lines, with_secrets)
        with tempfile.NamedTemporaryFile("w", suffix=".conf", delete=False) as handle:
            handle.write(text)
        path = Path(handle.name)
        try:
            parse = best(args.repeat, crossplane.parse, str(path), single=True, check_ctx=False, check_args=False)
        finally:
            path.unlink()
        secrets = best(args.repeat, redact, text)
        topology = best(args.repeat, redact, text, topology=True)
        row = {"config": name, "lines": text.count("\n"), "bytes": len(text), "parse_s": parse,
               "redact_s": secrets, "redact_ratio": secrets / parse, "topology_s": topology,
               "topology_ratio": topology / parse, "values": len(redact(text).mapping.placeholders)}
        results.append(row)
        print(f"{name:<8}{row['lines']:>9}{parse:>10.3f}{secrets:>10.3f}{row['redact_ratio']:>8.2f}"
              f"{topology:>12.3f}{row['topology_ratio']:>8.2f}")
    if args.json:
        Path(args.json).write_text(json.dumps(results, indent=2) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
