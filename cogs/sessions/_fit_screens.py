"""What the fit question looks like: asked privately of the mentee after the pair's first
session (by DM, or in `/session` answers when their DMs were closed), in the mentee's
language; the re-match offer after "not a good fit"; and the director-log line of a
re-match asked (in the server's language, with no reason: there is none to give)."""

from __future__ import annotations

import discord

from bot.domain.sessions import FIT_LABELS, FitAnswer
from bot.i18n import N_, Text, _
from bot.services.sessions import FitQuestion, RematchRequest
from bot.ui.components import MessageLayout
from bot.ui.embeds import COLOUR, clip
from cogs.sessions import _ids

_FIT_STYLES: dict[FitAnswer, discord.ButtonStyle] = {
    "good": discord.ButtonStyle.success,
    "deciding": discord.ButtonStyle.secondary,
    "not_good": discord.ButtonStyle.danger,
}


def fit_question(
    question: FitQuestion, guild_name: str, *, answered: FitAnswer | None = None
) -> tuple[discord.Embed, discord.ui.View]:
    """The mentee's private question after their first session, in its current state."""
    answer = answered or question.answer
    mentor = f"<@{question.mentor_id}>"
    if question.rematch_asked:
        description = _(
            "You've asked for a re-match. A programme director will be in touch about a new "
            "mentor; they see only that you asked, not why. {mentor} hasn't been told.",
            mentor=mentor,
        )
    elif answer == "not_good":
        description = _(
            "Thank you for telling me: matches don't always work out, and that's nobody's "
            "fault. Would you like a new mentor? **Ask for a re-match** lets a programme "
            "director know (they see only that you asked, never a reason). {mentor} is not "
            "told your answer.",
            mentor=mentor,
        )
    elif answer is not None:
        description = _(
            "Thank you! Your answer: **{answer}**. You can change it here at any time. "
            "{mentor} is never told.",
            answer=FIT_LABELS[answer],
            mentor=mentor,
        )
    else:
        description = _(
            "You've had your first session with {mentor}. How does the match feel so far? "
            "Only you see your answer: {mentor} is never told, and directors only learn it "
            "if you ask for a re-match.",
            mentor=mentor,
        )
    embed = discord.Embed(
        title=clip(_("How is it going with your mentor? · {server}", server=guild_name), 256),
        description=description,
        colour=COLOUR,
    )
    view = MessageLayout()
    if question.rematch_asked:
        return embed, view
    for choice, label in FIT_LABELS.items():
        view.add_item(
            discord.ui.Button(
                label=f"✓ {label}" if choice == answer else str(label),
                style=_FIT_STYLES[choice],
                custom_id=_ids.fit(question.match_id, choice),
            )
        )
    if answer == "not_good":
        view.add_item(
            discord.ui.Button(
                label=_("Ask for a re-match"),
                emoji="🔁",
                style=discord.ButtonStyle.primary,
                custom_id=_ids.rematch(question.match_id),
            )
        )
    return embed, view


FIT_ENDED = N_("This match has ended, so there is nothing to answer. Thank you all the same!")


def rematch_line(request: RematchRequest) -> Text:
    return N_(
        "🔁 Re-match asked: {mentee} (mentee) would like a new mentor instead of {mentor}. No "
        "reason is recorded; their mentor hasn't been told.",
        mentee=f"<@{request.mentee_id}>",
        mentor=f"<@{request.mentor_id}>",
    )
