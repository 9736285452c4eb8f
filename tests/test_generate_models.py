"""Every input field of every kind carries a Chinese label, so every problem line names it in Chinese."""

from __future__ import annotations

import re

import pytest
from pydantic import BaseModel

from docgen.kinds.base import all_kinds
from docgen.kinds.common import _unwrap


def unlabelled(model: type[BaseModel], prefix: str = "", seen: set | None = None) -> list[str]:
    seen = seen if seen is not None else set()
    if model in seen:
        return []
    seen.add(model)
    missing = []
    for name, field in model.model_fields.items():
        path = f"{prefix}{name}"
        if not field.title or not re.search(r"[\u4e00-\u9fff]", field.title):
            missing.append(path)
        inner = _unwrap(field.annotation)
        if isinstance(inner, type) and issubclass(inner, BaseModel):
            missing += unlabelled(inner, f"{path}.", seen)
    return missing


@pytest.mark.parametrize("kind", all_kinds(), ids=lambda k: k.name)
def test_every_field_has_a_chinese_label(kind):
    assert unlabelled(kind.model) == []


@pytest.mark.parametrize("kind", all_kinds(), ids=lambda k: k.name)
def test_every_kind_has_templates_and_samples(kind):
    assert kind.layouts and all(kind.template_path(layout).exists() for layout in kind.layouts)
    assert kind.sample_paths() and all(path.exists() for path in kind.sample_paths())
    assert re.search(r"[\u4e00-\u9fff]", kind.label)


SAMPLES = [(kind, path) for kind in all_kinds() for path in kind.sample_paths()]


@pytest.mark.parametrize("kind,sample", SAMPLES, ids=[f"{k.name}/{p.name}" for k, p in SAMPLES])
def test_every_sample_renders(tmp_path, kind, sample):
    from docx import Document

    from docgen.render import render

    result = render(kind, sample, tmp_path / "out.docx")
    assert result.out_paths == [tmp_path / "out.docx"]
    assert Document(str(tmp_path / "out.docx")).paragraphs  # reopens as a real .docx
