"""The Whoosh search engine behind :class:`index.api.SearchEngine`, on encrypted storage.

One index entry per current document version. The content stream (档号, title, names and
text) is indexed as character bigrams for exact-substring matching (see
:mod:`index.analyzer`) and is not stored; the only stored value is the document id. Filter
fields (category, project, year, date, sensitivity, retention) are plain Whoosh terms.
Whoosh keeps the segments, stored ids, lengths, filter postings, deletions, the table of
contents and the write lock; the body postings sit in a per-segment table
(:mod:`index.bodytable`) written by :mod:`index.bulk` and searched by
:mod:`index.executor`. Every file goes through the encrypting storage.

Use :func:`open_index`; the archive calls ``add`` on ingest, ``delete`` then ``add`` on
supersede, ``delete`` on destroy, and ``rebuild`` from its catalog.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from whoosh import fields, formats
from whoosh import query as wq
from whoosh.index import EmptyIndexError, LockError

from archive.crypto import Sealer
from docgen.cn import mask_id_numbers

from .analyzer import normalize
from .api import Filters, Hit, Hits, IndexDoc
from .bulk import build_segments, choose_merge, merge_segments
from .errors import SearchError
from .executor import execute
from .query import parse, positive_terms
from .storage import ID_FILE, EncryptedStorage, lock_file

LOCK_TIMEOUT_S = 60.0
READ_ATTEMPTS = 3
MERGED_SEGMENT_DOCS = 25_000  # a rebuild's segments are merged up to this size
INDEX_NAME = "MAIN"


class IndexBusy(SearchError):
    """Another process held the index write lock for too long."""


class GramField(fields.FieldType):
    """The exact-match grams of the content; the value is text already passed through ``normalize``.

    Whoosh records the field's lengths; its postings live in the segment's body table
    (:mod:`index.bodytable`), written by :mod:`index.bulk`, so Whoosh's own writer skips it.
    """

    indexed = False

    def __init__(self) -> None:
        super().__init__(formats.Frequency(), analyzer=None, scorable=True)


def make_schema() -> fields.Schema:
    """The index schema: the document id (stored), the content grams, and the filter fields."""
    return fields.Schema(
        id=fields.ID(stored=True, unique=True),
        body=GramField(),
        category=fields.ID(),
        project=fields.ID(),
        year=fields.ID(),
        date=fields.NUMERIC(int, bits=32),
        sensitivity=fields.ID(),
        retention=fields.ID(),
    )


def content_of(doc: IndexDoc) -> str:
    """The searchable text of a document: 档号, title, names, body — normalised, a blank line apart
    (so no term spans two of them). Personal ID numbers are masked here too, whoever the caller."""
    return normalize(mask_id_numbers("\n\n".join([doc.ref, doc.title, *doc.names, doc.text])))


def document_fields(doc: IndexDoc) -> dict:
    """Whoosh field values for ``doc``."""
    values = {
        "id": doc.doc_id,
        "body": content_of(doc),
        "category": doc.category,
        "year": str(doc.year),
        "sensitivity": doc.sensitivity,
        "retention": doc.retention,
    }
    if doc.project:
        values["project"] = doc.project
    if doc.date is not None:
        values["date"] = _day_number(doc.date)
    return values


def _day_number(day) -> int:
    return day.year * 10000 + day.month * 100 + day.day


class WhooshEngine:
    """A :class:`index.api.SearchEngine` on Whoosh with an encrypting storage."""

    def __init__(self, directory: Path, sealer: Sealer | None, storage=None):
        """``storage`` replaces the encrypting storage (the benchmark's plain-files comparison)."""
        self._storage = storage if storage is not None else EncryptedStorage(Path(directory), sealer).create()
        self._schema = make_schema()
        self._ix = self._open_or_create()
        self._searcher = None
        self._filter_cache: dict[Filters, set[int]] = {}

    def _open_or_create(self):
        lock = self._storage.lock(f"{INDEX_NAME}_WRITELOCK")
        if not _acquire(lock):
            raise IndexBusy("全文索引正被另一个进程写入，请稍后再试")
        try:
            try:
                return self._storage.open_index(INDEX_NAME, schema=self._schema)
            except EmptyIndexError:
                return self._storage.create_index(self._schema, indexname=INDEX_NAME)
        finally:
            lock.release()

    # Writing ------------------------------------------------------------------------------

    def add(self, docs: Iterable[IndexDoc]) -> None:
        """Index ``docs``; a document whose id is already indexed is replaced."""
        self._write(docs, replace=False)

    def delete(self, doc_ids: Iterable[str], *, purge: bool = False) -> None:
        """Remove these document versions from the index (unknown ids are ignored).

        Whoosh only marks a deleted document; its postings stay in its segment's files until a
        merge. ``purge`` rewrites every segment holding deleted documents at once, so nothing
        of them is left in the index files (for destroyed documents).
        """
        writer = self._writer()
        try:
            for doc_id in doc_ids:
                writer.delete_by_term("id", doc_id)
        except BaseException:
            writer.cancel()
            raise
        self._commit(writer, [], replace=False, purge=purge)

    def rebuild(self, docs: Iterable[IndexDoc]) -> None:
        """Replace the whole index with ``docs``; readers see the old index until the commit."""
        self._write(docs, replace=True)

    def _write(self, docs: Iterable[IndexDoc], replace: bool) -> None:
        """Write ``docs`` as new segments (see :mod:`index.bulk`) and commit them in one TOC.

        Holding the write lock throughout, documents are written to fresh segments; on
        commit the same ids in older segments are marked deleted (``replace`` drops the
        older segments altogether) and small segments are merged.
        """
        writer = self._writer()
        seen: list[str] = []
        try:
            fields = (document_fields(doc) for doc in docs)
            new_segments = list(build_segments(self._storage, self._schema, INDEX_NAME, fields, seen))
            if not replace:
                for doc_id in seen:
                    writer.delete_by_term("id", doc_id)
        except BaseException:
            writer.cancel()
            raise

        self._commit(writer, new_segments, replace)

    def _commit(self, writer, new_segments: list, replace: bool, purge: bool = False) -> None:
        """Commit one new TOC: ``new_segments`` plus (unless ``replace``) the existing ones,
        with small segments merged (:func:`index.bulk.merge_segments`, never Whoosh's slow merge)
        and, with ``purge``, every segment holding deleted documents rewritten without them."""

        def policy(w, existing):
            segments = list(new_segments) if replace else [*existing, *new_segments]
            merged = self._merged([s for s in segments if s.doc_count() > 0], everything=replace)
            return self._purged(merged) if purge else merged

        writer.commit(mergetype=policy)
        self._invalidate()

    def _purged(self, segments: list) -> list:
        """Each segment with deleted documents rewritten alone (its size, so memory stays bounded)."""
        return [merge_segments(self._storage, self._schema, INDEX_NAME, [s]) if s.has_deletions() else s
                for s in segments]

    def _merged(self, segments: list, everything: bool) -> list:
        """After a rebuild (``everything``) merge into segments of up to :data:`MERGED_SEGMENT_DOCS`
        documents (one segment up to that size; memory stays bounded beyond); otherwise merge
        the small segments Whoosh's policy would."""
        if not everything:
            to_merge, keep = choose_merge(segments)
            if len(to_merge) < 2:
                return segments
            return [*keep, merge_segments(self._storage, self._schema, INDEX_NAME, to_merge)]
        result, group = [], []
        for segment in [*segments, None]:
            full = segment is None or sum(s.doc_count() for s in group) + segment.doc_count() > MERGED_SEGMENT_DOCS
            if group and full:
                result.append(group[0] if len(group) == 1 else merge_segments(self._storage, self._schema, INDEX_NAME, group))
                group = []
            if segment is not None:
                group.append(segment)
        return result

    def _writer(self):
        try:
            return self._ix.writer(timeout=LOCK_TIMEOUT_S, delay=0.05)
        except LockError:
            raise IndexBusy("全文索引正被另一个进程写入，请稍后再试") from None

    def _invalidate(self) -> None:
        # Whoosh's Searcher.refresh() can keep a stale reader of a segment whose deletions
        # changed, so a changed index always gets a fresh searcher (the storage caches the
        # decrypted write-once files, so this costs little).
        self._filter_cache.clear()
        if self._searcher is not None:
            self._searcher.close()
            self._searcher = None

    # Searching ----------------------------------------------------------------------------

    def search(self, query: str, filters: Filters = Filters(), limit: int = 10, offset: int = 0) -> Hits:
        """Documents matching ``query`` within ``filters``, best first; ``offset``/``limit`` page them."""
        node = parse(query)
        for attempt in range(READ_ATTEMPTS):
            try:
                searcher = self._current_searcher()
                allowed = self._allowed(searcher, filters)
                if allowed is not None and not allowed:
                    return Hits(0, [])
                ranked = execute(searcher.reader(), node, allowed, limit, offset)
                break
            except FileNotFoundError:
                # another process merged segments away between our reading the TOC and a file
                self._invalidate()
                if attempt == READ_ATTEMPTS - 1:
                    raise
        terms = positive_terms(node)
        return Hits(ranked.total, [Hit(doc_id, score, terms) for score, doc_id in ranked.top])

    def _current_searcher(self):
        if self._searcher is None:
            self._searcher = self._ix.searcher()
        elif not self._searcher.up_to_date():
            self._invalidate()
            self._searcher = self._ix.searcher()
        return self._searcher

    def _allowed(self, searcher, filters: Filters) -> set[int] | None:
        """The document numbers the filters allow (cached per index generation), or None for all."""
        fq = filter_query(filters)
        if fq is None:
            return None
        if filters not in self._filter_cache:
            self._filter_cache[filters] = set(searcher.docs_for_query(fq))
        return self._filter_cache[filters]

    def close(self) -> None:
        if self._searcher is not None:
            self._searcher.close()
            self._searcher = None
        self._ix.close()

    def doc_count(self) -> int:
        """Number of (undeleted) documents in the index."""
        return self._ix.doc_count()


def filter_query(filters: Filters) -> wq.Query | None:
    """A Whoosh query for the field filters, or None when nothing is restricted."""
    parts: list[wq.Query] = []
    for name in ("category", "project", "sensitivity", "retention"):
        value = getattr(filters, name)
        if value is not None:
            parts.append(wq.Term(name, value))
    if filters.year is not None:
        parts.append(wq.Term("year", str(filters.year)))
    if filters.date_from is not None or filters.date_to is not None:
        low = _day_number(filters.date_from) if filters.date_from else None
        high = _day_number(filters.date_to) if filters.date_to else None
        parts.append(wq.NumericRange("date", low, high))
    if not parts:
        return None
    return parts[0] if len(parts) == 1 else wq.And(parts)


def _acquire(lock, timeout: float = LOCK_TIMEOUT_S) -> bool:
    from whoosh.util import filelock

    return filelock.try_for(lambda: lock.acquire(blocking=False), timeout, 0.05)


def wipe_index(directory: Path, timeout: float = LOCK_TIMEOUT_S) -> None:
    """Delete the index files in ``directory`` (and only those) so a fresh index can be built.

    Under the index's write lock, which stays: an index another process is writing (one that
    would not open for being busy, not for being damaged) is refused with ``IndexBusy``.
    """
    directory = Path(directory)
    if not directory.is_dir():
        return
    lock = lock_file(directory, f"{INDEX_NAME}_WRITELOCK")
    if not _acquire(lock, timeout):
        raise IndexBusy("全文索引正被另一个进程写入，请稍后再试")
    try:
        for path in directory.iterdir():
            name = path.name
            if path.is_file() and (name == ID_FILE or name.startswith(("_MAIN_", "MAIN_")) or name.endswith(".tmp")):
                path.unlink()
    finally:
        lock.release()


def open_index(directory: Path, sealer: Sealer) -> WhooshEngine:
    """Open (creating if needed) the encrypted index in ``directory``."""
    return WhooshEngine(directory, sealer)
