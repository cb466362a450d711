"""The signals of the undeclared-name detector: small units, each with one job.

A text is split into words once (``Words``); each signal reads those words and says
which of them are probably names, and why. findings.py runs them all and reports
every suspect of a story at once. Fail closed: a capitalised word that is not
ordinary English vocabulary is a probable name whatever the person's culture, so
the detector does not need to have heard of a name to report it.

The signals, in the order they are tried for one capitalised word:
- ``cue``: a title before it ("Dr", "Auntie"), a role or relation ("my support
  worker", "my sister"), or "my name is"/"called";
- ``safe-list``: not ordinary English vocabulary (nor a place, nor a word of
  ``proper_words.txt``), so probably a name;
- ``known name``: a given name that is also an everyday word (Grace, Will,
  Precious), in the middle of a sentence, beside another name, or in a person
  context ("Hope told me", "with Joy", "Grace and I");
- ``place or name``: a well-known place or other proper word that is also a given
  name (Jordan, Florence), in a person context;
- ``beside a name``: a capitalised word beside a probable name is reported with it
  ("Long Nguyen", "Grace Hopper").
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import cache, cached_property
from importlib import resources
from itertools import accumulate
from typing import cast

from storysite.anonymise.folding import fold, word_key
from storysite.anonymise.replace import starts_sentence
from storysite.anonymise.vocabulary import first_names, name_kinds, place_phrases


def word_set(words: str) -> frozenset[str]:
    """The words of a string written with spaces between them."""
    return frozenset(words.split())


FIX = (
    "declare the person in the story's `people` with `named: true` or `named: false`, "
    "or, if it is not a person, add the word to the story's `allow:` list or to "
    "`[anonymise] allow` in storysite.toml"
)

#: A word: letters, with apostrophes inside it (O'Neill, Abdi's). Captured, so that
#: ``split`` keeps the text between words. The quantifiers are possessive: nothing
#: after a run of letters can fail, so the engine never needs to give letters back
#: (the same words as with plain ones; a test compares them), and it keeps none of
#: the places it would have backtracked to.
WORD_SPLIT_RE = re.compile(r"([^\W\d_]++(?:['’ʼ][^\W\d_]++)*+)")
_POSSESSIVE_RE = re.compile(r"['’ʼ]s\Z", re.IGNORECASE)
HEADING_RE = re.compile(r"[ \t]{0,3}#{1,6}\s")
_LINE_OPENING_RE = re.compile(r"[\s>*_+\-#|\d.)\[\"'“‘(]*")

#: Titles written before a name. Capitalised in the text ("Dr", "Auntie").
TITLES = word_set(
    "mr mrs ms miss mx dr prof professor nurse sister matron sir dame lady lord "
    "auntie aunty aunt uncle imam sheikh shaykh pastor father rev reverend revd canon "
    "rabbi brother baba bhai apa didi dada nana nani cllr councillor judge captain"
)
#: Roles and relations that introduce a person: "my support worker X", "our nurse, X".
ROLES = (
    "friend|best friend|son|daughter|brother|sister|partner|husband|wife|boyfriend|"
    "girlfriend|fiancée?|mum|mam|mother|dad|father|nan|nanna|gran|granny|grandma|grandad|"
    "grandpa|grandson|granddaughter|grandmother|grandfather|cousin|aunt|auntie|aunty|uncle|"
    "niece|nephew|neighbour|neighbor|colleague|flatmate|housemate|roommate|child|baby|"
    "stepson|stepdaughter|stepmum|stepdad|carer|key ?worker|care co-?ordinator|"
    "support worker|peer support worker|peer worker|peer supporter|peer mentor|"
    "recovery worker|outreach worker|link worker|family worker|youth worker|"
    "social worker|mental health nurse|community nurse|ward nurse|nurse|nurse practitioner|"
    "therapist|occupational therapist|psychotherapist|art therapist|counsellor|counselor|"
    "psychiatrist|consultant|consultant psychiatrist|psychologist|clinical psychologist|"
    "doctor|registrar|junior doctor|GP|pharmacist|midwife|health visitor|"
    "team leader|team manager|ward manager|manager|service manager|lead|clinical lead|"
    "supervisor|mentor|coach|tutor|teacher|trainer|facilitator|chair|co-chair|"
    "volunteer|advocate|interpreter|translator|chaplain|imam|receptionist|"
    "coordinator|co-ordinator|case worker|caseworker|housing officer|employment adviser|"
    "employment advisor|job coach|sponsor|buddy|classmate|ex|ex-partner|landlord|landlady|"
    "boss|line manager|named nurse|primary nurse|consultant nurse|OT|CPN|AMHP|HCA"
)
#: What may stand between a cue and the name it introduces: spaces and a comma, or an
#: opening bracket, quote or dash ("my friend (Ngozi)", "my friend—Ngozi", "my friend 'Ngozi'").
CUE_GAP = r"(?:\s*,?\s+|\s*,?\s*(?:[(\[—–'\"‘“«:]|--)\s*|\s+-\s+)"
_ROLE_RE = re.compile(
    rf"\b(?i:(?:my|our|her|his|their|your|the|a)\s+(?:(?:new|old|lovely|amazing|own|"
    rf"former|current|first|late|dear)\s+)?(?:{ROLES})){CUE_GAP}$"
)
_CALLED_RE = re.compile(
    r"\b(?i:my name is|my name's|name was|i am called|i'm called|called|named|"
    rf"known as|signed|love from|love,|from your|thanks to|thank you,?|cheers,?){CUE_GAP}$"
)
#: The last word of every phrase _ROLE_RE and _CALLED_RE can match: a cheap test
#: before the patterns are tried.
CUE_ENDINGS = frozenset(
    {phrase.split()[-1].split("-")[-1].lower().rstrip("?") for phrase in ROLES.split("|")}
    | {"worker", "keyworker", "coordinator", "ordinator", "fiance", "fiancee", "fiancée"}
    | word_set("is name's called named as signed from love to you cheers")
)
#: Words just before a name that say a person comes next ("with X", "met X").
PERSON_BEFORE = word_set(
    "with alongside beside met asked told thank thanked called rang phoned texted email "
    "ask tell "
    "emailed messaged saw visited hugged helped married joined named introduced "
    "invited trusted heard behind"
)
#: Words before "with" that make it company ("I went with X", "we sat with X"), not a
#: thing ("lunch with biryani", "treated with clozapine").
COMPANY = word_set(
    "went go goes going gone sat sit sits sitting walked walk walks walking came come comes "
    "coming stayed stay stays staying talked talk talks talking spoke speak speaks speaking "
    "met meet meets meeting worked work works working lived live lives living shared share "
    "sharing laughed laugh cried danced dance dancing played play playing sang sing singing "
    "travelled traveled travel volunteered volunteer chatted chat chatting cooked cooking "
    "arrived left stood waited wait waiting was were am be been being is are out along "
    "together there back home time day days afternoon evening morning night weekend hours"
)
#: Things done together, after "had" or "had a": "had lunch with X", "had a chat with X".
SHARED = word_set(
    "lunch coffee tea dinner breakfast meal chat drink walk cuppa brew talk curry catch"
)
_HAD = word_set("had have has having got get grabbed grab")
#: Two words before a name that say a person comes next ("according to X").
PERSON_PAIRS = frozenset(
    f"{verb} by"
    for verb in [
        "written",
        "led",
        "run",
        "supported",
        "organised",
        "organized",
        "chaired",
        "facilitated",
        "drawn",
        "painted",
        "photographed",
        "interviewed",
        "hosted",
        "presented",
        "shared",
        "told",
    ]
) | {"according to", "spoke to", "talked to", "talking to", "speaking to", "listening to"}
#: Two words before a name that say a person may come next, weak like "with X" ("a
#: letter from Kestrel Ward", "next to Tower Bridge"): things a person gives or sends
#: ("a gift from X", "the card from X"), and "next to X".
WEAK_PAIRS = frozenset(
    f"{thing} from"
    for thing in word_set(
        "gift gifts present presents card cards letter letters message messages text texts "
        "note notes call calls email emails visit visits hug hugs flowers postcard"
    )
) | {"next to"}
#: After a possessive, nouns that only a person has ("X's patience", "X's idea").
PERSON_NOUNS = word_set(
    "idea ideas help support patience persistence kindness advice words voice story "
    "encouragement mum dad mother father son daughter husband wife partner family friend "
    "friends number phone flat house smile laugh courage honesty energy humour humor "
    "leadership question questions poem poems suggestion suggestions"
)
#: Words just after a name that say it is a person ("X told me", "X and I").
PERSON_AFTER = word_set(
    "told said says asked asks explained suggested helped showed wrote writes smiled "
    "laughed agreed replied listened rang phoned texted emailed messaged invited "
    "introduced reminded encouraged hugged cried shouted whispered promised admitted "
    "noticed realised realized offered sat stood walked drove picked nodded understood "
    "believed knew thinks thought chaired co-chaired facilitated taught organised "
    "organized sang cooked gave brought sent bought lent who"
)
#: Verbs after a sentence's first word that make a given name its subject ("Jack was").
LIKE_A_SUBJECT = word_set(
    "was is had has would could will did does got gets worked works lives lived looked "
    "came went ran runs"
)
#: A word just after a name that says the person came or was there ("Grace came.",
#: "Grace was there."), and what may follow it ("Summer came, and" is a season).
ARRIVED = word_set("came arrived stayed was is")
ARRIVED_THEN = word_set("there here back home along over round too early late in with to")
#: After these a capitalised word is a place, not a person ("in Jordan", "to Florence").
PLACE_BEFORE = word_set(
    "in at to from near around across through into outside inside via towards toward of on"
)
#: Words that end a run of capitalised words naming a place or an organisation
#: ("Kestrel Ward", "Long Term Plan"): an everyday name inside such a run is not reported.
ORGANISATION_WORDS = word_set(
    "ward wards team teams service services college trust hospital centre center clinic "
    "unit group groups project programme program plan act board council committee forum "
    "network hub cafe house road street lane avenue park gardens garden square station "
    "school university academy church mosque temple gurdwara synagogue mandir market "
    "foundation partnership alliance panel day week month awards award strategy framework "
    "association society club library museum theatre surgery practice line way court "
    "place close estate tower towers bridge hall halls party minds fund charity campaign "
    "commission office department ministry agency institute prize festival "
    "conference summit scheme initiative pathway model approach standard charter pledge "
    "policy review report survey study series show channel magazine radio press news "
    "times post mail recovery health care wellbeing"
)


@cache
def proper_words() -> frozenset[str]:
    """Folded keys of ``proper_words.txt``: capitalised words that are not people."""
    text = resources.files("storysite").joinpath("data/proper_words.txt").read_text("utf-8")
    words: set[str] = set()
    for line in text.splitlines():
        if line.strip() and not line.startswith("#"):
            words.update(word_key(fold(w)).replace("’", "'") for w in line.split())
    return frozenset(words)


@cache
def given_names() -> frozenset[str]:
    """Folded given names: Faker's of every locale and storysite's own list."""
    faker = {w for w, kind in name_kinds().items() if "f" in kind}
    return frozenset(faker | first_names()[0])


@cache
def all_names() -> frozenset[str]:
    return frozenset(name_kinds()) | given_names()


@cache
def place_words() -> tuple[frozenset[str], frozenset[str]]:
    """(single-word places, the first words of places of several words)."""
    single = {p for p in place_phrases() if " " not in p}
    firsts = {p.split(" ", 1)[0] for p in place_phrases() if " " in p}
    return frozenset(single), frozenset(firsts)


@dataclass(frozen=True)
class Suspect:
    """A word (or a run of words) that is probably a name: where, what and why."""

    start: int
    word: str
    why: str
    signal: str = ""
    end: int = -1
    fix: str = FIX


#: Word as written -> its folded key, shared by every text of the process.
_KEYS: dict[str, str] = {}


class Words:
    """A text split into words once, for every signal. ``parts`` alternates the text
    between words and the words (``parts[2 * i + 1]`` is word ``i``)."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.parts = WORD_SPLIT_RE.split(text)
        self.words = self.parts[1::2]

    @cached_property
    def bounds(self) -> list[int]:
        return list(accumulate(map(len, self.parts)))

    def start(self, index: int) -> int:
        return self.bounds[2 * index]

    def end(self, index: int) -> int:
        return self.bounds[2 * index + 1]

    def gap_before(self, index: int) -> str:
        return self.parts[2 * index]

    def gap_after(self, index: int) -> str:
        return self.parts[2 * index + 2] if 2 * index + 2 < len(self.parts) else ""

    def key(self, index: int) -> str:
        word = self.words[index]
        key = _KEYS.get(word)  # key_of's cache read here: asked for many times per word
        return key if key is not None else key_of(word)

    def lower(self, index: int) -> str:
        if 0 <= index < len(self.words):
            return self.words[index].lower()
        return ""

    def joined(self, index: int) -> bool:
        """Whether words ``index`` and ``index + 1`` stand side by side (one space or
        hyphen apart, nothing else): parts of one name can."""
        return 2 * index + 3 < len(self.parts) and self.gap_after(index) in (" ", "-", "\u00a0")


