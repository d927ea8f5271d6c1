"""The rules that keep people out of the open files, without a database: small counts hidden (with the one cell
that would give a hidden count back), contact details cut out of free text."""

import pytest

from opendata.disclosure import redact, suppress


@pytest.mark.parametrize(
    ("counts", "published"),
    [
        ([12, 7, 5], [12, 7, 5]),
        ([12, 3, 7], [12, "<5", "x"]),
        ([12, 3, 4, 7], [12, "<5", "<5", 7]),
        ([1, 2], ["<5", "<5"]),
        ([4], ["<5"]),
        ([9, 0, 2], ["x", 0, "<5"]),
        ([0, 0], [0, 0]),
        ([5, 6, 1, 5], ["x", 6, "<5", 5]),
        ([], []),
    ],
)
def test_counts_below_five_are_hidden_and_never_recoverable_from_a_total(counts, published):
    assert suppress(counts) == published


def test_the_threshold_can_be_set():
    assert suppress([9, 10, 11], threshold=10) == ["<10", "x", 11]


@pytest.mark.parametrize(
    ("text", "published"),
    [
        ("Write to sales@hilal.example.pk today.", "Write to [removed] today."),
        ("Mobile 0300-1234567, office +92 (52) 355 0011.", "Mobile [removed], office [removed]."),
        ("Owner CNIC 35202-9876543-2, NTN 7654321-0.", "Owner CNIC [removed], NTN [removed]."),
        ("WhatsApp 03001234567", "WhatsApp [removed]"),
        (
            "ISO 13485 since 1985; 250 workers; 40 x 20 ft containers.",
            "ISO 13485 since 1985; 250 workers; 40 x 20 ft containers.",
        ),
        ("", ""),
    ],
)
def test_contact_details_in_free_text_are_removed_and_other_figures_kept(text, published):
    assert redact(text) == published
