"""What check-in messages look like: the prompt, the note modal, history and the notes to
mentors and directors.

Goal titles and notes are members' words: they appear in embeds and button labels (which
never ping) and every message is sent with mentions disabled unless it pings exactly the
member it is for. Times are Discord timestamps so every reader sees their own local time;
goals' target dates are calendar dates, shown as dates (a timestamp would shift a day for
readers far from UTC). Every text is in the current language: the member's, set by the
interaction or, for a scheduled prompt, by the messenger; a mentor alert in the mentor's.
"""

from __future__ import annotations

import discord

from bot.domain.schedule import Cadence, CheckinSchedule, GoalStatus
from bot.domain.wallclock import day_name, discord_timestamp, show_date, show_time
from bot.i18n import N_, Text, _, n_, number
from bot.services.checkins import (
    GOAL_STATUS_LABELS,
    HistoryEntry,
    MentorAlert,
    Prompt,
    ScheduleView,
)
from bot.ui.components import MessageLayout
from bot.ui.embeds import (
    COLOUR,
    COLOUR_OK,
    COLOUR_WARNING,
    DESCRIPTION_LIMIT,
    add_field,
    clip,
)
from cogs.checkins import _ids

BUTTON_LABEL_LIMIT = 80
MODAL_TITLE_LIMIT = 45
NOTE_INPUT_MAX = 1000

STATUS_ICONS: dict[GoalStatus, str] = {"on_track": "✅", "stuck": "🆘", "done": "🎉"}
_STATUS_STYLES: dict[GoalStatus, discord.ButtonStyle] = {
    "on_track": discord.ButtonStyle.success,
    "stuck": discord.ButtonStyle.danger,
    "done": discord.ButtonStyle.primary,
}
_PERIOD_WORDS: dict[str, Text] = {
    "pending": N_("waiting for your answer"),
    "answered": N_("answered"),
    "missed": N_("missed"),
    "undeliverable": N_("could not be delivered"),
}


def layout(view: discord.ui.View) -> discord.ui.View:
    """A view used only as a component layout.

    Clicks are handled by the DynamicItems registered for these custom ids, which reload
    their state from the database. A stopped view is not kept in discord.py's view store,
    so thousands of prompts hold no memory after they are sent.
    """
    view.stop()
    return view


def prompt_message(
    prompt: Prompt,
    guild_name: str,
    page: int = 0,
    *,
    in_thread: bool = False,
    notice: str | None = None,
) -> tuple[discord.Embed, discord.ui.View]:
    page = min(max(page, 0), prompt.page_count - 1)
    offset, goals = prompt.page(page)
    question = _("How are your goals going?")
    if prompt.kind == "scheduled" and prompt.cadence is Cadence.FORTNIGHTLY:
        question = _("How are your goals going these two weeks?")
    elif prompt.kind == "scheduled":
        question = _("How are your goals going this week?")
    lines = [notice] if notice else []
    if in_thread:
        lines.append(
            _("Your DMs with me are closed, so your check-ins come to this private thread.")
        )
    lines.append(question)
    if prompt.goals:
        lines.append(
            _(
                "Pick one answer for each goal. You can change an answer until your next "
                "check-in, and add a note if you like."
            )
        )
    else:
        lines.append(
            _(
                "You have no open goals right now: add one with `/goal add` in the server, or "
                "just leave a note."
            )
        )
    if prompt.status == "missed":
        lines.append(_("⏱️ This check-in has closed."))
    elif prompt.answered_at is not None:
        lines.append(
            _("✅ Recorded {when}. Thank you!", when=discord_timestamp(prompt.answered_at, "R"))
        )
    if prompt.note_saved:
        lines.append(
            _("📝 Your note is saved and shared with your mentor.")
            if prompt.note_shared
            else _("📝 Your note is saved; only you can see it.")
        )
    embed = discord.Embed(
        title=clip(_("Check-in · {server}", server=guild_name), 256),
        description=clip("\n\n".join(lines), DESCRIPTION_LIMIT),
        colour=COLOUR_OK if prompt.answered_at else COLOUR,
        timestamp=prompt.due_at,
    )
    view = MessageLayout()
    for row, goal in enumerate(goals):
        number = offset + row + 1
        value = (
            _("Target: {date}", date=show_date(goal.target_date)) + "\n" if goal.target_date else ""
        )
        value += (
            _(
                "Your answer: {icon} {answer}",
                icon=STATUS_ICONS[goal.status],
                answer=GOAL_STATUS_LABELS[goal.status],
            )
            if goal.status
            else _("Not answered yet")
        )
        add_field(embed, f"{number}. {goal.title}", value)
        view.add_item(
            discord.ui.Button(
                label=clip(f"{number}. {goal.title}", BUTTON_LABEL_LIMIT),
                style=discord.ButtonStyle.secondary,
                custom_id=_ids.goal_label(prompt.period_id, goal.goal_id),
                disabled=True,
                row=row,
            )
        )
        for status, text in GOAL_STATUS_LABELS.items():
            label = str(text)
            chosen = goal.status == status
            view.add_item(
                discord.ui.Button(
                    label=f"✓ {label}" if chosen else label,
                    style=_STATUS_STYLES[status]
                    if chosen or goal.status is None
                    else discord.ButtonStyle.secondary,
                    custom_id=_ids.answer(prompt.period_id, goal.goal_id, status),
                    row=row,
                )
            )
    last = len(goals)
    view.add_item(
        discord.ui.Button(
            label=_("Edit my note") if prompt.note_saved else _("Add a note"),
            emoji="📝",
            style=discord.ButtonStyle.secondary,
            custom_id=_ids.note(prompt.period_id),
            row=last,
        )
    )
    footer = _("mentorbot check-in")
    if prompt.page_count > 1:
        shown = _(
            "Goals {first}–{last} of {total}",
            first=offset + 1,
            last=offset + len(goals),
            total=len(prompt.goals),
        )
        footer = f"{shown} · {footer}"
        view.add_item(
            discord.ui.Button(
                label=_("Previous"),
                emoji="◀️",
                custom_id=_ids.page(prompt.period_id, max(page - 1, 0)),
                disabled=page == 0,
                row=last,
            )
        )
        view.add_item(
            discord.ui.Button(
                label=_("Next"),
                emoji="▶️",
                custom_id=_ids.page(prompt.period_id, min(page + 1, prompt.page_count - 1)),
                disabled=page == prompt.page_count - 1,
                row=last,
            )
        )
    embed.set_footer(text=footer)
    return embed, layout(view)


