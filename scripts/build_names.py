#!/usr/bin/env python3
"""Builds the name dictionaries under patterns/names/ from public PyPI packages.

What it is for: turning open name lists into the compact, folded lists that
src/detect/name/ embeds. What it is not: a source of names of its own; every entry comes from
one of the packages below, at the pinned version, and NOTICE.md says which and under what
licence. Faker and names-dataset are never used (Faker feeds the evaluation corpus; names-dataset
was built from leaked personal data).

Usage (needs network access to PyPI only):

    python3 -m venv /tmp/names-venv
    /tmp/names-venv/bin/pip install pymorphy3==2.0.6 pymorphy3-dicts-ru==2.4.417150.4580142
    /tmp/names-venv/bin/python scripts/build_names.py

Outputs (UTF-8, one folded entry a line, sorted, gzip-compressed without a timestamp so a
rebuild is byte-identical):

    given.txt.gz     given names, Kazakh and Russian          (mimesis, natasha, petrovich-rules)
    surnames.txt.gz  surnames                                  (mimesis, natasha)
    given_oc.txt.gz  more given names, surnames (lemmas tagged Name / Surn in OpenCorpora via
    surnames_oc.txt.gz                                         pymorphy3-dicts-ru, CC BY-SA 3.0)
    common.txt.gz    ordinary words and places that collide with a name or a name-derived form
                     (OpenCorpora via pymorphy3-dicts-ru, CC BY-SA 3.0; see NOTICE.md)
    kk_words.txt.gz  ordinary Kazakh words                      (mimesis kk text.json)
    places.txt.gz    cities and regions                         (mimesis kk/ru address.json)

Folding (the same as src/detect/name/fold.rs applies before lookup): lower case, ё→е, Kazakh
letters to their Russian look-alikes (ә→а ғ→г қ→к ң→н ө→о ұ→у ү→у һ→х і→и).
"""

import gzip
import io
import json
import re
import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path

OUT = Path(__file__).resolve().parent.parent / "patterns" / "names"

PACKAGES = {
    "mimesis": "22.2.0",
    "natasha": "1.6.0",
    "pytrovich": "0.2.0",  # ships petrovich-rules (gender.yml) with its MIT LICENSE
}
PYMORPHY_DICTS = "2.4.417150.4580142"

KAZAKH_FOLD = str.maketrans("әғқңөұүһіё", "агкноуухие")


def fold(word: str) -> str:
    return word.strip().lower().translate(KAZAKH_FOLD)


def wheel(name: str, version: str, tmp: Path) -> zipfile.ZipFile:
    subprocess.run(
        [sys.executable, "-m", "pip", "download", "--no-deps", "--quiet", "-d", str(tmp),
         f"{name}=={version}"],
        check=True,
    )
    stem = name.replace("-", "_").lower()
    for path in tmp.glob("*.whl"):
        if path.name.lower().startswith(stem + "-" + version):
            return zipfile.ZipFile(path)
    raise SystemExit(f"wheel of {name}=={version} not found in {tmp}")


def words_of(z: zipfile.ZipFile, member: str) -> list[str]:
    out = []
    for line in z.read(member).decode("utf-8").splitlines():
        line = line.split("#", 1)[0].strip()
        if line:
            out.append(line)
    return out


def flat(value) -> list[str]:
    if isinstance(value, dict):
        return [x for v in value.values() for x in flat(v)]
    if isinstance(value, list):
        return [x for v in value for x in flat(v)]
    return [value] if isinstance(value, str) else []


def clean(entries, min_len=2) -> set[str]:
    good = set()
    for e in entries:
        f = fold(e)
        if len(f) >= min_len and re.fullmatch(r"[а-я]+(-[а-я]+)?", f):
            good.add(f)
    return good


def write(name: str, entries: set[str]) -> None:
    data = "".join(f"{e}\n" for e in sorted(entries, key=lambda e: e.lstrip("+"))).encode("utf-8")
    buf = io.BytesIO()
    with gzip.GzipFile(filename="", mode="wb", fileobj=buf, compresslevel=9, mtime=0) as gz:
        gz.write(data)
    (OUT / name).write_bytes(buf.getvalue())
    print(f"{name}: {len(entries)} entries, {len(buf.getvalue())} bytes", file=sys.stderr)


# Endings a name takes in Russian and Kazakh running text, folded; used only to decide which
# ordinary words could be mistaken for an inflected name (the detector has its own rules).
ENDINGS = sorted(
    set(
        "а у е ы и ю я ой ей ом ем ым им ою ею ов ев ин ын ова ева ина ына ову еву ину ыну "
        "овой евой иной овым евым иным ове еве ине овы евы ины овых евых иных ович евич ич "
        "овна евна ична овны евны овне евне овну евну ға ге қа ке на не ны ни ды ди ты ти да "
        "де та те дан ден тан тен нан нен мен бен пен ның нің дың дің тың тің "
        "га ка ниң диң тиң".translate(KAZAKH_FOLD).split()
    ),
    key=len,
    reverse=True,
)


def stems(form: str):
    """The form, the form minus an ending, and a stem minus a dropped final letter (Роз|ы)."""
    yield form
    for end in ENDINGS:
        if form.endswith(end) and len(form) - len(end) >= 2:
            stem = form[: -len(end)]
            for tail in ("", "а", "я", "й"):
                yield stem + tail


