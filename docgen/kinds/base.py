"""The kind registry, and clause numbering shared by every kind with numbered clauses.

A *kind* (``contract``, ``nda-company`` …) is a :class:`Kind` subclass in its own module under
``docgen.kinds`` decorated with :func:`register`. It names its pydantic input model, the model
of its derived values, its layouts (template + ordered clause list), its sample data, and
implements ``derive`` and ``check``. The registry imports every module of the package on
first use, so adding a kind means adding one module and one template folder.

Clause numbers are never typed: a layout lists its clauses in order; a clause may be
optional (the bond chapter, present only when there is a bond) and the rest renumber.
A template prints ``{{ clause.penalty.heading }}`` (十一、违约责任 / 第十一条 违约责任) and refers
to it with ``{{ clause.penalty.ref }}`` (第十一条 / 合同一般条款第七条).
"""

from __future__ import annotations

import importlib
import pkgutil
from dataclasses import dataclass
from pathlib import Path
from typing import Any, ClassVar, Iterable, Literal, Mapping

from pydantic import BaseModel

from docgen import cn
from docgen.errors import Problem, UsageError

TEMPLATES_DIR = Path(__file__).resolve().parent.parent.parent / "templates"
"""The top-level ``templates/`` folder (installed as ``docgen.templates``)."""


def templates_dir() -> Path:
    """Where the shipped templates live, in a checkout or an installed package."""
    if TEMPLATES_DIR.is_dir():
        return TEMPLATES_DIR
    import docgen.templates as package  # installed layout: templates/ mapped to docgen.templates

    return Path(package.__file__).resolve().parent


# ───────────────────────────── clause numbering ─────────────────────────────

NumberStyle = Literal["chapter", "article"]


@dataclass(frozen=True)
class ClauseSpec:
    """One clause of a layout, in reading order.

    ``parent`` makes it a numbered item inside another clause (1. 2. 3.); ``section`` names the
    part it belongs to when a layout restarts numbering (合同书 / 合同一般条款); ``optional``
    clauses are present only when the kind's ``derive`` says so.
    """

    key: str
    title: str
    parent: str | None = None
    section: str = ""
    optional: bool = False


@dataclass(frozen=True)
class Clause:
    """A numbered clause as templates see it. ``str(clause)`` is its reference."""

    key: str
    num: int  # 11
    cn: str  # 十一
    title: str  # 违约责任
    no: str  # 十一、 / 第十一条 / 3.
    heading: str  # 十一、违约责任 / 第十一条 违约责任 / 3. 履约保函
    article: str  # 第十一条 (for items: 第3项)
    ref: str  # 第十一条 / 合同一般条款第七条 / 第四条第3项

    def __str__(self) -> str:
        return self.ref


def number_clauses(
    specs: Iterable[ClauseSpec],
    style: NumberStyle,
    present: Iterable[str] = (),
    titles: Mapping[str, str] | None = None,
    qualify_sections: bool = False,
) -> dict[str, Clause]:
    """Number ``specs`` in order, skipping optional clauses not in ``present``.

    Top-level clauses restart at 1 in each ``section``; items restart inside their parent.
    ``titles`` overrides a clause's title (e.g. 履约保函 vs 履约保证金). With
    ``qualify_sections`` a reference names its section: 合同一般条款第七条.
    """
    present = set(present)
    titles = dict(titles or {})
    result: dict[str, Clause] = {}
    counters: dict[tuple[str, str | None], int] = {}
    for spec in specs:
        if spec.optional and spec.key not in present:
            continue
        if spec.parent is not None and spec.parent not in result:
            continue  # the parent clause itself is absent
        slot = (spec.section, spec.parent)
        counters[slot] = counters.get(slot, 0) + 1
        n = counters[slot]
        title = titles.get(spec.key, spec.title)
        if spec.parent is None:
            article = f"第{cn.cn_ordinal(n)}条"
            no = f"{cn.cn_ordinal(n)}、" if style == "chapter" else article
            sep = "" if style == "chapter" else " "
            ref = f"{spec.section}{article}" if qualify_sections and spec.section else article
            result[spec.key] = Clause(spec.key, n, cn.cn_ordinal(n), title, no, f"{no}{sep}{title}", article, ref)
        else:
            parent = result[spec.parent]
            no = f"{n}."
            heading = f"{no} {title}" if title else no
            result[spec.key] = Clause(spec.key, n, cn.cn_ordinal(n), title, no, heading, f"第{n}项",
                                      f"{parent.ref}第{n}项")
    return result


@dataclass(frozen=True)
class Annex:
    """An annex as templates see it: 附件二《服务内容》."""

    key: str
    num: int
    no: str  # 附件二 / 附件2
    title: str
    ref: str  # 附件二《服务内容》

    def __str__(self) -> str:
        return self.ref


def number_annexes(items: Iterable[tuple[str, str]], style: Literal["chinese", "arabic"] = "chinese") -> dict[str, Annex]:
    """Number annexes ``(key, title)`` in order: 附件一 … (or 附件1 … with ``style='arabic'``)."""
    result = {}
    for n, (key, title) in enumerate(items, start=1):
        no = f"附件{cn.cn_ordinal(n) if style == 'chinese' else n}"
        result[key] = Annex(key, n, no, title, f"{no}《{title}》")
    return result


# ───────────────────────────── kinds ─────────────────────────────


