"""Buyer and investor profiles, B2B meetings, the scheduler and leads."""
