"""Shipped .docx templates and their sample data, one folder per document kind."""
