"""Search benchmark: the encrypted Whoosh index against bare Whoosh + rjieba and two peers.

For each size (``make bench``: 1,000 and 10,000 documents; ``--large``: 50,000 and 100,000)
on the corpus of :mod:`bench.corpus`:

* **docgen** — :func:`index.engine.open_index` on encrypted storage: ingest (documents/s,
  ``rebuild``), warm query latency p50 / p95 over the query set, index size;
* **docgen, plain files** — the very same index with its files decrypted to a plain
  directory and opened with Whoosh's FileStorage: what encryption costs (size, latency);
* **bare Whoosh + rjieba** — Whoosh's stock writer on FileStorage with a jieba-style
  analyzer (rjieba search mode, positions = character offsets, as jieba's ChineseAnalyzer):
  the rate a plain setup gets; measured on the first 1,000 documents (its writer is slow);
* **SQLite FTS5** and **tantivy** with the same rjieba segmentation (skipped, and said so,
  if they will not load);
* **cold** ``docgen search`` — a new process against a real 10,000-document archive
  (built once and cached in ``bench/out/``; delete it to rebuild).

Every engine's answers are compared with exact-substring ground truth (recall, precision).
``DOCGEN_BENCH_SIZES=200,1000`` overrides the sizes for a quick run.
"""

from __future__ import annotations

import os
import shutil
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable

from bench import Measurement
from bench.corpus import generate

OUT = Path(__file__).parent / "out"
SIZES = (1_000, 10_000)
LARGE_SIZES = (50_000, 100_000)
BARE_SAMPLE = 1_000
REPEATS = 3  # each query runs this many times after a warm-up pass
KEY = bytes(range(32))  # benchmark data only

SINGLE = ["保密", "违约金", "监理", "验收", "源代码", "履约保函", "积分落户", "信息安全事件", "安全事件", "服务期限",
          "巡检", "故障", "月报", "数据库", "网络安全", "防火墙", "应急", "备份", "知识产权", "工作日"]
TWO_WORD = ["保密 源代码", "合同 解除", "监理 通知单", "故障 报告", "数据 备份", "服务 质量"]
PHRASES = ['"合同解除"', '"履约保证金"', '"服务质量"']
NAMES = ["王为昌"]
EXTRA = ["保密协议 NOT 监理", "BJRBJ2021010"]
QUERIES = SINGLE + TWO_WORD + PHRASES + NAMES + EXTRA


@dataclass
class Run:
    """What one engine did at one size."""

    engine: str
    docs: int
    ingest_s: float | None = None
    latencies_ms: list[float] = field(default_factory=list)
    size_mb: float | None = None
    recall: float | None = None
    precision: float | None = None
    open_ms: float | None = None  # open the index and answer one query, in a fresh engine
    note: str = ""

    @property
    def rate(self) -> float | None:
        return self.docs / self.ingest_s if self.ingest_s else None

    def percentile(self, p: float) -> float | None:
        if not self.latencies_ms:
            return None
        ordered = sorted(self.latencies_ms)
        return ordered[min(len(ordered) - 1, max(0, round(p / 100 * len(ordered)) - 1))]


def run(large: bool = False) -> list[Measurement]:
    sizes = _sizes(large)
    corpus = list(generate(max(sizes)))
    results: list[Measurement] = []
    bare = _bare_whoosh(corpus[: min(BARE_SAMPLE, max(sizes))])
    results += [_m("bare Whoosh + rjieba ingest", bare.rate, "docs/s", note=f"{bare.docs} docs, stock writer"),
                _m("bare Whoosh + rjieba warm p95", bare.percentile(95), "ms", note=_quality(bare))]
    for n in sizes:
        docs = corpus[:n]
        truth = _ground_truth(docs)
        ours, plain = _docgen(docs, truth)
        results += _docgen_rows(n, ours, plain, bare)
        for peer in (_fts5, _tantivy):
            outcome = peer(docs, truth)
            results += _peer_rows(n, outcome)
    if 10_000 in sizes or os.environ.get("DOCGEN_BENCH_COLD"):
        results.append(_cold_cli(corpus[: 10_000 if 10_000 in sizes else max(sizes)]))
    return results


