"""The loader's rule table: one bad questionnaire per rule, with the question the message
names and a fragment of it. test_questionnaire_loader.py checks each against the loader.
"""

from __future__ import annotations

from tests.unit.questionnaire_docs import BUILTINS, HEADER, build, choice_list, extra

LONG_46 = "x" * 46
PRE_QUESTION = (
    'id = "pre"\nkind = "single_choice"\nlabel = "P"\nprompt = "P"\n'
    'choices = [{ value = "a" }]\n\n[[questions]]\n'
)
HEADER_NO_TITLE = '[questionnaire]\nwelcome = "Hi"\nprivacy_notice = "P"\n'

CASES: list[tuple[str, str, str | None, str]] = [
    # (name, document, question id in the message, expected fragment)
    ("no header", build(header=""), None, "[questionnaire] table"),
    ("no title", build(header=HEADER_NO_TITLE), None, "needs a 'title'"),
    (
        "title too long",
        build(header=HEADER.replace('"Sign-up"', f'"{LONG_46}"')),
        None,
        "'title' is 46 characters; keep it to at most 45",
    ),
    ("welcome empty", build(header=HEADER.replace('"Hello!"', '"  "')), None, "'welcome'"),
    (
        "privacy too long",
        build(header=HEADER.replace('"We store your answers."', f'"{"p" * 2001}"')),
        None,
        "'privacy_notice' is 2,001 characters",
    ),
    (
        "privacy missing",
        build(header=HEADER.replace('privacy_notice = "We store your answers."\n', "")),
        None,
        "needs a 'privacy_notice'",
    ),
    (
        "title not text",
        build(header=HEADER.replace('"Sign-up"', "3")),
        None,
        "'title' must be non-empty text",
    ),
    ("unknown header key", build(header=HEADER + 'tilte = "x"\n'), None, "unknown key 'tilte'"),
    ("no questions", HEADER, None, "there are no questions"),
    ("questions not tables", 'questions = ["a"]\n' + HEADER, None, "[[questions]] tables"),
    ("unknown top-level key", 'colour = "red"\n' + build(), None, "unknown top-level key"),
    # ids
    ("duplicate id", build(add=(BUILTINS["timezone"],)), "timezone", "ids must be unique"),
    (
        "missing id",
        build(add=('kind = "short_text"\nlabel = "X"\nprompt = "Y"\n',)),
        None,
        "question #8 has no 'id'",
    ),
    ("empty id", build(add=(extra('kind = "short_text"\n', ""),)), None, "question #8 has no"),
    (
        "uppercase id",
        build(add=(extra('kind = "short_text"\n', "Bio"),)),
        None,
        "question #8 has id 'Bio'",
    ),
    (
        "id starts with digit",
        build(add=(extra('kind = "short_text"\n', "1bio"),)),
        None,
        "must start with a lowercase letter",
    ),
    ("id with dash", build(add=(extra('kind = "short_text"\n', "my-bio"),)), None, "a-z, 0-9"),
    (
        "id too long",
        build(add=(extra('kind = "short_text"\n', "b" * 33),)),
        None,
        "at most 32 characters",
    ),
    (
        "id not text",
        build(add=('id = 3\nkind = "short_text"\nlabel = "X"\nprompt = "Y"\n',)),
        None,
        "has no 'id'",
    ),
    # kind
    ("unknown kind", build(add=(extra('kind = "essay"\n'),)), "extra", "unknown kind 'essay'"),
    ("missing kind", build(add=(extra(""),)), "extra", "'kind' is missing"),
    # label / prompt / description / placeholder
    (
        "missing label",
        build(add=('id = "x"\nkind = "short_text"\nprompt = "P"\n',)),
        "x",
        "'label' is missing",
    ),
    (
        "label too long",
        build(add=(f'id = "x"\nkind = "short_text"\nlabel = "{LONG_46}"\nprompt = "P"\n',)),
        "x",
        "'label' is 46 characters; Discord allows at most 45",
    ),
    (
        "empty prompt",
        build(add=('id = "x"\nkind = "short_text"\nlabel = "L"\nprompt = ""\n',)),
        "x",
        "'prompt' is empty",
    ),
    (
        "missing prompt",
        build(add=('id = "x"\nkind = "short_text"\nlabel = "L"\n',)),
        "x",
        "'prompt' is missing",
    ),
    (
        "prompt too long",
        build(add=(f'id = "x"\nkind = "short_text"\nlabel = "L"\nprompt = "{"p" * 1001}"\n',)),
        "x",
        "1,001 characters",
    ),
    (
        "description too long",
        build(add=(extra(f'kind = "short_text"\ndescription = "{"d" * 101}"\n'),)),
        "extra",
        "'description' is 101 characters; Discord allows at most 100",
    ),
    (
        "placeholder too long",
        build(add=(extra(f'kind = "timezone"\nplaceholder = "{"d" * 101}"\n'),)),
        "extra",
        "'placeholder' is 101 characters",
    ),
    (
        "required not bool",
        build(add=(extra('kind = "short_text"\nrequired = "no"\n'),)),
        "extra",
        "'required' must be true or false",
    ),
    # unknown / misplaced keys
    (
        "typo key",
        build(add=('id = "x"\nkind = "short_text"\nlable = "L"\nprompt = "P"\n',)),
        "x",
        "unknown key 'lable' (did you mean 'label'?)",
    ),
    (
        "max_length on a choice",
        build(patch={"role": "max_length = 10\n"}),
        "role",
        "'max_length' does not apply to a single_choice question",
    ),
    (
        "choices on text",
        build(add=(extra('kind = "short_text"\nchoices = [ { value = "a" } ]\n'),)),
        "extra",
        "'choices' does not apply to a short_text question",
    ),
    (
        "min on single choice",
        build(patch={"consent": "min = 1\n"}),
        "consent",
        "'min' does not apply",
    ),
    # choices
    ("no choices", build(add=(extra('kind = "single_choice"\n'),)), "extra", "at least 1 entry"),
    (
        "empty choices",
        build(add=(extra('kind = "multi_choice"\nchoices = []\n'),)),
        "extra",
        "at least 1 entry",
    ),
    (
        "26 choices",
        build(add=(extra(f'kind = "multi_choice"\nchoices = {choice_list(26)}\n'),)),
        "extra",
        "has 26 choices; Discord allows at most 25 in a menu",
    ),
    (
        "choices not a list",
        build(add=(extra('kind = "multi_choice"\nchoices = "a"\n'),)),
        "extra",
        "'choices' must be a list",
    ),
    (
        "choice not a table",
        build(add=(extra('kind = "multi_choice"\nchoices = ["a"]\n'),)),
        "extra",
        "choice #1 must be a table",
    ),
    (
        "choice without value",
        build(add=(extra('kind = "multi_choice"\nchoices = [{ label = "A" }]\n'),)),
        "extra",
        "choice #1 'value' is missing",
    ),
    (
        "choice value too long",
        build(add=(extra(f'kind = "multi_choice"\nchoices = [{{ value = "{"v" * 101}" }}]\n'),)),
        "extra",
        "choice #1 'value' is 101 characters",
    ),
    (
        "choice label too long",
        build(
            add=(
                extra(
                    f'kind = "multi_choice"\nchoices = [{{ value = "a", label = "{"v" * 101}" }}]\n'
                ),
            )
        ),
        "extra",
        "choice 'a' 'label' is 101 characters",
    ),
    (
        "choice description too long",
        build(
            add=(
                extra(
                    'kind = "multi_choice"\n'
                    f'choices = [{{ value = "a", description = "{"v" * 101}" }}]\n'
                ),
            )
        ),
        "extra",
        "choice 'a' 'description' is 101 characters",
    ),
    (
        "duplicate choice value",
        build(
            add=(extra('kind = "multi_choice"\nchoices = [{ value = "a" }, { value = "a" }]\n'),)
        ),
        "extra",
        "choice value 'a' appears twice",
    ),
    (
        "choice unknown key",
        build(add=(extra('kind = "multi_choice"\nchoices = [{ value = "a", emoji = "x" }]\n'),)),
        "extra",
        "choice #1 has an unknown key 'emoji'",
    ),
    # multi_choice min / max
    (
        "min above choices",
        build(patch={"areas": "min = 3\n"}),
        "areas",
        "'min' is 3; it must be between 0 and 2",
    ),
    ("min negative", build(patch={"areas": "min = -1\n"}), "areas", "'min' is -1"),
    (
        "max above choices",
        build(patch={"areas": "max = 3\n"}),
        "areas",
        "'max' is 3; it must be between 1 and 2",
    ),
    ("max zero", build(patch={"areas": "min = 0\nmax = 0\n"}), "areas", "'max' is 0"),
    (
        "min above max",
        build(patch={"areas": "min = 2\nmax = 1\n"}),
        "areas",
        "'min' (2) is larger than 'max' (1)",
    ),
    (
        "min not a number",
        build(patch={"areas": 'min = "1"\n'}),
        "areas",
        "'min' must be a whole number",
    ),
    # text lengths
    (
        "max_length zero",
        build(patch={"goals": "max_length = 0\n"}),
        "goals",
        "'max_length' is 0; Discord allows 1 to 4,000",
    ),
    (
        "max_length too big",
        build(patch={"goals": "max_length = 4001\n"}),
        "goals",
        "'max_length' is 4,001",
    ),
    (
        "min_length above max",
        build(patch={"goals": "max_length = 10\nmin_length = 11\n"}),
        "goals",
        "'min_length' is 11; it must be between 0 and 'max_length' (10)",
    ),
    (
        "min_length negative",
        build(patch={"goals": "min_length = -1\n"}),
        "goals",
        "'min_length' is -1",
    ),
    (
        "max_length not a number",
        build(patch={"goals": "max_length = true\n"}),
        "goals",
        "'max_length' must be a whole number",
    ),
    # when
    (
        "when unknown question",
        build(add=(extra('kind = "short_text"\nwhen = { colour = ["red"] }\n'),)),
        "extra",
        "'when' refers to 'colour', which is not an earlier question",
    ),
    (
        "when later question",
        build(
            add=(
                extra('kind = "short_text"\nwhen = { later = ["a"] }\n'),
                extra('kind = "single_choice"\nchoices = [{ value = "a" }]\n', "later"),
            )
        ),
        "extra",
        "'when' refers to 'later', which is not an earlier question",
    ),
    (
        "when self",
        build(
            add=(
                extra(
                    'kind = "single_choice"\nchoices = [{ value = "a" }]\n'
                    'when = { extra = ["a"] }\n'
                ),
            )
        ),
        "extra",
        "not an earlier question",
    ),
    (
        "when text question",
        build(add=(extra('kind = "short_text"\nwhen = { goals = ["x"] }\n'),)),
        "extra",
        "'when' refers to 'goals', a long_text question",
    ),
    (
        "when unknown value",
        build(add=(extra('kind = "short_text"\nwhen = { role = ["admin"] }\n'),)),
        "extra",
        "'when' uses 'admin', which is not a value of question 'role'",
    ),
    (
        "when empty list",
        build(add=(extra('kind = "short_text"\nwhen = { role = [] }\n'),)),
        "extra",
        "must be a list of choice values",
    ),
    (
        "when not a table",
        build(add=(extra('kind = "short_text"\nwhen = "role"\n'),)),
        "extra",
        "'when' must look like",
    ),
    (
        "when empty table",
        build(add=(extra('kind = "short_text"\nwhen = {}\n'),)),
        "extra",
        "'when' must look like",
    ),
    # built-ins
    *[
        (
            f"missing {qid}",
            build(
                replace={qid: None, **({"goals": None, "capacity": None} if qid == "role" else {})}
            ),
            None,
            f"the built-in question '{qid}'",
        )
        for qid in BUILTINS
    ],
    (
        "role wrong kind",
        build(replace={"role": BUILTINS["role"].replace("single_choice", "multi_choice")}),
        "role",
        "must be single_choice, not multi_choice",
    ),
    (
        "areas wrong kind",
        build(replace={"areas": BUILTINS["areas"].replace("multi_choice", "single_choice")}),
        "areas",
        "must be multi_choice",
    ),
    (
        "goals wrong kind",
        build(replace={"goals": BUILTINS["goals"].replace("long_text", "short_text")}),
        "goals",
        "must be long_text",
    ),
    (
        "timezone wrong kind",
        build(
            replace={
                "timezone": BUILTINS["timezone"].replace('"timezone"\nlabel', '"short_text"\nlabel')
            }
        ),
        "timezone",
        "must be timezone",
    ),
    (
        "checkin wrong kind",
        build(replace={"checkin": BUILTINS["checkin"].replace("weekday_time", "short_text")}),
        "checkin",
        "must be weekday_time",
    ),
    (
        "consent wrong kind",
        build(replace={"consent": BUILTINS["consent"].replace("single_choice", "multi_choice")}),
        "consent",
        "must be single_choice",
    ),
    (
        "role missing mentor",
        build(
            replace={
                "role": BUILTINS["role"].replace(
                    'value = "mentor", label = "Mentor"', 'value = "guide"'
                ),
                "capacity": None,
            }
        ),
        None,
        "the built-in question 'capacity'",
    ),
    (
        "role extra value",
        build(
            replace={
                "role": BUILTINS["role"].replace(
                    'label = "Mentor" }', 'label = "Mentor" }, { value = "both" }'
                )
            }
        ),
        "role",
        "must be exactly 'mentee' and 'mentor'",
    ),
    (
        "role conditional",
        build(replace={"role": PRE_QUESTION + BUILTINS["role"] + 'when = { pre = ["a"] }\n'}),
        "role",
        "asked of everyone; remove 'when'",
    ),
    ("role optional", build(patch={"role": "required = false\n"}), "role", "cannot be optional"),
    (
        "timezone optional",
        build(patch={"timezone": "required = false\n"}),
        "timezone",
        "cannot be optional",
    ),
    (
        "consent optional",
        build(patch={"consent": "required = false\n"}),
        "consent",
        "cannot be optional",
    ),
    (
        "goals unconditional",
        build(replace={"goals": BUILTINS["goals"].replace('when = { role = ["mentee"] }\n', "")}),
        "goals",
        'needs when = { role = ["mentee"] }',
    ),
    (
        "goals for mentors",
        build(replace={"goals": BUILTINS["goals"].replace('["mentee"]', '["mentor"]')}),
        "goals",
        'needs when = { role = ["mentee"] }',
    ),
    ("goals optional", build(patch={"goals": "required = false\n"}), "goals", "cannot be optional"),
    (
        "capacity for mentees",
        build(replace={"capacity": BUILTINS["capacity"].replace('["mentor"]', '["mentee"]')}),
        "capacity",
        'needs when = { role = ["mentor"] }',
    ),
    (
        "capacity not a number",
        build(replace={"capacity": BUILTINS["capacity"].replace('"2"', '"two"')}),
        "capacity",
        "choice value 'two' is not a positive whole number",
    ),
    (
        "capacity zero",
        build(replace={"capacity": BUILTINS["capacity"].replace('"2"', '"0"')}),
        "capacity",
        "choice value '0' is not a positive whole number",
    ),
    (
        "consent without agree",
        build(replace={"consent": BUILTINS["consent"].replace('"agree"', '"yes"')}),
        "consent",
        'needs a choice with value = "agree"',
    ),
]
