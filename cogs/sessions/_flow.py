"""What a member's command or click on a session does: check, one service call, render.

Everything slow (a thread to make, a post to change) comes after Discord has been answered
or told to wait, within its three seconds. Who may act is the service's to say: every call
names the member who clicked, and a session answers only its own pair.

When does a partner "read" a shared reflection? The bot cannot know when a message is
looked at, so it counts what the partner does in the session thread once the reflection is
posted there: pressing **Mark as read** under it, or **Write my reflection** (or a button
on their own reflection's confirmation) in that thread, which they cannot do without the
thread open in front of them. From then on the reflection stays shared
(`SessionService.mark_read`).
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from typing import TYPE_CHECKING, cast

import discord

from bot.checks import guild_of
from bot.domain import sessions as rules
from bot.domain.sessions import FitAnswer
from bot.errors import UserError
from bot.i18n import _, language
from bot.services.sessions import (
    DuplicateSessionError,
    FitQuestion,
    ReflectionChange,
    Session,
    SessionService,
)
from cogs.sessions import _fit_screens, _forms, _ids, _screens, _threads

if TYPE_CHECKING:
    from bot.app import MentorBot

log = logging.getLogger(__name__)


def bot_of(interaction: discord.Interaction) -> MentorBot:
    return cast("MentorBot", interaction.client)


def service(interaction: discord.Interaction) -> SessionService:
    return bot_of(interaction).services.sessions


_NO_PINGS = discord.AllowedMentions.none()


async def _say(interaction: discord.Interaction, text: str) -> None:
    """A private answer, whether or not the interaction was deferred."""
    if interaction.response.is_done():
        await interaction.followup.send(text, ephemeral=True, allowed_mentions=_NO_PINGS)
    else:
        await interaction.response.send_message(text, ephemeral=True, allowed_mentions=_NO_PINGS)


# --------------------------------------------------------------------------- logging


def read_minutes(text: str) -> int:
    """The length typed in the log form: a whole number of minutes ("45", "45 min")."""
    cleaned = text.strip().casefold().removesuffix("minutes").removesuffix("min").strip()
    if not cleaned.isdecimal() or len(cleaned) > 4:
        raise UserError(
            _(
                "Please give the length in minutes as a number, e.g. {minutes}.",
                minutes=rules.SUGGESTED_MINUTES,
            )
        )
    return int(cleaned)


async def open_log_form(
    interaction: discord.Interaction, partner_id: int | None, on: str | None, topic: str | None
) -> None:
    guild_of(interaction)
    await interaction.response.send_modal(_forms.LogModal(partner_id, on, topic))


async def log_session(
    interaction: discord.Interaction,
    partner_id: int | None,
    on: str | None,
    minutes: int,
    topic: str | None,
) -> None:
    """`/session log` (or its form): store the session, then make its private thread."""
    guild = guild_of(interaction)
    bot = bot_of(interaction)
    actor = interaction.user.id
    if not interaction.response.is_done():
        await interaction.response.defer(ephemeral=True, thinking=True)
    day = None
    if on is not None:
        today = await bot.services.goals.member_today(guild.id, actor)
        try:
            day = rules.parse_session_date(on, today)
        except rules.SessionInputError as exc:
            raise UserError(exc.message) from None
    try:
        logged = await bot.services.sessions.log_session(
            guild.id, actor, minutes=minutes, partner_id=partner_id, on=day, topic=topic
        )
    except DuplicateSessionError as exc:
        await _threads.retry_threads(bot, guild, actor)
        existing = await bot.services.sessions.get(exc.existing.id) or exc.existing
        link = _screens.thread_link(existing)
        await _say(interaction, f"{exc.message} {link}".strip())
        return
    session = logged.session
    _threads.arm_reminders(bot, session)
    made = await _threads.make_thread(bot, guild, session)
    where = (
        _screens.thread_ready(made.session) if made.made else _screens.thread_missing(made.problem)
    )
    await _say(interaction, f"{_screens.logged(made.session, actor)} {where}")
    fit_shown = False
    if logged.ask_fit:
        delivered = await ask_fit(bot, guild, session.match_id)
        fit_shown = delivered is not False  # False: the DM did not reach the mentee
    if not fit_shown:
        await offer_pending_fit(interaction, guild)


async def submit_log_form(
    interaction: discord.Interaction, partner_id: int, texts: Mapping[str, str]
) -> None:
    minutes = read_minutes(texts.get(_ids.MINUTES_INPUT, ""))
    topic = texts.get(_ids.TOPIC_INPUT, "")
    await log_session(
        interaction,
        partner_id or None,
        texts.get(_ids.DATE_INPUT) or None,
        minutes,
        topic if topic.strip() else None,
    )


# --------------------------------------------------------------------------- reflections


async def _partner_read(bot: MentorBot, session: Session, reader_id: int) -> None:
    """The reader acted in the thread: their partner's shared reflection counts as read."""
    if not await bot.services.sessions.mark_read(session.id, reader_id):
        return
    view = await bot.services.sessions.thread_view(session.id)
    author = session.partner_of(reader_id)
    for reflection in view.shared:
        if reflection.author_id == author:
            await _threads.refresh_reflection(bot, view.session, reflection)


