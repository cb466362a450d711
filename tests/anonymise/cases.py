"""The labelled evaluation set for the anonymiser: fictional people, written for storysite.

Each case is a story body, the people it declares, the strings that must be gone from
everything published (``removed``), the strings that must stay (``kept``), and the
words expected as findings (``findings``). ``CLEAN`` stories declare everyone they
name, so any finding on them is a false one.
"""

from __future__ import annotations

from dataclasses import dataclass

JANE = {"name": "Jane Doe", "aliases": ["Janey"]}
ZOE = {"name": "Zoë O'Neill", "shown_as": "a service user"}
ANN = {"name": "Ann Lee"}
OKON = {"name": "Ade Okonkwo", "shown_as": "the doctor"}
SAM = {"name": "Sam Rivera", "named": True}


@dataclass(frozen=True)
class Case:
    text: str
    people: tuple[dict[str, object], ...] = (JANE,)
    removed: tuple[str, ...] = ()
    kept: tuple[str, ...] = ()
    findings: tuple[str, ...] = ()
    allow: tuple[str, ...] = ()
    label: str = ""
    kind: str = "name"  # what ``removed`` holds: "name" or "identifier"


def _n(text: str, removed: str | tuple[str, ...], **kw: object) -> Case:
    gone = (removed,) if isinstance(removed, str) else removed
    return Case(text, removed=gone, **kw)  # type: ignore[arg-type]


def _i(text: str, removed: str | tuple[str, ...], **kw: object) -> Case:
    gone = (removed,) if isinstance(removed, str) else removed
    return Case(text, people=(), removed=gone, kind="identifier", **kw)  # type: ignore[arg-type]


NAMES = [
    _n("We met Jane Doe at the café.", ("Jane", "Doe")),
    _n("We met JANE DOE at the café.", ("JANE", "DOE")),
    _n("we met jane doe at the café.", ("jane doe",)),
    _n("Jane   Doe came early.", ("Jane", "Doe")),
    _n("We met Jane\nDoe there.", ("Jane", "Doe")),
    _n("We met Jane-Doe there.", ("Jane-Doe", "Doe")),
    _n("We met Jane_Doe there.", ("Jane_Doe", "Doe")),
    _n("We met Jane.Doe there.", ("Jane.Doe",)),
    _n("We met jane.doe there.", ("jane.doe",)),
    _n("It was Jane's idea.", ("Jane",)),
    _n("It was Jane’s idea.", ("Jane",)),
    _n("It was Doe's idea.", ("Doe",)),
    _n("Janey said hello.", ("Janey",)),
    _n("janey said hello.", ("janey",)),
    _n("We met **Jane** Doe there.", ("Jane", "Doe")),
    _n("We met *Jane* *Doe* there.", ("Jane", "Doe")),
    _n("We met __Jane__ Doe there.", ("Jane", "Doe")),
    _n("We met **Ja**ne there.", ("Jane", "Ja")),
    _n("We met &#74;ane there.", ("Jane", "&#74;ane")),
    _n("We met &#x4A;ane Doe there.", ("Jane", "Doe")),
    _n("We met J&#97;ne there.", ("Jane",)),
    _n("Read [her page](https://example.org/Jane%20Doe).", ("Jane", "Doe", "Jane%20Doe")),
    _n("Read [her page](https://example.org/jane-doe/).", ("jane-doe",)),
    _n("See [Jane Doe](https://example.org/x).", ("Jane", "Doe")),
    _n("![Jane Doe at the fair](fair.png)", ("Jane", "Doe")),
    _n('Look: <abbr title="Jane Doe">JD</abbr> was there.', ("Jane", "Doe"), findings=("JD",)),
    _n("# Jane Doe speaks\n\nShe spoke.", ("Jane", "Doe")),
    _n("> Jane said it best.", ("Jane",)),
    _n("- Jane\n- Doe\n", ("Jane", "Doe")),
    _n("Mail [me](mailto:jane.doe@example.org).", ("jane", "doe")),
    _n("`Jane Doe` in code.", ("Jane", "Doe")),
    _n("Zoë O'Neill drew this.", ("Zoë", "Neill"), people=(ZOE,)),
    _n("Zoe O’Neill drew this.", ("Zoe", "Neill"), people=(ZOE,)),
    _n("ZOE O NEILL drew this.", ("ZOE", "NEILL"), people=(ZOE,)),
    _n("We loved Zoë’s drawings.", ("Zoë",), people=(ZOE,), kept=("a service user’s",)),
    _n("O’Neill’s idea won.", ("Neill",), people=(ZOE,)),
    _n("Zoe&#776; came.", ("Zoe",), people=(ZOE,)),
    _n("Ann came too.", ("Ann came",), people=(ANN,)),
    _n("Ann Lee came too.", ("Ann", "Lee"), people=(ANN,)),
    _n(
        "Then Dr Okonkwo explained.",
        ("Okonkwo", "Dr "),
        people=(OKON,),
        kept=("the doctor explained",),
    ),
    _n("Dr. Okonkwo explained.", ("Okonkwo",), people=(OKON,), kept=("The doctor explained",)),
    _n("It rained. Zoë arrived.", ("Zoë",), people=(ZOE,), kept=("A service user arrived",)),
    _n("We met Jane D&#111;e there.", ("Doe",)),
    _n("We met Jane%20Doe there.", ("Jane",)),
    _n("We met Jane&nbsp;Doe there.", ("Jane", "Doe")),
    _n("We met J&shy;ane there.", ("Jane",), findings=("Jane",)),
    _n("We met Ja\u200bne there.", ("Jane",), findings=("Jane",)),
]

