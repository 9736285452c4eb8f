"""The Whoosh engine on encrypted storage: Chinese query semantics, filters, updates, rebuild."""

from __future__ import annotations

import multiprocessing
import random
import re
from datetime import date
from pathlib import Path

import pytest

from archive.crypto import Sealer, new_key
from bench.corpus import generate
from index.analyzer import normalize
from index.api import Filters, Hits, IndexDoc
from index.engine import content_of, open_index
from index.errors import BadQuery

KEY = new_key()


def doc(doc_id: str, text: str, title: str = "文件", **fields) -> IndexDoc:
    defaults = dict(ref=f"J001-HTXY·2022-Y-JFLH-{doc_id}", category="HTXY", year=2022, date=date(2022, 10, 19))
    defaults.update(fields)
    return IndexDoc(doc_id=doc_id, title=title, text=text, **defaults)


DOCS = [
    doc("nda", "保密协议：乙方不得泄露源代码。发生信息安全事件时立即报告。", title="公司保密协议"),
    doc("nda-jl", "保密协议（监理）：监理单位对运维资料保密。", title="监理保密协议", category="JLWS"),
    doc("notice", "监理通知单：请于三个工作日内整改。负责人王为昌。", title="监理通知单", category="JLWS", year=2023,
        date=date(2023, 3, 1), project="WLAQ", sensitivity="比较敏感"),
    doc("contract", "合同编号BJRBJ2021010，金额1,950,000.00元，联系电话010-55585414，2022年10月签订。合同解除条件见第十二条。",
        title="电子政务运维项目服务合同", project="JFLH", retention="Y"),
    doc("report", "月度运维报告：本月无故障。解除合同的风险较低。积分落户系统运行平稳。", title="月报",
        category="FWZJ", year=2021, date=date(2021, 5, 31), retention="D10", project="JFLH"),
]


@pytest.fixture
def engine(tmp_path):
    eng = open_index(tmp_path / "index", Sealer(KEY))
    eng.add(DOCS)
    yield eng
    eng.close()


def ids(hits) -> set[str]:
    return {h.doc_id for h in hits.hits}


@pytest.mark.parametrize(
    "query, expected",
    [
        ("保密协议", {"nda", "nda-jl"}),
        ("保密协议 NOT 监理", {"nda"}),
        ("保密协议 -监理", {"nda"}),
        ("安全事件", {"nda"}),  # inside 信息安全事件
        ("王为昌", {"notice"}),  # out of jieba's dictionary
        ("积分落户", {"report"}),
        ('"合同解除"', {"contract"}),
        ("合同解除", {"contract"}),  # a term is an exact substring: 解除合同 does not match
        ("合同 解除", {"contract", "report"}),
        ("监理 OR 源代码", {"nda", "nda-jl", "notice"}),
        ("(监理 OR 源代码) NOT 通知单", {"nda", "nda-jl"}),
        ("BJRBJ2021010", {"contract"}),
        ("bjrbj2021010", {"contract"}),
        ("55585414", {"contract"}),
        ("1950000.00", {"contract"}),
        ("1,950,000.00", {"contract"}),
        ("2022年", {"contract"}),
        ("监", {"nda-jl", "notice"}),
        ("NOT 监理", {"nda", "contract", "report"}),
        ("不存在的词", set()),
    ],
)
def test_chinese_query_semantics(engine, query, expected):
    assert ids(engine.search(query, limit=50)) == expected


def test_title_and_ref_are_searchable(engine):
    assert ids(engine.search("电子政务")) == {"contract"}
    assert ids(engine.search("J001-HTXY·2022-Y-JFLH-contract")) == {"contract"}


def test_hits_carry_the_positive_terms_for_highlighting(engine):
    hit = engine.search("保密协议 NOT 监理").hits[0]
    assert hit.terms == ("保密协议",)
    assert hit.score > 0


@pytest.mark.parametrize(
    "filters, expected",
    [
        (Filters(category="JLWS"), {"nda-jl", "notice"}),
        (Filters(project="JFLH"), {"contract", "report"}),
        (Filters(year=2023), {"notice"}),
        (Filters(date_from=date(2022, 1, 1), date_to=date(2022, 12, 31)), {"nda", "nda-jl", "contract"}),
        (Filters(date_to=date(2021, 12, 31)), {"report"}),
        (Filters(sensitivity="比较敏感"), {"notice"}),
        (Filters(retention="D10"), {"report"}),
        (Filters(category="JLWS", year=2022), {"nda-jl"}),
        (Filters(category="NONE"), set()),
    ],
)
def test_filters_restrict_an_everything_query(engine, filters, expected):
    assert ids(engine.search("", filters, limit=50)) == expected


def test_filters_combine_with_terms(engine):
    assert ids(engine.search("保密", Filters(category="JLWS"))) == {"nda-jl"}