def _sizes(large: bool) -> tuple[int, ...]:
    override = os.environ.get("DOCGEN_BENCH_SIZES")
    if override:
        return tuple(int(x) for x in override.split(","))
    return SIZES + (LARGE_SIZES if large else ())


def _m(name: str, value: float | None, unit: str, **kwargs) -> Measurement:
    return Measurement("search", name, value if value is not None else float("nan"), unit, **kwargs)


def _quality(r: Run) -> str:
    if r.recall is None:
        return r.note
    return f"recall {r.recall:.2f} precision {r.precision:.2f}" + (f"; {r.note}" if r.note else "")


# Ground truth ------------------------------------------------------------------------------

def _ground_truth(docs) -> dict[str, set[str]]:
    """Documents matching each query by the documented semantics (exact substrings, AND, NOT)."""
    from index.engine import content_of
    from index.query import AnyOf, Everything, Match, Without, parse

    contents = {d.doc_id: content_of(d) for d in docs}
    every = set(contents)

    def matches(node) -> set[str]:
        if isinstance(node, Everything):
            return set(every)
        if isinstance(node, Match):
            return {i for i, text in contents.items() if _occurs(node.text, text)}
        if isinstance(node, AnyOf):
            return set().union(*(matches(p) for p in node.parts))
        if isinstance(node, Without):
            return every - matches(node.part)
        result = set(every)
        for part in node.parts:
            result &= matches(part)
        return result

    return {q: matches(parse(q)) for q in QUERIES}


def _occurs(term: str, text: str) -> bool:
    import re

    head = r"(?<![0-9a-z])" if term[0].isascii() else ""
    tail = r"(?![0-9a-z])" if term[-1].isascii() else ""
    return re.search(head + re.escape(term) + tail, text) is not None


def _score(run_: Run, answers: dict[str, set[str]], truth: dict[str, set[str]]) -> None:
    found = sum(len(answers[q] & truth[q]) for q in truth)
    relevant = sum(len(truth[q]) for q in truth)
    returned = sum(len(answers[q]) for q in truth)
    run_.recall = found / relevant if relevant else 1.0
    run_.precision = found / returned if returned else 1.0


def _time_queries(search: Callable[[str], object], run_: Run) -> dict[str, object]:
    """Warm-up pass (its answers returned), then REPEATS timed passes."""
    answers = {q: search(q) for q in QUERIES}
    for _ in range(REPEATS):
        for q in QUERIES:
            started = time.perf_counter()
            search(q)
            run_.latencies_ms.append((time.perf_counter() - started) * 1000)
    return answers


# docgen --------------------------------------------------------------------------------------

def _docgen(docs, truth) -> tuple[Run, Run]:
    from archive.crypto import Sealer
    from index.engine import open_index

    work = Path(tempfile.mkdtemp(prefix="docgen-bench-"))
    try:
        directory = work / "index"
        engine = open_index(directory, Sealer(KEY))
        started = time.perf_counter()
        engine.rebuild(iter(docs))
        ours = Run("docgen", len(docs), ingest_s=time.perf_counter() - started, size_mb=_size_mb(directory))
        engine.close()
        started = time.perf_counter()
        engine = open_index(directory, Sealer(KEY))  # a fresh process would start here
        engine.search(QUERIES[0], limit=10)
        ours.open_ms = (time.perf_counter() - started) * 1000
        _time_queries(lambda q: engine.search(q, limit=10), ours)
        _score(ours, {q: _all_ids(engine, q) for q in QUERIES}, truth)
        engine.close()
        plain = _plain_copy(directory, work / "plain", truth)
        return ours, plain
    finally:
        shutil.rmtree(work, ignore_errors=True)


def _all_ids(engine, query: str) -> set[str]:
    """Every matching id (for recall and precision; not timed)."""
    total = engine.search(query, limit=1).total
    return {h.doc_id for h in engine.search(query, limit=max(1, total)).hits}