class NoteModal(discord.ui.Modal):
    """The note and the "share with my mentor" choice.

    Submissions are answered by custom id (`_components.NoteSubmitted`), so a modal
    opened just before a restart is still saved afterwards.
    """

    def __init__(self, period_id: int, text: str, shared: bool) -> None:
        super().__init__(
            title=_("Check-in note"), custom_id=_ids.note_modal(period_id), timeout=None
        )
        self.add_item(
            discord.ui.Label(
                text=_("Your note"),
                description=_(
                    "Optional. Up to {count} characters.",
                    count=number(NOTE_INPUT_MAX, digits=0),
                ),
                component=discord.ui.TextInput(
                    custom_id=_ids.NOTE_INPUT,
                    style=discord.TextStyle.paragraph,
                    default=clip(text, NOTE_INPUT_MAX) if text else None,
                    required=False,
                    max_length=NOTE_INPUT_MAX,
                    placeholder=_("What went well, what's in the way, what would help?"),
                ),
            )
        )
        share: discord.ui.Select[discord.ui.View] = discord.ui.Select(
            custom_id=_ids.SHARE_INPUT,
            options=[
                discord.SelectOption(
                    label=_("Only me"), value="private", default=not shared, emoji="🔒"
                ),
                discord.SelectOption(
                    label=_("Share with my mentor"), value="share", default=shared, emoji="🤝"
                ),
            ],
            min_values=1,
            max_values=1,
        )
        self.add_item(
            discord.ui.Label(
                text=_("Who can read it?"),
                description=_("Directors never see notes."),
                component=share,
            )
        )
        self.stop()  # a layout only: the listener handles the submission


def _cadence_line(schedule: CheckinSchedule, bold: str = "") -> str:
    day = f"{bold}{day_name(schedule.weekday)}{bold}"
    at = f"{bold}{show_time(schedule.local_time)}{bold}"
    if schedule.cadence is Cadence.WEEKLY:
        return _("Every {day} at {time} ({timezone})", day=day, time=at, timezone=schedule.timezone)
    return _(
        "Every other {day} at {time} ({timezone})", day=day, time=at, timezone=schedule.timezone
    )


def schedule_summary(view: ScheduleView) -> str:
    schedule = view.schedule
    if schedule is None:
        return _("You don't have a check-in schedule yet: set one with `/checkin schedule`.")
    line = _("{schedule}.", schedule=_cadence_line(schedule, "**"))
    if schedule.paused_indefinitely:
        return line + "\n" + _("⏸️ Paused until you run `/checkin resume`.")
    if schedule.paused_until is not None:
        line += "\n" + _(
            "⏸️ Paused: no check-ins before {date}.", date=show_date(schedule.paused_until)
        )
    if view.next_due_at is not None:
        line += "\n" + _(
            "Next check-in: {when} ({relative}).",
            when=discord_timestamp(view.next_due_at, "F"),
            relative=discord_timestamp(view.next_due_at, "R"),
        )
    return line


def schedule_footer(view: ScheduleView) -> str:
    """The schedule in plain text (an embed footer shows no markdown)."""
    if view.schedule is None:
        return _("No schedule yet: /checkin schedule")
    line = _cadence_line(view.schedule)
    return f"{line} · {_('paused')}" if view.paused else line


