"""What the input property tests type: any text, plus texts that have broken parsers
elsewhere, plus texts shaped like the numbers, dates and days the parsers look for."""

from __future__ import annotations

from datetime import date

from hypothesis import strategies as st

# Texts that have broken parsers elsewhere: digits of other scripts, huge numbers, dates that
# do not exist, control characters, mentions, and text that only looks empty.
AWKWARD = [
    "",
    " ",
    "\x00",
    "\u200b",
    "\u3164",
    "@everyone",
    "<@123>",
    "9h30",
    "９:３０",
    "٩:٣٠ pm",
    "25:61",
    "24:00",
    "12:00 am pm",
    "-1:-1",
    "1e9",
    "9" * 5000,
    "2027-02-30",
    "2027-13-01",
    "0000-01-01",
    "9999-12-31",
    "99999-01-01",
    "31 Feb",
    "12 Jan 99999",
    "Jan 12 0",
    "tomorrow tomorrow",
    "Monday Tuesday 9am",
    "mon 9:30 pm Europe/London",
    "Europe/London\n",
    "../../etc/passwd",
    "Etc/GMT+99",
    "a" * 4001,
]
# Alphabets that reach deep into the parsers (numbers, separators, day and month words).
SHAPED = st.text(alphabet="0123456789:/-. apmhAPMjanfebmondaytue", max_size=20)
TEXT = st.one_of(st.text(max_size=300), st.sampled_from(AWKWARD), SHAPED)
ANYTHING = st.one_of(
    TEXT,
    st.none(),
    st.integers(),
    st.floats(allow_nan=True),
    st.booleans(),
    st.lists(TEXT, max_size=6),
    st.dictionaries(TEXT, TEXT, max_size=3),
)
TODAY = st.dates(min_value=date(2000, 1, 1), max_value=date(9998, 12, 31))
