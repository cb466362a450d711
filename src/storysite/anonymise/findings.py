"""Probable names nobody declared: findings that hold a story until a person decides.

The detector fails closed. A capitalised word that is not ordinary English vocabulary
(a safe-list of about 119,000 words and inflections, see vocabulary.py) is a probable
name, whatever culture the name comes from; names that are also everyday words
(Grace, Precious, Long) count in the middle of a sentence or in a person context,
and a title, role or relation before a word makes it a name whatever it is. The
signals are in signals.py; this module runs them over one text and merges what they
find into runs of words ("Long Nguyen"), each with the signal that raised it.

Words of any declared person (named or not) and words in an allow list are never
findings. Every signal is a set look-up per capitalised word, or one regular
expression over the text, so the cost does not grow with the number of people.
"""

from __future__ import annotations

import re
from collections.abc import Container, Iterable, Iterator
from dataclasses import dataclass
from functools import lru_cache, partial
from itertools import compress, filterfalse

from storysite.anonymise.folding import HIDDEN_CHARACTERS, fold, word_key
from storysite.anonymise.index import Known
from storysite.anonymise.names import split_words
from storysite.anonymise.signals import (
    CUE_ENDINGS,
    CUE_GAP,
    FIX,
    HEADING_RE,
    LIKE_A_SUBJECT,
    ORGANISATION_WORDS,
    PERSON_BEFORE,
    ROLES,
    TITLES,
    WEAK_PAIRS,
    Suspect,
    Words,
    all_names,
    arrived,
    bare,
    cue_before,
    cue_words,
    given_names,
    in_company,
    in_organisation_run,
    is_acronym,
    is_capitalised,
    is_latin,
    key_of,
    mid_sentence,
    neighbours,
    person_context,
    place_at,
    place_words,
    proper_words,
    role_after,
    word_set,
)
from storysite.anonymise.vocabulary import first_names, ordinary_words
from storysite.models import Person

__all__ = ["FIX", "Known", "Suspect", "initials", "not_names", "suspects"]


#: Capitalised words that are never names on their own: pronouns and the like, and
#: the contractions of "I", which SCOWL lists only with a capital.
_NOT_NAMES = word_set(
    "the a an i it this that my our his her their we you he she they and but in on at "
    "to for of me us him them i'm i've i'll i'd ok okay mr mrs ms mx dr st"
)
#: A title, role, "my name is" or "thanks to" followed by a word in lower case that is
#: not vocabulary ("my support worker ngozi", "thanks to fadumo", "my friend (ngozi)"):
#: a name written without its capital.
_LOWER_AFTER_CUE_RE = re.compile(
    rf"\b(?i:(?:my|our|her|his|their)\s+(?:{ROLES})|my name is|i am called|i'm called|"
    rf"thanks to|thanks|thank you|cheers|love from|(?:{'|'.join(sorted(TITLES))})\.?){CUE_GAP}"
    r"([^\W\d_A-Z][^\W\d_]*)"
)


#: Relations written with a capital as a form of address: not names.
_RELATIONS = word_set(
    "mum mam mom mother dad father nan nanna gran granny grandma grandad grandpa "
    "auntie aunty uncle sis bro abba amma ammi ammu abbu baba mama papa dada dadi nani "
    "didi bhai apa appa"
)


_LOWER_CUE_ENDINGS = CUE_ENDINGS | TITLES | {"thanks"}


@dataclass(frozen=True)
class _Flag:
    index: int
    why: str
    signal: str


def suspects(text: str, known: Container[str], prose: bool = True) -> Iterator[Suspect]:
    """Probable undeclared names in ``text``, as runs of words with the signal that
    raised each. ``prose`` is false for titles and tags, which are often written in
    title case."""
    words = Words(text)
    flags: dict[int, _Flag] = {}
    latin = _mostly_latin(words)
    distinct = set(words.words)
    for index in _worth_a_look(words.words, distinct, known):
        word = words.words[index]
        first = word[0]
        if first.isupper():
            flag = _judge(words, index, known, prose, latin)
        elif first.islower():
            flag = _judge_lower(words, index, known, prose)
        else:
            flag = _judge_caseless(words, index, known, prose)
        if flag is not None:
            flags[index] = flag
    flags.update(_lower_case_after_cue(words, known, distinct))
    yield from _runs(words, flags, known)


