"""The Discord side of matching: introductions, endings, proposals and follow-ups.

An introduction is made in this order so that no half-made match is ever left behind:

1. check the introductions channel and the bot's permissions there (nothing written yet);
2. reserve the mentor's place (`create_match`: capacity checked in the transaction);
3. create the private thread and add exactly the two members;
4. record the thread (`record_introduction`: the match is made and audited).

If step 3 fails (e.g. Discord answers 50013 because Create Private Threads was removed),
the reservation is undone and the director is told what to fix. Only after step 4 are the
pair told: profiles and agenda in the thread, and a DM each (closed DMs are noted in the
thread instead of failing the introduction).
"""

from __future__ import annotations

import functools
import logging
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Final, Literal, cast

import discord

from bot import threads
from bot.checks import director_of, missing_thread_permissions
from bot.domain.settings import GuildSettings
from bot.errors import UserError
from bot.i18n import N_, Language, _, language
from bot.members import find_member
from bot.services.matching import EndReason, FollowupAnswer, FollowupPrompt, Match
from bot.ui import bilingual
from cogs.matching import _end_screens, _followup_screens, _screens, _threads

if TYPE_CHECKING:
    from bot.app import MentorBot

log = logging.getLogger(__name__)

TIMER = "match_followups"
# A week without messages; archived threads are never deleted.
THREAD_ARCHIVE_MINUTES: Final[Literal[10080]] = 10080
_PERMISSION_CODES = (50001, 50013)


def bot_of(interaction: discord.Interaction) -> MentorBot:
    return cast("MentorBot", interaction.client)


async def member_of(guild: discord.Guild, user_id: int) -> discord.Member:
    member = await find_member(guild, user_id)
    if member is None:
        raise UserError(_("{member} is no longer a member of this server.", member=f"<@{user_id}>"))
    return member


def arm_followups(bot: MentorBot, due: datetime | None) -> None:
    timer = bot.timers.get(TIMER)
    if timer is not None and due is not None:
        timer.arm_earlier(due)


# ------------------------------------------------------------------ introducing


def introductions_channel(guild: discord.Guild, settings: GuildSettings) -> discord.TextChannel:
    """The channel for intro threads, or a message saying exactly what to fix."""
    channel_id = settings.introductions_channel_id
    channel = guild.get_channel(channel_id) if channel_id else None
    if not isinstance(channel, discord.TextChannel):
        raise UserError(
            _(
                "There's no introductions channel to open the pair's private thread in. "
                "Fix: a server admin can choose one with `/setup channels`."
            )
        )
    missing = missing_thread_permissions(channel)
    if missing:
        raise UserError(
            _(
                "I can't open private threads in {channel}: I'm missing **{missing}** there. "
                "Fix: allow the bot's role {permissions} in that channel's permissions, then "
                "try again. Nothing was changed; `/setup show` lists everything the bot needs.",
                channel=channel.mention,
                missing=", ".join(missing),
                permissions=_(" and ").join(missing),
            )
        )
    return channel


@dataclass(frozen=True)
class Introduced:
    match: Match
    thread: discord.Thread
    dms_closed: list[int]
    followup_due: datetime | None


