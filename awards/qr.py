"""QR codes of the awards: the link on a candidate's stall sign to its scoring page, as an SVG data URI."""

import segno


def svg_data_uri(url: str) -> str:
    # A fixed mask, as on badges: any mask reads everywhere, and choosing one triples the time a sheet takes.
    return segno.make(url, error="m", micro=False, mask=2).svg_data_uri(scale=4, border=4, dark="#000", light="#fff")
