"""Chinese full-text search: text extraction, analyzer, Whoosh index on encrypted storage, queries.

Layers, each a module with one job:

* ``extract``   — text out of .docx / .pdf / .xlsx / .txt bytes (never fails an ingest);
* ``analyzer``  — normalisation and the exact-match gram stream (plus rjieba words);
* ``query``     — the search language parsed into a tree (AND, OR, NOT, phrases);
* ``storage``   — a Whoosh ``Storage`` that seals every file (AES-256-GCM, name + index id as AAD);
* ``bodytable`` — a segment's gram postings as one numpy-ready table file;
* ``bulk``      — segments written and merged without Whoosh's per-posting pool;
* ``executor``  — a query tree evaluated with set algebra and vectorised phrase checks;
* ``engine``    — :func:`open_index`, the :class:`api.SearchEngine` the archive talks to;
* ``snippets``  — highlighted passages from a document's decrypted text;
* ``service``   — what ``docgen search`` / ``docgen index rebuild`` call (archive + engine).
"""
