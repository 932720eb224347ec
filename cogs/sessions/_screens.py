"""What session messages look like: the thread's prompt, a shared reflection, the author's
private confirmation, the fit question, reminders, `/session list` and the director-log
lines (the forms are in `_forms`).

Topics and reflections are members' words. They appear only in embeds and modals for the
people they were written for (embeds never ping), and every message is sent with mentions
disabled unless it pings exactly the members it is for. Director-log lines carry mentions,
numbers and fixed text only.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time

import discord

from bot.domain import sessions as rules
from bot.domain.sessions import FIT_LABELS, FitAnswer, ThreadProblem
from bot.domain.wallclock import discord_timestamp, show_date
from bot.services.sessions import (
    FitQuestion,
    GoalFromStep,
    Reflection,
    RematchRequest,
    ReminderPlan,
    Session,
    SessionListItem,
)
from bot.ui.components import MessageLayout
from bot.ui.embeds import COLOUR, COLOUR_OK, COLOUR_WARNING, DESCRIPTION_LIMIT, add_field, clip
from cogs.sessions import _ids

PAGE_SIZE = 10

WRITE_LABEL = "Write my reflection"
_ROLE_WORD = {"mentee": "Mentee", "mentor": "Mentor"}
_FIT_STYLES: dict[FitAnswer, discord.ButtonStyle] = {
    "good": discord.ButtonStyle.success,
    "deciding": discord.ButtonStyle.secondary,
    "not_good": discord.ButtonStyle.danger,
}


def pair_mentions(session: Session) -> discord.AllowedMentions:
    """Pings for a bot-written line addressed to the pair: the two of them, nobody else."""
    return discord.AllowedMentions(
        everyone=False,
        roles=False,
        users=[discord.Object(session.mentee_id), discord.Object(session.mentor_id)],
    )


def member_mention(member_id: int) -> discord.AllowedMentions:
    return discord.AllowedMentions(everyone=False, roles=False, users=[discord.Object(member_id)])


def session_day(on: date) -> str:
    """A session's date as a Discord timestamp (each reader's own format). Noon UTC of the
    day, so every reader from UTC-11 to UTC+11 sees the date the member gave."""
    return discord_timestamp(datetime.combine(on, time(12), tzinfo=UTC), "D")


def length(minutes: int) -> str:
    hours, rest = divmod(minutes, 60)
    if not hours:
        return f"{minutes} min"
    return f"{hours} h {rest:02d} min" if rest else f"{hours} h"


def thread_link(session: Session) -> str:
    return f"<#{session.thread_id}>" if session.thread_ready and session.thread_id else ""


# --------------------------------------------------------------------------- logging


def logged(session: Session, actor_id: int) -> str:
    partner = session.partner_of(actor_id)
    return (
        f"📝 Logged **session {session.seq}** with <@{partner}>: {show_date(session.on)}, "
        f"{length(session.minutes)}."
    )


def thread_ready(session: Session) -> str:
    return (
        f"Your private thread is {thread_link(session)}: only the two of you (and I) are in it. "
        f"Press **{WRITE_LABEL}** there. What you write stays private unless you choose to "
        "share it with your partner; directors never see reflections."
    )


def thread_missing(problem: ThreadProblem | None) -> str:
    if problem is None:
        return (
            "Discord couldn't make its private thread just now. The session is saved: I'll "
            "make the thread the next time you use `/session`."
        )
    return (
        "I couldn't open its private thread: "
        f"{rules.THREAD_PROBLEM_FIX[problem]} The session is saved, and its thread will be "
        "made once that's fixed; the programme directors have been told."
    )


# --------------------------------------------------------------------------- the thread


def thread_prompt(session: Session) -> tuple[str, discord.Embed, discord.ui.View]:
    """The first message in a session thread: it pings the pair and asks for reflections."""
    content = (
        f"<@{session.mentee_id}> <@{session.mentor_id}>: this is the private thread for your "
        f"session {session.seq}."
    )
    embed = discord.Embed(
        title=f"Session {session.seq} · {rules.short_date(session.on)}",
        description=(
            "Take a few minutes to reflect while it is fresh. Each of you writes your own "
            "reflection: it is **private** unless you choose to share it with your partner, "
            "and only shared reflections appear in this thread. Directors never see "
            "reflections or the topic; they see only that you met, when and for how long."
        ),
        colour=COLOUR,
    )
    add_field(embed, "Date", session_day(session.on), inline=True)
    add_field(embed, "Length", length(session.minutes), inline=True)
    if session.topic:
        add_field(embed, "Topic", session.topic, inline=True)
    return content, embed, reflect_view(session.id)


def reflect_view(session_id: int, label: str = WRITE_LABEL) -> discord.ui.View:
    view = MessageLayout()
    view.add_item(
        discord.ui.Button(
            label=label,
            emoji="✍️",
            style=discord.ButtonStyle.primary,
            custom_id=_ids.reflect(session_id),
        )
    )
    return view


def _answer_shown(field_id: str, value: str) -> str:
    if field_id == "by_when":
        try:
            return show_date(date.fromisoformat(value))
        except ValueError:
            return value
    return value


def shared_reflection(
    session: Session, reflection: Reflection
) -> tuple[discord.Embed, discord.ui.View]:
    """A shared reflection as posted in the thread; the partner may mark it read."""
    author = reflection.author_id
    partner = session.partner_of(author)
    embed = discord.Embed(
        title=f"{_ROLE_WORD[reflection.role]}'s reflection · session {session.seq}",
        description=f"Written by <@{author}>, shared with <@{partner}>.",
        colour=COLOUR_OK if reflection.partner_read_at else COLOUR,
    )
    for field in rules.form_for(reflection.role).fields:
        value = reflection.answers.get(field.id)
        if value:
            add_field(embed, field.label, _answer_shown(field.id, value), reserve=80)
    notes = []
    if reflection.edited_at is not None:
        notes.append("edited")
    notes.append("✓ read by their partner" if reflection.partner_read_at else "not read yet")
    embed.set_footer(text=" · ".join(notes))
    view = MessageLayout()
    if reflection.partner_read_at is None:
        view.add_item(
            discord.ui.Button(
                label="Mark as read",
                emoji="👀",
                style=discord.ButtonStyle.secondary,
                custom_id=_ids.read(session.id, author),
            )
        )
    return embed, view


def reflection_status(
    session: Session, reflection: Reflection, *, notice: str | None = None
) -> tuple[str, discord.ui.View]:
    """What the author sees, privately, after writing or changing their reflection."""
    lines = [notice] if notice else []
    where = thread_link(session) or "your session thread (once it is made)"
    if not reflection.shared:
        lines.append(
            f"🔒 Your reflection on session {session.seq} is saved. Only you can read it; "
            "directors never see reflections."
        )
    elif reflection.posted_message_id is None and not session.thread_ready:
        lines.append(
            f"🤝 Your reflection on session {session.seq} is saved and shared: it will appear "
            "in your session thread as soon as the thread is made."
        )
    elif reflection.posted_message_id is None:
        lines.append(
            f"🤝 Your reflection on session {session.seq} is saved and shared, but Discord "
            f"didn't let me post it in {where} just now. Press **Post it in the thread** to "
            "try again."
        )
    else:
        lines.append(f"🤝 Your reflection is shared in {where}: your partner can read it there.")
        lines.append(
            "You can make it private again until they have read it."
            if reflection.can_make_private
            else "Your partner has read it, so it stays shared. You can still edit it."
        )
    view = MessageLayout()
    view.add_item(
        discord.ui.Button(
            label="Edit my reflection",
            emoji="✏️",
            style=discord.ButtonStyle.secondary,
            custom_id=_ids.reflect(session.id),
        )
    )
    if not reflection.shared or (reflection.posted_message_id is None and session.thread_ready):
        view.add_item(
            discord.ui.Button(
                label="Share with my partner" if not reflection.shared else "Post it in the thread",
                emoji="🤝",
                style=discord.ButtonStyle.primary,
                custom_id=_ids.share(session.id),
            )
        )
    if reflection.can_make_private:
        view.add_item(
            discord.ui.Button(
                label="Make it private",
                emoji="🔒",
                style=discord.ButtonStyle.secondary,
                custom_id=_ids.make_private(session.id),
            )
        )
    if reflection.role == "mentee" and reflection.answers.get("next_step"):
        view.add_item(
            discord.ui.Button(
                label="Make my next step a goal",
                emoji="🎯",
                style=discord.ButtonStyle.success,
                custom_id=_ids.goal(session.id),
            )
        )
    return "\n".join(lines), view


def refused_reflection(message: str, answers: dict[str, str]) -> discord.Embed:
    """A refused reflection, given back to its author so nothing they wrote is lost."""
    embed = discord.Embed(
        title="Your reflection was not saved",
        description=clip(
            f"{message}\n\nHere is what you wrote, to copy into the form again.",
            DESCRIPTION_LIMIT,
        ),
        colour=COLOUR_WARNING,
    )
    for key, value in answers.items():
        if value.strip():
            add_field(embed, key.replace("_", " ").capitalize(), value)
    return embed


def goal_made(made: GoalFromStep) -> str:
    goal = made.goal
    target = f" (target {show_date(goal.target_date)})" if goal.target_date else ""
    if not made.created:
        return f"🎯 Your next step is already your goal “{clip(goal.title, 300)}”{target}."
    text = (
        f"🎯 Added your goal “{clip(goal.title, 300)}”{target}. It is in `/goal list` and "
        "your next check-in."
    )
    if not made.target_kept:
        text += " The date under “By when?” has passed, so set a new one with `/goal edit`."
    return text


# --------------------------------------------------------------------------- fit


def fit_question(
    question: FitQuestion, guild_name: str, *, answered: FitAnswer | None = None
) -> tuple[discord.Embed, discord.ui.View]:
    """The mentee's private question after their first session, in its current state."""
    answer = answered or question.answer
    mentor = f"<@{question.mentor_id}>"
    if question.rematch_asked:
        description = (
            "You've asked for a re-match. A programme director will be in touch about a new "
            f"mentor; they see only that you asked, not why. {mentor} hasn't been told."
        )
    elif answer == "not_good":
        description = (
            "Thank you for telling me: matches don't always work out, and that's nobody's "
            "fault. Would you like a new mentor? **Ask for a re-match** lets a programme "
            f"director know (they see only that you asked, never a reason). {mentor} is not "
            "told your answer."
        )
    elif answer is not None:
        description = (
            f"Thank you! Your answer: **{FIT_LABELS[answer]}**. You can change it here at any "
            f"time. {mentor} is never told."
        )
    else:
        description = (
            f"You've had your first session with {mentor}. How does the match feel so far? "
            f"Only you see your answer: {mentor} is never told, and directors only learn it "
            "if you ask for a re-match."
        )
    embed = discord.Embed(
        title=clip(f"How is it going with your mentor? · {guild_name}", 256),
        description=description,
        colour=COLOUR,
    )
    view = MessageLayout()
    if question.rematch_asked:
        return embed, view
    for choice, label in FIT_LABELS.items():
        view.add_item(
            discord.ui.Button(
                label=f"✓ {label}" if choice == answer else label,
                style=_FIT_STYLES[choice],
                custom_id=_ids.fit(question.match_id, choice),
            )
        )
    if answer == "not_good":
        view.add_item(
            discord.ui.Button(
                label="Ask for a re-match",
                emoji="🔁",
                style=discord.ButtonStyle.primary,
                custom_id=_ids.rematch(question.match_id),
            )
        )
    return embed, view