def _plain_copy(directory: Path, target: Path, truth) -> Run:
    """The same index decrypted file by file and opened through Whoosh's own FileStorage."""
    from whoosh.filedb.filestore import FileStorage

    from archive.crypto import Sealer
    from index import engine as eng
    from index.storage import EncryptedStorage

    sealed = EncryptedStorage(directory, Sealer(KEY))
    target.mkdir(parents=True)
    for name in sealed.list():
        (target / name).write_bytes(sealed.read_plain(name))
    plain = Run("docgen plain files", 0, size_mb=_size_mb(target))
    started = time.perf_counter()
    engine = eng.WhooshEngine(target, None, storage=FileStorage(str(target)))
    engine.search(QUERIES[0], limit=10)
    plain.open_ms = (time.perf_counter() - started) * 1000
    _time_queries(lambda q: engine.search(q, limit=10), plain)
    engine.close()
    return plain


def _size_mb(directory: Path) -> float:
    return sum(p.stat().st_size for p in directory.rglob("*") if p.is_file()) / 1e6


def _docgen_rows(n: int, ours: Run, plain: Run, bare: Run) -> list[Measurement]:
    p95_target = "≤ 30 ms" if n <= 10_000 else "≤ 100 ms"
    p95_limit = 30 if n <= 10_000 else 100
    p95 = ours.percentile(95)
    rows = [
        _m(f"docgen ingest {n:,}", ours.rate, "docs/s", baseline=bare.rate, baseline_name=f"bare Whoosh ({bare.docs:,})",
           target="≥ 0.8× bare", ok=ours.rate >= 0.8 * bare.rate if bare.rate else None),
        _m(f"docgen warm p50 {n:,}", ours.percentile(50), "ms", baseline=bare.percentile(50),
           baseline_name=f"bare Whoosh ({bare.docs:,})"),
        _m(f"docgen warm p95 {n:,}", p95, "ms", baseline=bare.percentile(95), baseline_name=f"bare Whoosh ({bare.docs:,})",
           target=p95_target, ok=p95 <= p95_limit, note=_quality(ours)),
        _m(f"docgen index size {n:,}", ours.size_mb, "MB", baseline=plain.size_mb, baseline_name="same index, plain files",
           target="≤ 1.2× plain", ok=ours.size_mb <= 1.2 * plain.size_mb),
        _m(f"docgen warm p95 vs plain {n:,}", p95, "ms", baseline=plain.percentile(95), baseline_name="same index, plain files",
           target="≤ 1.2× plain", ok=p95 <= 1.2 * plain.percentile(95) + 0.5),
        _m(f"docgen open + first query {n:,}", ours.open_ms, "ms", baseline=plain.open_ms,
           baseline_name="same index, plain files", note="whole-file decryption on open (plain files are mapped)"),
    ]
    return rows


def _peer_rows(n: int, peer: Run) -> list[Measurement]:
    if peer.rate is None:
        return [_m(f"{peer.engine} {n:,}", None, "-", note=peer.note)]
    return [
        _m(f"{peer.engine} ingest {n:,}", peer.rate, "docs/s", note="peer, rjieba words"),
        _m(f"{peer.engine} warm p50 {n:,}", peer.percentile(50), "ms", note="peer"),
        _m(f"{peer.engine} warm p95 {n:,}", peer.percentile(95), "ms", note=_quality(peer)),
        _m(f"{peer.engine} index size {n:,}", peer.size_mb, "MB", note="peer"),
    ]


# bare Whoosh ---------------------------------------------------------------------------------

def _bare_whoosh(docs) -> Run:
    """Whoosh's stock writer and query parser with a jieba-style rjieba analyzer, plain files."""
    from whoosh import fields, index, qparser

    work = Path(tempfile.mkdtemp(prefix="bare-whoosh-"))
    try:
        schema = fields.Schema(id=fields.ID(stored=True, unique=True), body=fields.TEXT(analyzer=_stock_analyzer()))
        ix = index.create_in(str(work), schema)
        started = time.perf_counter()
        writer = ix.writer()
        for doc in docs:
            writer.add_document(id=doc.doc_id, body="\n".join([doc.ref, doc.title, *doc.names, doc.text]))
        writer.commit()
        bare = Run("bare Whoosh + rjieba", len(docs), ingest_s=time.perf_counter() - started, size_mb=_size_mb(work))
        parser = qparser.QueryParser("body", schema, group=qparser.AndGroup)
        with ix.searcher() as searcher:
            _time_queries(lambda q: {h["id"] for h in searcher.search(parser.parse(q), limit=10)}, bare)
        _score(bare, {q: _bare_all(ix, parser, q) for q in QUERIES}, _ground_truth(docs))
        return bare
    finally:
        shutil.rmtree(work, ignore_errors=True)


