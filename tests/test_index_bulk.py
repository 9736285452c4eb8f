"""The bulk segment builder writes exactly what Whoosh's own writer would (terms, postings, lengths, scores)."""

from __future__ import annotations

import functools

from whoosh import writing
from whoosh.filedb.filestore import RamStorage

from bench.corpus import generate
from index.bulk import build_segments
from index.engine import document_fields, make_schema

DOCS = list(generate(40, seed=11, seed_dir=None))


class RamStorage(RamStorage):
    """Whoosh's RamStorage puts scratch files in a fixed /tmp folder; keep them in memory."""

    def temp_storage(self, name=None):
        from index.storage import MemoryStorage

        return MemoryStorage()


@functools.lru_cache(maxsize=1)
def _whoosh_index():
    """The reference: the same documents through Whoosh's own writer (read-only, built once)."""
    storage = RamStorage()
    ix = storage.create_index(make_schema(), indexname="MAIN")
    writer = ix.writer()
    for doc in DOCS:
        writer.add_document(**document_fields(doc))
    writer.commit()
    return ix


def _bulk_index(postings_per_segment: int):
    storage = RamStorage()
    ix = storage.create_index(make_schema(), indexname="MAIN")
    writer = ix.writer()
    fields = (document_fields(doc) for doc in DOCS)
    segments = list(build_segments(storage, make_schema(), "MAIN", fields, postings_per_segment=postings_per_segment))
    writer.commit(mergetype=lambda w, existing: segments)
    return ix, len(segments)


def _postings(reader, fieldname):
    out = {}
    for term in reader.lexicon(fieldname):
        matcher = reader.postings(fieldname, term)
        items = []
        while matcher.is_active():
            value = matcher.value_as("positions") if fieldname == "body" else None
            items.append((reader.stored_fields(matcher.id())["id"], matcher.weight(), value))
            matcher.next()
        out[term] = sorted(items)
    return out


def test_bulk_segments_hold_the_same_postings_and_lengths_as_whooshs_writer():
    expected_ix = _whoosh_index()
    bulk_ix, count = _bulk_index(postings_per_segment=10**9)
    assert count == 1
    with expected_ix.reader() as expected, bulk_ix.reader() as actual:
        assert actual.doc_count() == expected.doc_count() == len(DOCS)
        for fieldname in ("body", "category", "year", "date", "id", "project"):
            assert _postings(actual, fieldname) == _postings(expected, fieldname), fieldname
        assert actual.field_length("body") == expected.field_length("body")
        by_id = {expected.stored_fields(n)["id"]: n for n in range(expected.doc_count_all())}
        for docnum in range(actual.doc_count_all()):
            doc_id = actual.stored_fields(docnum)["id"]
            assert actual.doc_field_length(docnum, "body") == expected.doc_field_length(by_id[doc_id], "body")


def test_cutting_into_several_segments_changes_no_result():
    from whoosh import query

    expected_ix = _whoosh_index()
    bulk_ix, count = _bulk_index(postings_per_segment=5_000)
    assert count > 2
    for q in (query.Term("body", "合同"), query.Phrase("body", ["保密", "密义", "义务"]), query.Term("year", "2021")):
        with expected_ix.searcher() as a, bulk_ix.searcher() as b:
            left = {(hit["id"], round(hit.score, 6)) for hit in a.search(q, limit=None)}
            right = {(hit["id"], round(hit.score, 6)) for hit in b.search(q, limit=None)}
            assert left == right and left


def test_merging_segments_copies_every_posting_unchanged():
    from index.bulk import merge_segments

    expected_ix = _whoosh_index()
    bulk_ix, count = _bulk_index(postings_per_segment=5_000)
    segments = bulk_ix._segments()
    merged = merge_segments(bulk_ix.storage, make_schema(), "MAIN", segments)
    writer = bulk_ix.writer()
    writer.commit(mergetype=lambda w, existing: [merged])
    with expected_ix.reader() as expected, bulk_ix.reader() as actual:
        assert len(bulk_ix._segments()) == 1 and actual.doc_count() == len(DOCS)
        for fieldname in ("body", "category", "year", "date", "id", "project", "retention"):
            assert _postings(actual, fieldname) == _postings(expected, fieldname), fieldname


def test_merging_drops_deleted_documents():
    from whoosh import query

    from index.bulk import merge_segments

    bulk_ix, _ = _bulk_index(postings_per_segment=5_000)
    gone = {DOCS[0].doc_id, DOCS[17].doc_id, DOCS[-1].doc_id}
    writer = bulk_ix.writer()
    for doc_id in gone:
        writer.delete_by_term("id", doc_id)
    writer.commit(mergetype=lambda w, existing: [merge_segments(bulk_ix.storage, make_schema(), "MAIN", existing)])
    with bulk_ix.searcher() as searcher:
        assert not searcher.reader().has_deletions()
        ids = {hit["id"] for hit in searcher.search(query.Every(), limit=None)}
        assert ids == {d.doc_id for d in DOCS} - gone
        body = {hit["id"] for hit in searcher.search(query.Term("body", "合同"), limit=None)}
        assert not body & gone and body


def test_a_writer_merge_of_bulk_segments_keeps_every_document():
    """Whoosh can still merge bulk-written segments with its own code (optimize)."""
    bulk_ix, _ = _bulk_index(postings_per_segment=5_000)
    writer = bulk_ix.writer()
    writer.commit(mergetype=writing.OPTIMIZE)
    with bulk_ix.searcher() as searcher:
        assert len(bulk_ix._segments()) == 1
        assert searcher.doc_count() == len(DOCS)
        assert len(searcher.search(__import__("whoosh").query.Every(), limit=None)) == len(DOCS)