def _worth_a_look(written: list[str], distinct: set[str], known: Container[str]) -> list[int]:
    """The indexes of the words a signal may flag, in order. Most words are ordinary
    English in lower case (a word in lower case is its own key once folded), and many
    of the others can never be a name whatever stands around them ("The", "I") or are
    a declared name or an allowed word, which every judge returns at once for: set
    operations in C over the distinct words (``distinct``) leave the few that need a
    look."""
    unusual = distinct - ordinary_words()
    look = unusual.union(filterfalse(str.islower, distinct))
    look -= _NEVER_WORDS  # the words already judged by ``_never_a_name``, left out in C
    look.difference_update([w for w in look - _MAY_BE_WORDS if _sorted_never(w)])
    look.difference_update([w for w in look if _declared(w, known)])
    if not look:
        return []
    return list(compress(range(len(written)), map(look.__contains__, written)))


def _declared(word: str, known: Container[str]) -> bool:
    """Whether the judge ``suspects`` gives ``word`` returns nothing at its first test,
    which reads only the word: a declared name or an allowed word."""
    parts = _DECLARED_PARTS.get(word)
    if parts is None:
        parts = _declared_parts(word)
    key, others = parts
    if key in known:
        return True
    # _is_known(bare(word), key, known), with its words that are in _NOT_NAMES left out
    return others is not None and all(k in known for k in others)


#: Written word -> what ``_declared`` reads of it (bounded).
_DECLARED_PARTS: dict[str, tuple[str, tuple[str, ...] | None]] = {}


def _declared_parts(word: str) -> tuple[str, tuple[str, ...] | None]:
    """A word's key, and for a capitalised word whose folded words are not none, those
    of them not in _NOT_NAMES (None otherwise): ``_is_known`` is then true when the
    key is known or all of those are."""
    keys = split_words(bare(word))
    others = tuple(k for k in keys if k not in _NOT_NAMES) if word[0].isupper() and keys else None
    parts = key_of(word), others
    if len(_DECLARED_PARTS) < 200_000:
        _DECLARED_PARTS[word] = parts
    return parts


#: Written word -> whether no signal can flag it, wherever it stands (bounded).
_NEVER: dict[str, bool] = {}
#: The words of _NEVER by their answer, for set operations (bounded alike).
_NEVER_WORDS: set[str] = set()
_MAY_BE_WORDS: set[str] = set()


def _sorted_never(word: str) -> bool:
    """``_never_a_name(word)``, the word kept in _NEVER_WORDS or _MAY_BE_WORDS."""
    never = _never_a_name(word)
    if len(_NEVER_WORDS) + len(_MAY_BE_WORDS) < 200_000:
        (_NEVER_WORDS if never else _MAY_BE_WORDS).add(word)
    return never


def _never_a_name(word: str) -> bool:
    """Whether the judges return nothing for ``word`` before reading its context: a
    capitalised pronoun or the like ("The", "I"), a word in lower case that is short or
    English, a relation or a pronoun."""
    found = _NEVER.get(word)
    if found is None:
        key = word_key(fold(bare(word)))
        first = word[0]
        if first.isupper():
            found = len(key) < 2 or (key in _NOT_NAMES and bare(word).isascii())
        elif first.islower():
            found = len(word) < 3 or any(
                key in words for words in (ordinary_words(), _NOT_NAMES, _RELATIONS)
            )
        else:
            found = False
        if len(_NEVER) < 200_000:
            _NEVER[word] = found
    return found


def _shouted(words: Words, index: int) -> bool:
    """Written in a run of capitals ("THANK YOU ZOSIA"): not an acronym but a word."""
    before = index > 0 and words.gap_before(index) == " "
    after = index + 1 < len(words.words) and words.gap_after(index) == " "
    return any(
        len(words.words[i]) > 2 and words.words[i].isupper() and words.key(i) in ordinary_words()
        for i, joined in ((index - 1, before), (index + 1, after))
        if joined
    )


