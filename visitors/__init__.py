"""Visitor registration, badges and gate check-in."""
