"""Chinese full-text search: text extraction, analyzer, Whoosh index on encrypted storage, queries."""
