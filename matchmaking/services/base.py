"""The refusal every matchmaking write raises, and the row lock the request and meeting writes share."""

from expo.services import ExpoError

from ..models import Participant


class MatchmakingError(ExpoError):
    """A refusal a person can read; ``field`` names the form field it belongs to, if any."""

    def __init__(self, message: str, *, field: str | None = None) -> None:
        super().__init__(message)
        self.field = field


def _lock(*participants: Participant) -> None:
    """Lock the participants' rows in primary key order (the same order everywhere: no deadlock)."""
    list(Participant.objects.select_for_update().filter(pk__in=[p.pk for p in participants]).order_by("pk"))
