"""What session messages look like: the thread's prompt, a shared reflection, the author's
private confirmation, reminders, `/session list` and the director-log lines (the forms are
in `_forms`, the fit question in `_fit_screens`).

Topics and reflections are members' words. They appear only in embeds and modals for the
people they were written for (embeds never ping), and every message is sent with mentions
disabled unless it pings exactly the members it is for. Director-log lines carry mentions,
numbers and fixed text only.

Texts are built in the current language (the member's, or the server's for the director
log); what is posted in the session thread is built for the pair (`bot.ui.bilingual`).
"""

from __future__ import annotations

from datetime import date

import discord

from bot.domain import sessions as rules
from bot.domain.sessions import ThreadProblem
from bot.domain.wallclock import show_date
from bot.i18n import N_, Nn_, Text, _, n_
from bot.services.sessions import (
    GoalFromStep,
    Reflection,
    ReminderPlan,
    Session,
    SessionListItem,
)
from bot.ui import bilingual
from bot.ui.components import MessageLayout
from bot.ui.embeds import COLOUR, COLOUR_OK, COLOUR_WARNING, DESCRIPTION_LIMIT, add_field, clip
from cogs.sessions import _ids

PAGE_SIZE = 10

WRITE_LABEL = N_("Write my reflection")
TRY_AGAIN = N_("Try again")


def _reflection_title(role: str, number: int) -> str:
    if role == "mentee":
        return _("Mentee's reflection · session {number}", number=number)
    return _("Mentor's reflection · session {number}", number=number)


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
    """A session's date as the member gave it, in the reader's language. A calendar day,
    not an instant: a Discord timestamp would move it to the next or previous day for
    readers far from UTC."""
    return show_date(on)


def length(minutes: int) -> str:
    hours, rest = divmod(minutes, 60)
    if not hours:
        return _("{minutes} min", minutes=minutes)
    if rest:
        return _("{hours} h {minutes} min", hours=hours, minutes=f"{rest:02d}")
    return _("{hours} h", hours=hours)


def thread_link(session: Session) -> str:
    return f"<#{session.thread_id}>" if session.thread_ready and session.thread_id else ""


# --------------------------------------------------------------------------- logging


def logged(session: Session, actor_id: int) -> str:
    partner = session.partner_of(actor_id)
    return _(
        "📝 Logged **session {number}** with {partner}: {day}, {length}.",
        number=session.seq,
        partner=f"<@{partner}>",
        day=show_date(session.on),
        length=length(session.minutes),
    )


def thread_ready(session: Session) -> str:
    return _(
        "Your private thread is {thread}: only the two of you (and I) are in it. Press "
        "**{button}** there. What you write stays private unless you choose to share it with "
        "your partner; directors never see reflections.",
        thread=thread_link(session),
        button=WRITE_LABEL,
    )


def thread_missing(problem: ThreadProblem | None) -> str:
    if problem is None:
        return _(
            "Discord couldn't make its private thread just now. The session is saved: I'll "
            "make the thread the next time you use `/session`."
        )
    return _(
        "I couldn't open its private thread: {fix} The session is saved, and its thread will "
        "be made once that's fixed; the programme directors have been told.",
        fix=rules.THREAD_PROBLEM_FIX[problem],
    )


# --------------------------------------------------------------------------- the thread


def thread_prompt(
    session: Session, langs: bilingual.Languages
) -> tuple[str, list[discord.Embed], discord.ui.View]:
    """The first message in a session thread: it pings the pair and asks for reflections,
    in the pair's language (one embed for each when they read different ones)."""
    content = bilingual.blocks(
        langs,
        lambda: _(
            "{mentee} {mentor}: this is the private thread for your session {number}.",
            mentee=f"<@{session.mentee_id}>",
            mentor=f"<@{session.mentor_id}>",
            number=session.seq,
        ),
    )
    embeds = bilingual.each(langs, lambda: _prompt_embed(session))
    return content, embeds, reflect_view(session.id, WRITE_LABEL, langs)


def _prompt_embed(session: Session) -> discord.Embed:
    embed = discord.Embed(
        title=_("Session {number} · {day}", number=session.seq, day=rules.short_date(session.on)),
        description=_(
            "Take a few minutes to reflect while it is fresh. Each of you writes your own "
            "reflection: it is **private** unless you choose to share it with your partner, "
            "and only shared reflections appear in this thread. Directors never see "
            "reflections or the topic; they see only that you met, when and for how long."
        ),
        colour=COLOUR,
    )
    add_field(embed, _("Date"), session_day(session.on), inline=True)
    add_field(embed, _("Length"), length(session.minutes), inline=True)
    if session.topic:
        add_field(embed, _("Topic"), session.topic, inline=True)
    return embed


