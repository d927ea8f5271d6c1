"""Every user-facing string has an Urdu translation, and the compiled catalogue is the current one."""

import gettext
import os
import re
import shutil
import subprocess
import sys

from django.conf import settings

PO = settings.BASE_DIR / "locale/ur/LC_MESSAGES/django.po"
MO = PO.with_suffix(".mo")


def _unescape(text: str) -> str:
    """A .po string as gettext reads it: ``\\"`` is a quote, ``\\n`` a newline."""
    return re.sub(r"\\(.)", lambda match: {"n": "\n", "t": "\t"}.get(match.group(1), match.group(1)), text)


def _entries(po=PO) -> dict[str, str]:
    entries = {}
    for block in po.read_text().split("\n\n"):
        if "#, fuzzy" in block and 'msgid ""\nmsgstr ""' not in block:
            entries[block] = ""
            continue
        match = re.search(
            r'^msgid ((?:".*"\n)+)(?:msgid_plural (?:".*"\n)+)?msgstr(?:\[0\])? ((?:".*"\n?)+)',
            block + "\n",
            re.MULTILINE,
        )
        if match:
            msgid, msgstr = (_unescape("".join(re.findall(r'"(.*)"', part))) for part in match.groups())
            if msgid:
                entries[msgid] = msgstr
    return entries


def test_every_string_has_an_urdu_translation():
    untranslated = [msgid for msgid, msgstr in _entries().items() if not msgstr]

    assert untranslated == []


def test_the_compiled_catalogue_matches_the_source():
    with MO.open("rb") as compiled:
        catalogue = gettext.GNUTranslations(compiled)._catalog

    # Plural entries are compiled as (msgid, form) keys.
    assert {key[0] if isinstance(key, tuple) else key for key in catalogue if key} == set(_entries())


def test_the_catalogue_holds_every_string_the_source_marks(tmp_path):
    """makemessages run on a copy of the source finds no string the committed catalogue lacks, and none it keeps
    that the source no longer has."""
    source = tmp_path / "source"
    shutil.copytree(
        settings.BASE_DIR,
        source,
        ignore=shutil.ignore_patterns(
            ".*", "var", "media", "tests", "bench", "vendor", "node_modules", "__pycache__", "*.mo"
        ),
    )
    subprocess.run(
        [sys.executable, "manage.py", "makemessages", "-l", "ur", "--no-obsolete", "--verbosity", "0"],
        cwd=source,
        env={**os.environ, "DJANGO_DEBUG": "1"},
        check=True,
        timeout=300,
    )

    assert set(_entries(source / "locale/ur/LC_MESSAGES/django.po")) == set(_entries())
