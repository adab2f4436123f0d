"""``python -m offline.cv_generator dev|pool [--n N] [--seed S] [--out DIR]``: (re)write a generated set."""

from __future__ import annotations

import argparse
from collections import Counter
from pathlib import Path

from offline.cv_generator.sets import DEV_DIR, DEV_SEED, POOL_DIR, POOL_SEED, generate_dev_set, generate_pool


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m offline.cv_generator", description=__doc__)
    parser.add_argument("set", choices=("dev", "pool"))
    parser.add_argument("--n", type=int, default=None)
    parser.add_argument("--seed", type=int, default=None)
    parser.add_argument("--out", type=Path, default=None)
    args = parser.parse_args(argv)
    if args.set == "dev":
        records = generate_dev_set(
            args.n or 165, DEV_SEED if args.seed is None else args.seed, args.out or DEV_DIR
        )
    else:
        records = generate_pool(
            args.n or 320, POOL_SEED if args.seed is None else args.seed, args.out or POOL_DIR
        )
    print(f"{len(records)} CVs · splits {dict(Counter(str(r['split']) for r in records))}")
    print(f"formats {dict(Counter(str(r['format']) for r in records))}")
    print(f"layouts {dict(Counter(str(r['layout']) for r in records))}")
    print(f"domains {dict(Counter(str(r['domain']) for r in records))}")
    print(f"occupations {len({r['occupation'] for r in records})}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