def key_of(word: str) -> str:
    """The folded key of a word as ``Words`` splits it, without its possessive."""
    key = _KEYS.get(word)
    if key is None:
        key = word_key(fold(bare(word)))
        if len(_KEYS) < 200_000:
            _KEYS[word] = key
    return key


def bare(word: str) -> str:
    """A word without its possessive ending: "Abdi's" -> "Abdi"."""
    return _POSSESSIVE_RE.sub("", word) if len(word) > 2 else word


def is_capitalised(word: str) -> bool:
    return word[0].isupper()


def is_acronym(word: str) -> bool:
    """All capitals and short (NHS, CAMHS, PTSD), or such a word with a plural 's'
    (GCSEs, CMHTs): an acronym, unless a known name."""
    if word.endswith("s") and len(word) > 2:
        word = word[:-1]
    return len(word) <= 5 and word.isupper()


@cache
def _latin_letter(char: str) -> bool:
    return unicodedata.name(char, "").startswith("LATIN")


def is_latin(key: str) -> bool:
    """Whether a folded word is written in Latin letters (ł, ø and ı included)."""
    return key.isascii() or all(c.isascii() or _latin_letter(c) for c in key if c.isalpha())


#: A role named just after a word: "Zulu, a peer worker", "Yamaguchi, my therapist".
_ROLE_AFTER_RE = re.compile(
    rf"\s*,\s*(?i:(?:a|an|the|my|our|her|his|their)\s+(?:(?:new|old|lovely|former|"
    rf"senior|junior|lead|trainee|student|fellow)\s+)?(?:{ROLES}))\b"
)


