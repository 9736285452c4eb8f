"""The encrypted archive: blob store, catalog, filing scheme, audit log, verify, disposition, handover."""