def _in_thread(interaction: discord.Interaction, session: Session) -> bool:
    return session.thread_id is not None and interaction.channel_id == session.thread_id


async def open_reflection(interaction: discord.Interaction, session_id: int) -> None:
    """Write my reflection: the form for the member's role, pre-filled when editing."""
    bot = bot_of(interaction)
    draft = await bot.services.sessions.reflection_draft(session_id, interaction.user.id)
    await interaction.response.send_modal(
        _forms.ReflectionModal(
            draft.session,
            draft.form,
            draft.answers,
            shared=draft.shared,
            can_make_private=draft.can_make_private,
        )
    )
    if _in_thread(interaction, draft.session):
        await _partner_read(bot, draft.session, interaction.user.id)


async def submit_reflection(
    interaction: discord.Interaction, session_id: int, answers: Mapping[str, str], share: bool
) -> None:
    bot = bot_of(interaction)
    await interaction.response.defer(ephemeral=True, thinking=True)
    try:
        change = await bot.services.sessions.write_reflection(
            session_id, interaction.user.id, answers, share=share
        )
    except UserError as exc:
        # The form is gone once submitted: give the member back what they wrote.
        embed = _screens.refused_reflection(exc.message, dict(answers))
        await interaction.followup.send(
            embed=embed,
            view=_screens.reflect_view(session_id, _screens.TRY_AGAIN),
            ephemeral=True,
            allowed_mentions=_NO_PINGS,
        )
        return
    notice = await _apply(bot, change)
    await _show_status(interaction, change.session, session_id, notice)
    if _in_thread(interaction, change.session):
        await _partner_read(bot, change.session, interaction.user.id)


async def _apply(bot: MentorBot, change: ReflectionChange) -> str | None:
    """Bring the thread in line with the reflection; a notice for the author if Discord
    would not let it be."""
    session, reflection = change.session, change.reflection
    if change.action == "none" or not session.thread_ready:
        return None
    if change.action == "post":
        await _threads.post_reflection(bot, session, reflection)
        return None
    if change.action == "edit":
        await _threads.refresh_reflection(bot, session, reflection)
        return None
    if change.message_id is None or await _threads.remove_reflection(
        bot, session, change.message_id
    ):
        return None
    # It could not be taken out of the thread, so it is still shared: say so, truthfully.
    sessions = bot.services.sessions
    await sessions.share_reflection(session.id, reflection.author_id)
    await sessions.record_posted(session.id, reflection.author_id, change.message_id)
    return _(
        "⚠️ Discord didn't let me take your reflection out of the thread just now, so it is "
        "still shared. Please try **Make it private** again in a moment."
    )


async def _show_status(
    interaction: discord.Interaction, session: Session, session_id: int, notice: str | None
) -> None:
    sessions = bot_of(interaction).services.sessions
    mine = await sessions.own_reflection(session_id, interaction.user.id)
    fresh = await sessions.get(session_id) or session
    if mine is None:
        await _say(interaction, _("You haven't written a reflection on this session yet."))
        return
    text, view = _screens.reflection_status(fresh, mine, notice=notice)
    await interaction.edit_original_response(content=text, embed=None, view=view)


async def change_sharing(interaction: discord.Interaction, session_id: int, share: bool) -> None:
    """Share a private reflection, or take a shared one back while it is unread."""
    bot = bot_of(interaction)
    await interaction.response.defer(ephemeral=True)
    sessions = bot.services.sessions
    if share:
        change = await sessions.share_reflection(session_id, interaction.user.id)
    else:
        change = await sessions.make_private(session_id, interaction.user.id)
    notice = await _apply(bot, change)
    await _show_status(interaction, change.session, session_id, notice)
    if _in_thread(interaction, change.session):
        await _partner_read(bot, change.session, interaction.user.id)


