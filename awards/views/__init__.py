"""The awards' pages; each module lists its URL patterns beside its views."""
