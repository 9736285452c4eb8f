"""Lint shipped templates against their kind, before any data is rendered with them.

For each layout of a kind the linter checks, cheapest first:

1. the page is A4 and the styles name an East-Asian font (``w:eastAsia``);
2. no Jinja tag is split across Word runs (``w:t`` elements) in the body, headers or footers;
3. the template parses in the sandboxed, autoescaping environment documents render in;
4. every variable the template uses is declared by the kind's input model or derived model
   (``party_a.name``, ``payments[].upper`` for loop variables, ``clause.penalty.heading``);
5. the numbered clause headings appear once each, in the layout's declared order;

and across all layouts of a kind:

6. every declared field is printed by some layout, or fed into a printed value
   (``printed_via``), or listed in the kind's ``not_printed``.

Problems are ``Problem`` objects: path = the template, message = what is wrong, value = the tag.
"""

from __future__ import annotations

import dataclasses
import re
import zipfile
from datetime import date
from pathlib import Path
from typing import Any, Iterable, get_args, get_origin

from docxtpl import DocxTemplate
from jinja2 import nodes
from jinja2.exceptions import TemplateSyntaxError
from jinja2.sandbox import SandboxedEnvironment
from lxml import etree
from pydantic import BaseModel

from docgen.errors import Problem
from docgen.kinds.base import Kind, Layout, all_kinds, get_kind
from docgen.kinds.common import unwrap_annotation
from docgen.render import make_env

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
TAG = re.compile(r"\{\{.*?\}\}|\{%.*?%\}|\{#.*?#\}", re.DOTALL)
A4_TWIPS = (11906, 16838)
_LOCAL = ""  # scope marker for loop / set variables that are not data paths


# ───────────────────────────── parts of a .docx ─────────────────────────────


def _template_parts(path: Path) -> dict[str, bytes]:
    """document.xml, headers and footers: the parts docxtpl renders."""
    with zipfile.ZipFile(path) as archive:
        return {
            name: archive.read(name)
            for name in archive.namelist()
            if re.fullmatch(r"word/(document|header\d*|footer\d*)\.xml", name)
        }


def split_tags(path: Path) -> list[Problem]:
    """Jinja tags whose characters are spread over more than one ``w:t`` (Word's run splitting)."""
    problems = []
    for part, xml in _template_parts(path).items():
        root = etree.fromstring(xml)
        for paragraph in root.iter(f"{W}p"):
            texts = [t.text or "" for t in paragraph.iter(f"{W}t")]
            problems.extend(_split_in_paragraph(path, part, texts))
    return problems


def _split_in_paragraph(path: Path, part: str, texts: list[str]) -> list[Problem]:
    joined = "".join(texts)
    if "{" not in joined:
        return []
    bounds, start = [], 0
    for text in texts:
        bounds.append((start, start + len(text)))
        start += len(text)
    problems = []
    for match in TAG.finditer(joined):
        inside_one = any(lo <= match.start() and match.end() <= hi for lo, hi in bounds)
        if not inside_one:
            problems.append(Problem(str(path), part, "Jinja 标签被 Word 拆到了多个文字块（run）中", match.group(0)))
    leftover = TAG.sub("", joined)
    for opener in ("{{", "{%", "{#"):
        if opener in leftover:
            problems.append(Problem(str(path), part, f"未闭合的 Jinja 标签 {opener}", joined[:60]))
    return problems


def jinja_sources(path: Path) -> dict[str, str]:
    """The Jinja source docxtpl renders for each part (after its own XML clean-up)."""
    template = DocxTemplate(str(path))
    template.init_docx()
    sources = {"word/document.xml": template.patch_xml(template.get_xml())}
    for uri in (template.HEADER_URI, template.FOOTER_URI):
        for _, part in template.get_headers_footers(uri):
            sources[str(part.partname).lstrip("/")] = template.patch_xml(template.get_part_xml(part))
    return sources


