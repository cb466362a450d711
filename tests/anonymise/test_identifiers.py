"""Identifier formats: NHS number checksum, postcode letter rules, phone numbers, dates."""

from __future__ import annotations

import pytest

from storysite.anonymise.identifiers import find_identifiers, nhs_number_is_valid


def kinds(text: str) -> set[str]:
    return {i.kind for i in find_identifiers(text)}


def found(text: str, kind: str) -> list[str]:
    return [text[i.start : i.end] for i in find_identifiers(text) if i.kind == kind]


@pytest.mark.parametrize("number", ["943 476 5919", "9434765919", "401 023 2137", "450 557 7104"])
def test_valid_nhs_numbers_pass_the_checksum(number: str) -> None:
    assert nhs_number_is_valid(number)


@pytest.mark.parametrize("number", ["999 123 4560", "943 476 5918", "123 456 7890", "12345"])
def test_invalid_nhs_numbers_fail_the_checksum(number: str) -> None:
    assert not nhs_number_is_valid(number)


@pytest.mark.parametrize("number", ["943 476 5919", "999 123 4560", "9991234560", "943-476-5919"])
def test_nhs_numbers_are_found_valid_or_not(number: str) -> None:
    text = f"My number is {number}."
    assert found(text, "nhs_number") == [number]


def test_longer_digit_runs_are_not_nhs_numbers() -> None:
    assert found("Ref 12345678901234 please.", "nhs_number") == []


@pytest.mark.parametrize(
    "postcode",
    ["SW1A 1AA", "sw1a1aa", "LS1 4AP", "M1 1AE", "B33 8TH", "CR2 6XH", "DN55 1PT", "W1A 0AX",
     "EC1A 1BB", "GIR 0AA", "ec1a 1bb"],
)  # fmt: skip
def test_valid_postcodes_are_found(postcode: str) -> None:
    assert found(f"Send it to {postcode} today.", "postcode") == [postcode]


@pytest.mark.parametrize(
    "not_postcode",
    [
        "QA1 1AA",  # Q never starts a postcode
        "VA1 1AA",  # nor V
        "XA1 1AA",  # nor X
        "SW1A 1AC",  # C is never in the inward code's letters
        "SW1A 1IA",  # nor I
        "LS1 4AK",  # nor K
        "LS1 4MA",  # nor M
        "LS1 4OA",  # nor O
        "LS1 4VA",  # nor V
        "AI1 1AA",  # I is never the second letter
        "LS1 44A",
        "LS123 4AB",
    ],
)
def test_postcode_letter_rules(not_postcode: str) -> None:
    assert found(f"Send it to {not_postcode} today.", "postcode") == []


@pytest.mark.parametrize(
    "phone",
    [
        "07700 900123", "07700900123", "07700 900 123", "07700-900-123", "+44 7700 900123",
        "+447700900123", "0044 7700 900123", "+44 (0)7700 900123", "+44(0)7700900123",
        "0113 496 0000", "(0113) 496 0000", "0113 4960000", "020 7946 0000", "02079460000",
        "0300 123 4567", "0808 157 0000", "0800 123 4567", "01632 960000", "016977 4321",
        "0 7 7 0 0 9 0 0 1 2 3",
    ],
)  # fmt: skip
def test_uk_phone_numbers_are_found(phone: str) -> None:
    assert found(f"Ring {phone} after six.", "phone") == [phone]


@pytest.mark.parametrize(
    "not_phone", ["2019", "10:30", "1,500", "12 May 2019", "0.5 mg", "07700 9001", "v2.3.1"]
)
def test_other_numbers_are_not_phone_numbers(not_phone: str) -> None:
    assert found(f"It said {not_phone} there.", "phone") == []


@pytest.mark.parametrize(
    "email",
    ["jane.doe@example.org", "a+b@mail.example.co.uk", "X_Y@nhs.net", "team(at)example.org"],
)
def test_email_addresses_are_found(email: str) -> None:
    assert found(f"Write to {email} any day.", "email") == [email]


@pytest.mark.parametrize(
    ("text", "date"),
    [
        ("I was born on 3rd March 1987 in Leeds.", "3rd March 1987"),
        ("Born 03/03/1987.", "03/03/1987"),
        ("DOB: 3.3.87", "3.3.87"),
        ("Her date of birth is March 3, 1987.", "March 3, 1987"),
        ("My birthday is 1987-03-03.", "1987-03-03"),
        ("On 14 Feb 1990 I was born.", "14 Feb 1990"),
        ("D.O.B. 14th of February 1990", "14th of February 1990"),
    ],
)
def test_dates_near_birth_words_are_dates_of_birth(text: str, date: str) -> None:
    assert found(text, "date_of_birth") == [date]


@pytest.mark.parametrize(
    "text",
    [
        "The group started on 3 March 1987 in a church hall.",
        "We were born to do this work; the rest is history. It opened later, in 1990, "
        "on 2/4/90 or so, a full twenty words after that.",
    ],
)
def test_dates_far_from_birth_words_stay(text: str) -> None:
    assert "date_of_birth" not in kinds(text)