def test_paging_returns_disjoint_pages_and_the_total(engine):
    first = engine.search("", limit=2, offset=0)
    second = engine.search("", limit=2, offset=2)
    third = engine.search("", limit=2, offset=4)
    assert first.total == second.total == third.total == 5
    assert len(first.hits) == 2 and len(second.hits) == 2 and len(third.hits) == 1
    assert not ids(first) & ids(second)


def test_a_deleted_document_vanishes(engine):
    engine.delete(["notice"])
    assert ids(engine.search("王为昌")) == set()
    assert engine.search("").total == 4


def test_a_superseded_document_shows_only_its_newest_version(engine):
    """GIVEN a contract v1 WHEN the archive supersedes it (delete old id, add new id) THEN only v2 is found."""
    engine.delete(["contract"])
    engine.add([doc("contract-v2", "合同编号BJRBJ2021010，补充协议修订了合同解除条件。")])
    assert ids(engine.search("BJRBJ2021010")) == {"contract-v2"}
    assert ids(engine.search("补充协议")) == {"contract-v2"}


def test_adding_an_existing_id_replaces_it(engine):
    engine.add([doc("nda", "全新的文本")])
    assert ids(engine.search("源代码")) == set()
    assert ids(engine.search("全新")) == {"nda"}


def test_rebuild_replaces_everything(engine):
    engine.rebuild([doc("only", "唯一的文件，保密协议")])
    assert ids(engine.search("")) == {"only"}
    assert ids(engine.search("保密协议")) == {"only"}


def test_the_index_survives_reopening(tmp_path):
    first = open_index(tmp_path / "ix", Sealer(KEY))
    first.add(DOCS)
    first.close()
    again = open_index(tmp_path / "ix", Sealer(KEY))
    assert ids(again.search("保密协议 NOT 监理")) == {"nda"}
    again.close()


def test_two_open_engines_see_each_others_writes(tmp_path):
    """Two handles on one directory (as two processes would have) stay consistent."""
    a = open_index(tmp_path / "ix", Sealer(KEY))
    b = open_index(tmp_path / "ix", Sealer(KEY))
    a.add(DOCS[:2])
    assert ids(b.search("保密协议")) == {"nda", "nda-jl"}
    b.delete(["nda"])
    assert ids(a.search("保密协议")) == {"nda-jl"}
    a.close()
    b.close()


def _add_from_another_process(directory: str, key: bytes, n: int) -> None:
    engine = open_index(Path(directory), Sealer(key))
    engine.add([doc(f"p{n}-{i}", f"第{n}号进程写入的文件{i}") for i in range(5)])
    engine.close()


def test_concurrent_writers_in_separate_processes_lose_nothing(tmp_path):
    directory = tmp_path / "ix"
    open_index(directory, Sealer(KEY)).close()
    context = multiprocessing.get_context("spawn")
    workers = [context.Process(target=_add_from_another_process, args=(str(directory), KEY, n)) for n in range(3)]
    for w in workers:
        w.start()
    for w in workers:
        w.join(60)
    assert [w.exitcode for w in workers] == [0, 0, 0]
    engine = open_index(directory, Sealer(KEY))
    assert engine.search("").total == 15
    engine.close()


@pytest.mark.parametrize("query, message", [
    ('"未闭合', "查询语句无法解析：引号 \" 没有闭合"),
    ("(监理 OR 保密", "查询语句无法解析：括号没有闭合"),
    ("监理 OR", "查询语句无法解析：运算符后缺少检索词"),
])
def test_bad_queries_raise_bad_query_with_a_chinese_message(engine, query, message):
    with pytest.raises(BadQuery) as caught:
        engine.search(query)
    assert caught.value.message == message
    assert caught.value.exit_code == 2


def _occurs(term: str, text: str) -> bool:
    """The documented semantics: Chinese is matched as a substring, Latin and digits as whole tokens."""
    term = normalize(term)
    head = r"(?<![0-9a-z])" if term[0].isascii() else ""
    tail = r"(?![0-9a-z])" if term[-1].isascii() else ""
    return re.search(head + re.escape(term) + tail, text) is not None


def test_exact_substring_semantics_on_a_generated_corpus(tmp_path):
    """Every term's hits equal the documents whose text contains it — no more, no fewer; NOT too."""
    docs = list(generate(60, seed=7, seed_dir=None))
    engine = open_index(tmp_path / "ix", Sealer(KEY))
    engine.add(docs)
    contents = {d.doc_id: content_of(d) for d in docs}
    rng = random.Random(3)
    probes = set()
    for d in rng.sample(docs, 20):
        text = contents[d.doc_id]
        for _ in range(4):
            start = rng.randrange(len(text) - 8)
            length = rng.randint(1, 6)
            term = text[start : start + length]
            if term.strip() and all(ch.isalnum() for ch in term):
                probes.add(term)
    probes |= {"监理", "安全事件", "王为昌", "周建国", "违约金", "合同解除"}
    assert len(probes) > 30
    for term in sorted(probes):
        expected = {i for i, text in contents.items() if _occurs(term, text)}
        found = ids(engine.search(f'"{term}"', limit=100))
        assert found == expected, term
        without = ids(engine.search(f'国 NOT "{term}"', limit=100))
        assert not without & expected, term
    engine.close()


