"""Each rank in words: the mean, each juror's part, and the tie-break that placed it."""

from .specs import (
    BY_FIRSTS,
    BY_ID,
    BY_MEAN,
    BY_TOP_CRITERION,
    FLAT,
    NORMALISED,
    RUNNER_UP,
    SINGLE,
    WINNER,
    Because,
    Leaderboard,
    Standing,
    gettext_noop,
)

_LEVELS = {
    BY_FIRSTS: gettext_noop("tied on the mean with %(others)s; placed by the jurors who ranked it first (%(firsts)s)"),
    BY_TOP_CRITERION: gettext_noop(
        "tied on the mean and on firsts with %(others)s; placed by the mean score on %(criterion)s (%(top)s)"
    ),
    BY_ID: gettext_noop(
        "tied on the mean, on firsts and on %(criterion)s with %(others)s; placed by the earlier entry"
    ),
}
_NOTES = {
    SINGLE: gettext_noop("%(juror)s: the only candidate this juror scored, counted as average (0)"),
    FLAT: gettext_noop("%(juror)s: this juror gave every candidate the same score, counted as average (0)"),
}


def _because(code: str, message: str, **params) -> Because:
    return Because(code, message, tuple(sorted(params.items())))


def explain(board: Leaderboard, standing: Standing) -> tuple[Because, ...]:
    """The explanation of one standing of ``board``, first the headline, then one part per juror."""
    if standing.rank is None:
        return (standing.reason,) if standing.reason else ()
    parts = []
    if standing.place == WINNER:
        parts.append(_because("winner", gettext_noop("rank %(rank)s: winner"), rank=standing.rank))
    elif standing.place == RUNNER_UP:
        parts.append(_because("runner_up", gettext_noop("rank %(rank)s: runner-up"), rank=standing.rank))
    else:
        parts.append(_because("rank", gettext_noop("rank %(rank)s"), rank=standing.rank))
    message = (
        gettext_noop("mean z-score %(mean)s over %(jurors)s jurors")
        if board.mode == NORMALISED
        else gettext_noop("mean weighted score %(mean)s over %(jurors)s jurors")
    )
    parts.append(_because("mean", message, mean=f"{standing.mean:.3f}", jurors=standing.jurors_counted))
    if standing.decided_by != BY_MEAN:
        parts.append(
            _because(
                standing.decided_by,
                _LEVELS[standing.decided_by],
                others=", ".join(map(str, standing.tied_with)),
                firsts=standing.firsts,
                criterion=str(board.top_criterion_id),
                top=f"{standing.top_criterion_mean:.2f}",
            )
        )
    for c in standing.contributions:
        if c.counted is None:
            parts.append(
                _because("abstained", gettext_noop("%(juror)s: abstained, not counted"), juror=str(c.juror_id))
            )
        elif c.note:
            parts.append(_because(c.note, _NOTES[c.note], juror=str(c.juror_id)))
        elif board.mode == NORMALISED:
            parts.append(
                _because(
                    "z",
                    gettext_noop("%(juror)s: %(weighted)s against the juror's mean %(mean)s (sd %(sd)s): z = %(z)s"),
                    juror=str(c.juror_id),
                    weighted=f"{c.weighted:.2f}",
                    mean=f"{c.juror_mean:.2f}",
                    sd=f"{c.juror_sd:.2f}",
                    z=f"{c.counted:+.3f}",
                )
            )
        else:
            parts.append(
                _because(
                    "weighted",
                    gettext_noop("%(juror)s: %(weighted)s"),
                    juror=str(c.juror_id),
                    weighted=f"{c.weighted:.2f}",
                )
            )
    return tuple(parts)
