"""Run every benchmark module and print one table; results also go to bench/out/results.json."""

from __future__ import annotations

import argparse
import importlib
import json
import pkgutil
import sys
import time
from pathlib import Path

import bench
from bench import Measurement


def _fmt(value: float | None) -> str:
    if value is None:
        return "-"
    if value >= 100:
        return f"{value:,.0f}"
    if value >= 10:
        return f"{value:.1f}"
    return f"{value:.3g}"


def _ratio(ratio: float | None) -> str:
    """Two decimals, or three significant digits for ratios far below one (0.0044×, not 0.00×)."""
    if not ratio:
        return "-"
    return f"{ratio:.2f}×" if ratio >= 0.1 else f"{ratio:.2g}×"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench")
    parser.add_argument("--large", action="store_true", help="also run the large sizes (slow)")
    parser.add_argument("--only", action="append", default=[], help="run only modules whose name contains this")
    args = parser.parse_args(argv)

    names = sorted(m.name for m in pkgutil.iter_modules(bench.__path__) if m.name.startswith("bench_"))
    if args.only:
        names = [n for n in names if any(o in n for o in args.only)]
    results: list[Measurement] = []
    for name in names:
        started = time.perf_counter()
        print(f"[bench] {name} …", file=sys.stderr, flush=True)
        module = importlib.import_module(f"bench.{name}")
        results.extend(module.run(large=args.large))
        print(f"[bench] {name} done in {time.perf_counter() - started:.1f} s", file=sys.stderr, flush=True)

    from docgen.cli.common import table

    rows = [
        [m.area, m.name, f"{_fmt(m.value)} {m.unit}", f"{_fmt(m.baseline)} {m.unit}" if m.baseline else "-",
         m.baseline_name or "-", _ratio(m.ratio), m.target or "-",
         {True: "ok", False: "MISSED", None: "-"}[m.ok], m.note]
        for m in results
    ]
    print(table(rows, ["area", "measurement", "value", "baseline", "baseline is", "ratio", "target", "met", "note"]))
    out = Path(__file__).parent / "out"
    out.mkdir(exist_ok=True)
    (out / "results.json").write_text(json.dumps([m.to_dict() for m in results], ensure_ascii=False, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