def _mostly_latin(words: Words) -> bool:
    """Whether most words of the text are written in Latin letters (an English story,
    not a title in Russian)."""
    if words.text.isascii():
        return True
    sample = words.words[:200]
    if sum(map(str.isascii, sample)) * 2 > len(sample):
        return True  # the words in ASCII alone are most: counted in C
    latin = sum(1 for w in sample if w.isascii() or is_latin(w.lower()))
    return latin * 2 > len(sample)


#: Words before a lower-case word that make it a thing ("the workstream said").
_DETERMINERS = word_set(
    "the a an this that these those our my your his her their its of or and some any "
    "each every no such"
)


def _judge_lower(words: Words, index: int, known: Container[str], prose: bool) -> _Flag | None:
    """A word in lower case that is not English: in a title, tag or slug, a known name
    ("how ngozi changed the forum"); in prose, one in a person context ("me and
    ngozi", "ngozi said")."""
    word = words.words[index]
    if len(word) < 3:
        return None
    key = words.key(index)
    if key in ordinary_words() or key in known or key in _NOT_NAMES or key in _RELATIONS:
        return None
    if not prose or _in_an_address(words, index):
        long_enough = len(key) >= 4  # "alm", "ros": too short to tell from an abbreviation
        if long_enough and key in all_names() and is_latin(key) and key not in proper_words():
            return _Flag(index, "is a known name, written in lower case", "known name")
        return None
    if key in proper_words() or not _VOWEL_RE.search(key):
        return _lower_in_context(words, index, prose)  # "nhs", "whatsapp": not names
    role = role_after(words, index, said=True)
    if role is not None:
        return _Flag(
            index, f"is not an English word and {role}, so it is probably a name", "title or role"
        )
    if key in all_names() and arrived(words, index) and _in_prose(words, index, prose):
        why = "is a known name, written in lower case, alone before 'came' or 'was there'"
        return _Flag(index, why, "known name")
    return _lower_in_context(words, index, prose)


#: A vowel: every name written in Latin letters has one ("ngozi"); "nhs", "dwp" do not.
_VOWEL_RE = re.compile(r"[aeiouy]")


def _lower_in_context(words: Words, index: int, prose: bool) -> _Flag | None:
    """A word in lower case that is not English, in a person context in prose."""
    key = words.key(index)
    context = person_context(words, index)
    if _after_a_determiner(words, index, context):
        return None
    if context is None or "'who'" in context or not (_strong(context) or _follows(context)):
        return None
    weak = not _strong(context)
    if weak and (key in proper_words() or not _VOWEL_RE.search(key)):
        return None  # "with whatsapp", "a letter from dwp"
    if context.startswith("follows 'with") and not (key in all_names() or in_company(words, index)):
        return None  # "lunch with biryani"; not "went with rahima" nor "with ngozi"
    if not _in_prose(words, index, prose):
        return None
    return _Flag(index, f"is not an English word and {context}, like a person", "person context")


def _after_a_determiner(words: Words, index: int, context: str | None) -> bool:
    """After a word that makes a lower-case word a thing ("the workstream said"); not
    "me and ngozi", nor "and" before "ngozi and I" ("it was great and ngozi and I")."""
    before = words.lower(index - 1)
    if before not in _DETERMINERS or words.lower(index - 2) == "me":
        return False
    return not (before == "and" and context is not None and context.startswith("comes before 'and"))


def _follows(context: str) -> bool:
    """A context before a word that says a person comes next, strong or weak: for a
    word in lower case that is not English, "a gift from ngozi" is as good as "met
    ngozi", and "with ngozi" too when ngozi is a known name or "with" means company."""
    return context.startswith("follows '")


def _in_an_address(words: Words, index: int) -> bool:
    """Part of a web address, a handle or a file name: "@ngozi_okafor", "/ngozi-okafor"."""
    before, after = words.gap_before(index)[-1:], words.gap_after(index)[:1]
    return (before in ("@", "/", "#", "_", "=", "-", ".") and before != "") or after in ("_", "@")


