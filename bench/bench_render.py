"""Rendering speed: docgen's whole pipeline against bare docxtpl, and a batch of personal NDAs.

* One seed-sized contract (seed 002, 13 pages): ``docgen.render.render`` from the YAML file
  (load, validate, derive, check, sandboxed render, atomic write) against bare ``DocxTemplate``
  rendering the same template with the same, already computed context and saving it. Runs
  alternate and the medians are compared. Target: ≤ 1.25× bare.
* 200 personal NDAs from one contract whose staff table has 200 resident engineers, on two
  processes (``docgen batch nda-personal``). Target: ≤ 15 s. Skipped, with a note, until the
  ``nda-personal`` kind exists.
"""

from __future__ import annotations

import copy
import random
import statistics
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

import jinja2
import yaml
from docxtpl import DocxTemplate

from bench import Measurement
from docgen.cn import id_check_char
from docgen.errors import DocgenError
from docgen.kinds.base import get_kind, kind_names
from docgen import render as docgen_render
from docgen.render import FILTERS, batch, load_yaml, render
from docgen.kinds.common import validate


def _bare_context(kind, data: dict) -> dict:
    model, problems = validate(kind.model, data)
    assert not problems, problems
    return kind.context(model, kind.derive(model))


def contract_vs_bare(rounds: int) -> list[Measurement]:
    kind = get_kind("contract")
    sample = kind.sample_path
    data = load_yaml(sample)
    model, _ = validate(kind.model, data)
    template = kind.template_path(kind.layout_for(model))
    context = _bare_context(kind, data)
    plain = jinja2.Environment()  # docxtpl's default: no sandbox, no autoescape; our formatting filters
    plain.filters.update(FILTERS)
    ours, cold, bare = [], [], []
    with tempfile.TemporaryDirectory() as work:
        out = Path(work)
        render("contract", sample, out / "warm.docx")  # imports, calendar and template caches
        for n in range(rounds):
            started = time.perf_counter()
            render("contract", sample, out / f"ours-{n}.docx")
            ours.append(time.perf_counter() - started)
            docgen_render._SHARED_ENV = None  # forget compiled templates: the first render of a process
            started = time.perf_counter()
            render("contract", sample, out / f"cold-{n}.docx")
            cold.append(time.perf_counter() - started)
            started = time.perf_counter()
            document = DocxTemplate(str(template))
            document.render(context, jinja_env=plain)
            document.save(str(out / f"bare-{n}.docx"))
            bare.append(time.perf_counter() - started)
    mine, first, base = (statistics.median(x) * 1000 for x in (ours, cold, bare))
    pipeline = "YAML → validate → derive → check → sandboxed render → atomic write"
    return [
        Measurement("render", f"contract seed 002 (median of {rounds})", mine, "ms", base,
                    "bare docxtpl, same template and context", "≤ 1.25× bare", mine <= 1.25 * base,
                    f"{pipeline}; compiled templates cached per process"),
        Measurement("render", "contract seed 002, template not yet compiled", first, "ms", base,
                    "bare docxtpl, same template and context", "≤ 1.25× bare", first <= 1.25 * base,
                    "first document of a process (no compiled-template cache)"),
    ]


def _contract_with_residents(count: int) -> dict:
    """Seed 002's contract with ``count`` synthetic resident engineers (checksum-valid fake IDs)."""
    data = copy.deepcopy(load_yaml(get_kind("contract").sample_path))
    rng = random.Random(7)
    staff = []
    for n in range(count):
        birth = date(1970, 1, 1) + timedelta(days=rng.randrange(0, 12000))
        first17 = f"110105{birth:%Y%m%d}{rng.randrange(0, 999):03d}"
        staff.append({"name": f"测试{n:03d}号", "role": "运维工程师", "service_type": "驻场服务",
                      "id_number": first17 + id_check_char(first17), "address": "北京市示例区测试路1号"})
    data["staff"] = staff
    return data


def personal_nda_batch(count: int) -> list[Measurement]:
    target = "≤ 15 s" if count == 200 else ""
    if "nda-personal" not in kind_names():
        return [Measurement("render", f"batch of {count} personal NDAs, 2 processes", 0, "s", target=target,
                            note="skipped: the nda-personal kind is not registered yet")]
    with tempfile.TemporaryDirectory() as work:
        source = Path(work) / "contract.yaml"
        source.write_text(yaml.safe_dump(_contract_with_residents(count), allow_unicode=True), encoding="utf-8")
        started = time.perf_counter()
        try:
            result = batch("nda-personal", source, Path(work) / "out", workers=2)
        except DocgenError as error:
            return [Measurement("render", f"batch of {count} personal NDAs, 2 processes", 0, "s", target=target,
                                note=f"skipped: {error.message}"[:120])]
        elapsed = time.perf_counter() - started
    made = len(result.items)
    return [Measurement("render", f"batch of {count} personal NDAs, 2 processes", elapsed, "s", target=target,
                        ok=(elapsed <= 15 and made == count) if count == 200 else None,
                        note=f"{made} documents, {made / elapsed:.1f} docs/s")]


def run(large: bool) -> list[Measurement]:
    results = contract_vs_bare(rounds=30 if large else 15)
    results += personal_nda_batch(200)
    if large:
        results += personal_nda_batch(1000)
    return results