def main() -> None:
    try:
        import pymorphy3  # noqa: F401
        from importlib.metadata import version
    except ImportError:
        raise SystemExit("needs pymorphy3 and pymorphy3-dicts-ru installed (see the docstring)")
    if version("pymorphy3-dicts-ru") != PYMORPHY_DICTS:
        raise SystemExit(f"needs pymorphy3-dicts-ru=={PYMORPHY_DICTS}")
    OUT.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp_dir:
        tmp = Path(tmp_dir)
        mim = wheel("mimesis", PACKAGES["mimesis"], tmp)
        nat = wheel("natasha", PACKAGES["natasha"], tmp)
        ptr = wheel("pytrovich", PACKAGES["pytrovich"], tmp)

        person = {lang: json.loads(mim.read(f"mimesis/datasets/{lang}/person.json"))
                  for lang in ("kk", "ru")}
        address = {lang: json.loads(mim.read(f"mimesis/datasets/{lang}/address.json"))
                   for lang in ("kk", "ru")}
        kk_text = json.loads(mim.read("mimesis/datasets/kk/text.json"))

        given = clean(flat(person["kk"]["names"]) + flat(person["ru"]["names"]))
        given |= clean(words_of(nat, "natasha/data/dict/first.txt"), min_len=3)
        given |= clean(words_of(nat, "natasha/data/dict/maybe_first.txt"), min_len=3)
        gender = ptr.read("pytrovich/petrovich-rules/gender.json").decode("utf-8")
        firstname = json.loads(gender)["gender"]["firstname"]["exceptions"]
        given |= clean(flat(firstname), min_len=3)

        surnames = set()
        for s in flat(person["kk"]["surnames"]) + flat(person["ru"]["surnames"]):
            # mimesis writes Kazakh-style surnames apart: "Ысқақ қызы"; keep the surname part.
            surnames |= clean([s.split()[0]])
        surnames |= clean(words_of(nat, "natasha/data/dict/last.txt"))

        places = clean(flat(address["kk"]["city"]) + flat(address["ru"]["city"])
                       + flat(address["kk"]["state"]) + flat(address["ru"]["state"]))
        kk_words = clean(flat(kk_text["words"]))

    oc_given, oc_surnames = opencorpora_names()
    oc_given -= given
    oc_surnames -= surnames
    # A town that is also a given name (Артём) is a name first; Kazakh places that are names
    # too (Абай) are listed by hand in names.toml.
    places -= given | oc_given
    common = collisions(given | surnames | oc_given | oc_surnames)
    write("given.txt.gz", given)
    write("surnames.txt.gz", surnames)
    write("given_oc.txt.gz", oc_given)
    write("surnames_oc.txt.gz", oc_surnames)
    # An ordinary word that is also spelt like a name is marked "+": the detector keys it by its
    # skeleton too, so that an inflected name (Розы → Роза) inherits the ambiguity. Other words
    # are only ever compared whole and exactly.
    names_all = given | surnames | oc_given | oc_surnames
    write("common.txt.gz", {("+" + w if w in names_all else w) for w in common})
    write("kk_words.txt.gz", kk_words)
    write("places.txt.gz", places)


def opencorpora_names() -> tuple[set[str], set[str]]:
    """Given names and surnames the OpenCorpora dictionary tags Name and Surn (lemmas)."""
    import pymorphy3

    morph = pymorphy3.MorphAnalyzer()
    given, surnames = set(), set()
    for _word, tag, normal, _para, _idx in morph.dictionary.iter_known_words():
        if "Name" in tag:
            given.add(normal)
        elif "Surn" in tag:
            surnames.add(normal)
    return clean(given, min_len=3), clean(surnames, min_len=3)


def collisions(names: set[str]) -> set[str]:
    """Ordinary Russian word forms (OpenCorpora) that equal a name, or a name plus an ending.

    A form counts only when its ordinary readings are likely: pymorphy3's P(tag | word), learnt
    from the annotated OpenCorpora texts, gives them at least NON_NAME_SHARE. This keeps Вера,
    Машиной, Романов (of novels), Ростов (the city) and drops Аркадий (a rare plural of аркада)
    and Иванова (rarely the town Иваново).
    """
    import pymorphy3

    morph = pymorphy3.MorphAnalyzer()
    # Forms of names, possessives built from names (Иванова = Ivan's) and misspellings are not
    # ordinary words; places are (Ростов, Саратов), if likely enough.
    skip_tags = ("Name", "Surn", "Patr", "Poss", "Erro", "Dist")
    candidates = set()
    out = set()
    for word, tag, _normal, _para, _idx in morph.dictionary.iter_known_words():
        if any(t in tag for t in skip_tags):
            continue
        f = fold(word)
        if len(f) < 2 or not re.fullmatch(r"[а-я]+(-[а-я]+)?", f):
            continue
        # Closed-class words (pronouns, prepositions, conjunctions, particles, numerals…) are
        # never names and often start sentences (Меня, Этот, Также): all of them.
        if tag.POS in CLOSED_CLASS:
            out.add(f)
        elif len(f) >= 3 and any(s in names for s in stems(f)):
            candidates.add(word)
    for word in candidates:
        parses = [p for p in morph.parse(word) if p.is_known]
        ordinary = sum(p.score for p in parses if not any(t in p.tag for t in skip_tags))
        person = sum(p.score for p in parses if any(t in p.tag for t in skip_tags[:3]))
        if ordinary >= NON_NAME_SHARE or (person == 0 and ordinary > 0):
            out.add(fold(word))
    return out


# Parts of speech whose every form is an ordinary word (OpenCorpora tags).
CLOSED_CLASS = {"NPRO", "PREP", "CONJ", "PRCL", "INTJ", "PRED", "COMP", "NUMR"}

# Share of an ordinary reading that makes a name-like form ambiguous (see `collisions`).
NON_NAME_SHARE = 0.45


if __name__ == "__main__":
    main()
