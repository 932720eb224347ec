"""Questionnaire documents for the loader tests: a valid one built from the built-in
questions, with blocks replaced, removed, patched or appended, and a parse that must fail
with a one-line message.

Test modules import from here, never from each other.
"""

from __future__ import annotations

import pytest

from bot.domain.questionnaire import QuestionnaireError, parse_questionnaire

SOURCE = "data/questionnaire.toml"

HEADER = """\
[questionnaire]
title = "Sign-up"
welcome = "Hello!"
privacy_notice = "We store your answers."
"""

BUILTINS: dict[str, str] = {
    "role": """\
id = "role"
kind = "single_choice"
label = "Role"
prompt = "Mentee or mentor?"
choices = [ { value = "mentee", label = "Mentee" }, { value = "mentor", label = "Mentor" } ]
""",
    "areas": """\
id = "areas"
kind = "multi_choice"
label = "Areas"
prompt = "Which areas?"
choices = [ { value = "design", label = "Design" }, { value = "data", label = "Data" } ]
""",
    "goals": """\
id = "goals"
kind = "long_text"
label = "Goals"
prompt = "Your goals, one per line"
when = { role = ["mentee"] }
""",
    "capacity": """\
id = "capacity"
kind = "single_choice"
label = "Capacity"
prompt = "How many mentees?"
when = { role = ["mentor"] }
choices = [ { value = "1", label = "One" }, { value = "2", label = "Two" } ]
""",
    "timezone": """\
id = "timezone"
kind = "timezone"
label = "Time zone"
prompt = "Your time zone?"
""",
    "checkin": """\
id = "checkin"
kind = "weekday_time"
label = "Check-in"
prompt = "Which day and time?"
""",
    "consent": """\
id = "consent"
kind = "single_choice"
label = "Consent"
prompt = "Do you agree?"
choices = [ { value = "agree", label = "I agree" }, { value = "no", label = "No" } ]
""",
}


def build(
    *,
    header: str = HEADER,
    replace: dict[str, str | None] | None = None,
    add: tuple[str, ...] = (),
    patch: dict[str, str] | None = None,
) -> str:
    """A valid questionnaire, with built-in blocks replaced/removed/patched and extra ones
    appended at the end."""
    blocks: list[str] = []
    for qid, text in BUILTINS.items():
        block = (replace or {}).get(qid, text)
        if block is None:
            continue
        if patch and qid in patch:
            block += patch[qid]
        blocks.append(block)
    blocks.extend(add)
    return header + "".join(f"\n[[questions]]\n{b}" for b in blocks)


def parse_error(text: str) -> QuestionnaireError:
    with pytest.raises(QuestionnaireError) as info:
        parse_questionnaire(text, SOURCE)
    err = info.value
    assert "\n" not in str(err)
    assert str(err).startswith(f"{SOURCE}: ")
    return err


def choice_list(n: int) -> str:
    return "[" + ", ".join(f'{{ value = "v{i}", label = "V{i}" }}' for i in range(n)) + "]"


def extra(body: str, qid: str = "extra") -> str:
    return f'id = "{qid}"\nlabel = "Extra"\nprompt = "An extra question"\n{body}'
