"""Snippets: the best passage, highlights found in the unnormalised text."""

from __future__ import annotations

from index.snippets import find_terms, make_snippet


def test_highlights_survive_what_normalisation_folds():
    text = "合同编号ＢＪＲＢＪ2021010，金额1,950,000.00元，信息安\n全事件。"
    found = [text[s:e] for s, e in find_terms(text, ["bjrbj2021010", "1950000.00", "安全事件"])]
    assert found == ["ＢＪＲＢＪ2021010", "1,950,000.00", "安\n全事件"]


def test_the_window_with_most_occurrences_wins_and_is_marked():
    text = "开头无关。" * 40 + "保密协议约定保密义务。" + "中间无关。" * 40 + "只有一次保密。"
    snippet = make_snippet(text, ["保密"], width=40)
    assert snippet.text.startswith("…") and snippet.text.endswith("…")
    assert snippet.marked().count("【保密】") == 2


def test_highlight_offsets_point_at_the_terms():
    snippet = make_snippet("前文" * 100 + "源代码不得泄露" + "后文" * 100, ["源代码", "泄露"], width=30)
    assert [snippet.text[s:e] for s, e in snippet.highlights] == ["源代码", "泄露"]


def test_no_match_gives_the_beginning():
    snippet = make_snippet("第一段\n\n第二段", ["不存在"])
    assert snippet.text == "第一段 第二段" and snippet.highlights == []


def test_layout_spaces_between_chinese_characters_are_removed_paragraph_breaks_kept():
    assert make_snippet("合 同 书\n\n甲方\n代表", []).text == "合同书 甲方代表"
