"""Document kinds: one module per kind (model, derivation, checks, template)."""