@dataclass(frozen=True)
class Layout:
    """One template of a kind, with its numbering style and its ordered clause list."""

    name: str
    label: str
    template: str  # file name inside templates/<kind>/
    style: NumberStyle = "chapter"
    clauses: tuple[ClauseSpec, ...] = ()
    qualify_sections: bool = False

    def clause_keys(self) -> list[str]:
        return [spec.key for spec in self.clauses]


@dataclass
class BatchJob:
    """One document of a batch: a display name, an output file stem and its data."""

    name: str
    stem: str
    data: Any  # a path to a YAML file or an already-loaded mapping


class Kind:
    """A document kind. Subclasses set the class attributes and implement derive / check."""

    name: ClassVar[str]
    label: ClassVar[str]
    model: ClassVar[type[BaseModel]]
    derived_model: ClassVar[type[BaseModel]]
    layouts: ClassVar[tuple[Layout, ...]]
    samples: ClassVar[tuple[str, ...]] = ()  # file names inside templates/<kind>/
    not_printed: ClassVar[frozenset[str]] = frozenset()
    """Declared paths no template prints on purpose (e.g. ``staff[].id_number``)."""

    # -- files -------------------------------------------------------------------------------
    @property
    def folder(self) -> Path:
        return templates_dir() / self.name

    def template_path(self, layout: Layout) -> Path:
        return self.folder / layout.template

    def sample_paths(self) -> list[Path]:
        return [self.folder / name for name in self.samples]

    @property
    def sample_path(self) -> Path:
        return self.sample_paths()[0]

    def layout(self, name: str | None = None) -> Layout:
        if name is None:
            return self.layouts[0]
        for layout in self.layouts:
            if layout.name == name:
                return layout
        raise UsageError(f"{self.name} 没有版式 {name}；可用：{', '.join(l.name for l in self.layouts)}")

    def layout_for(self, model: BaseModel) -> Layout:
        """The layout a document uses; kinds with several layouts read it from the data."""
        return self.layout(getattr(model, "layout", None))

    # -- the work ----------------------------------------------------------------------------
    def derive(self, model: BaseModel) -> BaseModel:
        """Every computed value of the document, as an instance of ``derived_model``."""
        raise NotImplementedError

    def check(self, model: BaseModel, derived: BaseModel) -> list[Problem]:
        """Cross-field problems: errors block rendering, warnings are shown."""
        return []

    def context(self, model: BaseModel, derived: BaseModel) -> dict[str, Any]:
        """What the template sees: the input fields and the derived fields side by side."""
        context = {name: getattr(model, name) for name in type(model).model_fields}
        for name in type(derived).model_fields:
            if name in context:
                raise ValueError(f"derived field {name!r} of kind {self.name} shadows an input field")
            context[name] = getattr(derived, name)
        return context

    def resolve(self, raw: dict[str, Any], base_dir: Path) -> dict[str, Any]:
        """The data as the model reads it. Kinds whose data names other data files (an NDA's
        ``contract: ../contract/sample-002.yaml``) load them here, relative to ``base_dir`` (the
        data file's folder, or the current folder for data given as a mapping)."""
        return raw

    def batch_jobs(self, source: Path) -> list[BatchJob]:
        """The documents ``docgen batch`` makes from ``source``: every YAML file of a folder,
        or the one file given. Kinds override this (nda-personal: one per resident engineer)."""
        if source.is_dir():
            files = sorted(p for p in source.iterdir() if p.suffix in (".yaml", ".yml") and p.is_file())
            return [BatchJob(p.name, p.stem, p) for p in files]
        return [BatchJob(source.name, source.stem, source)]

    def __repr__(self) -> str:
        return f"<Kind {self.name}>"


_REGISTRY: dict[str, Kind] = {}
_DISCOVERED = False
_INFRASTRUCTURE = {"base", "common"}


def register(kind_class: type[Kind]) -> type[Kind]:
    """Class decorator: make a kind available to ``get_kind`` and the CLI."""
    _REGISTRY[kind_class.name] = kind_class()
    return kind_class


def _discover() -> None:
    global _DISCOVERED
    if _DISCOVERED:
        return
    import docgen.kinds as package

    for module in pkgutil.iter_modules(package.__path__):
        if module.name not in _INFRASTRUCTURE and not module.name.startswith("_"):
            importlib.import_module(f"docgen.kinds.{module.name}")
    _DISCOVERED = True


def all_kinds() -> list[Kind]:
    """Every registered kind, in name order."""
    _discover()
    return [_REGISTRY[name] for name in sorted(_REGISTRY)]


def get_kind(name: str | Kind) -> Kind:
    """The kind called ``name`` (a ``Kind`` is returned as it is); ``UsageError`` (exit 2) naming the known kinds otherwise."""
    _discover()
    if isinstance(name, Kind):
        return name
    try:
        return _REGISTRY[name]
    except KeyError:
        known = ", ".join(sorted(_REGISTRY)) or "（无）"
        raise UsageError(f"未知的文书类型：{name}（可用：{known}）") from None


def kind_names() -> list[str]:
    return [kind.name for kind in all_kinds()]


__all__ = [
    "Annex", "BatchJob", "Clause", "ClauseSpec", "Kind", "Layout", "all_kinds", "get_kind",
    "kind_names", "number_annexes", "number_clauses", "register", "templates_dir",
]
