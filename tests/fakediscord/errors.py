"""Discord's JSON error responses (``{"code", "message", "errors"}``) as an exception."""

from __future__ import annotations

from typing import Any


class ApiError(Exception):
    """Raised inside a route; the server turns it into Discord's error body and status."""

    def __init__(
        self, status: int, code: int, message: str, errors: dict[str, Any] | None = None
    ) -> None:
        super().__init__(f"{status} {code}: {message}")
        self.status = status
        self.code = code
        self.message = message
        self.errors = errors

    def body(self) -> dict[str, Any]:
        data: dict[str, Any] = {"code": self.code, "message": self.message}
        if self.errors:
            data["errors"] = self.errors
        return data


def unauthorized() -> ApiError:
    return ApiError(401, 0, "401: Unauthorized")


def not_found(code: int, what: str) -> ApiError:
    return ApiError(404, code, f"Unknown {what}")


UNKNOWN_CHANNEL = 10003
UNKNOWN_GUILD = 10004
UNKNOWN_MEMBER = 10007
UNKNOWN_MESSAGE = 10008
UNKNOWN_ROLE = 10011
UNKNOWN_USER = 10013
UNKNOWN_WEBHOOK = 10015
UNKNOWN_INTERACTION = 10062


def unknown(code: int) -> ApiError:
    names = {
        UNKNOWN_CHANNEL: "Channel",
        UNKNOWN_GUILD: "Guild",
        UNKNOWN_MEMBER: "Member",
        UNKNOWN_MESSAGE: "Message",
        UNKNOWN_ROLE: "Role",
        UNKNOWN_USER: "User",
        UNKNOWN_WEBHOOK: "Webhook",
        UNKNOWN_INTERACTION: "interaction",
    }
    return not_found(code, names[code])


def missing_access() -> ApiError:
    return ApiError(403, 50001, "Missing Access")


def missing_permissions() -> ApiError:
    return ApiError(403, 50013, "Missing Permissions")


def cannot_dm() -> ApiError:
    return ApiError(403, 50007, "Cannot send messages to this user")


def dm_too_fast() -> ApiError:
    return ApiError(403, 40003, "You are opening direct messages too fast.")


def already_acknowledged() -> ApiError:
    return ApiError(400, 40060, "Interaction has already been acknowledged.")


def empty_message() -> ApiError:
    return ApiError(400, 50006, "Cannot send an empty message")


def wrong_channel_type() -> ApiError:
    return ApiError(400, 50024, "Cannot execute action on this channel type")


def thread_archived() -> ApiError:
    return ApiError(400, 50083, "Thread is archived")


def thread_locked() -> ApiError:
    return ApiError(400, 160005, "Thread is locked")


def invalid_form(errors: dict[str, Any]) -> ApiError:
    return ApiError(400, 50035, "Invalid Form Body", errors)
