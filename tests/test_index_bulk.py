"""Bulk segments and merges hold exactly what they should: Whoosh's own postings for the
filter fields, and every document's gram positions in the body table."""

from __future__ import annotations

import functools

from whoosh import query
from whoosh.filedb.filestore import RamStorage as WhooshRamStorage

from bench.corpus import generate
from index.analyzer import gram_positions
from index.bodytable import TableReader
from index.bulk import build_segments, merge_segments
from index.engine import content_of, document_fields, make_schema

DOCS = list(generate(40, seed=11, seed_dir=None))
SMALL_FIELDS = ("category", "year", "date", "id", "project", "retention", "sensitivity")


class RamStorage(WhooshRamStorage):
    """Whoosh's RamStorage puts scratch files in a fixed /tmp folder; keep them in memory."""

    def temp_storage(self, name=None):
        from index.storage import MemoryStorage

        return MemoryStorage()


@functools.lru_cache(maxsize=1)
def _whoosh_index():
    """The reference for the filter fields: the same documents through Whoosh's own writer."""
    ix = RamStorage().create_index(make_schema(), indexname="MAIN")
    writer = ix.writer()
    for doc in DOCS:
        writer.add_document(**document_fields(doc))
    writer.commit()
    return ix


def _bulk_index(postings_per_segment: int):
    storage = RamStorage()
    ix = storage.create_index(make_schema(), indexname="MAIN")
    fields = (document_fields(doc) for doc in DOCS)
    segments = list(build_segments(storage, make_schema(), "MAIN", fields, postings_per_segment=postings_per_segment))
    ix.writer().commit(mergetype=lambda w, existing: segments)
    return ix, len(segments)


def _postings(reader, fieldname):
    out = {}
    for term in reader.lexicon(fieldname):
        matcher = reader.postings(fieldname, term)
        items = []
        while matcher.is_active():
            items.append((reader.stored_fields(matcher.id())["id"], matcher.weight()))
            matcher.next()
        out[term] = sorted(items)
    return out


def _body(ix) -> dict[str, dict[str, list[int]]]:
    """doc id → term → positions, read back from the segments' body tables."""
    out: dict[str, dict[str, list[int]]] = {}
    with ix.reader() as reader:
        for leaf, _ in reader.leaf_readers():
            table = TableReader(ix.storage, leaf.segment())
            for tbytes, value in table.items():
                from index.bodytable import decode

                postings = decode(value)
                docs, positions = postings.positions()
                for doc, pos in zip(docs.tolist(), positions.tolist()):
                    if leaf.is_deleted(doc):
                        continue
                    doc_id = leaf.stored_fields(doc)["id"]
                    out.setdefault(doc_id, {}).setdefault(tbytes.decode("utf-8"), []).append(pos)
    return out


def _expected_body(docs) -> dict[str, dict[str, list[int]]]:
    return {d.doc_id: gram_positions(content_of(d)) for d in docs}


def test_bulk_segment_holds_whooshs_filter_postings_and_every_gram_position():
    expected_ix = _whoosh_index()
    bulk_ix, count = _bulk_index(postings_per_segment=10**9)
    assert count == 1
    with expected_ix.reader() as expected, bulk_ix.reader() as actual:
        assert actual.doc_count() == expected.doc_count() == len(DOCS)
        for fieldname in SMALL_FIELDS:
            assert _postings(actual, fieldname) == _postings(expected, fieldname), fieldname
        lengths = {actual.stored_fields(n)["id"]: actual.doc_field_length(n, "body") for n in range(len(DOCS))}
    body = _body(bulk_ix)
    assert body == _expected_body(DOCS)
    from whoosh.util.numeric import byte_to_length, length_to_byte

    for doc in DOCS:
        true_length = sum(len(p) for p in body[doc.doc_id].values())
        assert lengths[doc.doc_id] == byte_to_length(length_to_byte(true_length))


def test_cutting_into_several_segments_changes_no_result():
    one, _ = _bulk_index(postings_per_segment=10**9)
    several, count = _bulk_index(postings_per_segment=5_000)
    assert count > 2
    assert _body(several) == _body(one)
    for q in (query.Term("year", "2021"), query.Term("category", "RCJC")):
        with one.searcher() as a, several.searcher() as b:
            assert {h["id"] for h in a.search(q, limit=None)} == {h["id"] for h in b.search(q, limit=None)}


def test_merging_segments_keeps_every_posting():
    expected_ix = _whoosh_index()
    bulk_ix, _ = _bulk_index(postings_per_segment=5_000)
    merged = merge_segments(bulk_ix.storage, make_schema(), "MAIN", bulk_ix._segments())
    bulk_ix.writer().commit(mergetype=lambda w, existing: [merged])
    assert len(bulk_ix._segments()) == 1
    with expected_ix.reader() as expected, bulk_ix.reader() as actual:
        assert actual.doc_count() == len(DOCS)
        for fieldname in SMALL_FIELDS:
            assert _postings(actual, fieldname) == _postings(expected, fieldname), fieldname
    assert _body(bulk_ix) == _expected_body(DOCS)


def test_merging_drops_deleted_documents():
    bulk_ix, _ = _bulk_index(postings_per_segment=5_000)
    gone = {DOCS[0].doc_id, DOCS[17].doc_id, DOCS[-1].doc_id}
    writer = bulk_ix.writer()
    for doc_id in gone:
        writer.delete_by_term("id", doc_id)
    writer.commit(mergetype=lambda w, existing: [merge_segments(bulk_ix.storage, make_schema(), "MAIN", existing)])
    with bulk_ix.searcher() as searcher:
        assert not searcher.reader().has_deletions()
        assert {hit["id"] for hit in searcher.search(query.Every(), limit=None)} == {d.doc_id for d in DOCS} - gone
    assert _body(bulk_ix) == _expected_body([d for d in DOCS if d.doc_id not in gone])
