"""Errors a member can cause, as opposed to bugs.

Services raise `UserError` with a message written for the member; the Discord layer shows
it ephemerally. Anything else is our fault: logged with context, and the member gets an
apology.
"""

from __future__ import annotations


class UserError(Exception):
    """Bad input or a refused action; `str()` is shown to the member as it is."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message