def cue_before(words: Words, index: int) -> str | None:
    """The title, role or phrase just before word ``index`` that introduces a person."""
    previous = words.words[index - 1] if index > 0 else ""
    spaced = words.gap_before(index) in (" ", ". ", "\u00a0")
    if previous and spaced and is_capitalised(previous) and previous.lower() in TITLES:
        return f"follows the title '{previous}'"
    if previous.lower() not in CUE_ENDINGS:
        return None  # neither pattern can end with any other word
    start = words.start(index)
    before = words.text[max(0, start - 60) : start]
    match = _ROLE_RE.search(before) or _CALLED_RE.search(before)
    if match:
        return f"follows '{cue_words(match.group())}'"
    return None


def cue_words(cue: str) -> str:
    """A cue as the reason quotes it: its words, without the gap after them."""
    return " ".join(cue.split()).rstrip(" ,([—–'\"‘“«:-")


#: A role said of a word just after it: "ngozi is my friend", "fadumo was our peer worker".
_ROLE_SAID_RE = re.compile(
    rf"\s+(?:is|was)\s+(?i:(?:my|our|her|his|their)\s+(?:(?:new|old|lovely|former|"
    rf"best|senior|lead|trainee|student|fellow)\s+)?(?:{ROLES}))\b"
)


def role_after(words: Words, index: int, said: bool = False) -> str | None:
    """A role named just after the word: "Zulu, a peer worker"; with ``said``, also
    one said of it ("ngozi is my friend"), which only a word that is not English can
    take for a name ("Music is my therapist")."""
    if words.gap_after(index).lstrip().startswith(","):
        role = _ROLE_AFTER_RE.match(words.text, words.end(index))
    elif said and words.gap_after(index) == " ":
        role = _ROLE_SAID_RE.match(words.text, words.end(index))
    else:
        return None
    if role:
        return f"comes before '{' '.join(role.group().split()).lstrip(', ')}'"
    return None


