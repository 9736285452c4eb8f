"""``python -m docgen.preview --out preview``: every kind's samples as .docx, PDF and PNG pages.

For looking at templates by eye (``make preview``): Chinese must render without missing glyphs,
tables must align, headings must read like the seeds. Needs LibreOffice and pdftoppm.
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
from pathlib import Path

from docgen.errors import DocgenError, MissingTool
from docgen.kinds.base import all_kinds, get_kind
from docgen.render import render


def pdf_to_pngs(pdf: Path, out_dir: Path, dpi: int = 60) -> list[Path]:
    """One PNG per page (``<stem>-<n>.png``) with pdftoppm."""
    if shutil.which("pdftoppm") is None:
        raise MissingTool("预览需要 pdftoppm（Debian：apt-get install poppler-utils）")
    prefix = out_dir / pdf.stem
    subprocess.run(["pdftoppm", "-r", str(dpi), "-png", str(pdf), str(prefix)], check=True, capture_output=True)
    return sorted(out_dir.glob(f"{pdf.stem}-*.png"))


def preview(out_dir: Path, kinds: list[str] | None = None, dpi: int = 60) -> list[Path]:
    """Render each sample of each kind to ``out_dir/<kind>/``; returns every file written."""
    written: list[Path] = []
    chosen = [get_kind(name) for name in kinds] if kinds else all_kinds()
    for kind in chosen:
        folder = out_dir / kind.name
        folder.mkdir(parents=True, exist_ok=True)
        for sample in kind.sample_paths():
            result = render(kind, sample, folder / f"{sample.stem}.docx", pdf=True)
            pdfs = [p for p in result.out_paths if p.suffix == ".pdf"]
            written += result.out_paths
            for pdf in pdfs:
                written += pdf_to_pngs(pdf, folder, dpi)
    return written


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m docgen.preview", description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=Path("preview"), help="output folder (default: preview)")
    parser.add_argument("--dpi", type=int, default=60, help="PNG resolution (default: 60)")
    parser.add_argument("kinds", nargs="*", help="kinds to preview (default: all)")
    args = parser.parse_args(argv)
    try:
        files = preview(args.out, args.kinds or None, args.dpi)
    except DocgenError as error:
        print(f"错误：{error.message}", file=sys.stderr)
        for problem in error.problems:
            print(f"  {problem.as_line()}", file=sys.stderr)
        return error.exit_code
    pngs = [f for f in files if f.suffix == ".png"]
    print(f"{len(files)} files in {args.out} ({len(pngs)} PNG pages)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
