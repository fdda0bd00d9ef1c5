"""Fail when a user-facing string is unmarked, untranslated or fuzzy in Spanish, or when a
compiled catalogue is older than its source.

    python scripts/check_translations.py

Runs `makemessages` (needs GNU gettext) against a copy of the catalogues, so the work tree is
left as it was: a string marked in code but missing from es/django.po shows up as untranslated.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

import polib

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "src" / "vinculo"
LOCALE = PACKAGE / "locale"


def main() -> int:
    problems: list[str] = []
    with tempfile.TemporaryDirectory() as tmp:
        backup = Path(tmp) / "locale"
        shutil.copytree(LOCALE, backup)
        try:
            env = {**os.environ, "DJANGO_SETTINGS_MODULE": "vinculo.settings"}
            subprocess.run(
                [
                    sys.executable,
                    "-m",
                    "django",
                    "makemessages",
                    "-l",
                    "es",
                    "-l",
                    "en",
                    "--no-obsolete",
                    "--add-location=file",
                    "-i",
                    "static/*",
                ],
                cwd=PACKAGE,
                env=env,
                check=True,
                capture_output=True,
            )
            refreshed = polib.pofile(str(LOCALE / "es/LC_MESSAGES/django.po"))
        finally:
            shutil.rmtree(LOCALE)
            shutil.copytree(backup, LOCALE)
    for entry in refreshed:
        if entry.obsolete:
            continue
        if "fuzzy" in entry.flags:
            problems.append(f"fuzzy in es: {entry.msgid!r}")
        elif not entry.translated():
            problems.append(f"untranslated in es (or newly marked): {entry.msgid!r}")
    for lang in ("es", "en"):
        source = polib.pofile(str(LOCALE / lang / "LC_MESSAGES/django.po"))
        compiled = polib.mofile(str(LOCALE / lang / "LC_MESSAGES/django.mo"))
        wanted = {
            (e.msgid, e.msgstr, tuple(sorted(e.msgstr_plural.items())))
            for e in source.translated_entries()
        }
        have = {(e.msgid, e.msgstr, tuple(sorted(e.msgstr_plural.items()))) for e in compiled}
        if wanted - have:
            problems.append(
                f"{lang}/django.mo is older than django.po: run "
                f"`cd src/vinculo && django-admin compilemessages`"
            )
    for problem in problems:
        print(f"✗ {problem}")
    if not problems:
        print(f"✓ translations complete: {len(refreshed)} strings in es and en")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