def person_context(words: Words, index: int) -> str | None:
    """Words around ``index`` that say it names a person ("with X", "X told me",
    "X and I"); None when there are none or a place word comes just before it."""
    before = words.lower(index - 1) if index > 0 else ""
    pair = f"{words.lower(index - 2)} {before}"
    if (pair in PERSON_PAIRS or pair in WEAK_PAIRS) and words.gap_before(index).strip(" ") == "":
        return f"follows '{pair}'"
    if before in PLACE_BEFORE:
        return None
    if before in PERSON_BEFORE and words.gap_before(index) == " ":
        return f"follows '{before}'"
    if before == "and" and index > 1 and words.lower(index - 2) in ("me", "i"):
        return f"follows '{words.words[index - 2]} and'"
    hyphenated = index + 1 < len(words.words) and words.gap_after(index) == "-"
    if hyphenated and words.lower(index + 1) == words.words[index + 1]:
        index += 1  # a hyphenated name: "Woo-jin and I" (not a text ending "Woo-")
    after = words.lower(index + 1)
    gap = words.gap_after(index)
    written = words.words[index + 1] if index + 1 < len(words.words) else ""
    cleft = words.lower(index - 1) in ("was", "is", "were", "it's")
    if after == "who" and not cleft:
        return None
    if gap.strip(" ,") == "" and after in PERSON_AFTER and written == after:
        return f"comes before '{words.words[index + 1]}'"
    if gap == " " and after in LIKE_A_SUBJECT and written == after:
        return f"comes before '{written}'"
    if _POSSESSIVE_RE.search(words.words[index]) and gap == " " and after in PERSON_NOUNS:
        return f"is followed by '{words.words[index + 1]}', which only a person has"
    if gap.strip() in ("", "&") and after == "and" and words.lower(index + 2) in ("i", "me"):
        return f"comes before 'and {words.words[index + 2]}'"
    return None