def reflect_view(
    session_id: int, label: Text = WRITE_LABEL, langs: bilingual.Languages | None = None
) -> discord.ui.View:
    """The Write my reflection button: in the current language, or the pair's when it is
    posted in their thread."""
    view = MessageLayout()
    shown = str(label) if langs is None else bilingual.joined(langs, label.__str__, limit=80)
    view.add_item(
        discord.ui.Button(
            label=shown,
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
    session: Session, reflection: Reflection, langs: bilingual.Languages
) -> tuple[discord.Embed, discord.ui.View]:
    """A shared reflection as posted in the thread, its words once and its headings in the
    pair's language(s); the partner may mark it read."""
    author = reflection.author_id
    partner = session.partner_of(author)
    embed = discord.Embed(
        title=bilingual.joined(
            langs, lambda: _reflection_title(reflection.role, session.seq), limit=256
        ),
        description=bilingual.blocks(
            langs,
            lambda: _(
                "Written by {author}, shared with {partner}.",
                author=f"<@{author}>",
                partner=f"<@{partner}>",
            ),
            limit=400,
        ),
        colour=COLOUR_OK if reflection.partner_read_at else COLOUR,
    )
    for field in rules.form_for(reflection.role).fields:
        value = reflection.answers.get(field.id)
        if value:
            name = bilingual.joined(langs, field.label.__str__, limit=256)
            add_field(embed, name, _answer_shown(field.id, value), reserve=160)

    def notes() -> str:
        parts = []
        if reflection.edited_at is not None:
            parts.append(_("edited"))
        parts.append(
            _("✓ read by their partner") if reflection.partner_read_at else _("not read yet")
        )
        return " · ".join(parts)

    embed.set_footer(text=bilingual.joined(langs, notes, limit=160))
    view = MessageLayout()
    if reflection.partner_read_at is None:
        view.add_item(
            discord.ui.Button(
                label=bilingual.joined(langs, lambda: _("Mark as read"), limit=80),
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
    where = thread_link(session) or _("your session thread (once it is made)")
    if not reflection.shared:
        lines.append(
            _(
                "🔒 Your reflection on session {number} is saved. Only you can read it; "
                "directors never see reflections.",
                number=session.seq,
            )
        )
    elif reflection.posted_message_id is None and not session.thread_ready:
        lines.append(
            _(
                "🤝 Your reflection on session {number} is saved and shared: it will appear in "
                "your session thread as soon as the thread is made.",
                number=session.seq,
            )
        )
    elif reflection.posted_message_id is None:
        lines.append(
            _(
                "🤝 Your reflection on session {number} is saved and shared, but Discord "
                "didn't let me post it in {thread} just now. Press **Post it in the thread** "
                "to try again.",
                number=session.seq,
                thread=where,
            )
        )
    else:
        lines.append(
            _(
                "🤝 Your reflection is shared in {thread}: your partner can read it there.",
                thread=where,
            )
        )
        lines.append(
            _("You can make it private again until they have read it.")
            if reflection.can_make_private
            else _("Your partner has read it, so it stays shared. You can still edit it.")
        )
    view = MessageLayout()
    view.add_item(
        discord.ui.Button(
            label=_("Edit my reflection"),
            emoji="✏️",
            style=discord.ButtonStyle.secondary,
            custom_id=_ids.reflect(session.id),
        )
    )
    if not reflection.shared or (reflection.posted_message_id is None and session.thread_ready):
        view.add_item(
            discord.ui.Button(
                label=_("Share with my partner")
                if not reflection.shared
                else _("Post it in the thread"),
                emoji="🤝",
                style=discord.ButtonStyle.primary,
                custom_id=_ids.share(session.id),
            )
        )
    if reflection.can_make_private:
        view.add_item(
            discord.ui.Button(
                label=_("Make it private"),
                emoji="🔒",
                style=discord.ButtonStyle.secondary,
                custom_id=_ids.make_private(session.id),
            )
        )
    if reflection.role == "mentee" and reflection.answers.get("next_step"):
        view.add_item(
            discord.ui.Button(
                label=_("Make my next step a goal"),
                emoji="🎯",
                style=discord.ButtonStyle.success,
                custom_id=_ids.goal(session.id),
            )
        )
    return "\n".join(lines), view


def refused_reflection(message: str, answers: dict[str, str]) -> discord.Embed:
    """A refused reflection, given back to its author so nothing they wrote is lost."""
    embed = discord.Embed(
        title=_("Your reflection was not saved"),
        description=clip(
            message + "\n\n" + _("Here is what you wrote, to copy into the form again."),
            DESCRIPTION_LIMIT,
        ),
        colour=COLOUR_WARNING,
    )
    labels = {f.id: f.label for form in (rules.MENTEE_FORM, rules.MENTOR_FORM) for f in form.fields}
    for key, value in answers.items():
        if value.strip():
            label = labels.get(key)
            add_field(embed, str(label) if label else key.replace("_", " ").capitalize(), value)
    return embed


def goal_made(made: GoalFromStep) -> str:
    goal = made.goal
    title = clip(goal.title, 300)
    if not made.created:
        if goal.target_date:
            return _(
                "🎯 Your next step is already your goal “{goal}” (target {day}).",
                goal=title,
                day=show_date(goal.target_date),
            )
        return _("🎯 Your next step is already your goal “{goal}”.", goal=title)
    if goal.target_date:
        text = _(
            "🎯 Added your goal “{goal}” (target {day}). It is in `/goal list` and your next "
            "check-in.",
            goal=title,
            day=show_date(goal.target_date),
        )
    else:
        text = _(
            "🎯 Added your goal “{goal}”. It is in `/goal list` and your next check-in.",
            goal=title,
        )
    if not made.target_kept:
        text += " " + _("The date under “By when?” has passed, so set a new one with `/goal edit`.")
    return text


# --------------------------------------------------------------------------- reminders


def reminder(plan: ReminderPlan, *, in_thread: bool) -> tuple[str, discord.ui.View]:
    session = plan.session
    partner = session.partner_of(plan.member_id)
    if in_thread:
        text = _(
            "{member}, a gentle nudge: you haven't written your reflection on session {number} "
            "yet. A few lines are enough, and they stay private unless you share them.",
            member=f"<@{plan.member_id}>",
            number=session.seq,
        )
    else:
        text = _(
            "A gentle nudge: you haven't written your reflection on session {number} with "
            "{partner} ({day}) yet. A few lines are enough, and they stay private unless you "
            "share them.",
            number=session.seq,
            partner=f"<@{partner}>",
            day=show_date(session.on),
        )
    return text, reflect_view(session.id)


# --------------------------------------------------------------------------- list


def session_list(
    items: list[SessionListItem], total: int, page: int, guild_name: str
) -> tuple[discord.Embed, discord.ui.View]:
    embed = discord.Embed(
        title=clip(_("Your sessions · {server}", server=guild_name), 256), colour=COLOUR
    )
    view = MessageLayout()
    if total == 0:
        embed.description = _(
            "You haven't logged a session yet. After you meet your mentor or mentee, run "
            "`/session log`."
        )
        return embed, view
    mine = {"none": _("not written yet"), "private": _("private"), "shared": _("shared")}
    lines = []
    for item in items:
        s = item.session
        head = _(
            "**Session {number}** with {partner} · {day} · {length}",
            number=s.seq,
            partner=f"<@{item.partner_id}>",
            day=session_day(s.on),
            length=length(s.minutes),
        )
        if s.topic:
            head += f" · {s.topic}"
        where = thread_link(s) or _("thread not made yet")
        mine_now = _("your reflection: {state}", state=mine[item.my_reflection])
        lines.append(f"{head}\n{where} · {mine_now}")
    embed.description = clip("\n\n".join(lines), DESCRIPTION_LIMIT)
    pages = max(1, -(-total // PAGE_SIZE))
    embed.set_footer(
        text=n_(
            "{count} session · page {page} of {pages} · only you see this list",
            "{count} sessions · page {page} of {pages} · only you see this list",
            total,
            page=page + 1,
            pages=pages,
        )
    )
    if pages > 1:
        view.add_item(
            discord.ui.Button(
                label=_("Newer"),
                emoji="◀️",
                custom_id=_ids.page(max(page - 1, 0)),
                disabled=page == 0,
            )
        )
        view.add_item(
            discord.ui.Button(
                label=_("Older"),
                emoji="▶️",
                custom_id=_ids.page(min(page + 1, pages - 1)),
                disabled=page >= pages - 1,
            )
        )
    return embed, view


# --------------------------------------------------------------------------- directors


def problem_line(session: Session, problem: ThreadProblem) -> Text:
    return N_(
        "⚠️ Session {number} of {mentee} and {mentor} is logged, but its private thread "
        "couldn't be made. {fix} It will be made once that's fixed.",
        number=session.seq,
        mentee=f"<@{session.mentee_id}>",
        mentor=f"<@{session.mentor_id}>",
        fix=rules.THREAD_PROBLEM_FIX[problem],
    )


def threads_made_line(count: int) -> Text:
    return Nn_(
        "🧵 {count} session thread that was waiting for a fix is made now.",
        "🧵 {count} session threads that were waiting for a fix are made now.",
        count,
    )