def _keep_adding(directory: str, key: bytes, rounds: int) -> None:
    engine = open_index(Path(directory), Sealer(key))
    for n in range(rounds):
        engine.add([doc(f"w{n}", f"写入进程的第{n}份文件，保密协议")])
    engine.close()


def test_searching_while_another_process_writes_and_merges(tmp_path):
    """GIVEN a writer adding documents one by one (each commit may merge segments away)
    WHEN this process keeps searching THEN every search succeeds and counts only grow."""
    directory = tmp_path / "ix"
    reader = open_index(directory, Sealer(KEY))
    reader.add(DOCS)
    writer = multiprocessing.get_context("spawn").Process(target=_keep_adding, args=(str(directory), KEY, 25))
    writer.start()
    seen = []
    while writer.is_alive():
        seen.append(reader.search("保密协议").total)
    writer.join(60)
    assert writer.exitcode == 0
    seen.append(reader.search("保密协议").total)
    assert seen == sorted(seen) and seen[-1] == 2 + 25
    reader.close()


def test_personal_id_numbers_never_reach_the_index(tmp_path):
    """GIVEN a text holding a (synthetic, checksum-valid) ID number THEN no part of it is an index term."""
    from datetime import date as day

    from index.bodytable import TableReader
    from tests.fakes import fake_id_number

    number = fake_id_number(5, day(1990, 1, 1), male=True)
    engine = open_index(tmp_path / "ix", Sealer(KEY))
    engine.add([doc("person", f"个人保密协议：张测试，身份证号{number}，住址北京。")])
    assert engine.search(number).total == 0
    assert engine.search("身份证号").total == 1
    reader = engine._current_searcher().reader()
    for leaf, _ in reader.leaf_readers():
        terms = {key.decode() for key, _ in TableReader(leaf.storage(), leaf.segment()).items()}
        assert not any(number[i : i + 6] in t for t in terms for i in range(0, 13, 6))
    engine.close()


def test_an_empty_index_answers_every_query_with_nothing(tmp_path):
    engine = open_index(tmp_path / "ix", Sealer(KEY))
    for query in ("保密", "", '"合同解除"', "-监理"):
        assert engine.search(query) == Hits(0, [])
    engine.rebuild([])
    engine.add([])
    engine.delete(["nothing"])
    assert engine.search("", Filters(year=2022)) == Hits(0, [])
    engine.close()


def test_a_large_rebuild_is_cut_and_merged_into_bounded_segments(tmp_path, monkeypatch):
    """GIVEN tiny limits WHEN rebuilding 60 documents THEN several merged segments answer like one."""
    from index import bulk, engine as engine_module

    monkeypatch.setattr(bulk, "POSTINGS_PER_SEGMENT", 2_000)
    monkeypatch.setattr(engine_module, "MERGED_SEGMENT_DOCS", 25)
    docs = list(generate(60, seed=5, seed_dir=None))
    engine = open_index(tmp_path / "ix", Sealer(KEY))
    engine.rebuild(docs)
    segments = engine._ix._segments()
    assert 2 <= len(segments) <= 4 and all(s.doc_count() <= 25 for s in segments)
    contents = {d.doc_id: content_of(d) for d in docs}
    for term in ("保密", "合同", "违约金", "乙方"):
        assert ids(engine.search(term, limit=100)) == {i for i, text in contents.items() if term in text}
    engine.close()


def test_wiping_refuses_an_index_another_process_is_writing(tmp_path):
    """GIVEN another process holding the index's write lock (a long rebuild, say) WHEN the index is
    wiped for a rebuild THEN it is refused, and not a file of the other's index is touched."""
    from whoosh.util.filelock import FileLock

    from index.engine import IndexBusy, wipe_index

    directory = tmp_path / "ix"
    open_index(directory, Sealer(KEY)).close()
    before = sorted(p.name for p in directory.iterdir())
    other = FileLock(str(directory / ".MAIN_WRITELOCK.lock"))
    assert other.acquire()
    try:
        with pytest.raises(IndexBusy):
            wipe_index(directory, timeout=0.2)
        assert sorted(p.name for p in directory.iterdir()) == before
    finally:
        other.release()
    wipe_index(directory, timeout=0.2)
    assert sorted(p.name for p in directory.iterdir()) == [".MAIN_WRITELOCK.lock"]