def _judge_caseless(words: Words, index: int, known: Container[str], prose: bool) -> _Flag | None:
    """A word of an alphabet without capitals (Chinese, Arabic, Bengali…): a name only
    where a title, a role or a person context says so ("My friend 王伟")."""
    if words.key(index) in known:
        return None
    cue = cue_before(words, index)
    if cue is not None:
        return _Flag(index, f"{cue}, so it is probably a name", "title or role")
    context = person_context(words, index)
    if context is not None and _strong(context) and _in_prose(words, index, prose):
        return _Flag(index, f"{context}, like a person's name", "person context")
    return None


def _judge(
    words: Words, index: int, known: Container[str], prose: bool, latin: bool = True
) -> _Flag | None:
    """Whether capitalised word ``index`` is probably a name, and why."""
    word = bare(words.words[index])
    key = words.key(index)
    if len(key) < 2 or _is_known(word, key, known) or (key in _NOT_NAMES and word.isascii()):
        return None  # "My" is a pronoun; "Mỹ" is a Vietnamese name
    if words.gap_before(index)[-1:] in HIDDEN_CHARACTERS or words.gap_after(index)[:1] in (
        HIDDEN_CHARACTERS
    ):
        return None  # a word cut by a hidden character is reported whole as hidden letters
    names = all_names()
    if is_acronym(word) and key not in names and not _shouted(words, index):
        return None
    cue = cue_before(words, index)
    # role_after reads a role only after a comma: asked first, it spares most words
    # the look for a place.
    if (
        cue is None
        and words.gap_after(index).lstrip().startswith(",")
        and not place_at(words, index)
        and key not in ORGANISATION_WORDS
    ):
        cue = role_after(words, index)  # "Zulu, a peer worker"; not "Poland, my father"
    if cue is not None and not _title_case_thing(words, index, key, cue):
        return _Flag(index, f"{cue}, so it is probably a name", "title or role")
    if key in ORGANISATION_WORDS and index > 0 and words.joined(index - 1):
        return None  # "Youth Voice Panel", "Thames Ward"
    if key in _RELATIONS:
        return None  # "Mum", "Abba" (father): a relation, not a name
    if key in ordinary_words() and key not in names and not mid_sentence(words, index, prose):
        context = person_context(words, index)
        if context is None or not _strong(context) or not _in_prose(words, index, prose):
            return None  # "The", "When": only a cue or "X and I" makes these a name
    if _names_a_thing(words, index, word):
        return None
    if _hyphen_tail_unknown(words, index):
        return _unknown_word(index, key)  # "Sun-hee", "Min-jun": a hyphenated given name
    if _is_proper(words, index, key):
        context = person_context(words, index)
        if key not in given_names() and not (context and "only a person has" in context):
            return None
        if context is not None and _strong(context):
            return _Flag(
                index,
                f"is a place or a name, and here it {context}, like a person",
                "person context",
            )
        return None
    if not is_latin(key):
        # The safe-list is English: in English text a capitalised word of another
        # alphabet (Ольга) is a probable name; in a title in Russian it is a word.
        if key in names or latin:
            return _unknown_word(index, key)
        return None
    if key not in ordinary_words() or _hyphen_tail_unknown(words, index):
        return _unknown_word(index, key)
    context = person_context(words, index)
    if key not in names:
        if (
            context
            and _strong(context)
            and key not in _RELATIONS
            and mid_sentence(words, index, prose)
        ):
            return _Flag(index, f"has a capital and {context}, like a person", "person context")
        return None
    if _arrived_alone(words, index):
        context = f"stands alone before '{words.words[index + 1]}'"
        named = True
    else:
        named = context is not None and (_strong(context) or _alone(words, index, key))
    if context is not None and named and not _title_case_thing(words, index, key, context):
        why = f"is a name as well as a word, and here it {context}"
        return _Flag(index, why, "person context")
    if mid_sentence(words, index, prose) and _stands_as_name(words, index):
        return _Flag(
            index,
            "is a name as well as an everyday word, and it has a capital in the middle "
            "of a sentence",
            "known name",
        )
    return None