def arrived(words: Words, index: int) -> bool:
    """Whether the word is the whole subject of "came" or "was there": "Grace came.",
    "Grace was there." (not "Summer came, and", "Hope was what I needed")."""
    if words.gap_after(index) != " " or words.lower(index + 1) not in ARRIVED:
        return False
    if words.words[index + 1] != words.lower(index + 1):
        return False
    gap = words.gap_after(index + 1)
    if gap == " ":
        return words.lower(index + 2) in ARRIVED_THEN
    return gap[:1] in ("", ".", "!", "?", ";") or gap.startswith("\n")


def in_company(words: Words, index: int) -> bool:
    """Whether "with" just before word ``index`` follows a word of company ("went with",
    "sat with", "had lunch with"): what makes "with" + a word in lower case a person,
    not a thing ("a proper lunch with biryani")."""
    if words.lower(index - 1) != "with":
        return False
    before = words.lower(index - 2)
    if before in COMPANY:
        return True
    had = words.lower(index - 3)
    if had in ("a", "an"):
        had = words.lower(index - 4)
    return before in SHARED and had in _HAD


def mid_sentence(words: Words, index: int, prose: bool) -> bool:
    """In the middle of a sentence of prose: not first in a sentence, a heading, a list
    item, a title or a tag."""
    if not prose:
        return False
    start = words.start(index)
    if starts_sentence(words.text, start) or words.gap_before(index).rstrip(" *_")[-1:] == "|":
        return False
    line_start = words.text.rfind("\n", 0, start) + 1
    if _LINE_OPENING_RE.fullmatch(words.text, line_start, start):
        return False  # first in a list item, a quote or a bold lead-in ("- **Room")
    return not HEADING_RE.match(words.text, line_start)


def neighbours(words: Words, index: int) -> list[int]:
    """The capitalised words that stand right beside word ``index`` (see ``joined``)."""
    found = []
    if index > 0 and words.joined(index - 1) and is_capitalised(words.words[index - 1]):
        found.append(index - 1)
    if words.joined(index) and is_capitalised(words.words[index + 1]):
        found.append(index + 1)
    return found


def in_organisation_run(words: Words, index: int) -> bool:
    """Whether the word is part of a run of capitalised words that ends in a word like
    Ward, Team or Plan ("Kestrel Ward", "Long Term Plan"), and holds no other name."""
    cursor = index
    while words.joined(cursor) and is_capitalised(words.words[cursor + 1]):
        cursor += 1
        if words.key(cursor) in ORGANISATION_WORDS:
            return True
    return False


def place_at(words: Words, index: int) -> bool:
    """Whether word ``index`` is a well-known place, or part of one of several words
    that starts at most three words before it ("Tower Hamlets", "Bethnal Green")."""
    single, firsts = place_words()
    # The keys of the word and the three before it, read from key_of's cache in C;
    # most words start no place of several words, which one set operation tells.
    near = words.words[max(0, index - 3) : index + 1]
    cached = list(map(_KEYS.get, near))
    keys = list(map(key_of, near)) if None in cached else cast(list[str], cached)
    if keys[-1] in single:
        return True
    if firsts.isdisjoint(keys):
        return False
    phrases = place_phrases()
    for first in range(max(0, index - 3), index + 1):
        if words.key(first) not in firsts:
            continue
        keys = [words.key(first)]
        for following in range(first + 1, min(len(words.words), first + 5)):
            keys.append(words.key(following))
            if following >= index and " ".join(keys) in phrases:
                return True
    return False