async def introduce(
    bot: MentorBot, guild: discord.Guild, actor: discord.Member, mentee_id: int, mentor_id: int
) -> Introduced:
    matching = bot.services.matching
    settings = await bot.services.settings.get(guild.id)
    channel = introductions_channel(guild, settings)
    mentee = await member_of(guild, mentee_id)
    mentor = await member_of(guild, mentor_id)
    match = await matching.create_match(guild.id, mentee.id, mentor.id, actor.id)
    try:
        thread = await channel.create_thread(
            name=_screens.thread_name(guild, mentee.id, mentor.id),
            type=discord.ChannelType.private_thread,
            invitable=False,
            auto_archive_duration=THREAD_ARCHIVE_MINUTES,
            reason=_("Mentoring introduction"),  # the audit log, in the server's language
        )
    except Exception as exc:  # a network error too: never leave the place reserved
        await matching.undo_match(match.id)
        if isinstance(exc, discord.HTTPException):
            raise _thread_failure(channel, exc) from None
        raise
    try:
        await thread.add_user(mentee)
        await thread.add_user(mentor)
        match = await matching.record_introduction(match.id, thread.id, actor.id)
    except Exception as exc:
        await matching.undo_match(match.id)
        await threads.archive(thread)
        if isinstance(exc, discord.HTTPException):
            raise _thread_failure(channel, exc) from None
        raise
    langs = await pair_languages(bot, guild.id, mentee.id, mentor.id)
    await _post_introduction(bot, guild, thread, match, settings, langs)
    closed: list[int] = []
    for member, role, partner in ((mentee, "mentee", mentor), (mentor, "mentor", mentee)):
        with language(await bot.services.languages.for_member(guild.id, member.id)):
            embed = _screens.intro_dm(guild, role, partner.id, thread, settings.match_followup_days)
        sent = await bot.delivery.dms.send(guild.id, member.id, embed=embed)
        if not sent.delivered:
            closed.append(member.id)
            note = bilingual.blocks(langs, functools.partial(_screens.dms_closed_note, member.id))
            await threads.send_quietly(thread, note)
    await bot.delivery.director_log.add(
        guild.id,
        N_(
            "🤝 {actor} introduced {mentee} (mentee) to {mentor} (mentor).",
            actor=actor.mention,
            mentee=f"<@{mentee.id}>",
            mentor=f"<@{mentor.id}>",
        ),
    )
    due = await matching.followup_due_of(match.id)
    arm_followups(bot, due)
    return Introduced(match, thread, closed, due)


async def introduce_clicked(
    interaction: discord.Interaction, guild_id: int, mentee_id: int, mentor_id: int
) -> None:
    """The Introduce button under a suggestion."""
    guild, director = await director_of(interaction, guild_id)
    await interaction.response.defer(ephemeral=True, thinking=True)
    done = await introduce(bot_of(interaction), guild, director, mentee_id, mentor_id)
    await interaction.followup.send(
        _screens.introduced(done.match, done.thread, done.dms_closed, done.followup_due),
        ephemeral=True,
    )


async def apply_proposal(interaction: discord.Interaction, guild_id: int, proposal_id: int) -> None:
    """Introduce every pair of an approved proposal; one pair's failure is reported, and
    does not cost the rest."""
    guild, director = await director_of(interaction, guild_id)
    bot = bot_of(interaction)
    pairs = await bot.services.matching.take_proposal(guild.id, proposal_id, director.id)
    await interaction.response.defer()
    lines: list[str] = []
    for mentee_id, mentor_id in pairs:
        try:
            done = await introduce(bot, guild, director, mentee_id, mentor_id)
        except UserError as exc:
            lines.append(
                _(
                    "⚠️ {mentee} → {mentor} skipped: {why}",
                    mentee=f"<@{mentee_id}>",
                    mentor=f"<@{mentor_id}>",
                    why=exc.message,
                )
            )
        except Exception:
            log.exception(
                "Introduction failed while applying a proposal (guild=%s mentee=%s mentor=%s)",
                guild.id,
                mentee_id,
                mentor_id,
            )
            lines.append(
                _(
                    "⚠️ {mentee} → {mentor} failed because of an error on our side; try "
                    "`/match create` for this pair.",
                    mentee=f"<@{mentee_id}>",
                    mentor=f"<@{mentor_id}>",
                )
            )
        else:
            lines.append(
                _(
                    "✅ {mentee} → {mentor}: introduced in {thread}",
                    mentee=f"<@{mentee_id}>",
                    mentor=f"<@{mentor_id}>",
                    thread=done.thread.mention,
                )
            )
    first, *more = _screens.group_embeds(_screens.applied(lines))
    await interaction.edit_original_response(embeds=first, view=None)
    for group in more:
        await interaction.followup.send(embeds=group, ephemeral=True)


async def cancel_proposal(
    interaction: discord.Interaction, guild_id: int, proposal_id: int
) -> None:
    guild, director = await director_of(interaction, guild_id)
    await bot_of(interaction).services.matching.cancel_proposal(guild.id, proposal_id, director.id)
    await interaction.response.edit_message(
        content=_("Proposal discarded; nothing was changed."), embed=None, view=None
    )


