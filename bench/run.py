"""Run the benchmarks and print one table: `python bench/run.py [--quick] [--only NAME ...] [--json FILE]`.

Everything runs on 127.0.0.1; PostgreSQL rows need the server from VECKOLAGE_BENCH_POSTGRES_URL (default
postgresql://postgres@127.0.0.1:5432/test), where each benchmark creates its own database and drops it.
"""

from __future__ import annotations

import argparse
import importlib
import json
import logging
import os
import sys
import time
import traceback
from dataclasses import asdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:  # run as a script: make `bench`, `bot`, `commands`, `storage`, `tests` importable
    sys.path.insert(0, str(ROOT))

from bench.common import Result, machine, table  # noqa: E402

NAMES = ("startup", "ack", "grid", "load", "scale", "burst", "teams", "matrix")


def main(argv: list[str] | None = None) -> int:
    """Run the chosen benchmarks; exit 1 when one missed its target or failed."""
    parser = argparse.ArgumentParser(prog="python bench/run.py", description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="fewer requests and a 1 M-rating scale database")
    parser.add_argument("--only", action="append", choices=NAMES, metavar="NAME",
                        help=f"run only this benchmark (repeatable): {', '.join(NAMES)}")
    parser.add_argument("--json", metavar="FILE", help="also write the results and the machine as JSON")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.WARNING)
    logging.getLogger("veckolage").setLevel(logging.ERROR)  # the benchmarks count errors themselves

    info = machine()
    print("Machine: " + "; ".join(f"{k} {v}" for k, v in info.items()), flush=True)
    results: list[Result] = []
    for name in args.only or NAMES:
        load_before = os.getloadavg()[0]
        start = time.perf_counter()
        print(f"• {name} …", flush=True)
        try:
            found = importlib.import_module(f"bench.{name}").run(quick=args.quick)
        except Exception as error:  # one broken benchmark must not hide the others
            traceback.print_exc()
            found = [Result(name, "run", "FAILED", ok=False, note=f"{type(error).__name__}: {error}"[:200])]
        took = time.perf_counter() - start
        print(f"  {name} took {took:.0f} s (load average {load_before:.2f} before, "
              f"{os.getloadavg()[0]:.2f} after)", flush=True)
        results += found
    print()
    print(table(results))
    if args.json:
        Path(args.json).write_text(json.dumps({"machine": info, "quick": args.quick,
                                               "results": [asdict(r) for r in results]},
                                              ensure_ascii=False, indent=1), encoding="utf-8")
    return 1 if any(r.ok is False for r in results) else 0


if __name__ == "__main__":
    sys.exit(main())