IDENTIFIERS = [
    _i("Write to jane.doe@example.org any time.", "jane.doe@example.org"),
    _i("Write to SAM_R+news@mail.example.co.uk.", "SAM_R+news@mail.example.co.uk"),
    _i("Mail me at team(at)example.org please.", "team(at)example.org"),
    _i("Call 07700 900123 after six.", "900123"),
    _i("Call 07700900123 after six.", "07700900123"),
    _i("Call 07700-900-123 after six.", "900-123"),
    _i("Call +44 7700 900123 after six.", "900123"),
    _i("Call +447700900123 after six.", "7700900123"),
    _i("Call 0044 7700 900 123 after six.", "900 123"),
    _i("Call +44 (0)7700 900123 after six.", "900123"),
    _i("Call 0113 496 0000 in the day.", "496 0000"),
    _i("Call (0113) 496 0000 in the day.", "496 0000"),
    _i("Call 020 7946 0000 in the day.", "7946 0000"),
    _i("Call 0300 123 4567 in the day.", "123 4567"),
    _i("Call 0808 157 0000 in the day.", "157 0000"),
    _i("Call 01632 960000 in the day.", "960000"),
    _i("Call 0 1 1 3 4 9 6 0 0 0 0 in the day.", "4 9 6 0"),
    _i("My NHS number is 943 476 5919.", "943 476 5919"),
    _i("My NHS number is 9434765919.", "9434765919"),
    _i("My NHS number is 943-476-5919.", "943-476-5919"),
    _i("A mistyped one: 999 123 4560.", "999 123 4560"),
    _i("We met at SW1A 1AA on Monday.", "SW1A 1AA"),
    _i("We met at sw1a1aa on Monday.", "sw1a1aa"),
    _i("Post it to LS1 4AP please.", "LS1 4AP"),
    _i("Post it to M1 1AE please.", "M1 1AE"),
    _i("Post it to b33 8th please.", "b33 8th"),
    _i("Post it to EC1A 1BB please.", "EC1A 1BB"),
    _i("Post it to W1A 0AX please.", "W1A 0AX"),
    _i("Post it to CR2 6XH please.", "CR2 6XH"),
    _i("Post it to DN55 1PT please.", "DN55 1PT"),
    _i("I was born on 3rd March 1987 in a storm.", "1987"),
    _i("I was born on 3 March 1987.", "3 March 1987"),
    _i("Born: 03/03/1987, Leeds.", "03/03/1987"),
    _i("DOB 3.3.87", "3.3.87"),
    _i("My date of birth is March 3rd, 1987.", "1987"),
    _i("My birthday, 1987-03-03, fell on a Tuesday.", "1987-03-03"),
    _i("On 14 February 1990 I was born.", "1990"),
    _i("Ring 07700 900123 or mail a.b@example.net.", ("900123", "a.b@example.net")),
]

