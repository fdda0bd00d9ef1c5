from __future__ import annotations

import argparse
import sys

from benchmarks import imports, linkage, matching, search, web

JOBS = {
    "search": search.main,
    "import": imports.main,
    "linkage": linkage.main,
    "matching": matching.main,
    "web": web.main,
}


def main() -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks")
    parser.add_argument("job", choices=sorted(JOBS))
    parser.add_argument("--size", choices=["S", "M", "L"], default="S")
    parser.add_argument("--seed", type=int, default=2026)
    args = parser.parse_args()
    return JOBS[args.job](size=args.size, seed=args.seed)


if __name__ == "__main__":
    sys.exit(main())
