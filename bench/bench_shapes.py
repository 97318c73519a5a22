#!/usr/bin/env python3
"""Does `check` stay linear in the shape of a config, not only its size?

Three shapes that once cost quadratic time (one site's work reaching every
sibling, or climbing every level above it): N sibling `if` blocks each with
a proxy_pass in one location, N nested `if` blocks each with a proxy_pass,
and N locations in one server. For each, the time of `check` is compared
with the time of parsing the same text in the same process (best of
--repeat), and the growth exponent of `check` over N is printed: 1.0 is
linear.

    python bench/bench_shapes.py [--sizes 1000,2000,4000] [--repeat 3]
"""
from __future__ import annotations

import argparse
import math
import sys
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "py_core"))

from upstream_tls.engine import check  # noqa: E402
from upstream_tls.parse import parse  # noqa: E402


def _address(index: int) -> str:
    return f"10.{index // 62500}.{index // 250 % 250}.{index % 250 + 1}:8443"


def wide(count: int) -> str:
    return ("location / {\n" + "".join(f"    if ($arg_a{index}) {{ proxy_pass https://{_address(index)}; }}\n"
                                       for index in range(count)) + "}\n")


def deep(count: int) -> str:
    opened = "".join(f"  if ($arg_a{index}) {{ proxy_pass https://{_address(index)};\n" for index in range(count))
    return "location / {\n" + opened + "  }\n" * count + "}\n"


def locations(count: int) -> str:
    return ("server {\n" + "".join(f"    location /p{index}/ {{ proxy_pass https://{_address(index)}; }}\n"
                                   for index in range(count)) + "}\n")


SHAPES: dict[str, Callable[[int], str]] = {"sibling ifs": wide, "nested ifs": deep, "locations": locations}


def best(work: Callable[[], object], repeat: int) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        work()
        times.append(time.perf_counter() - start)
    return min(times)


def exponent(points: list[tuple[int, float]]) -> float:
    """Least-squares slope of log(seconds) on log(N)."""
    xs, ys = [math.log(n) for n, _ in points], [math.log(t) for _, t in points]
    mean_x, mean_y = sum(xs) / len(xs), sum(ys) / len(ys)
    return (sum((x - mean_x) * (y - mean_y) for x, y in zip(xs, ys, strict=True))
            / sum((x - mean_x) ** 2 for x in xs))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="1000,2000,4000")
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    sizes = sorted({int(size) for size in args.sizes.split(",")})
    print(f"{'shape':<12} {'N':>6} {'parse s':>9} {'check s':>9} {'check/parse':>12}")
    for name, build in SHAPES.items():
        points = []
        for size in sizes:
            text = build(size)
            parse_time = best(lambda text=text: parse(text), args.repeat)
            check_time = best(lambda text=text: check(text), args.repeat)
            points.append((size, check_time))
            print(f"{name:<12} {size:>6} {parse_time:>9.3f} {check_time:>9.3f} {check_time / parse_time:>12.2f}")
        print(f"{name:<12} growth exponent of check: {exponent(points):.2f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
