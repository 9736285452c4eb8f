"""docgen: Chinese government IT contracts and records, from structured data to an encrypted archive."""

__version__ = "0.1.0"
