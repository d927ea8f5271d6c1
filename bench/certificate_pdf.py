"""An award certificate PDF next to a bare WeasyPrint render of the same HTML.

    .venv/bin/python bench/certificate_pdf.py [--count 20]

No database: the certificate is an unsaved model instance. It alternates, --count times each, the CPU time of
WeasyPrint alone turning the already rendered certificate HTML into a PDF (bare) with
``awards.certificates.certificate_pdf`` (portal: the template in both languages, the QR code and WeasyPrint), and
prints both medians and their ratio. It exits with 1 when the portal's overhead over bare is 20 % or more.
"""

import argparse
import datetime
import logging
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

MAX_OVERHEAD = 0.20
SITE_URL = "https://expo.example.pk/"


def _setup() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "expo.settings")
    os.environ["DJANGO_DEBUG"] = "1"
    os.environ.setdefault("EXPO_VAR_DIR", tempfile.mkdtemp(prefix="bench-certificates-"))
    import django

    django.setup()
    logging.getLogger("weasyprint").setLevel(logging.WARNING)


def _certificate():
    from awards.models import Candidate, Category, Certificate, Result
    from exhibitors.models import Exhibitor
    from expo.models import Expo

    expo = Expo(
        pk=1,
        name="Made in Pakistan — SME Cluster Showcase Expo 2026",
        year=2026,
        venue="Lahore Expo Centre",
        city="Lahore",
        start_date=datetime.date(2026, 1, 24),
        end_date=datetime.date(2026, 1, 26),
    )
    category = Category(pk=1, expo=expo, name="Woman entrepreneur of the year", name_ur="سال کی بہترین خاتون کاروباری")
    exhibitor = Exhibitor(pk=1, expo=expo, name="Sialkot Surgical Works (Pvt) Ltd")
    result = Result(
        pk=1,
        category=category,
        candidate=Candidate(pk=1, category=category, exhibitor=exhibitor),
        rank=1,
        place=Result.Place.WINNER,
        score=0.652,
    )
    return Certificate(pk=1, result=result, number="AW2026-00001", public_id="k3Jx8c2pQmV0tYw1bN6rHg")


def _cpu_ms(function) -> float:
    start = time.process_time()
    function()
    return (time.process_time() - start) * 1000


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=20)
    args = parser.parse_args()
    _setup()
    from weasyprint import HTML

    from awards import certificates

    certificate = _certificate()
    html = certificates.certificate_html(certificate, site_url=SITE_URL)

    def bare():
        HTML(string=html, base_url=".").write_pdf()

    def portal():
        certificates.certificate_pdf(certificate, site_url=SITE_URL)

    bare()
    portal()  # fonts and WeasyPrint's own caches warmed for both
    bare_ms, portal_ms = [], []
    for _ in range(args.count):
        bare_ms.append(_cpu_ms(bare))
        portal_ms.append(_cpu_ms(portal))
    bare_median, portal_median = statistics.median(bare_ms), statistics.median(portal_ms)
    ratio = portal_median / bare_median
    print(
        f"A4 certificate, CPU ms (median of {args.count}): bare WeasyPrint {bare_median:.1f}, "
        f"portal {portal_median:.1f}, ratio {ratio:.3f} (overhead {ratio - 1:+.1%}, bound {MAX_OVERHEAD:.0%})"
    )
    return 0 if ratio - 1 < MAX_OVERHEAD else 1


if __name__ == "__main__":
    sys.exit(main())
