"""Views of the exhibitors app, one module per area; each module lists its own URL patterns."""