async def mark_read(interaction: discord.Interaction, session_id: int, author_id: int) -> None:
    """Mark as read, under a shared reflection: only its author's partner may."""
    bot = bot_of(interaction)
    sessions = bot.services.sessions
    reader = interaction.user.id
    session = await sessions.session_for(session_id, reader)
    if reader == author_id:
        raise UserError(
            _(
                "This is your own reflection: the button is for {partner}.",
                partner=f"<@{session.partner_of(reader)}>",
            )
        )
    await sessions.mark_read(session_id, reader)
    view = await sessions.thread_view(session_id)
    shown = next((r for r in view.shared if r.author_id == author_id), None)
    if shown is None:
        await _say(interaction, _("This reflection is no longer shared."))
        return
    langs = await _threads.pair_languages(bot, view.session)
    embed, buttons = _screens.shared_reflection(view.session, shown, langs)
    await interaction.response.edit_message(embed=embed, view=buttons)


async def make_goal(interaction: discord.Interaction, session_id: int) -> None:
    """The mentee's next step becomes one of their goals (once)."""
    made = await service(interaction).next_step_to_goal(session_id, interaction.user.id)
    await _say(interaction, _screens.goal_made(made))


# --------------------------------------------------------------------------- fit


async def ask_fit(bot: MentorBot, guild: discord.Guild, match_id: int) -> bool | None:
    """DM the mentee the fit question after the pair's first session; None when it was
    already asked, else whether the DM reached them."""
    question = await bot.services.sessions.fit.claim(match_id)
    if question is None:
        return None
    with language(await bot.services.languages.for_member(guild.id, question.mentee_id)):
        embed, view = _fit_screens.fit_question(question, guild.name)
    sent = await bot.delivery.dms.send(guild.id, question.mentee_id, embed=embed, view=view)
    return sent.delivered


async def offer_pending_fit(interaction: discord.Interaction, guild: discord.Guild) -> None:
    """A mentee whose DMs were closed when the fit question went out sees it here, privately."""
    bot = bot_of(interaction)
    member = interaction.user.id
    if not await bot.services.contacts.dm_closed(guild.id, member):
        return
    question = await bot.services.sessions.fit.pending(guild.id, member)
    if question is None:
        return
    embed, view = _fit_screens.fit_question(question, guild.name)
    await interaction.followup.send(
        embed=embed, view=view, ephemeral=True, allowed_mentions=_NO_PINGS
    )


async def answer_fit(interaction: discord.Interaction, match_id: int, answer: FitAnswer) -> None:
    bot = bot_of(interaction)
    result = await bot.services.sessions.fit.answer(match_id, interaction.user.id, answer)
    if result.outcome == "match_ended":
        await interaction.response.edit_message(
            content=str(_fit_screens.FIT_ENDED), embed=None, view=None
        )
        return
    guild = bot.get_guild(result.question.guild_id)
    embed, view = _fit_screens.fit_question(
        result.question, guild.name if guild else _("the mentoring programme")
    )
    await interaction.response.edit_message(embed=embed, view=view)


async def ask_rematch(interaction: discord.Interaction, match_id: int) -> None:
    """The mentee asks for another mentor: directors are told that, and nothing else; the
    mentor is told nothing."""
    bot = bot_of(interaction)
    request = await bot.services.sessions.fit.ask_rematch(match_id, interaction.user.id)
    guild = bot.get_guild(request.guild_id)
    question = FitQuestion(
        match_id=request.match_id,
        guild_id=request.guild_id,
        mentee_id=request.mentee_id,
        mentor_id=request.mentor_id,
        session_id=0,  # not shown
        answer="not_good",
        rematch_asked=True,
    )
    embed, view = _fit_screens.fit_question(
        question, guild.name if guild else _("the mentoring programme")
    )
    await interaction.response.edit_message(embed=embed, view=view)
    if not request.already and guild is not None:
        await bot.delivery.director_log.add(guild.id, _fit_screens.rematch_line(request))


# --------------------------------------------------------------------------- list


async def show_list(interaction: discord.Interaction, page: int) -> None:
    """`/session list`, or another page of it."""
    guild = guild_of(interaction)
    bot = bot_of(interaction)
    sessions = bot.services.sessions
    member = interaction.user.id
    total = await sessions.count_sessions(guild.id, member)
    pages = max(1, -(-total // _screens.PAGE_SIZE))
    page = min(max(page, 0), pages - 1)
    items = await sessions.list_sessions(
        guild.id, member, limit=_screens.PAGE_SIZE, offset=page * _screens.PAGE_SIZE
    )
    embed, view = _screens.session_list(items, total, page, guild.name)
    if interaction.type is discord.InteractionType.component:
        await interaction.response.edit_message(embed=embed, view=view)
        return
    await interaction.response.send_message(
        embed=embed, view=view, ephemeral=True, allowed_mentions=_NO_PINGS
    )
    if await _threads.retry_threads(bot, guild, member):
        await interaction.followup.send(
            _("🧵 The private thread of a session of yours is made now."),
            ephemeral=True,
            allowed_mentions=_NO_PINGS,
        )
    await offer_pending_fit(interaction, guild)
