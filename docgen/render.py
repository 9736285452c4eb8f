"""Render documents: YAML data → validated model → derived values → checks → .docx (→ .pdf).

The pipeline is a list of named stages over one :class:`Job`; each stage reads what earlier
stages left on the job and adds its own part. ``check`` runs the first four stages, ``render``
all of them. Nothing is written until every check passed and the PDF, when asked, is made;
the files are written atomically. The PDF comes from LibreOffice headless with a private
profile per call, so conversions can run in parallel.

Templates are rendered by docxtpl in a *sandboxed* Jinja environment with autoescaping on:
a value such as ``{{ 7*7 }}``, ``</w:p>`` or ``&`` is printed literally and cannot break the
document's XML or run code. Undefined variables are errors, not blanks.
"""

from __future__ import annotations

import io
import os
import re
import shutil
import subprocess
import tempfile
from concurrent.futures import ProcessPoolExecutor, as_completed
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Mapping, Sequence

import yaml
from docxtpl import DocxTemplate
from jinja2 import StrictUndefined
from jinja2.exceptions import TemplateError
from jinja2.sandbox import SandboxedEnvironment
from pydantic import BaseModel

from docgen import cn
from docgen.errors import DocgenError, HasProblems, InvalidInput, MissingTool, Problem, errors_of
from docgen.fsutil import atomic_write_bytes
from docgen.kinds.base import Kind, get_kind
from docgen.kinds.common import validate

# ───────────────────────────── YAML ─────────────────────────────


_SafeBase = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # libyaml's parser when present: 5× faster


class _DataLoader(_SafeBase):  # type: ignore[misc, valid-type]
    """SafeLoader that keeps dates as text (pydantic checks them, with a field path), reads only
    plain decimals as integers, and refuses duplicate keys (YAML would silently keep the last one).

    YAML 1.1 reads a leading 0 as octal and ``9:20`` as base 60: an unquoted phone 01062345670
    would become 147442616, a postcode 030000 12288, a time 9:20 560. Those stay text."""


_INT_TAG = "tag:yaml.org,2002:int"
_DECIMAL_INT = re.compile(r"^[-+]?(?:0|[1-9][0-9_]*)$")

