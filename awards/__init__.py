"""Award categories, candidates, jury scoring and certificates."""
