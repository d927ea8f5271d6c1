"""Read the QR code of a badge PDF the way a phone would: render the page to pixels, then decode."""

import shutil
import subprocess
import tempfile
from pathlib import Path

import zxingcpp
from PIL import Image

from tests.realstack import require


def qr_payloads(pdf: bytes, *, page: int = 1) -> list[str]:
    require(bool(shutil.which("pdftoppm")), "pdftoppm (poppler-utils)")
    with tempfile.TemporaryDirectory() as folder:
        source = Path(folder) / "badge.pdf"
        source.write_bytes(pdf)
        subprocess.run(
            ["pdftoppm", "-r", "150", "-f", str(page), "-l", str(page), "-png", str(source), str(Path(folder) / "p")],
            check=True,
        )
        image = Image.open(next(Path(folder).glob("p*.png")))
        results = zxingcpp.read_barcodes(image)
        return [result.text for result in results if result.format == zxingcpp.BarcodeFormat.QRCode]
