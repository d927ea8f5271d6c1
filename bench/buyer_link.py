"""Print the manage-link token of the demo's first B2B buyer, so that bench/run.py can measure the pages behind
that link (``{buyer}`` in a page path stands for it).

    DJANGO_SETTINGS_MODULE=bench.settings python bench/buyer_link.py
"""

import os
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "bench.settings")

import django

django.setup()

from matchmaking.models import Participant  # noqa: E402
from visitors import links  # noqa: E402

buyer = Participant.objects.filter(registration__isnull=False).select_related("registration").order_by("pk").first()
if buyer is None:
    raise SystemExit("bench: the demo data has no B2B buyer")
print(links.manage_token(buyer.registration))