def _thread_failure(channel: discord.TextChannel, exc: discord.HTTPException) -> UserError:
    log.warning(
        "Introduction thread failed (guild=%s channel=%s status=%s code=%s)",
        channel.guild.id,
        channel.id,
        exc.status,
        exc.code,
    )
    if isinstance(exc, discord.Forbidden) or exc.code in _PERMISSION_CODES:
        return UserError(
            _(
                "Discord didn't let me open a private thread in {channel}, so the match was not "
                "made. Fix: allow the bot's role **Create Private Threads** and **Send Messages "
                "in Threads** in that channel, then introduce them again. `/setup show` lists "
                "everything the bot needs.",
                channel=channel.mention,
            )
        )
    return UserError(
        _(
            "Discord couldn't create the introduction thread just now, so the match was not "
            "made. Please try again in a moment."
        )
    )


async def pair_languages(
    bot: MentorBot, guild_id: int, mentee_id: int, mentor_id: int
) -> tuple[Language, ...]:
    """The languages of the pair's thread: theirs, or both when they read different ones."""
    return await bilingual.pair_languages(bot.services.languages, guild_id, mentee_id, mentor_id)


async def _post_introduction(
    bot: MentorBot,
    guild: discord.Guild,
    thread: discord.Thread,
    match: Match,
    settings: GuildSettings,
    langs: bilingual.Languages,
) -> None:
    matching = bot.services.matching
    days = settings.match_followup_days
    try:
        # Bot-written greeting: it may ping exactly the two members of the pair.
        await thread.send(
            bilingual.blocks(
                langs, lambda: _screens.greeting(match.mentee_id, match.mentor_id, days)
            ),
            allowed_mentions=discord.AllowedMentions(
                everyone=False,
                roles=False,
                users=[discord.Object(match.mentee_id), discord.Object(match.mentor_id)],
            ),
        )
        embeds: list[discord.Embed] = []
        for lang in langs:
            with language(lang):
                embeds += [
                    _screens.profile_embed(
                        guild,
                        match.mentee_id,
                        "mentee",
                        await matching.profile_rows(guild.id, match.mentee_id),
                    ),
                    _screens.profile_embed(
                        guild,
                        match.mentor_id,
                        "mentor",
                        await matching.profile_rows(guild.id, match.mentor_id),
                    ),
                    _screens.agenda_embed(),
                ]
        for group in _screens.group_embeds(embeds):
            await thread.send(embeds=group, allowed_mentions=discord.AllowedMentions.none())
    except discord.HTTPException as exc:
        log.warning(
            "Could not post the introduction (guild=%s thread=%s code=%s)",
            guild.id,
            thread.id,
            exc.code,
        )


# ----------------------------------------------------------------------- ending


@dataclass(frozen=True)
class Ended:
    match: Match
    told: list[int]
    gone: list[int]
    """Members of the pair who are no longer in the server (nobody to tell)."""
    thread: _threads.ThreadOutcome


async def end(
    bot: MentorBot, guild: discord.Guild, actor: discord.Member, mentee_id: int, reason: EndReason
) -> Ended:
    match = await bot.services.matching.end_match(guild.id, mentee_id, reason, actor.id)
    langs = await pair_languages(bot, guild.id, match.mentee_id, match.mentor_id)
    closing = bilingual.blocks(langs, lambda: str(_end_screens.THREAD_CLOSING))
    # The thread first, so that each DM says what became of it.
    outcome = await _threads.close_thread(bot, guild, match, closing)
    told: list[int] = []
    gone: list[int] = []
    for member_id, role in ((match.mentee_id, "mentee"), (match.mentor_id, "mentor")):
        try:
            member = await member_of(guild, member_id)
        except UserError:
            gone.append(member_id)
            continue
        with language(await bot.services.languages.for_member(guild.id, member_id)):
            embed = _end_screens.ended_dm(guild, role, match.partner_of(member_id), outcome)
        if (await bot.delivery.dms.send(guild.id, member.id, embed=embed)).delivered:
            told.append(member_id)
    await bot.delivery.director_log.add(
        guild.id,
        N_(
            "👋 {actor} ended the match of {mentee} (mentee) with {mentor} (mentor).",
            actor=actor.mention,
            mentee=f"<@{match.mentee_id}>",
            mentor=f"<@{match.mentor_id}>",
        ),
    )
    return Ended(match, told, gone, outcome)