#: Words after which a capitalised word names a place or a building ("Columbia Road").
_PLACE_TYPES = word_set(
    "road street lane avenue park hospital ward centre center school estate station "
    "market bridge gardens square court close way hall house church mosque library "
    "surgery practice clinic tower college university"
)
#: Place words that are also common surnames: after a first name they are a surname.
_BUILDINGS = word_set("ward hall house court church tower college")
_CAMEL_RE = re.compile(r"[A-Z][a-z]+(?:[A-Z][a-z]+)+")


_CODE_RE = re.compile(r"[a-z][A-Z].*[a-z][A-Z]|[a-z][A-Z]+\Z")


def _title_case_thing(words: Words, index: int, key: str, cue: str) -> bool:
    """After "called" or a role, an everyday word opening a run of capitals names a
    thing ("called Peer Support Workers", "the Carer Nobody Asked"), not a person."""
    if cue.startswith("follows the title"):
        return False
    if key not in ordinary_words() or key in first_names()[0]:
        return False  # not English, or a first name in UK use (Grace, Will)
    return words.joined(index) and is_capitalised(words.words[index + 1])


def _names_a_thing(words: Words, index: int, word: str) -> bool:
    """A capitalised word that names a thing, not a person: a place before "Road" or
    "Hospital" ("Columbia Road"), a code with digits ("Room 14", "Love2shop"), or a
    brand written in camel case from everyday words ("KitKat", "PlayStation")."""
    after = words.gap_after(index)
    before = words.gap_before(index)
    capitals = sum(c.isupper() for c in word)
    code = _CODE_RE.search(word) or (capitals >= 3 and not word.isupper())
    if before.endswith(("<", "</")) or after.startswith("=") or code:
        return True  # markup ("<SCRIPT SRC=") or code ("PHNjcmlwdD4", "JaVaScRiPt")
    numbered = after[:1].isdigit() or (after[:1] == " " and after[1:2].isdigit())
    if numbered and words.key(index) in ordinary_words():
        return True  # "Room 14", "Love2shop"; not a user name like "Ngozi77"
    if after[:1] == ":" and (after[1:2] not in ("", " ", "\n") or after == ":"):
        return True  # a scheme or a label written without a space ("Mailto:x")
    if words.joined(index) and words.key(index + 1) in _PLACE_TYPES:
        key = words.key(index)
        building = words.key(index + 1) in _BUILDINGS
        if building and key in given_names() and not place_at(words, index):
            return False  # "Ben Ward", "Tunde Hall": a first name and a surname
        if person_context(words, index - 1 if index else index) is not None:
            return False
        return is_capitalised(words.words[index + 1]) and _before_is_not_a_person(words, index)
    if not _CAMEL_RE.fullmatch(word):
        return False
    pieces = re.findall(r"[A-Z][a-z]+", word)
    if any(p.lower() in given_names() for p in pieces):
        return False
    return all(p.lower() in ordinary_words() for p in pieces[:-1])


def _in_prose(words: Words, index: int, prose: bool) -> bool:
    """In a sentence of prose: not in a title, a tag or a heading."""
    line_start = words.text.rfind("\n", 0, words.start(index)) + 1
    return prose and not HEADING_RE.match(words.text, line_start)


def _alone(words: Words, index: int, key: str) -> bool:
    """A given name standing on its own, not inside a title ("Faith Group"), and not
    one of the names that are mostly everyday words ("Hope is", "Faith was")."""
    return key in given_names() and key not in first_names()[1] and not neighbours(words, index)


def _arrived_alone(words: Words, index: int) -> bool:
    """A given name standing alone as the whole subject of "came" or "was there":
    "Grace came.", "Then Grace was there." (docs/anonymising.md: "on its own before
    'was', 'came'")."""
    return words.key(index) in given_names() and not _beside(words, index) and arrived(words, index)


def _beside(words: Words, index: int) -> list[int]:
    """The capitalised words beside word ``index`` that may belong to the same name: not
    a word opening the sentence before it ("Then Grace", "Later Amber")."""
    found = neighbours(words, index)
    if found and found[0] < index and not _may_open_name(words, found[0]):
        found.pop(0)
    return found


