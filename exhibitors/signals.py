"""Signals other apps listen to, so that exhibitors needs to know none of them."""

from django.dispatch import Signal

# Sent with ``exhibitor`` inside the transaction that changed what an exhibitor offers: its public profile, its
# products or its listing. Matchmaking recomputes its suggestions from them.
exhibitor_offer_changed = Signal()
