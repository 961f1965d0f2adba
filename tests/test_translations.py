"""The catalogs stay in step with the source and Polish stays complete."""

import subprocess
import sys
from pathlib import Path

import pytest
from babel.messages.pofile import read_po

ROOT = Path(__file__).parents[1]
TRANSLATIONS = ROOT / "translations"


def read_catalog(path: Path):
    with path.open("rb") as handle:
        return read_po(handle)


def message_ids(catalog) -> set:
    return {message.id for message in catalog if message.id}


@pytest.fixture(scope="module")
def extracted(tmp_path_factory) -> set:
    """Extract the messages from the source as `make extract-messages` does."""
    output = tmp_path_factory.mktemp("pot") / "messages.pot"
    subprocess.run(
        [
            sys.executable, "-m", "babel.messages.frontend", "extract",
            "-F", "babel.cfg", "-k", "_l", "-k", "lazy_gettext", "-k", "ngettext:1,2", "-k", "lazy_ngettext:1,2",
            "-o", str(output), "--no-location", ".",
        ],
        cwd=ROOT,
        check=True,
        capture_output=True,
    )
    return message_ids(read_catalog(output))


def test_template_matches_source(extracted):
    template = message_ids(read_catalog(TRANSLATIONS / "messages.pot"))
    missing = sorted(str(message) for message in extracted - template)
    assert missing == [], "run `make update-catalogs` and translate the new messages"


@pytest.mark.parametrize("language", ["pl"])
def test_catalog_is_complete(language, extracted):
    catalog = read_catalog(TRANSLATIONS / language / "LC_MESSAGES" / "messages.po")
    by_id = {message.id: message for message in catalog if message.id}

    untranslated = []
    for message_id in extracted:
        message = by_id.get(message_id)
        strings = message.string if message and isinstance(message.string, tuple) else (message.string if message else "",)
        if message is None or message.fuzzy or not all(strings):
            untranslated.append(str(message_id))
    assert sorted(untranslated) == []


def test_polish_plural_forms_are_three():
    catalog = read_catalog(TRANSLATIONS / "pl" / "LC_MESSAGES" / "messages.po")
    assert catalog.num_plurals == 3