async def member_left(bot: MentorBot, guild: discord.Guild, member_id: int) -> None:
    """Tell directors that a member left in the middle of a match: only they can end it."""
    matches = await bot.services.matching.active_matches_of(guild.id, member_id)
    if not matches:
        return
    for match in matches:
        await bot.delivery.director_log.add(guild.id, _end_screens.left_line(match, member_id))


# -------------------------------------------------------------------- follow-ups


async def deliver_followup(bot: MentorBot, prompt: FollowupPrompt) -> None:
    """Ask one member "Have you met yet?": by DM, else in the pair's thread."""
    matching = bot.services.matching
    guild = bot.get_guild(prompt.guild_id)
    if guild is None:
        await matching.record_delivery(prompt, "unreachable")
        return
    try:
        member = await member_of(guild, prompt.member_id)
    except UserError:
        await matching.record_delivery(prompt, "unreachable")
        return
    with language(await bot.services.languages.for_member(guild.id, prompt.member_id)):
        embed = _followup_screens.followup_embed(guild, prompt)
        view = _followup_screens.followup_view(prompt)
        in_thread = _followup_screens.followup_in_thread(prompt)
    sent = await bot.delivery.dms.send(
        guild.id, member.id, embed=embed, view=view, nonce=prompt.nonce
    )
    if sent.delivered:
        await matching.record_delivery(prompt, "dm")
        return
    try:
        thread = await threads.thread_of(guild, prompt.intro_thread_id)
    except threads.DiscordDidNotAnswer:
        retry_at = await matching.retry_followup_later(prompt)
        if retry_at is None:
            log.warning(
                "Discord did not answer while looking up the thread for a follow-up, again; "
                "given up and the directors told (guild=%s match=%s)",
                guild.id,
                prompt.match_id,
            )
            return
        log.warning(
            "Discord did not answer while looking up the thread for a follow-up; asking "
            "again at %s (guild=%s match=%s)",
            retry_at.isoformat(timespec="minutes"),
            guild.id,
            prompt.match_id,
        )
        return
    if thread is not None:
        try:
            await thread.send(
                in_thread,
                view=view,
                nonce=prompt.nonce,
                allowed_mentions=discord.AllowedMentions(
                    everyone=False, roles=False, users=[discord.Object(prompt.member_id)]
                ),
            )
        except discord.HTTPException as exc:
            log.warning(
                "Follow-up not delivered (guild=%s match=%s code=%s)",
                guild.id,
                prompt.match_id,
                exc.code,
            )
        else:
            await matching.record_delivery(prompt, "thread")
            return
    await matching.record_delivery(prompt, "unreachable")


async def run_due_followups(bot: MentorBot, now: datetime) -> datetime | None:
    """The DueTimer's work: claim what is due one prompt at a time (so a crash leaves at
    most one in doubt), deliver each once, return the next due time."""
    matching = bot.services.matching
    while prompts := await matching.claim_due_followups(now, limit=1):
        for prompt in prompts:
            try:
                await deliver_followup(bot, prompt)
            except Exception:
                log.exception(
                    "Follow-up delivery failed (guild=%s match=%s)",
                    prompt.guild_id,
                    prompt.match_id,
                )
                await matching.record_delivery(prompt, "unreachable")
    return await matching.next_followup_due()


async def answer_followup(
    interaction: discord.Interaction, match_id: int, round_: int, answer: FollowupAnswer
) -> None:
    bot = bot_of(interaction)
    result = await bot.services.matching.answer_followup(
        match_id, round_, interaction.user.id, answer
    )
    match = result.match
    settings = await bot.services.settings.get(match.guild_id)
    text = _followup_screens.followup_reply(result, answer, settings.match_followup_days)
    if interaction.guild is None and interaction.message is not None:
        # In DMs the prompt is the member's own: replace it with the answer.
        await interaction.response.edit_message(
            embed=discord.Embed(title=str(_followup_screens.FOLLOWUP_TITLE), description=text),
            view=None,
        )
    else:
        await interaction.response.send_message(text, ephemeral=True)
    arm_followups(bot, result.next_round_due)  # a new flag recorded its director-log line