FIT_ENDED = "This match has ended, so there is nothing to answer. Thank you all the same!"


# --------------------------------------------------------------------------- reminders


def reminder(plan: ReminderPlan, *, in_thread: bool) -> tuple[str, discord.ui.View]:
    session = plan.session
    partner = session.partner_of(plan.member_id)
    if in_thread:
        text = (
            f"<@{plan.member_id}>, a gentle nudge: you haven't written your reflection on "
            f"session {session.seq} yet. A few lines are enough, and they stay private "
            "unless you share them."
        )
    else:
        text = (
            f"A gentle nudge: you haven't written your reflection on session {session.seq} "
            f"with <@{partner}> ({show_date(session.on)}) yet. A few lines are enough, and "
            "they stay private unless you share them."
        )
    return text, reflect_view(session.id)


# --------------------------------------------------------------------------- list


def session_list(
    items: list[SessionListItem], total: int, page: int, guild_name: str
) -> tuple[discord.Embed, discord.ui.View]:
    embed = discord.Embed(title=clip(f"Your sessions · {guild_name}", 256), colour=COLOUR)
    view = MessageLayout()
    if total == 0:
        embed.description = (
            "You haven't logged a session yet. After you meet your mentor or mentee, run "
            "`/session log`."
        )
        return embed, view
    mine = {"none": "not written yet", "private": "private", "shared": "shared"}
    lines = []
    for item in items:
        s = item.session
        head = (
            f"**Session {s.seq}** with <@{item.partner_id}> · {session_day(s.on)} · "
            f"{length(s.minutes)}"
        )
        if s.topic:
            head += f" · {s.topic}"
        where = thread_link(s) or "thread not made yet"
        lines.append(f"{head}\n{where} · your reflection: {mine[item.my_reflection]}")
    embed.description = clip("\n\n".join(lines), DESCRIPTION_LIMIT)
    pages = max(1, -(-total // PAGE_SIZE))
    embed.set_footer(
        text=f"{total} session(s) · page {page + 1} of {pages} · only you see this list"
    )
    if pages > 1:
        view.add_item(
            discord.ui.Button(
                label="Newer",
                emoji="◀️",
                custom_id=_ids.page(max(page - 1, 0)),
                disabled=page == 0,
            )
        )
        view.add_item(
            discord.ui.Button(
                label="Older",
                emoji="▶️",
                custom_id=_ids.page(min(page + 1, pages - 1)),
                disabled=page >= pages - 1,
            )
        )
    return embed, view


# --------------------------------------------------------------------------- directors


def problem_line(session: Session, problem: ThreadProblem) -> str:
    return (
        f"⚠️ Session {session.seq} of <@{session.mentee_id}> and <@{session.mentor_id}> is "
        f"logged, but its private thread couldn't be made. {rules.THREAD_PROBLEM_FIX[problem]} "
        "It will be made once that's fixed."
    )


def threads_made_line(count: int) -> str:
    return f"🧵 {count} session thread(s) that were waiting for a fix are made now."


def rematch_line(request: RematchRequest) -> str:
    return (
        f"🔁 Re-match asked: <@{request.mentee_id}> (mentee) would like a new mentor instead of "
        f"<@{request.mentor_id}>. No reason is recorded; their mentor hasn't been told."
    )
