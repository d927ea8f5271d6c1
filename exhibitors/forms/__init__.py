"""Forms of the exhibitors app, one module per area."""