def history_embed(entries: list[HistoryEntry], guild_name: str, footer: str) -> discord.Embed:
    embed = discord.Embed(
        title=clip(_("Your check-ins · {server}", server=guild_name), 256), colour=COLOUR
    )
    # Set before the fields, which fill whatever room the 6,000-character total leaves.
    embed.set_footer(text=clip(footer, 2048))
    if not entries:
        embed.description = _("No check-ins yet. Your first one arrives at your scheduled time.")
        return embed
    embed.description = n_(
        "{count} recent check-in.",
        "{count} recent check-ins, newest first.",
        len(entries),
    )
    for entry in entries:
        name = f"{discord_timestamp(entry.due_at, 'D')} · {_PERIOD_WORDS[entry.status]}"
        if entry.kind == "manual":
            name += " " + _("(asked for)")
        lines = [
            f"{STATUS_ICONS[status]} {GOAL_STATUS_LABELS[status]}: {clip(title, 100)}"
            for title, status in entry.answers
        ]
        if entry.note:
            note = clip(entry.note, 200)
            lines.append(
                _("📝 Note (shared with your mentor): {note}", note=note)
                if entry.note_shared
                else _("📝 Note (only you): {note}", note=note)
            )
        add_field(embed, name, "\n".join(lines) or "—")
    return embed


def dm_help(guild_name: str, guild_id: int, user_id: int) -> tuple[str, discord.ui.View]:
    text = _(
        "{mention} I couldn't send you a DM, so your check-ins for **{server}** will "
        "come to this private thread. Only you, me and the server's moderators can see it.\n\n"
        "To get them by DM instead: open the server's menu → **Privacy Settings** → turn on "
        "**Direct Messages**, then press the button below.",
        mention=f"<@{user_id}>",
        server=guild_name,
    )
    view = MessageLayout()
    view.add_item(
        discord.ui.Button(
            label=_("My DMs are open"),
            style=discord.ButtonStyle.primary,
            custom_id=_ids.dms_open(guild_id),
        )
    )
    return clip(text, 2000), layout(view)


def reminder_text(due_text: str, link: str | None, mention: int | None) -> str:
    lead = f"<@{mention}> " if mention else ""
    text = _("⏰ A gentle reminder: your check-in from {when} is still open.", when=due_text)
    where = " " + _("It's here: {link}", link=link) if link else ""
    return f"{lead}{text}{where}"


def mentor_alert(alert: MentorAlert, mentee_name: str, guild_name: str) -> discord.Embed:
    """For the mentor only: goal titles they may see; a note only because it was shared."""
    mentee = f"<@{alert.mentee_id}>"
    if alert.stuck_titles:
        title = _("{name} is stuck", name=mentee_name)
        lines = [_("{mentee} marked a goal as **Stuck** in their check-in:", mentee=mentee)]
        lines += [f"• {clip(t, 300)}" for t in alert.stuck_titles]
    else:
        title = _("{name} shared a check-in note", name=mentee_name)
        lines = [_("{mentee} shared their check-in note with you.", mentee=mentee)]
    if alert.note:
        lines.append("\n" + _("**Their note:**") + "\n" + clip(alert.note, 2000))
    lines.append("\n" + _("A short message from you can make a big difference."))
    embed = discord.Embed(
        title=clip(title, 256),
        description=clip("\n".join(lines), DESCRIPTION_LIMIT),
        colour=COLOUR_WARNING,
    )
    embed.set_footer(text=clip(_("Mentoring programme · {server}", server=guild_name), 2048))
    return embed


def _open_dms() -> str:
    return _(
        "Allow direct messages from this server (server menu → Privacy Settings), then run "
        "`/checkin now` again."
    )


def undeliverable(channel_id: int | None, missing: list[str]) -> str:
    """Why `/checkin now` could not reach a member whose DMs are closed, with what fixes it:
    no check-in channel, a permission the bot lacks there, or a thread it could not use."""
    if channel_id is None:
        return _(
            "I couldn't send your check-in: your DMs are closed and this server has no "
            "check-in channel. {fix}",
            fix=_open_dms(),
        )
    if missing:
        return _(
            "I couldn't send your check-in: your DMs are closed, and I can't open your private "
            "check-in thread in {channel} because I'm missing **{names}** there. A "
            "server admin can allow {permissions} for the bot's role in that "
            "channel (`/setup show` lists what the bot needs). Or: {fix}",
            channel=f"<#{channel_id}>",
            names=", ".join(missing),
            permissions=_both(missing),
            fix=_open_dms(),
        )
    return _(
        "I couldn't send your check-in: your DMs are closed, and I couldn't post in your "
        "private check-in thread in {channel}. A programme director can check "
        "`/setup show`. Or: {fix}",
        channel=f"<#{channel_id}>",
        fix=_open_dms(),
    )


def _both(names: list[str]) -> str:
    """`names` joined as a sentence lists them: "A and B" (the last two joined by "and")."""
    if len(names) < 2:
        return "".join(names)
    return _("{names} and {last}", names=", ".join(names[:-1]), last=names[-1])
