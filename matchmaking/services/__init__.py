"""Writes of the matchmaking app: taking part, availability, meeting requests with their emails, scheduler runs,
and meetings placed by hand.

Every write runs in one transaction and raises ``MatchmakingError`` with a message a person can read (and the
form field it belongs to, if any); nothing is half done. The names are re-exported here so that callers import
them from ``matchmaking.services`` whatever module holds them.
"""

from .base import MatchmakingError
from .meeting_requests import request_accept, request_decline, request_send, request_withdraw
from .meetings import meeting_book, meeting_cancel, meeting_move, meeting_swap
from .participants import (
    PROFILE_FIELDS,
    availability_set,
    exhibitor_participant_ensure,
    participant_join,
    participant_leave,
)
from .runs import scheduler_run_discard, scheduler_run_execute, scheduler_run_publish, scheduler_run_start

__all__ = [
    "PROFILE_FIELDS",
    "MatchmakingError",
    "availability_set",
    "exhibitor_participant_ensure",
    "meeting_book",
    "meeting_cancel",
    "meeting_move",
    "meeting_swap",
    "participant_join",
    "participant_leave",
    "request_accept",
    "request_decline",
    "request_send",
    "request_withdraw",
    "scheduler_run_discard",
    "scheduler_run_execute",
    "scheduler_run_publish",
    "scheduler_run_start",
]