def _strong(context: str) -> bool:
    """A person context that holds for any capitalised word, not only a known name:
    "me and X", "X and I", "X told me", "met X" (not "with X", "a gift from X" or
    "X was")."""
    weak = (
        context.startswith("follows 'with")
        or (context.startswith("follows '") and context[9:-1] in WEAK_PAIRS)
        or any(context == f"comes before '{verb}'" for verb in LIKE_A_SUBJECT)
    )
    return not weak


def _hyphen_tail_unknown(words: Words, index: int) -> bool:
    """A capitalised word joined by a hyphen to a lower-case word that is not English:
    a hyphenated given name ("Min-jun", "Seo-yeon")."""
    if words.gap_after(index) != "-" or index + 1 >= len(words.words):
        return False
    tail = words.words[index + 1]
    return tail.islower() and words.key(index + 1) not in ordinary_words()


def _before_is_not_a_person(words: Words, index: int) -> bool:
    """No word just before that only a person fits ("I sat with Abdi Hall")."""
    return words.lower(index - 1) not in PERSON_BEFORE if index > 0 else True


def _stands_as_name(words: Words, index: int) -> bool:
    """An everyday word that is also a name, capitalised mid-sentence, reads as a name
    when it stands alone or beside another name ("Grace Long"), not inside the title
    of a place or a thing ("London Fields", "Christmas Eve", "Long Term Plan")."""
    beside = _beside(words, index)
    key = words.key(index)
    if key in given_names() and words.joined(index) and words.key(index + 1) in _BUILDINGS:
        return True  # "Ben Ward", "Tunde Hall"
    if in_organisation_run(words, index) or (
        key in ORGANISATION_WORDS and beside and beside[0] < index
    ):
        return False
    return not beside or any(_name_like(words.key(i)) for i in beside)


def _name_like(key: str) -> bool:
    """A name, or a word that is neither everyday English nor a proper word."""
    if key in proper_words() or key in ORGANISATION_WORDS or key in place_words()[0]:
        return False
    return key not in ordinary_words() or key in all_names()


def _unknown_word(index: int, key: str) -> _Flag:
    if key in given_names():
        return _Flag(index, "is a common first name that nobody declared", "known name")
    if key in all_names():
        return _Flag(index, "is a known surname that nobody declared", "known name")
    return _Flag(
        index,
        "is not an everyday English word and has a capital, so it is probably a name",
        "safe-list",
    )


#: Written word -> its folded words (bounded).
_SPLIT: dict[str, tuple[str, ...]] = {}


def _is_known(word: str, key: str, known: Container[str]) -> bool:
    keys = _SPLIT.get(word)
    if keys is None:
        keys = split_words(word)
        if len(_SPLIT) < 200_000:
            _SPLIT[word] = keys
    return key in known or (bool(keys) and all(k in known or k in _NOT_NAMES for k in keys))


#: Words that are part of a greeting or festival after the word given here.
_AFTER = {"mubarak": "eid", "adha": "al", "fitr": "al", "saeed": "eid"}


def _is_proper(words: Words, index: int, key: str) -> bool:
    """A place, or a capitalised word of proper_words.txt (Monday, Bengali, NHS)."""
    full = word_key(fold(words.words[index])).replace("’", "'")
    if _AFTER.get(key) == words.lower(index - 1):
        return True  # "Eid Mubarak", "Eid al-Adha": not the names Mubarak or Adha
    proper = proper_words()
    plural = key.endswith("s") and key[:-1] in proper and words.words[index].isascii()
    if key in proper or full in proper or plural:
        return True
    return place_at(words, index)