def page_and_fonts(path: Path) -> list[Problem]:
    """The page is A4 portrait and the styles set an East-Asian font."""
    problems = []
    with zipfile.ZipFile(path) as archive:
        document = etree.fromstring(archive.read("word/document.xml"))
        styles = etree.fromstring(archive.read("word/styles.xml"))
    for size in document.iter(f"{W}pgSz"):
        width, height = int(size.get(f"{W}w")), int(size.get(f"{W}h"))
        if (width, height) != A4_TWIPS:
            problems.append(Problem(str(path), "页面", "页面不是 A4 纵向（210×297 mm）", f"{width}×{height} twips"))
    east_asian = [f.get(f"{W}eastAsia") for f in styles.iter(f"{W}rFonts") if f.get(f"{W}eastAsia")]
    if not east_asian:
        problems.append(Problem(str(path), "字体", "样式中没有设置中文字体（w:eastAsia）"))
    themed = [f for f in styles.iter(f"{W}rFonts") if f.get(f"{W}eastAsiaTheme")]
    if themed:
        problems.append(Problem(str(path), "字体", "样式使用了主题字体（w:eastAsiaTheme），会覆盖中文字体设置"))
    return problems


# ───────────────────────────── variables used ─────────────────────────────


def _chain(node: nodes.Node, scope: dict[str, str]) -> str | None:
    """``party_a.name`` → 'party_a.name'; a loop variable resolves to its list + '[]'."""
    if isinstance(node, nodes.Name):
        return scope.get(node.name, node.name)
    if isinstance(node, nodes.Getattr):
        base = _chain(node.node, scope)
        return None if not base else f"{base}.{node.attr}"
    if isinstance(node, nodes.Getitem) and isinstance(node.arg, nodes.Const):
        base = _chain(node.node, scope)
        if not base:
            return None
        key = node.arg.value
        return f"{base}.{key}" if isinstance(key, str) else f"{base}[]"
    return None


class _Collector:
    """Walks a Jinja AST and records every data path read."""

    def __init__(self) -> None:
        self.used: set[str] = set()

    def visit(self, node: nodes.Node, scope: dict[str, str]) -> None:
        if isinstance(node, (nodes.Name, nodes.Getattr, nodes.Getitem)) and getattr(node, "ctx", "load") == "load":
            path = _chain(node, scope)
            if path is not None:
                if path:
                    self.used.add(path)
                return
        if isinstance(node, nodes.For):
            self._visit_for(node, scope)
            return
        if isinstance(node, nodes.Assign):
            self.visit(node.node, scope)
            for target in _names(node.target):
                scope[target.name] = _LOCAL
            return
        for child in node.iter_child_nodes():
            self.visit(child, scope)

    def _visit_for(self, node: nodes.For, scope: dict[str, str]) -> None:
        self.visit(node.iter, scope)
        source = _chain(node.iter, scope)
        inner = dict(scope)
        inner["loop"] = _LOCAL
        targets = _names(node.target)
        for target in targets:
            inner[target.name] = f"{source}[]" if source and len(targets) == 1 else _LOCAL
        for child in node.body:
            self.visit(child, inner)
        if node.test is not None:
            self.visit(node.test, inner)
        for child in node.else_:
            self.visit(child, scope)


def _names(target: nodes.Node) -> list[nodes.Name]:
    """The names a ``for`` or ``set`` target binds (``x`` or ``k, v``)."""
    return [target] if isinstance(target, nodes.Name) else list(target.find_all(nodes.Name))


def used_paths(source: str, env: SandboxedEnvironment | None = None) -> set[str]:
    """Every data path a Jinja source reads (``TemplateSyntaxError`` when it does not parse)."""
    tree = (env or make_env()).parse(source)
    collector = _Collector()
    collector.visit(tree, {})
    return collector.used


# ───────────────────────────── variables declared ─────────────────────────────


def _fields_of(cls: Any) -> list[tuple[str, Any, Any]]:
    """(name, annotation, field info or None) for a pydantic model or a dataclass."""
    if isinstance(cls, type) and issubclass(cls, BaseModel):
        out = [(name, f.annotation, f) for name, f in cls.model_fields.items()]
        out += [(name, f.return_type, f) for name, f in cls.model_computed_fields.items()]
        return out
    if dataclasses.is_dataclass(cls):
        hints = _dataclass_hints(cls)
        return [(f.name, hints.get(f.name, f.type), None) for f in dataclasses.fields(cls)]
    return []


