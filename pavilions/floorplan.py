"""Draws a hall plan as SVG: pavilions, stalls with their codes and occupants, searchable and accessible.

Pure Python, no Django: the views give plain data and get markup. The SVG's units are metres
(``viewBox`` is the hall), so it scales to any screen; colours come from CSS classes per stall
state, except pavilion colours, which are data and are drawn as presentation attributes
(the Content-Security-Policy forbids inline styles, not attributes).
"""

from collections.abc import Sequence
from dataclasses import dataclass
from html import escape

from .geometry import Rect

# Each state's fill, drawn as presentation attributes so the SVG looks right on its own (in the PDF too);
# the page's CSS adds highlighting on top.
STATE_FILLS = {
    "free": "#ffffff",
    "available": "#ffffff",
    "allocated": "#c8e6c9",
    "unchanged": "#c8e6c9",
    "held": "#fff3cd",
    "blocked": "#9e9e9e",
    "new": "#90caf9",
    "moved": "#ffcc80",
    "unplaced": "#ffffff",
    "mine": "#ffd54f",
}
AISLE_FILL = "#eceff1"
LINE = "#37474f"
TEXT = "#263238"
CODE_FONT = 0.55  # metres
NAME_FONT = 0.5
# Roughly how wide a character is, as a share of the font size, to decide what fits in a stall.
CHARACTER_WIDTH = 0.55


@dataclass(frozen=True)
class PlanPavilion:
    code: str
    name: str
    rect: Rect
    colour: str
    outline: tuple[tuple[float, float], ...] = ()  # corner points, when it is not a rectangle


@dataclass(frozen=True)
class PlanStall:
    code: str
    rect: Rect
    state: str  # a CSS class suffix: "free", "allocated", "held", "blocked", "new", "moved", …
    state_label: str  # the state in words, for the accessible name
    occupant: str = ""
    url: str = ""
    search_text: str = ""  # lower-case words a visitor may search for: name, products, cluster
    highlighted: bool = False
    group: str = ""  # the pavilion's name, for the text list beside the plan

    @property
    def label(self) -> str:
        """The stall in words, as a visitor asks for it: its code and who stands there (or its state)."""
        return f"{self.code} — {self.occupant or self.state_label}"


def _fit(text: str, width: float, font: float) -> str:
    """The text if it fits ``width`` metres, else as many of its first words as fit followed by "…", else "".

    Whole words only: what the plan shows of a name is then always words of the stall's spoken name (WCAG 2.5.3).
    """
    room = int(width / (font * CHARACTER_WIDTH))
    if len(text) <= room:
        return text
    shown = ""
    for word in text.split():
        longer = f"{shown} {word}".lstrip()
        if len(longer) + 2 > room:
            break
        shown = longer
    return f"{shown} …" if shown else ""


def _number(value: float) -> str:
    return f"{value:.2f}".rstrip("0").rstrip(".")


def _stall(stall: PlanStall) -> str:
    r = stall.rect
    label = stall.label
    classes = f"stall stall-{stall.state}" + (" is-highlighted" if stall.highlighted else "")
    cx = _number(r.x + r.width / 2)
    code_y = r.y + min(r.depth / 2, CODE_FONT * 1.4)
    parts = [
        f'<g class="{classes}" id="stall-{escape(stall.code)}" data-code="{escape(stall.code)}"'
        f' data-search="{escape(stall.search_text)}"'
        + ("" if stall.url else f' role="img" aria-label="{escape(label)}"')
        + ">",
        f"<title>{escape(label)}</title>",
        f'<rect x="{_number(r.x)}" y="{_number(r.y)}" width="{_number(r.width)}" height="{_number(r.depth)}"'
        f' fill="{STATE_FILLS.get(stall.state, "#ffffff")}" stroke="{LINE}" stroke-width="0.05"/>',
        f'<text class="stall-code" x="{cx}" y="{_number(code_y)}" font-size="{CODE_FONT}" font-weight="700"'
        f' text-anchor="middle" fill="{TEXT}" aria-hidden="true">'
        f"{escape(_fit(stall.code.rsplit('-', 1)[-1], r.width, CODE_FONT))}</text>",
    ]
    name = _fit(stall.occupant, r.width - 0.2, NAME_FONT) if r.depth >= 2 else ""
    if name:
        # A space between code and name keeps them two words in the visible text that speech input matches.
        parts.append(
            f' <text class="stall-name" x="{cx}" y="{_number(code_y + NAME_FONT * 1.6)}" font-size="{NAME_FONT}"'
            f' text-anchor="middle" fill="{TEXT}" aria-hidden="true">'
            f"{escape(name)}</text>"
        )
    parts.append("</g>")
    markup = "".join(parts)
    if stall.url:
        return f'<a href="{escape(stall.url)}" aria-label="{escape(label)}">{markup}</a>'
    return markup


def render(
    *,
    title: str,
    width: float,
    depth: float,
    pavilions: Sequence[PlanPavilion],
    stalls: Sequence[PlanStall],
    svg_id: str = "floor-plan",
) -> str:
    """The whole hall as one ``<svg>`` element, sized by CSS (``viewBox`` in metres)."""
    parts = [
        # A plan is drawn left to right whatever the page's language: labels start where their shapes do.
        f'<svg id="{escape(svg_id)}" class="floor-plan" xmlns="http://www.w3.org/2000/svg" direction="ltr"'
        f' viewBox="0 0 {_number(width)} {_number(depth)}" role="group" aria-label="{escape(title)}">',
        f"<title>{escape(title)}</title>",
        f'<rect class="hall-floor" x="0" y="0" width="{_number(width)}" height="{_number(depth)}"'
        f' fill="{AISLE_FILL}"/>',
        '<g class="pavilions">',
    ]
    for pavilion in pavilions:
        r = pavilion.rect
        paint = f' fill="{escape(pavilion.colour)}" stroke="#90a4ae" stroke-width="0.08"/>'
        if pavilion.outline:
            points = " ".join(f"{_number(x)},{_number(y)}" for x, y in pavilion.outline)
            shape = f'<polygon points="{points}"{paint}'
            label_x, label_y = pavilion.outline[0]  # the first corner given, where the name starts
        else:
            shape = (
                f'<rect x="{_number(r.x)}" y="{_number(r.y)}" width="{_number(r.width)}" height="{_number(r.depth)}"'
            )
            shape += paint
            label_x, label_y = r.x, r.y
        parts.append(
            f'<g class="pavilion" data-code="{escape(pavilion.code)}">'
            f"<title>{escape(pavilion.name)}</title>{shape}"
            f'<text class="pavilion-name" x="{_number(label_x + 0.3)}" y="{_number(label_y + 0.9)}" font-size="0.8"'
            f' fill="#455a64" aria-hidden="true">'
            f"{escape(_fit(pavilion.name, r.width - 0.6, 0.8))}</text></g>"
        )
    parts.append('</g><g class="stalls">')
    parts.extend(_stall(stall) for stall in stalls)
    parts.append("</g></svg>")
    return "".join(parts)
