"""Benchmarks of the portal; `bench/run.py` is the entry point. Nothing here is imported by the product."""
