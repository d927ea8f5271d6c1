"""The one shape every figure of the dashboard takes: a titled table of plain values, with the chart drawn from it.

The same table is shown beside its chart (for screen readers and for copying), exported as CSV and XLSX, drawn in
the edition report and kept in the cache, so it holds only plain data: text, whole numbers and decimals.
"""

from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal


@dataclass(frozen=True)
class Chart:
    """A bar (or line) chart of ``series`` (column indexes) against the labels in column 0."""

    series: tuple[int, ...]
    kind: str = "bar"
    horizontal: bool = False
    stacked: bool = False


@dataclass
class Table:
    key: str
    title: str
    columns: list[str]
    rows: list[list] = field(default_factory=list)
    chart: Chart | None = None
    note: str = ""

    def chart_data(self) -> dict | None:
        """What ``static/insights/charts.js`` draws: labels, one dataset per series, the chart's options."""
        if self.chart is None or not self.rows:
            return None
        return {
            "type": self.chart.kind,
            "horizontal": self.chart.horizontal,
            "stacked": self.chart.stacked,
            "labels": [str(row[0]) for row in self.rows],
            "datasets": [
                {"label": str(self.columns[index]), "data": [_number(row[index]) for row in self.rows]}
                for index in self.chart.series
            ],
        }

    def export_rows(self) -> list[list]:
        """The header then the rows, for ``expo.exports``."""
        return [[str(column) for column in self.columns], *self.rows]

    def bars(self, width: int = 100, most: int = 15) -> list[dict]:
        """The first series of the first ``most`` rows as bar lengths from 0 to ``width``, for the report's SVG
        charts (the table below a chart holds every row)."""
        if self.chart is None or not self.rows:
            return []
        index = self.chart.series[0]
        rows = self.rows[:most]
        values = [_number(row[index]) or 0 for row in rows]
        top = max(values) or 1
        return [
            {"label": str(row[0]), "value": row[index], "length": round(width * value / top, 1)}
            for row, value in zip(rows, values, strict=True)
        ]


def _number(value) -> float | int | None:
    if value is None or value == "":
        return None
    if isinstance(value, Decimal):
        return float(value)
    return value


def share(part: int, whole: int) -> Decimal:
    """``part`` of ``whole`` in per cent with one decimal (0 of nothing is 0)."""
    if not whole:
        return Decimal("0.0")
    return (Decimal(100 * part) / Decimal(whole)).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


def ratio(part: int | Decimal, whole: int) -> Decimal:
    """``part`` per ``whole`` with two decimals (nothing per nothing is 0)."""
    if not whole:
        return Decimal("0.00")
    return (Decimal(part) / Decimal(whole)).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