def _bare_all(ix, parser, q: str) -> set[str]:
    with ix.searcher() as searcher:
        return {h["id"] for h in searcher.search(parser.parse(q), limit=None)}


def _stock_analyzer():
    """jieba's ``ChineseAnalyzer`` with rjieba: search-mode tokens, position = character offset."""
    from whoosh.analysis import LowercaseFilter

    return RjiebaTokenizer() | LowercaseFilter()


def _tokenizer_base():
    from whoosh.analysis import Tokenizer

    return Tokenizer


class RjiebaTokenizer(_tokenizer_base()):
    """What jieba's Whoosh tokenizer does, with rjieba (a module-level class so Whoosh can pickle it)."""

    def __call__(self, text, **kwargs):
        import rjieba
        from whoosh.analysis import Token

        kwargs.pop("positions", None)
        token = Token(positions=True, **kwargs)
        for word, start, end in rjieba.tokenize(text, mode="search"):
            token.original = token.text = word
            token.boost = 1.0
            token.pos, token.startchar, token.endchar = start, start, end
            yield token


# Peers -----------------------------------------------------------------------------------

def _words(text: str) -> list[str]:
    import rjieba

    return [w.lower() for w in rjieba.cut_for_search(text) if w.strip() and any(ch.isalnum() for ch in w)]


def _peer_query_parts(q: str):
    """(must terms-lists, must-not terms-lists): each entry is the rjieba words of one query term."""
    from index.query import AllOf, Match, Without, parse

    node = parse(q)
    parts = node.parts if isinstance(node, AllOf) else (node,)
    must, must_not = [], []
    for part in parts:
        target = must_not if isinstance(part, Without) else must
        match = part.part if isinstance(part, Without) else part
        if isinstance(match, Match):
            import rjieba

            target.append([w.lower() for w in rjieba.cut(match.text) if w.strip()])
    return must, must_not


def _fts5(docs, truth) -> Run:
    work = Path(tempfile.mkdtemp(prefix="fts5-"))
    try:
        db = sqlite3.connect(work / "fts.db")
        db.execute("CREATE VIRTUAL TABLE docs USING fts5(doc_id UNINDEXED, body, tokenize='unicode61')")
        started = time.perf_counter()
        with db:
            db.executemany("INSERT INTO docs VALUES (?, ?)",
                           ((d.doc_id, " ".join(_words("\n".join([d.ref, d.title, *d.names, d.text])))) for d in docs))
        peer = Run("SQLite FTS5 + rjieba", len(docs), ingest_s=time.perf_counter() - started, size_mb=_size_mb(work))

        def match_expr(q: str) -> str:
            must, must_not = _peer_query_parts(q)
            expr = " AND ".join('"' + " ".join(w) + '"' for w in must if w)
            for words in must_not:
                expr += ' NOT "' + " ".join(words) + '"'
            return expr

        def search(q: str, limit: int | None = 10) -> set[str]:
            sql = "SELECT doc_id FROM docs WHERE docs MATCH ? ORDER BY bm25(docs)" + (" LIMIT 10" if limit else "")
            return {row[0] for row in db.execute(sql, (match_expr(q),))}

        _time_queries(search, peer)
        _score(peer, {q: search(q, None) for q in QUERIES}, truth)
        db.close()
        return peer
    except Exception as error:  # a peer that will not run is reported, not fatal
        return Run("SQLite FTS5 + rjieba", len(docs), note=f"skipped: {type(error).__name__}: {error}")
    finally:
        shutil.rmtree(work, ignore_errors=True)