TRAPS = [
    Case("The Annual review went well.", people=(ANN,), kept=("The Annual review",)),
    Case("We drove to Leeds on Tuesday.", people=(ANN,), kept=("Leeds",), allow=("Leeds",)),
    Case("We went to Marks & Spencer.", kept=("Marks &amp; Spencer", "Marks & Spencer")),
    Case("May is busy for the team.", kept=("May is busy",)),
    Case("Will we meet again? Hope so.", kept=("Will we meet", "Hope so")),
    Case("Grace under pressure, they say.", kept=("Grace under pressure",)),
    Case("We met in May and again in June.", kept=("in May", "in June")),
    Case("Mark the date: it matters.", kept=("Mark the date",)),
    Case("Sam Rivera ran the session.", people=(SAM,), kept=("Sam Rivera",)),
    Case("the doe ran across the field", kept=("the doe ran",)),
    Case("she said jane was a common name", kept=("jane was",)),
    Case("The session ran 2018-2019 with 1200 visitors.", kept=("2018-2019", "1200")),
    Case("We raised £1,500 in 2019 for 350 people.", kept=("£1,500", "350 people")),
    Case("The group meets 10:30 to 12:00 on Thursdays.", kept=("10:30 to 12:00",)),
    Case(
        "Our Recovery College runs ten courses.",
        kept=("Recovery College",),
        allow=("Recovery College",),
    ),
    Case("Version 2.3.1 of the leaflet came out on 3 March 2019.", kept=("3 March 2019",)),
    Case("Faith groups and joy: a bill of rights.", kept=("Faith groups",)),
    Case(
        "Doing co-production at Tower Hamlets.", kept=("Tower Hamlets",), allow=("Tower Hamlets",)
    ),
]

UNDECLARED = [
    Case("I talked it over with Priya after.", findings=("Priya",)),
    Case("Priya came along too.", findings=("Priya",)),
    Case("Then Dr Okafor explained the plan.", findings=("Okafor",)),
    Case("Then Mrs Adeyemi explained the plan.", findings=("Adeyemi",)),
    Case("Later Nurse Ratcliffe came by.", findings=("Ratcliffe",)),
    Case("Hello, my name is Tobias.", findings=("Tobias",)),
    Case("A man called Fennimore helped.", findings=("Fennimore",)),
    Case("My friend Quill came too.", findings=("Quill",)),
    Case("My key worker Brannigan listened.", findings=("Brannigan",)),
    Case("My care coordinator Oyelaran listened.", findings=("Oyelaran",)),
    Case("My daughter Hope was there.", findings=("Hope",)),
    Case("I sat next to Hope all day.", findings=("Hope",)),
    Case("J.D. wrote the first draft.", findings=("J.D.",)),
    Case("We met \u0405arah there.", findings=("\u0405arah",)),
    Case("We met Sa\u202erah there.", findings=("Sarah",)),
]

#: Stories that declare or allow everyone they name: no finding is right here.
CLEAN = [
    Case("We met in the garden and planted beans. It was the best day of the spring."),
    Case("May is a busy month for the team. Will we manage? Hope so."),
    Case("Grace and joy are words we used a lot in the workshop."),
    Case("Sam Rivera led the session, and Sam made tea.", people=(SAM,)),
    Case("Jane Doe and Janey are the same person.", people=(JANE,)),
    Case(
        "The Recovery College runs in Tower Hamlets.", allow=("Recovery College", "Tower Hamlets")
    ),
    Case("In May we met; in June we wrote; by August we had a plan."),
    Case("Mark my words: this group changed things."),
    Case("# What worked\n\nThe co-production group met weekly.\n\n## What next\n\nMore of it."),
    Case("Our GP practice and the NHS trust agreed the plan."),
    Case("Dr Okonkwo listened, and Dr Okonkwo acted.", people=(OKON,)),
    Case("My friend Zoë came along.", people=(ZOE,)),
    Case(
        "Bill and Faith are not people here; the bill was paid in faith.", allow=("Bill", "Faith")
    ),
    Case("Will you come? Faith, hope and charity."),
    Case("It was a Monday in April. The rain stopped at noon."),
    Case("Summer came, and with it the longest days of the year."),
    Case("Ann Lee and Ann both helped, but the Annual review was dull.", people=(ANN,)),
    Case("We shopped at Marks & Spencer before the meeting."),
    Case("The workshop used the Five Ways to Wellbeing, adapted by the group."),
    Case("Nobody is named in this story: that was the group's choice."),
]

CASES: list[Case] = NAMES + IDENTIFIERS + TRAPS + UNDECLARED
