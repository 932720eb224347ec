"""Matching use cases: suggestions, cohort proposals, matches and their follow-ups.

The rules (scores, explanations, the optimal cohort assignment) live in
`bot.domain.matching`; this module loads what they need from the database and keeps the
promises that only a transaction can keep:

* **Capacity and one active mentor.** `create_match` re-counts the mentor's active matches
  and checks the mentee inside `BEGIN IMMEDIATE`, so two directors introducing at the same
  moment cannot overfill a mentor; the partial unique index on active matches guards the
  mentee as well.
* **A match is made with its introduction, or not at all.** `create_match` reserves the
  place; the Discord layer then creates the private thread and calls `record_introduction`
  (which writes the audit row). If the thread cannot be made, `undo_match` deletes the
  reservation, so no half-made match is left behind. A reservation left by a crash in
  between was never announced to anyone: the next process deletes them when it starts
  (`drop_unfinished_introductions`), `create_match` drops any older than
  `INTRO_STALE_AFTER`, and follow-ups are only ever asked about introduced pairs.
* **Follow-ups exactly once.** A "Have you met yet?" row is claimed in a transaction
  before it is sent, one at a time, so a crash leaves at most the prompt in flight in
  doubt. The next run re-sends that one with the same nonce while Discord still
  de-duplicates on it (`ORPHAN_RETRY_WINDOW`); after that it is recorded as lost and never
  sent: a missed prompt is better than a duplicate. A prompt that could not be placed because
  Discord did not answer (a server error, a timeout) was not sent at all: it is given back and
  offered again later (`retry_followup_later`), with growing delays over about a day
  (`FOLLOWUP_RETRY_DELAYS`); only when those are used up is it recorded as unreachable, and
  the directors are told once.
* **No introduction thread without its match.** A thread made just before a crash, before
  `record_introduction` stored it, is found at the next start-up (`recorded_threads` tells it
  from the made ones) and archived. The bot builds the service with `hold_introductions`, so
  reservations wait until that check is done (`release_introductions`) and an introduction
  being made is never taken for one.
"""

from __future__ import annotations

from bot.services.matching.followups import (
    FOLLOWUP_RETRY_AFTER,
    FOLLOWUP_RETRY_DELAYS,
    ORPHAN_RETRY_WINDOW,
    FollowupPrompt,
    FollowupResult,
    MatchFollowups,
    Settled,
)
from bot.services.matching.records import (
    END_REASON_LABELS,
    EndReason,
    FlagReason,
    FollowupAnswer,
    Match,
    MatchRecords,
    MatchRole,
)
from bot.services.matching.service import (
    INTRO_STALE_AFTER,
    PROPOSAL_TTL,
    SUGGESTION_LIMIT,
    MatchingService,
    Pool,
    Proposal,
)

__all__ = [
    "END_REASON_LABELS",
    "FOLLOWUP_RETRY_AFTER",
    "FOLLOWUP_RETRY_DELAYS",
    "INTRO_STALE_AFTER",
    "ORPHAN_RETRY_WINDOW",
    "PROPOSAL_TTL",
    "SUGGESTION_LIMIT",
    "EndReason",
    "FlagReason",
    "FollowupAnswer",
    "FollowupPrompt",
    "FollowupResult",
    "Match",
    "MatchFollowups",
    "MatchRecords",
    "MatchRole",
    "MatchingService",
    "Pool",
    "Proposal",
    "Settled",
]
