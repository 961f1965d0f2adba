"""The catalogs stay in step with the source and Polish stays complete, for
cxaudit itself, for Click's own messages and for every built-in plugin that
has catalogs of its own."""

import string
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import click
import pytest
from babel.messages.pofile import read_po

ROOT = Path(__file__).parents[1]
KEYWORDS = ["-k", "_l", "-k", "lazy_gettext", "-k", "ngettext:1,2", "-k", "lazy_ngettext:1,2"]
CXAUDIT_EXTRACTION = ["-F", "babel.cfg", *KEYWORDS]
# Click marks its messages with gettext's default keywords, _ and ngettext,
# so its files need neither a mapping file nor extra keywords.
CLICK_EXTRACTION: list[str] = []


@dataclass(frozen=True)
class CatalogSet:
    """A source tree, how to extract its messages and the folder and domain of its catalogs."""

    name: str
    source: Path
    catalogs: Path
    domain: str = "messages"
    extraction: tuple[str, ...] = tuple(CXAUDIT_EXTRACTION)

    def catalog(self, language: str) -> Path:
        return self.catalogs / language / "LC_MESSAGES" / f"{self.domain}.po"


def catalog_sets() -> list[CatalogSet]:
    sets = [
        CatalogSet("cxaudit", ROOT, ROOT / "translations"),
        # Extracted from the installed Click, so an upgrade that adds messages fails here.
        CatalogSet("click", Path(click.__file__).parent, ROOT / "translations", "click", tuple(CLICK_EXTRACTION)),
    ]
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
    output = tmp_path_factory.mktemp("pot") / f"{request.param.domain}.pot"
    subprocess.run(
        [sys.executable, "-m", "babel.messages.frontend", "extract", *request.param.extraction,
         "-o", str(output), "--no-location", "."],
        cwd=request.param.source,
        check=True,
        capture_output=True,
    )
    return request.param, message_ids(read_catalog(output))


def test_template_matches_source(catalog_set):
    catalogs, extracted = catalog_set
    template = message_ids(read_catalog(catalogs.catalogs / f"{catalogs.domain}.pot"))
    missing = sorted(str(message) for message in extracted - template)
    assert missing == [], "run `make update-catalogs` and translate the new messages"


def test_polish_catalog_is_complete(catalog_set):
    catalogs, extracted = catalog_set
    catalog = read_catalog(catalogs.catalog("pl"))
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
    catalog = read_catalog(catalogs.catalog("pl"))
    assert catalog.num_plurals == 3


def brace_fields(text: str) -> set[str]:
    """List the ``{name!r}``-style fields of a str.format template, conversions included."""
    fields = set()
    for _, name, _, conversion in string.Formatter().parse(text):
        if name is not None:
            fields.add(f"{name}!{conversion}" if conversion else name)
    return fields


def test_click_polish_keeps_placeholders():
    # Babel checks %-placeholders when it compiles, but not the str.format
    # ones Click uses, and a wrong one raises KeyError when Click formats it.
    catalog = read_catalog(ROOT / "translations" / "pl" / "LC_MESSAGES" / "click.po")

    mismatched = []
    for message in catalog:
        if not message.id:
            continue
        ids = message.id if isinstance(message.id, tuple) else (message.id,)
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        for index, translation in enumerate(strings):
            # Polish form 0 is for exactly one, as is Click's singular.
            source = ids[0] if index == 0 else ids[-1]
            if brace_fields(translation) != brace_fields(source):
                mismatched.append((source, translation))

    assert mismatched == []