_DataLoader.yaml_implicit_resolvers = {
    first: [(tag, _DECIMAL_INT if tag == _INT_TAG else regexp)
            for tag, regexp in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


def _mapping_without_duplicates(loader: _DataLoader, node: yaml.MappingNode) -> dict:
    loader.flatten_mapping(node)
    result: dict = {}
    for key_node, value_node in node.value:
        key = loader.construct_object(key_node, deep=True)
        if key in result:
            mark = key_node.start_mark
            raise yaml.constructor.ConstructorError(
                None, None, f"重复的键 {key!r}（第 {mark.line + 1} 行）", mark)
        result[key] = loader.construct_object(value_node, deep=True)
    return result


_DataLoader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _mapping_without_duplicates)


def load_yaml(path: str | os.PathLike) -> Any:
    """Parse a data file. Bad YAML is ``InvalidInput`` naming line and column."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise InvalidInput(f"数据文件不存在：{path}") from None
    except IsADirectoryError:
        raise InvalidInput(f"应为数据文件，却是目录：{path}") from None
    except UnicodeDecodeError:
        raise InvalidInput(f"数据文件不是 UTF-8 文本：{path}") from None
    return parse_yaml(text, str(path))


def parse_yaml(text: str, where: str = "数据") -> Any:
    """Parse YAML text with dates kept as text and duplicate keys refused."""
    try:
        return yaml.load(text, Loader=_DataLoader)  # noqa: S506 - a SafeLoader subclass
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None) or getattr(error, "context_mark", None)
        at = f"第 {mark.line + 1} 行第 {mark.column + 1} 列" if mark else where
        reason = getattr(error, "problem", None) or str(error)
        raise InvalidInput(f"{where} 不是有效的 YAML", [Problem(at, "", f"YAML 语法错误：{reason}")]) from None


# ───────────────────────────── Jinja ─────────────────────────────


def _finalize(value: Any) -> Any:
    """``None`` prints as nothing (an absent fax), everything else as itself."""
    return "" if value is None else value


def _money(value: Any, symbol: bool = True, grouping: bool = True) -> str:
    return "" if value is None else cn.fmt_cny(value, symbol=symbol, grouping=grouping)


def _pct(value: Any) -> str:
    return "" if value is None else cn.fmt_pct(value)


def _cn_date(value: Any, style: str = "cn") -> str:
    return "" if value is None else cn.fmt_date(value, style)  # type: ignore[arg-type]


def _wan(value: Any) -> str:
    return "" if value is None else cn.wan(value)


def _count(value: Any, style: str = "upper") -> str:
    return cn.cn_count(int(value), style)  # type: ignore[arg-type]


FILTERS: dict[str, Callable] = {
    "money": _money,  # ¥1,038,000.00 ; money(False) → 1,038,000.00
    "pct": _pct,  # 10 → 10% ; 0.05 → 0.05%
    "cn_date": _cn_date,  # 2022年12月13日 ; cn_date('month') → 2022年12月
    "wan": _wan,  # 117350 → 11.735
    "cn_count": _count,  # 6 → 陆 ; cn_count('lower') → 六
}


class DocumentEnvironment(SandboxedEnvironment):
    """The sandbox, plus a small cache of compiled templates.

    docxtpl compiles a part's whole XML with ``from_string`` on every render; the XML of a
    shipped template never changes, so compiling it once per process halves render time.
    """

    CACHE_SIZE = 64

    def __init__(self, **options: Any) -> None:
        super().__init__(**options)
        self._compiled: dict[str, Any] = {}

    def from_string(self, source, globals=None, template_class=None):  # noqa: A002 - Jinja's signature
        if globals is not None or template_class is not None or not isinstance(source, str):
            return super().from_string(source, globals, template_class)
        template = self._compiled.get(source)
        if template is None:
            template = super().from_string(source)
            if len(self._compiled) >= self.CACHE_SIZE:
                self._compiled.pop(next(iter(self._compiled)))
            self._compiled[source] = template
        return template


def make_env() -> SandboxedEnvironment:
    """A Jinja environment documents are rendered in: sandboxed, autoescaped, strict."""
    env = DocumentEnvironment(autoescape=True, undefined=StrictUndefined, finalize=_finalize,
                              keep_trailing_newline=True)
    env.filters.update(FILTERS)
    return env


_SHARED_ENV: SandboxedEnvironment | None = None


def _document_env() -> SandboxedEnvironment:
    """The process's shared rendering environment (its compiled-template cache is the point)."""
    global _SHARED_ENV
    if _SHARED_ENV is None:
        _SHARED_ENV = make_env()
    return _SHARED_ENV


def render_docx(template: str | os.PathLike | bytes, context: Mapping[str, Any]) -> bytes:
    """Render a docxtpl template with ``context`` and return the .docx bytes.

    This is what other packages call for their internal templates (销毁记录, 移交清单).
    A template error (an undefined variable, a bad tag) is a ``DocgenError`` naming the template.
    """
    if not isinstance(template, bytes) and not Path(template).is_file():
        raise DocgenError(f"模板文件不存在：{template}（运行 make templates 生成）")
    source = io.BytesIO(template) if isinstance(template, bytes) else str(template)
    document = DocxTemplate(source)
    try:
        document.render(dict(context), jinja_env=_document_env(), autoescape=True)
    except TemplateError as error:
        name = "模板" if isinstance(template, bytes) else Path(template).name
        raise DocgenError(f"渲染模板 {name} 失败：{error}") from None
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


# ───────────────────────────── PDF ─────────────────────────────

_FONT_ALIASES = {
    # Windows font names used in the templates → fonts a Linux LibreOffice has.
    # Times New Roman's metric twin is not installed; DejaVu Serif is far wider and wraps
    # table figures that fit in Word, so Latin text takes Noto Serif CJK's own Latin glyphs.
    "Noto Serif CJK SC": ("Times New Roman", "仿宋", "仿宋_GB2312", "FangSong", "FangSong_GB2312", "宋体", "SimSun",
                          "楷体", "楷体_GB2312", "KaiTi", "NSimSun", "新宋体"),
    "Noto Sans CJK SC": ("黑体", "SimHei", "微软雅黑", "Microsoft YaHei"),
}


def _fontconfig(directory: Path) -> Path:
    """A fontconfig file mapping the templates' Windows CJK font names to installed Noto CJK.

    Without it fontconfig maps 仿宋 to DejaVu and LibreOffice falls back glyph by glyph to a
    sans font, so the PDF would not look like the Word document.
    """
    aliases = "\n".join(
        f'  <alias binding="same"><family>{name}</family><prefer><family>{target}</family></prefer></alias>'
        for target, names in _FONT_ALIASES.items() for name in names
    )
    conf = directory / "fonts.conf"
    conf.write_text(
        '<?xml version="1.0"?>\n<!DOCTYPE fontconfig SYSTEM "fonts.dtd">\n<fontconfig>\n'
        '  <include ignore_missing="yes">/etc/fonts/fonts.conf</include>\n'
        f"{aliases}\n</fontconfig>\n", encoding="utf-8")
    return conf


def soffice_path() -> str | None:
    """The LibreOffice executable, or None."""
    return shutil.which("soffice") or shutil.which("libreoffice")


def require_soffice() -> str:
    """The LibreOffice executable; ``MissingTool`` (exit 2) with what to install when it is absent."""
    soffice = soffice_path()
    if soffice is None:
        raise MissingTool("生成 PDF 需要 LibreOffice（soffice），但未找到。请安装 LibreOffice（Debian：apt-get install "
                          "libreoffice-writer fonts-noto-cjk），或去掉 --pdf 只生成 .docx")
    return soffice


def to_pdf(docx_path: str | os.PathLike, out_dir: str | os.PathLike, timeout: float = 180) -> Path:
    """Convert a .docx to PDF with LibreOffice headless; returns the PDF's path.

    Each call uses its own temporary LibreOffice profile (``-env:UserInstallation``) so that
    conversions may run side by side. ``MissingTool`` when LibreOffice is not installed.
    """
    soffice = require_soffice()
    source = Path(docx_path).resolve()
    target_dir = Path(out_dir).resolve()
    target_dir.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="docgen-soffice-") as work:
        work_dir = Path(work)
        env = dict(os.environ, FONTCONFIG_FILE=str(_fontconfig(work_dir)), HOME=str(work_dir))
        command = [soffice, f"-env:UserInstallation={(work_dir / 'profile').as_uri()}", "--headless",
                   "--norestore", "--convert-to", "pdf:writer_pdf_Export", "--outdir", str(work_dir), str(source)]
        try:
            completed = subprocess.run(command, capture_output=True, env=env, timeout=timeout, check=False)
        except subprocess.TimeoutExpired:
            raise DocgenError(f"LibreOffice 转换 PDF 超时（{timeout:.0f} 秒）：{source.name}") from None
        produced = work_dir / (source.stem + ".pdf")
        if completed.returncode != 0 or not produced.exists():
            detail = (completed.stderr or completed.stdout).decode("utf-8", "replace").strip()[-300:]
            raise DocgenError(f"LibreOffice 未能把 {source.name} 转成 PDF：{detail or '无输出'}")
        target = target_dir / produced.name
        atomic_write_bytes(target, produced.read_bytes(), mode=0o644)
    return target