def _dataclass_hints(cls: type) -> dict[str, Any]:
    import typing

    try:
        return typing.get_type_hints(cls)
    except Exception:  # noqa: BLE001 - forward references we cannot resolve: treat fields as leaves
        return {}


class Declared:
    """The paths a kind's context offers: inner nodes, leaves, and fields fed into computed values."""

    def __init__(self) -> None:
        self.inner: set[str] = set()
        self.leaves: set[str] = set()
        self.dates: set[str] = set()  # leaves holding dates: templates may read .year/.month/.day
        self.free: set[str] = set()  # dict fields with arbitrary keys: anything below is declared
        self.keyed: set[str] = set()  # dict fields with fixed keys, and dataclass views (Clause, Annex):
        # their leaves are ways of printing one value, not data that must all be printed
        self.feeds: dict[str, set[str]] = {}  # printed path → declared paths it prints

    def add_model(self, cls: Any, prefix: str, dict_keys: dict[str, Iterable[str]]) -> None:
        printed_via = getattr(cls, "printed_via", None) or {}
        for computed, sources in dict(printed_via).items():
            self.feeds[_join(prefix, computed)] = {_join(prefix, s) for s in sources}
        for name, annotation, info in _fields_of(cls):
            self._add_field(_join(prefix, name), annotation, info, dict_keys)

    def _add_field(self, path: str, annotation: Any, info: Any, dict_keys: dict[str, Iterable[str]]) -> None:
        inner, lists = unwrap_annotation(annotation)
        item_path = path + "[]" * lists
        if lists:
            self.inner.add(path)
        if get_origin(inner) is dict or inner is dict:
            self.inner.add(item_path)
            value_type = get_args(inner)[1] if get_args(inner) else Any
            keys = dict_keys.get(path.split("[]")[-1].lstrip(".")) or _schema_keys(info)
            if keys is None:
                self.free.add(item_path)
                return
            self.keyed.add(item_path)
            for key in keys:
                self._add_field(f"{item_path}.{key}", value_type, None, dict_keys)
            return
        if (isinstance(inner, type) and issubclass(inner, BaseModel)) or dataclasses.is_dataclass(inner):
            self.inner.add(item_path)
            if dataclasses.is_dataclass(inner):
                self.keyed.add(item_path)
            self.add_model(inner, item_path, dict_keys)
            return
        self.leaves.add(item_path)
        if isinstance(inner, type) and issubclass(inner, date):
            self.dates.add(item_path)

    def is_declared(self, path: str) -> bool:
        if path in self.inner or path in self.leaves:
            return True
        if any(path.startswith(p + ".") for p in self.free):
            return True
        return any(path in (f"{p}.year", f"{p}.month", f"{p}.day") for p in self.dates)

    def printed(self, used: set[str]) -> set[str]:
        """Leaves counted as printed: used themselves, read through (``date.year``) or fed into a used path."""
        printed = set()
        for leaf in self.leaves:
            if leaf in used or any(u.startswith(leaf + ".") for u in used):
                printed.add(leaf)
        for target, sources in self.feeds.items():
            if target in used:
                for source in sources:
                    printed.update(l for l in self.leaves if l == source or l.startswith(source + ".")
                                   or l.startswith(source + "["))
        return printed


def _schema_keys(info: Any) -> list[str] | None:
    extra = getattr(info, "json_schema_extra", None)
    if isinstance(extra, dict) and "keys" in extra:
        return list(extra["keys"])
    return None


def _join(prefix: str, name: str) -> str:
    return f"{prefix}.{name}" if prefix else name


def declared_paths(kind: Kind, layout: Layout | None = None) -> Declared:
    """The context paths a kind offers (for one layout's clause keys, or all layouts')."""
    layouts = [layout] if layout else list(kind.layouts)
    clause_keys = sorted({key for lay in layouts for key in lay.clause_keys()})
    declared = Declared()
    dict_keys = {"clause": clause_keys}
    declared.add_model(kind.model, "", dict_keys)
    declared.add_model(kind.derived_model, "", dict_keys)
    return declared


