"""Per-server configuration as the rest of the bot sees it, with defaults in code."""

from __future__ import annotations

from dataclasses import dataclass

from bot.domain.matching import MatchWeights
from bot.i18n import Language

DEFAULT_MATCH_FOLLOWUP_DAYS = 7
MATCH_FOLLOWUP_DAYS_RANGE = (1, 60)
_DEFAULT_WEIGHTS = MatchWeights()
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
    match_weight_area: float = _DEFAULT_WEIGHTS.area
    match_weight_timezone: float = _DEFAULT_WEIGHTS.timezone
    match_weight_capacity: float = _DEFAULT_WEIGHTS.capacity
    language: Language = "en"
    """Directors' screens and the director log: "en" or "zh-CN" (`/setup language`)."""

    @property
    def roles_configured(self) -> bool:
        return None not in (self.director_role_id, self.mentor_role_id, self.mentee_role_id)

    @property
    def channels_configured(self) -> bool:
        return None not in (self.introductions_channel_id, self.sessions_channel_id)

    @property
    def match_weights(self) -> MatchWeights:
        return MatchWeights(
            area=self.match_weight_area,
            timezone=self.match_weight_timezone,
            capacity=self.match_weight_capacity,
        )