# ───────────────────────────── the pipeline ─────────────────────────────


@dataclass
class RenderResult:
    """What ``render`` produced: the files written, the warnings shown, the derived values."""

    out_paths: list[Path]
    warnings: list[Problem]
    derived: dict[str, Any]


@dataclass
class CheckResult(HasProblems):
    """What ``check`` found: every problem (errors and warnings) and the derived values."""

    problems: list[Problem]
    derived: dict[str, Any]

    @property
    def ok(self) -> bool:
        return not self.errors


@dataclass
class Job(HasProblems):
    """The shared context the stages work on."""

    kind: Kind
    data: Any  # a path to YAML, or a mapping already loaded
    out: Path | None = None
    pdf: bool = False
    raw: Any = None
    model: BaseModel | None = None
    derived: BaseModel | None = None
    problems: list[Problem] = field(default_factory=list)
    template: Path | None = None
    document: bytes | None = None
    pdf_document: bytes | None = None
    out_paths: list[Path] = field(default_factory=list)

    def derived_dict(self) -> dict[str, Any]:
        return self.derived.model_dump() if self.derived is not None else {}


def stage_load(job: Job) -> None:
    """Read the YAML file (or take the mapping given), then the data files it names.

    A data file may name another one (an NDA's ``contract: ../contract/sample-002.yaml``);
    ``Kind.resolve`` loads it relative to the data file's folder (the current folder for a mapping).
    """
    if isinstance(job.data, Mapping):
        job.raw = job.kind.resolve(dict(job.data), Path.cwd())
        return
    job.raw = load_yaml(Path(job.data))
    if not isinstance(job.raw, dict):
        raise InvalidInput(f"数据文件的顶层应为一组字段（映射）：{job.data}",
                           [Problem("（整个文件）", "", "顶层应为一组字段（key: value）")])
    job.raw = job.kind.resolve(job.raw, Path(job.data).resolve().parent)