def _lower_case_after_cue(
    words: Words, known: Container[str], distinct: set[str] | None = None
) -> dict[int, _Flag]:
    """Names written in lower case after a title or role: "my support worker ngozi".
    ``distinct``: the set of the words, when the caller has made it."""
    found: dict[int, _Flag] = {}
    text = words.text
    lower = words.words
    ordered = list(set(lower) if distinct is None else distinct)
    is_cue = list(map(_LOWER_CUE_ENDINGS.__contains__, map(str.lower, ordered)))
    if not any(is_cue):
        return found  # no cue at all, known in C
    cues = set(compress(ordered, is_cue))
    for index in compress(range(1, len(lower)), map(cues.__contains__, lower[:-1])):
        word = lower[index]
        if not word.islower():
            continue
        key = words.key(index)
        if key in ordinary_words() or key in known or key in _NOT_NAMES:
            continue
        start = words.start(index)
        match = _LOWER_AFTER_CUE_RE.search(text, max(0, start - 60), words.end(index))
        if match is None or match.start(1) != start:
            continue
        cue = cue_words(text[match.start() : start])
        why = f"follows '{cue}', so it is probably a name written without its capital"
        found[index] = _Flag(index, why, "title or role")
    return found


def _runs(words: Words, flags: dict[int, _Flag], known: Container[str]) -> Iterator[Suspect]:
    """Each flagged word with the capitalised words beside it that belong to the same
    name ("Long Nguyen", "Imran Islam", "Niall Ó Dónaill"), as one suspect."""
    taken: set[int] = set()
    for index in sorted(flags):
        if index in taken:
            continue
        first = last = index
        while (step := _next_part(words, first, -1, known)) is not None:
            first = step
        while (step := _next_part(words, last, 1, known)) is not None:
            last = step
        taken.update(range(first, last + 1))
        flag = flags[index]
        start = words.start(first)
        end = words.start(last) + len(bare(words.words[last]))
        yield Suspect(start, words.text[start:end], flag.why, flag.signal, end)


#: Small words inside names: "da Silva", "bin Rashid", "Mac an t-Saoir", "van der Berg".
_PARTICLES = word_set(
    "da de di do dos das du del della der den van von ter ten la le al el bin bint ibn "
    "ben bat mac mc o ó ní nic ua an t y e"
)


def _next_part(words: Words, index: int, step: int, known: Container[str]) -> int | None:
    """The next word of the same name, before (step -1) or after (step 1) ``index``,
    over one small particle ("da", "bin"); None when the name ends there."""
    cursor = index + step
    if (
        step < 0
        and cursor > 0
        and words.words[cursor].islower()
        and words.gap_after(cursor - 1) == "-"
        and is_capitalised(words.words[cursor - 1])
    ):
        return cursor - 1  # the first half of a hyphenated name: "Ha-jun Min"
    for _ in range(2):
        joined = words.joined(min(cursor, cursor - step))
        if not 0 <= cursor < len(words.words) or not joined:
            return None
        word = words.words[cursor]
        if step > 0 and words.gap_after(index) == "-" and word.islower():
            return cursor  # the second half of a hyphenated name: "Min-jun", "Jean-luc"
        if _joins_name(words, cursor, known) and (step > 0 or _may_open_name(words, cursor)):
            return cursor
        if word.lower() not in _PARTICLES:
            return None
        cursor += step
    return None


#: Words that open a sentence without being part of a name after them ("Then Khalil").
_OPENERS = word_set(
    "then later today yesterday tomorrow luckily sometimes now so but and when after "
    "before once because also still even finally eventually meanwhile afterwards recently "
    "suddenly maybe perhaps only just yes no thankfully sadly hopefully honestly "
    "apparently obviously first firstly secondly lastly next soon every each this that "
    "these those here there how why what who where which while if although though since "
    "until as at in on for with without by from of to dear thanks thank hello hi well oh "
    "please sorry our your his her their its one two three some many most all both "
    "everyone nobody somebody someone everybody anyway besides instead otherwise"
)


def _may_open_name(words: Words, index: int) -> bool:
    """Whether the capitalised word before a probable name may be its first part: not
    a word that opens sentences ("Then", "Yesterday")."""
    return words.key(index) not in _OPENERS


def _joins_name(words: Words, index: int, known: Container[str]) -> bool:
    """Whether a capitalised word beside a probable name is part of it: any that is
    not declared, not a word like Ward or Team, and not a relation like Mum."""
    word = words.words[index]
    if not word[0].isupper() or (is_acronym(word) and len(word) > 2):
        return False
    key = words.key(index)
    if key in known or (key in ORGANISATION_WORDS and key not in _BUILDINGS) or key in _RELATIONS:
        return False
    if key in TITLES:
        return key in given_names()  # "Nana Yaw": Nana is a title and a name
    return key not in _NOT_NAMES or not word.isascii()


