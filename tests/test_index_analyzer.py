"""The Chinese analyzer: normalisation, exact-match grams, rjieba words, query slots."""

from __future__ import annotations

import pytest

from index.analyzer import Slot, bigrams, gram_positions, normalize, query_slots, word_positions, word_tokens


def test_normalize_folds_width_case_thousands_and_layout_spaces():
    assert normalize("ＢＪＲＢＪ２０２１０１０") == "bjrbj2021010"
    assert normalize("金额1,950,000.00元") == "金额1950000.00元"
    assert normalize("合 同 书") == "合同书"
    assert normalize("综合\n事务中心") == "综合事务中心"  # a PDF line wrap
    assert normalize("第一段\n\n第二段") == "第一段\n\n第二段"  # a paragraph break
    assert normalize("甲方\t北京") == "甲方\t北京"  # a table cell
    assert normalize("第 3 条") == "第 3 条"  # spaces next to a digit are real separators


def test_grams_are_bigrams_plus_the_runs_last_character_numbered_sequentially():
    assert gram_positions("信息安全事件") == {
        "信息": [0], "息安": [1], "安全": [2], "全事": [3], "事件": [4], "件": [5],
    }


def test_a_bigram_pattern_cannot_straddle_two_runs():
    """GIVEN 安全 and 事件 separated by a comma THEN no 全事, and 事件 is not two after 安全 (an empty position)."""
    grams = gram_positions(normalize("安全，事件"))
    assert "全事" not in grams
    assert grams["安全"] == [0] and grams["全"] == [1] and grams["事件"] == [3] and grams["件"] == [4]


@pytest.mark.parametrize("code", ["2022", "bjrbj2021010", "0747-2261sccza221", "12110000mb1m157146"])
def test_numbers_and_codes_are_kept_whole(code):
    assert code in gram_positions(normalize(f"编号{code.upper()}的合同"))


def test_codes_with_separators_are_also_indexed_by_their_parts_at_the_same_position():
    grams = gram_positions("传真010-55585414")
    assert grams["010-55585414"] == grams["55585414"] == grams["010"] == [3]


def test_words_default_mode_positions_are_sequential_and_sub_words_share_them():
    tokens = list(word_tokens("信息安全事件"))
    assert ("信息安全", 0) in tokens and ("信息", 0) in tokens and ("安全", 0) in tokens
    assert ("事件", 1) in tokens
    positions = [pos for _, pos in tokens]
    assert positions == sorted(positions) and set(positions) == {0, 1}


def test_words_drop_spaces_and_punctuation_and_keep_codes():
    words = word_positions(normalize("合同编号：BJRBJ2021010， 日期 2022年"))
    assert "bjrbj2021010" in words and "2022" in words
    assert not any(w.strip("，：, ") == "" for w in words)


def test_query_slots_for_chinese_terms_are_their_bigrams_at_their_offsets():
    assert query_slots("安全事件") == [Slot("安全", offset=0), Slot("全事", offset=1), Slot("事件", offset=2)]
    assert query_slots("监理") == [Slot("监理")]


def test_query_slots_single_character_is_a_prefix():
    assert query_slots("监") == [Slot("监", prefix=True)]


def test_query_slots_mixed_term_pins_run_ends():
    """2022年 → the code, then 年 starting a run; 第3条 → 第 must end its run before 3."""
    assert query_slots("2022年") == [Slot("2022"), Slot("年", prefix=True, offset=1)]
    assert query_slots("第3条") == [Slot("第"), Slot("3", offset=2), Slot("条", prefix=True, offset=3)]
    assert query_slots("合同2022") == [Slot("合同"), Slot("同", offset=1), Slot("2022", offset=3)]


def test_bigrams_of_one_character():
    assert bigrams("监") == ["监"]


def test_rjieba_agrees_with_jieba_on_seed_like_text():
    """rjieba is used only if it segments like jieba: ≥ 99 % identical search-mode tokens."""
    jieba = pytest.importorskip("jieba")
    import rjieba

    from bench.corpus import FALLBACK_PARAGRAPHS, vocabulary

    text = "\n".join(vocabulary()[:400]) or "\n".join(FALLBACK_PARAGRAPHS)
    ours = [t for t in rjieba.tokenize(text, mode="search")]
    theirs = [t for t in jieba.tokenize(text, mode="search")]
    same = len(set(ours) & set(theirs))
    assert same / max(len(set(theirs)), 1) >= 0.99


def test_code_parts_merge_into_sorted_positions():
    grams = gram_positions(normalize("55585414 甲 010-55585414 乙 55585414 丙 020-55585414"))
    assert grams["55585414"] == sorted(grams["55585414"]) and len(grams["55585414"]) == 4