def stage_validate(job: Job) -> None:
    """Pydantic: every field problem at once, with path, Chinese label and masked value."""
    job.model, problems = validate(job.kind.model, job.raw)
    if problems:
        raise InvalidInput(f"{job.kind.label}数据有 {len(problems)} 处错误，未生成任何文件", problems)


def stage_derive(job: Job) -> None:
    """Compute every derived value (大写 amounts, dates, clause numbers …)."""
    job.derived = job.kind.derive(job.model)


def stage_check(job: Job) -> None:
    """Cross-field checks; errors stop here, warnings travel on."""
    job.problems.extend(job.kind.check(job.model, job.derived))
    errors = job.errors
    if errors:
        raise InvalidInput(f"{job.kind.label}数据有 {len(errors)} 处错误，未生成任何文件", job.problems)


def stage_render(job: Job) -> None:
    """Fill the layout's template in the sandbox."""
    layout = job.kind.layout_for(job.model)
    job.template = job.kind.template_path(layout)
    job.document = render_docx(job.template, job.kind.context(job.model, job.derived))


def stage_convert(job: Job) -> None:
    """PDF through LibreOffice, when asked, from a private copy: a failed conversion writes nothing."""
    if job.pdf:
        assert job.out is not None and job.document is not None
        with tempfile.TemporaryDirectory(prefix="docgen-pdf-") as work:
            source = Path(work) / job.out.name
            source.write_bytes(job.document)
            job.pdf_document = to_pdf(source, work).read_bytes()


def stage_write(job: Job) -> None:
    """Write the .docx, and the PDF beside it, atomically."""
    assert job.out is not None and job.document is not None
    atomic_write_bytes(job.out, job.document, mode=0o644)
    job.out_paths.append(job.out)
    if job.pdf_document is not None:
        pdf = job.out.with_suffix(".pdf")
        atomic_write_bytes(pdf, job.pdf_document, mode=0o644)
        job.out_paths.append(pdf)


CHECK_STAGES: tuple[Callable[[Job], None], ...] = (stage_load, stage_validate, stage_derive, stage_check)
RENDER_STAGES: tuple[Callable[[Job], None], ...] = CHECK_STAGES + (stage_render, stage_convert, stage_write)


def run(job: Job, stages: Sequence[Callable[[Job], None]]) -> Job:
    """Run ``stages`` in order over ``job``."""
    for stage in stages:
        stage(job)
    return job


def default_output(kind: Kind, data: Any) -> Path:
    """``DATA.yaml`` → ``DATA.docx`` beside it; a mapping → ``<kind>.docx`` in the current folder."""
    if isinstance(data, (str, os.PathLike)):
        return Path(data).with_suffix(".docx")
    return Path(f"{kind.name}.docx")


def check(kind: str | Kind, data: str | os.PathLike | Mapping[str, Any]) -> CheckResult:
    """Validate and derive without writing anything.

    Returns every warning; raises ``InvalidInput`` (exit 2) listing every error, warnings included.
    """
    job = run(Job(get_kind(kind), data), CHECK_STAGES)
    return CheckResult(job.problems, job.derived_dict())


def render(kind: str | Kind, data: str | os.PathLike | Mapping[str, Any], out: str | os.PathLike | None = None,
           pdf: bool = False) -> RenderResult:
    """Render one document to ``out`` (default: the data file's name with .docx), and a PDF beside it.

    Raises ``InvalidInput`` with every problem, before anything is written, when the data is wrong.
    """
    job = Job(get_kind(kind), data, pdf=pdf)
    job.out = Path(out) if out is not None else default_output(job.kind, data)
    if job.out.suffix.lower() != ".docx":
        raise InvalidInput(f"输出文件应以 .docx 结尾：{job.out}")
    if pdf:
        require_soffice()  # before anything is written
    run(job, RENDER_STAGES)
    return RenderResult(job.out_paths, job.warnings, job.derived_dict())


# ───────────────────────────── batches ─────────────────────────────


