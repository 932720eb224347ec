"""Per-server configuration as the rest of the bot sees it, with defaults in code."""

from __future__ import annotations

from dataclasses import dataclass

DEFAULT_MATCH_FOLLOWUP_DAYS = 7
DEFAULT_CHECKIN_GRACE_HOURS = 12


@dataclass(frozen=True)
class GuildSettings:
    """What `/setup` stored for one server; a server that never ran `/setup` gets defaults."""

    guild_id: int
    director_role_id: int | None = None
    mentor_role_id: int | None = None
    mentee_role_id: int | None = None
    introductions_channel_id: int | None = None
    sessions_channel_id: int | None = None
    checkin_fallback_channel_id: int | None = None
    director_log_channel_id: int | None = None
    match_followup_days: int = DEFAULT_MATCH_FOLLOWUP_DAYS
    checkin_grace_hours: int = DEFAULT_CHECKIN_GRACE_HOURS

    @property
    def roles_configured(self) -> bool:
        return None not in (self.director_role_id, self.mentor_role_id, self.mentee_role_id)

    @property
    def channels_configured(self) -> bool:
        return None not in (self.introductions_channel_id, self.sessions_channel_id)
