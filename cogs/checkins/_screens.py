"""What check-in messages look like: the prompt, the note modal, history and the notes to
mentors and directors.

Goal titles and notes are members' words: they appear in embeds and button labels (which
never ping) and every message is sent with mentions disabled unless it pings exactly the
member it is for. Times are Discord timestamps so every reader sees their own local time;
goals' target dates are calendar dates, shown as dates (a timestamp would shift a day for
readers far from UTC).
"""

from __future__ import annotations

import discord

from bot.domain.schedule import Cadence, CheckinSchedule, GoalStatus
from bot.domain.wallclock import DAY_NAMES, discord_timestamp, show_date, show_time
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
_PERIOD_WORDS = {
    "pending": "waiting for your answer",
    "answered": "answered",
    "missed": "missed",
    "undeliverable": "could not be delivered",
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
    question = {
        Cadence.WEEKLY: "How are your goals going this week?",
        Cadence.FORTNIGHTLY: "How are your goals going these two weeks?",
    }.get(prompt.cadence or Cadence.WEEKLY, "How are your goals going?")
    lines = [notice] if notice else []
    if in_thread:
        lines.append("Your DMs with me are closed, so your check-ins come to this private thread.")
    lines.append(question if prompt.kind == "scheduled" else "How are your goals going?")
    if prompt.goals:
        lines.append(
            "Pick one answer for each goal. You can change an answer until your next "
            "check-in, and add a note if you like."
        )
    else:
        lines.append(
            "You have no open goals right now: add one with `/goal add` in the server, or "
            "just leave a note."
        )
    if prompt.status == "missed":
        lines.append("⏱️ This check-in has closed.")
    elif prompt.answered_at is not None:
        lines.append(f"✅ Recorded {discord_timestamp(prompt.answered_at, 'R')}. Thank you!")
    if prompt.note_saved:
        lines.append(
            "📝 Your note is saved and shared with your mentor."
            if prompt.note_shared
            else "📝 Your note is saved; only you can see it."
        )
    embed = discord.Embed(
        title=clip(f"Check-in · {guild_name}", 256),
        description=clip("\n\n".join(lines), DESCRIPTION_LIMIT),
        colour=COLOUR_OK if prompt.answered_at else COLOUR,
        timestamp=prompt.due_at,
    )
    view = MessageLayout()
    for row, goal in enumerate(goals):
        number = offset + row + 1
        value = f"Target: {show_date(goal.target_date)}\n" if goal.target_date else ""
        value += (
            f"Your answer: {STATUS_ICONS[goal.status]} {GOAL_STATUS_LABELS[goal.status]}"
            if goal.status
            else "Not answered yet"
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
        for status, label in GOAL_STATUS_LABELS.items():
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
            label="Edit my note" if prompt.note_saved else "Add a note",
            emoji="📝",
            style=discord.ButtonStyle.secondary,
            custom_id=_ids.note(prompt.period_id),
            row=last,
        )
    )
    footer = "mentorbot check-in"
    if prompt.page_count > 1:
        footer = f"Goals {offset + 1}–{offset + len(goals)} of {len(prompt.goals)} · {footer}"
        view.add_item(
            discord.ui.Button(
                label="Previous",
                emoji="◀️",
                custom_id=_ids.page(prompt.period_id, max(page - 1, 0)),
                disabled=page == 0,
                row=last,
            )
        )
        view.add_item(
            discord.ui.Button(
                label="Next",
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
        super().__init__(title="Check-in note", custom_id=_ids.note_modal(period_id), timeout=None)
        self.add_item(
            discord.ui.Label(
                text="Your note",
                description=f"Optional. Up to {NOTE_INPUT_MAX:,} characters.",
                component=discord.ui.TextInput(
                    custom_id=_ids.NOTE_INPUT,
                    style=discord.TextStyle.paragraph,
                    default=clip(text, NOTE_INPUT_MAX) if text else None,
                    required=False,
                    max_length=NOTE_INPUT_MAX,
                    placeholder="What went well, what's in the way, what would help?",
                ),
            )
        )
        share: discord.ui.Select[discord.ui.View] = discord.ui.Select(
            custom_id=_ids.SHARE_INPUT,
            options=[
                discord.SelectOption(
                    label="Only me", value="private", default=not shared, emoji="🔒"
                ),
                discord.SelectOption(
                    label="Share with my mentor", value="share", default=shared, emoji="🤝"
                ),
            ],
            min_values=1,
            max_values=1,
        )
        self.add_item(
            discord.ui.Label(
                text="Who can read it?",
                description="Directors never see notes.",
                component=share,
            )
        )
        self.stop()  # a layout only: the listener handles the submission


def _cadence_line(schedule: CheckinSchedule, bold: str = "") -> str:
    every = "Every" if schedule.cadence is Cadence.WEEKLY else "Every other"
    return (
        f"{every} {bold}{DAY_NAMES[schedule.weekday]}{bold} at "
        f"{bold}{show_time(schedule.local_time)}{bold} ({schedule.timezone})"
    )


def schedule_summary(view: ScheduleView) -> str:
    schedule = view.schedule
    if schedule is None:
        return "You don't have a check-in schedule yet: set one with `/checkin schedule`."
    line = _cadence_line(schedule, "**") + "."
    if schedule.paused_indefinitely:
        return f"{line}\n⏸️ Paused until you run `/checkin resume`."
    if schedule.paused_until is not None:
        line += f"\n⏸️ Paused: no check-ins before {show_date(schedule.paused_until)}."
    if view.next_due_at is not None:
        line += (
            f"\nNext check-in: {discord_timestamp(view.next_due_at, 'F')} "
            f"({discord_timestamp(view.next_due_at, 'R')})."
        )
    return line


def schedule_footer(view: ScheduleView) -> str:
    """The schedule in plain text (an embed footer shows no markdown)."""
    if view.schedule is None:
        return "No schedule yet: /checkin schedule"
    return _cadence_line(view.schedule) + (" · paused" if view.paused else "")


def history_embed(entries: list[HistoryEntry], guild_name: str, footer: str) -> discord.Embed:
    embed = discord.Embed(title=clip(f"Your check-ins · {guild_name}", 256), colour=COLOUR)
    # Set before the fields, which fill whatever room the 6,000-character total leaves.
    embed.set_footer(text=clip(footer, 2048))
    if not entries:
        embed.description = "No check-ins yet. Your first one arrives at your scheduled time."
        return embed
    embed.description = "Your most recent check-ins, newest first."
    for entry in entries:
        name = f"{discord_timestamp(entry.due_at, 'D')} · {_PERIOD_WORDS[entry.status]}"
        if entry.kind == "manual":
            name += " (asked for)"
        lines = [
            f"{STATUS_ICONS[status]} {GOAL_STATUS_LABELS[status]}: {clip(title, 100)}"
            for title, status in entry.answers
        ]
        if entry.note:
            who = "shared with your mentor" if entry.note_shared else "only you"
            lines.append(f"📝 Note ({who}): {clip(entry.note, 200)}")
        add_field(embed, name, "\n".join(lines) or "—")
    return embed


def dm_help(guild_name: str, guild_id: int, user_id: int) -> tuple[str, discord.ui.View]:
    text = (
        f"<@{user_id}> I couldn't send you a DM, so your check-ins for **{guild_name}** will "
        "come to this private thread. Only you, me and the server's moderators can see it.\n\n"
        "To get them by DM instead: open the server's menu → **Privacy Settings** → turn on "
        "**Direct Messages**, then press the button below."
    )
    view = MessageLayout()
    view.add_item(
        discord.ui.Button(
            label="My DMs are open",
            style=discord.ButtonStyle.primary,
            custom_id=_ids.dms_open(guild_id),
        )
    )
    return clip(text, 2000), layout(view)


def reminder_text(due_text: str, link: str | None, mention: int | None) -> str:
    lead = f"<@{mention}> " if mention else ""
    where = f" It's here: {link}" if link else ""
    return f"{lead}⏰ A gentle reminder: your check-in from {due_text} is still open.{where}"


def mentor_alert(alert: MentorAlert, mentee_name: str, guild_name: str) -> discord.Embed:
    """For the mentor only: goal titles they may see; a note only because it was shared."""
    if alert.stuck_titles:
        title = f"{mentee_name} is stuck"
        lines = [f"<@{alert.mentee_id}> marked a goal as **Stuck** in their check-in:"]
        lines += [f"• {clip(t, 300)}" for t in alert.stuck_titles]
    else:
        title = f"{mentee_name} shared a check-in note"
        lines = [f"<@{alert.mentee_id}> shared their check-in note with you."]
    if alert.note:
        lines.append(f"\n**Their note:**\n{clip(alert.note, 2000)}")
    lines.append("\nA short message from you can make a big difference.")
    embed = discord.Embed(
        title=clip(title, 256),
        description=clip("\n".join(lines), DESCRIPTION_LIMIT),
        colour=COLOUR_WARNING,
    )
    embed.set_footer(text=clip(f"Mentoring programme · {guild_name}", 2048))
    return embed


_OPEN_DMS = (
    "Allow direct messages from this server (server menu → Privacy Settings), then run "
    "`/checkin now` again."
)


def undeliverable(channel_id: int | None, missing: list[str]) -> str:
    """Why `/checkin now` could not reach a member whose DMs are closed, with what fixes it:
    no check-in channel, a permission the bot lacks there, or a thread it could not use."""
    if channel_id is None:
        return (
            "I couldn't send your check-in: your DMs are closed and this server has no "
            f"check-in channel. {_OPEN_DMS}"
        )
    if missing:
        names = ", ".join(missing)
        return (
            "I couldn't send your check-in: your DMs are closed, and I can't open your private "
            f"check-in thread in <#{channel_id}> because I'm missing **{names}** there. A "
            f"server admin can allow {' and '.join(missing)} for the bot's role in that "
            f"channel (`/setup show` lists what the bot needs). Or: {_OPEN_DMS}"
        )
    return (
        "I couldn't send your check-in: your DMs are closed, and I couldn't post in your "
        f"private check-in thread in <#{channel_id}>. A programme director can check "
        f"`/setup show`. Or: {_OPEN_DMS}"
    )
