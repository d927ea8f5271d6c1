"""What keeps people out of the open files: small counts suppressed, contact details cut out of free text.

Pure Python, no Django: the open files are built from aggregates and public profiles, but a count of three
visitors from one country can point at those three people, and an exhibitor may type a mobile number into
its description. Both rules live here, each in one function, so the datasets and their tests share them.
"""

import re
from collections.abc import Sequence

# Cells of visitor counts below this are published as "<5", never as the number; a cell hidden only so that a
# "<5" cannot be worked out from a total is published as "x".
THRESHOLD = 5
HIDDEN = "x"

# An email address, or a run of at least eight digits with the separators people write phone numbers,
# CNICs and NTNs with (+92 300 1234567, 35202-1234567-1, 1234567-8).
_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")
_NUMBER = re.compile(r"\+?\(?\d(?:[\s().-]{0,2}\d){7,}")
REMOVED = "[removed]"


def suppress(counts: Sequence[int], *, threshold: int = THRESHOLD) -> list[int | str]:
    """The counts of one breakdown with every count from 1 to ``threshold - 1`` replaced by ``"<threshold"``.

    When exactly one count is so replaced, the smallest other count becomes ``"x"`` (secondary suppression):
    otherwise the total of the breakdown, known from another breakdown of the same people, minus the counts
    shown would give the small one back. Zero is shown: it points at nobody.
    """
    small = {index for index, count in enumerate(counts) if 0 < count < threshold}
    hidden = set()
    if len(small) == 1:
        others = [index for index, count in enumerate(counts) if index not in small and count > 0]
        if others:
            hidden.add(min(others, key=lambda index: (counts[index], index)))
    return [
        f"<{threshold}" if index in small else HIDDEN if index in hidden else count
        for index, count in enumerate(counts)
    ]


def redact(text: str) -> str:
    """``text`` with anything shaped like an email address or a phone, CNIC or NTN number replaced by
    ``[removed]``: free text of public profiles is published, contact details typed into it are not."""
    return _NUMBER.sub(REMOVED, _EMAIL.sub(REMOVED, text))
