"""The catalogs stay in step with the source and Polish stays complete, for
cxaudit itself and for every built-in plugin that has catalogs of its own."""

import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest
from babel.messages.pofile import read_po

ROOT = Path(__file__).parents[1]
KEYWORDS = ["-k", "_l", "-k", "lazy_gettext", "-k", "ngettext:1,2", "-k", "lazy_ngettext:1,2"]


@dataclass(frozen=True)
class CatalogSet:
    """A source tree, its extraction config and the folder of its catalogs."""

    name: str
    source: Path
    catalogs: Path


def catalog_sets() -> list[CatalogSet]:
    sets = [CatalogSet("cxaudit", ROOT, ROOT / "translations")]
    for config in sorted(ROOT.glob("plugins/*/babel.cfg")):
        plugin = config.parent
        catalogs = next(plugin.glob("*/translations"), None)
        assert catalogs is not None, f"{plugin} has babel.cfg but no <package>/translations folder"
        sets.append(CatalogSet(plugin.name, plugin, catalogs))
    return sets


CATALOG_SETS = catalog_sets()


def read_catalog(path: Path):
    with path.open("rb") as handle:
        return read_po(handle)


def message_ids(catalog) -> set:
    return {message.id for message in catalog if message.id}


@pytest.fixture(scope="module", params=CATALOG_SETS, ids=lambda catalog_set: catalog_set.name)
def catalog_set(request, tmp_path_factory):
    """A catalog set with the messages extracted from its source, as `make extract-messages` does."""
    output = tmp_path_factory.mktemp("pot") / "messages.pot"
    subprocess.run(
        [sys.executable, "-m", "babel.messages.frontend", "extract", "-F", "babel.cfg", *KEYWORDS,
         "-o", str(output), "--no-location", "."],
        cwd=request.param.source,
        check=True,
        capture_output=True,
    )
    return request.param, message_ids(read_catalog(output))


def test_template_matches_source(catalog_set):
    catalogs, extracted = catalog_set
    template = message_ids(read_catalog(catalogs.catalogs / "messages.pot"))
    missing = sorted(str(message) for message in extracted - template)
    assert missing == [], "run `make update-catalogs` and translate the new messages"


def test_polish_catalog_is_complete(catalog_set):
    catalogs, extracted = catalog_set
    catalog = read_catalog(catalogs.catalogs / "pl" / "LC_MESSAGES" / "messages.po")
    by_id = {message.id: message for message in catalog if message.id}

    untranslated = []
    for message_id in extracted:
        message = by_id.get(message_id)
        if message is None or message.fuzzy:
            untranslated.append(str(message_id))
            continue
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        if not all(strings):
            untranslated.append(str(message_id))
    assert sorted(untranslated) == []


@pytest.mark.parametrize("catalogs", CATALOG_SETS, ids=lambda catalog_set: catalog_set.name)
def test_polish_plural_forms_are_three(catalogs):
    catalog = read_catalog(catalogs.catalogs / "pl" / "LC_MESSAGES" / "messages.po")
    assert catalog.num_plurals == 3
