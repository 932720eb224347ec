"""Errors a member can cause, as opposed to bugs.

Services raise `UserError` with a message written for the member; the Discord layer shows
it ephemerally. Anything else is our fault: logged with context, and the member gets an
apology.
"""

from __future__ import annotations

from bot.i18n import Text, translated


class UserError(Exception):
    """Bad input or a refused action; `str()` is shown to the member as it is. A `Text`
    (`N_(...)`, raised where the reader's language is not known) is translated when shown."""

    def __init__(self, message: str | Text) -> None:
        super().__init__(message)
        self._message = message

    @property
    def message(self) -> str:
        return translated(self._message)

    def __str__(self) -> str:
        return self.message