def _tantivy(docs, truth) -> Run:
    try:
        import tantivy
    except ImportError as error:
        return Run("tantivy + rjieba", len(docs), note=f"skipped: tantivy will not import ({error})")
    work = Path(tempfile.mkdtemp(prefix="tantivy-"))
    try:
        builder = tantivy.SchemaBuilder()
        builder.add_text_field("doc_id", stored=True, tokenizer_name="raw")
        builder.add_text_field("body", stored=False, tokenizer_name="whitespace", index_option="position")
        schema = builder.build()
        index = tantivy.Index(schema, path=str(work))
        started = time.perf_counter()
        writer = index.writer(heap_size=200_000_000, num_threads=1)
        for d in docs:
            writer.add_document(tantivy.Document(doc_id=d.doc_id, body=" ".join(_words("\n".join([d.ref, d.title, *d.names, d.text])))))
        writer.commit()
        writer.wait_merging_threads()
        peer = Run("tantivy + rjieba", len(docs), ingest_s=time.perf_counter() - started, size_mb=_size_mb(work))
        index.reload()
        searcher = index.searcher()

        def build(q: str):
            must, must_not = _peer_query_parts(q)
            clauses = []
            for words, occur in [(w, tantivy.Occur.Must) for w in must] + [(w, tantivy.Occur.MustNot) for w in must_not]:
                if not words:
                    continue
                sub = (tantivy.Query.term_query(schema, "body", words[0]) if len(words) == 1
                       else tantivy.Query.phrase_query(schema, "body", words))
                clauses.append((occur, sub))
            return tantivy.Query.boolean_query(clauses)

        def search(q: str, limit: int = 10) -> set[str]:
            hits = searcher.search(build(q), limit).hits
            return {searcher.doc(address)["doc_id"][0] for _, address in hits}

        _time_queries(search, peer)
        _score(peer, {q: search(q, len(docs)) for q in QUERIES}, truth)
        return peer
    except Exception as error:
        return Run("tantivy + rjieba", len(docs), note=f"skipped: {type(error).__name__}: {error}")
    finally:
        shutil.rmtree(work, ignore_errors=True)


# Cold CLI --------------------------------------------------------------------------------------

ARCHIVE_FORMAT = "1"  # bump to rebuild the cached benchmark archive
PASSPHRASE = "bench-passphrase"


def _cold_cli(docs) -> Measurement:
    """Wall time of ``docgen search`` in a new process against a real archive of ``docs``."""
    home = _bench_archive(docs)
    env = dict(os.environ, DOCGEN_PASSPHRASE=PASSPHRASE)
    docgen = Path(sys.executable).with_name("docgen")
    command = [str(docgen), "search", "保密 源代码", "--home", str(home), "--json"]
    times = []
    for _ in range(3):
        started = time.perf_counter()
        subprocess.run(command, env=env, check=True, capture_output=True, timeout=120)
        times.append(time.perf_counter() - started)
    cold = statistics.median(times)
    return _m(f"cold docgen search {len(docs):,}", cold, "s", target="≤ 1.5 s", ok=cold <= 1.5,
              note="new process: start-up, key unwrap, index open, search, 10 snippets, audit")


def _bench_archive(docs) -> Path:
    """A real archive holding ``docs`` as .txt files, built once and kept in bench/out/."""
    from archive import Archive

    home = OUT / f"archive-{len(docs)}-v{ARCHIVE_FORMAT}"
    if (home / ".complete").exists():
        return home
    shutil.rmtree(home, ignore_errors=True)
    OUT.mkdir(exist_ok=True)
    categories = {"RCJC": "04", "FWZJ": "07", "JLWS": "14", "GZZJ": "06", "JSFA": "10", "HTXY": "12"}
    from archive.models import AddItem

    with Archive.init(home, PASSPHRASE, fonds="BJ01") as arc:
        items = [AddItem(d.text.encode("utf-8"), {"category": categories[d.category], "title": d.title, "date": d.date},
                         filename=f"{d.doc_id}.txt") for d in docs]
        arc.add_many(items)
    (home / ".complete").write_text("ok")
    return home