@dataclass
class BatchItem:
    """One document of a batch and what came of it (``problems`` when its data was wrong)."""

    name: str
    out_paths: list[Path] = field(default_factory=list)
    warnings: list[Problem] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)


@dataclass
class BatchResult:
    items: list[BatchItem]

    @property
    def out_paths(self) -> list[Path]:
        return [p for item in self.items for p in item.out_paths]


def _render_one(kind_name: str, data: Any, out: Path, pdf: bool, name: str) -> BatchItem:
    """Check and render one document of a batch; bad data comes back as problems, not an exception."""
    try:
        result = render(kind_name, data, out, pdf=pdf)
    except InvalidInput as error:
        found = error.problems or [Problem("（整个文件）", "", error.message)]
        return BatchItem(name, problems=[p.under(name, ": ") for p in found])
    return BatchItem(name, result.out_paths, result.warnings)


def batch(kind: str | Kind, source: str | os.PathLike, out_dir: str | os.PathLike, pdf: bool = False,
          workers: int | None = None, progress: Callable[[BatchItem, int, int], None] | None = None) -> BatchResult:
    """Render many documents: every data file of a folder, or what the kind makes of one file
    (nda-personal: one agreement per resident engineer of a contract's staff table).

    Each document is checked and rendered on one of ``workers`` processes (default: the CPU
    count) into a staging folder beside ``out_dir``; ``progress(item, done, total)`` is called
    as each finishes. Only when every document succeeded are the files moved into ``out_dir``;
    otherwise nothing is written and ``InvalidInput`` lists every problem, each path prefixed
    with its document.
    """
    the_kind = get_kind(kind)
    if pdf:
        require_soffice()
    source_path = Path(source)
    if not source_path.exists():
        raise InvalidInput(f"数据文件或目录不存在：{source_path}")
    jobs = the_kind.batch_jobs(source_path)
    if not jobs:
        raise InvalidInput(f"{source_path} 中没有数据文件（*.yaml）")
    names = [f"{job.stem}.docx" for job in jobs]
    if len(set(names)) != len(names):
        raise InvalidInput("批量生成的文件名重复", [Problem(n, "", "重名") for n in sorted(set(names)) if names.count(n) > 1])
    target = Path(out_dir).resolve()
    target.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{target.name}.batch-", dir=target.parent))
    try:
        workers = max(1, min(workers or os.cpu_count() or 1, len(jobs)))
        items = _run_batch(the_kind.name, jobs, [staging / n for n in names], pdf, workers, progress)
        problems = [p for item in items for p in item.problems]
        errors = errors_of(problems)
        if errors:
            raise InvalidInput(f"批量数据有 {len(errors)} 处错误，未生成任何文件", problems)
        return BatchResult([_publish(item, staging, target) for item in items])
    finally:
        shutil.rmtree(staging, ignore_errors=True)


def _publish(item: BatchItem, staging: Path, target: Path) -> BatchItem:
    """Move a finished document's files from the staging folder into the output folder."""
    target.mkdir(parents=True, exist_ok=True)
    moved = []
    for path in item.out_paths:
        final = target / path.relative_to(staging)
        os.replace(path, final)
        moved.append(final)
    return BatchItem(item.name, moved, item.warnings)


def _run_batch(kind_name: str, jobs: list, outputs: list[Path], pdf: bool, workers: int,
               progress: Callable[[BatchItem, int, int], None] | None) -> list[BatchItem]:
    results: dict[int, BatchItem] = {}
    if workers == 1:
        for index, (job, out) in enumerate(zip(jobs, outputs)):
            results[index] = _render_one(kind_name, job.data, out, pdf, job.name)
            if progress:
                progress(results[index], len(results), len(jobs))
        return [results[i] for i in range(len(jobs))]
    with ProcessPoolExecutor(max_workers=workers) as pool:
        futures = {pool.submit(_render_one, kind_name, job.data, out, pdf, job.name): index
                   for index, (job, out) in enumerate(zip(jobs, outputs))}
        for future in as_completed(futures):
            item = future.result()
            results[futures[future]] = item
            if progress:
                progress(item, len(results), len(jobs))
    return [results[i] for i in range(len(jobs))]


__all__ = [
    "BatchItem", "BatchResult", "CheckResult", "FILTERS", "Job", "RenderResult", "batch", "check",
    "load_yaml", "make_env", "parse_yaml", "render", "render_docx", "soffice_path", "to_pdf",
]