def _matches(path: str, patterns: Iterable[str]) -> bool:
    return any(path == p or path.startswith(p + ".") or path.startswith(p + "[") for p in patterns)


# ───────────────────────────── the checks ─────────────────────────────


def environment_problems() -> list[Problem]:
    """The render environment must be sandboxed and autoescaping."""
    env = make_env()
    problems = []
    if not isinstance(env, SandboxedEnvironment):
        problems.append(Problem("docgen.render.make_env", "", "渲染环境不是 Jinja 沙箱（SandboxedEnvironment）"))
    if env.autoescape is not True:
        problems.append(Problem("docgen.render.make_env", "", "渲染环境没有开启自动转义（autoescape）"))
    return problems


def clause_order(path: Path, layout: Layout) -> list[Problem]:
    """Clause headings appear exactly once each, in the layout's declared order."""
    with zipfile.ZipFile(path) as archive:
        root = etree.fromstring(archive.read("word/document.xml"))
    text = "".join(t.text or "" for t in root.iter(f"{W}t"))
    found = re.findall(r"clause\.(\w+)\.heading", text)
    expected = layout.clause_keys()
    if found == expected:
        return []
    problems = []
    for key in expected:
        count = found.count(key)
        if count != 1:
            problems.append(Problem(str(path), "条款", f"条款标题 clause.{key}.heading 应出现 1 次，实际 {count} 次"))
    unknown = [key for key in found if key not in expected]
    for key in unknown:
        problems.append(Problem(str(path), "条款", f"条款 {key} 不在版式 {layout.name} 的条款清单中"))
    if not problems:
        problems.append(Problem(str(path), "条款", "条款标题的顺序与版式声明的顺序不一致",
                                f"模板：{' '.join(found)}；声明：{' '.join(expected)}"))
    return problems


def lint_layout(kind: Kind, layout: Layout) -> tuple[list[Problem], set[str]]:
    """Problems of one template, and the data paths it reads."""
    path = kind.template_path(layout)
    if not path.exists():
        return [Problem(str(path), kind.label, "模板文件不存在")], set()
    problems = page_and_fonts(path) + split_tags(path)
    used: set[str] = set()
    env = make_env()
    for part, source in jinja_sources(path).items():
        try:
            used |= used_paths(source, env)
        except TemplateSyntaxError as error:
            problems.append(Problem(str(path), part, f"模板语法错误：{error.message}", f"第 {error.lineno} 行"))
    declared = declared_paths(kind, layout)
    for name in sorted(p for p in used if not declared.is_declared(p)):
        problems.append(Problem(str(path), kind.label, "模板使用了未声明的变量", name))
    if layout.clauses:
        problems.extend(clause_order(path, layout))
    return problems, used


def lint_kind(kind: Kind | str) -> list[Problem]:
    """Every problem of every template of a kind, plus declared fields no template prints."""
    kind = get_kind(kind)
    problems: list[Problem] = []
    used: set[str] = set()
    for layout in kind.layouts:
        found, reads = lint_layout(kind, layout)
        problems.extend(found)
        used |= reads
    declared = declared_paths(kind)
    printed = declared.printed(used)
    for leaf in sorted(declared.leaves - printed):
        if _matches(leaf, kind.not_printed) or any(leaf.startswith(k + ".") for k in declared.keyed):
            continue
        problems.append(Problem(f"templates/{kind.name}", kind.label,
                                "声明的字段没有被任何模板使用（若有意不打印，请列入 not_printed）", leaf))
    return problems


def lint(kinds: Iterable[str] | None = None) -> dict[str, list[Problem]]:
    """Lint the named kinds (default: all): ``{kind name: problems}``; the environment check under ``*``."""
    chosen = [get_kind(name) for name in kinds] if kinds else all_kinds()
    report = {"*": environment_problems()}
    for kind in chosen:
        report[kind.name] = lint_kind(kind)
    return report
