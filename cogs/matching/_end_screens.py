"""What ending a match looks like: the DM each of the pair gets, the thread's closing words,
the director's answer and the director-log lines (see `_screens` for the rest)."""

from __future__ import annotations

import discord

from bot.i18n import N_, Text, _
from bot.services.director_log import FORMER_MEMBER
from bot.services.matching import (
    END_REASON_LABELS,
    EndReason,
    Match,
)
from bot.ui.embeds import (
    COLOUR,
    clip,
)
from cogs.matching._screens import listed


def ended_dm(guild: discord.Guild, role: str, partner_id: int, thread: str) -> discord.Embed:
    """`thread`: what became of the pair's introduction thread (`_threads.ThreadOutcome`), told
    as it is: archived, left open (the directors were told), or nothing when it is gone."""
    if role == "mentee":
        text = _(
            "Your mentoring match with {partner} (your mentor) in **{server}** has come to an "
            "end. Thank you for the time and care you gave each other.",
            partner=f"<@{partner_id}>",
            server=guild.name,
        )
    else:
        text = _(
            "Your mentoring match with {partner} (your mentee) in **{server}** has come to an "
            "end. Thank you for the time and care you gave each other.",
            partner=f"<@{partner_id}>",
            server=guild.name,
        )
    if thread == "archived":
        text += " " + _("Your introduction thread is archived; nothing in it is deleted.")
    elif thread in ("failed", "unanswered"):
        text += " " + _(
            "I couldn't archive your introduction thread, and the programme directors have "
            "been told; nothing in it is deleted."
        )
    if role == "mentee":
        text += "\n\n" + _("If you'd like a new mentor, let a programme director know.")
    return discord.Embed(
        title=clip(_("Your match has ended · {server}", server=guild.name), 256),
        description=text,
        colour=COLOUR,
    )


def thread_left_open_line(match: Match, thread: str, *, erased: int | None = None) -> Text:
    """The director-log line for an ended match's thread left open (`thread` "failed": Discord
    refused; otherwise it did not answer). A member who deleted their data is not named."""

    def name(user_id: int) -> str | Text:
        return FORMER_MEMBER if user_id == erased else f"<@{user_id}>"

    pair = {
        "thread": f"<#{match.intro_thread_id}>",
        "mentee": name(match.mentee_id),
        "mentor": name(match.mentor_id),
    }
    if thread == "failed":
        return N_(
            "⚠️ I couldn't archive the introduction thread {thread} of {mentee} (mentee) and "
            "{mentor} (mentor), whose match has ended: Discord refused. Check `/setup show`, "
            "or archive it yourself.",
            **pair,
        )
    return N_(
        "⚠️ I couldn't archive the introduction thread {thread} of {mentee} (mentee) and "
        "{mentor} (mentor), whose match has ended: Discord didn't answer. If it is still "
        "open, archive it yourself.",
        **pair,
    )


THREAD_INTERRUPTED = N_(
    "This introduction was interrupted before it was finished (the bot stopped while making "
    "it), so I'm closing this thread. A programme director can introduce you again."
)

THREAD_CLOSING = N_(
    "This match has now ended. Thank you both for the time you gave each other. "
    "I'm archiving this thread; nothing in it is deleted."
)


def _thread_outcome(thread: str, thread_id: int | None) -> str:
    if thread == "archived":
        return _("The introduction thread is archived.")
    if thread == "missing":
        return _("The introduction thread no longer exists, so there was nothing to archive.")
    if thread == "failed":
        return _("I couldn't archive the introduction thread: check `/setup show`.")
    return _(
        "Discord didn't answer when I looked for the introduction thread, so I couldn't "
        "archive it: if {thread} is still open, you can archive it yourself.",
        thread=f"<#{thread_id}>",
    )


def ended(match: Match, told: list[int], gone: list[int], thread: str) -> str:
    reason = END_REASON_LABELS[match.end_reason or EndReason.OTHER]
    lines = [
        _(
            "Ended the match of {mentee} with {mentor} (reason: {reason}).",
            mentee=f"<@{match.mentee_id}>",
            mentor=f"<@{match.mentor_id}>",
            reason=str(reason).lower(),
        )
    ]
    lines += [
        _("{member} has left the server, so there was nobody to tell.", member=f"<@{m}>")
        for m in gone
    ]
    closed = [m for m in (match.mentee_id, match.mentor_id) if m not in told and m not in gone]
    if closed:
        lines.append(
            _("Couldn't DM {members} (DMs closed).", members=listed(f"<@{m}>" for m in closed))
        )
    elif not gone:
        lines.append(_("Both have been told by DM."))
    lines.append(_thread_outcome(thread, match.intro_thread_id))
    return "\n".join(lines)


def left_line(match: Match, member_id: int) -> Text:
    """A director-log line, written in the server's language when it is recorded."""
    if member_id == match.mentee_id:
        return N_(
            "🚪 {member} (mentee) left the server while matched with {partner}. End the match "
            "with `/match end mentee:{mentee}` so {partner} is told and the place is freed.",
            member=f"<@{member_id}>",
            partner=f"<@{match.mentor_id}>",
            mentee=f"<@{match.mentee_id}>",
        )
    return N_(
        "🚪 {member} (mentor) left the server while matched with {partner}. End the match "
        "with `/match end mentee:{mentee}` so {partner} is told and the place is freed.",
        member=f"<@{member_id}>",
        partner=f"<@{match.mentee_id}>",
        mentee=f"<@{match.mentee_id}>",
    )