#: Names of organisations and places everyone knows that contain a first name. A
#: site adds its own to ``[anonymise] allow``.
_WELL_KNOWN_RE = re.compile(
    r"\bMarks\s*(?:&|&amp;|and)\s*Spencer\b|\bJohn\s+Lewis\b|\bSt\.?\s+John\s+Ambulance\b"
    r"|\bSt\.?\s+[A-Z][a-z]+(?:'s)?\s+(?:Hospital|Church|Road|Street|Square|Park|School)\b"
    r"|\bVictoria\s+(?:Station|Park|Line)\b|\bKing'?s\s+College\b|\bPrince\s+Charles\b",
)


#: What every match of _WELL_KNOWN_RE holds (a pattern of literals, which the engine
#: finds in C): text without one of these has no such name.
_WELL_KNOWN_NEEDS_RE = re.compile(r"Marks|John|St[.\s]|Victoria|King|Prince")


#: The literal words of _WELL_KNOWN_NEEDS_RE but "St", looked for with ``in``.
_WELL_KNOWN_WORDS = ("Marks", "John", "Victoria", "King", "Prince")
_SAINT_RE = re.compile(r"St[.\s]")


def _may_hold_well_known(text: str) -> bool:
    """``_WELL_KNOWN_NEEDS_RE.search(text) is not None``, with ``in`` (memchr in C) for
    its words, and a pattern that starts with its literal "St" for the last."""
    if any(map(text.__contains__, _WELL_KNOWN_WORDS)):
        return True
    return "St" in text and _SAINT_RE.search(text) is not None


def not_names(text: str) -> list[tuple[int, int]]:
    """Spans of well-known names of places and organisations (Marks & Spencer)."""
    if not _may_hold_well_known(text):
        return []
    return [(m.start(), m.end()) for m in _WELL_KNOWN_RE.finditer(text)]


#: Initials in capitals: "J.D.", "J. D.", "JD", "J.A.D.", not after a letter, digit,
#: '_' or '.'. That test comes after the first capital, so the engine jumps from
#: capital to capital instead of trying every position (a test compares the matches
#: with the plain pattern, whose look-behind comes first).
INITIALS_RE = re.compile(r"([A-Z](?<![\w.].)(?:\.[ \t]?(?:[A-Z]\.[ \t]?){1,2}|[A-Z]{1,2}))(?![\w])")


def initials_of(person: Person) -> str:
    return _initials(person.name)


@lru_cache(maxsize=16384)
def _initials(name: str) -> str:
    """A name's initials: read for every field of every story, so kept per name."""
    parts = [p for p in re.split(r"[\s\-_.]+", name) if p]
    return "".join(p[0].upper() for p in parts) if len(parts) >= 2 else ""


def _may_hold_initials(text: str, wanted: str) -> bool:
    """Whether INITIALS_RE may find ``wanted`` (two letters or more) in ``text``: its
    first two letters stand side by side there, or with a dot and perhaps a space or
    a tab between them, as in every match of the pattern (found with ``in``)."""
    first, second = wanted[0], wanted[1]
    return any(first + gap + second in text for gap in _INITIALS_GAPS)


_INITIALS_GAPS = ("", ".", ". ", ".\t")


def initials(text: str, people: Iterable[Person]) -> Iterator[Suspect]:
    """Initials of a declared person: flagged, never guessed at. A named person's are
    not (they agreed to be named), unless someone protected has the same initials."""
    wanted = {initials_of(p) for p in people if not p.named} - {""}
    if not wanted or not any(map(partial(_may_hold_initials, text), wanted)):
        return
    for match in INITIALS_RE.finditer(text):
        letters = re.sub(r"[^A-Z]", "", match.group(1))
        if letters in wanted:
            yield Suspect(
                match.start(1),
                match.group(1).strip(),
                "may be the initials of a person declared in this story",
                "initials",
                fix="if it is them, add it to that person's `aliases` so it is replaced; "
                "if not, add it to `[anonymise] allow` in storysite.toml",
            )
