"""What each onboarding screen looks like: an embed and its components.

Member-written answers appear in embeds only, and every message is sent with mentions
disabled, so an answer containing `@everyone` is shown as text and pings nobody. Every
screen is written in the current language, questions included (the questionnaire of that
language).
"""

from __future__ import annotations

import discord

from bot.domain import questionnaire as qn
from bot.domain import wallclock
from bot.i18n import _, current_language, number
from bot.services.onboarding import Screen
from bot.ui.components import MessageLayout
from bot.ui.embeds import COLOUR, COLOUR_OK, DESCRIPTION_LIMIT, add_field, clip
from cogs.onboarding import _ids
from cogs.onboarding._ids import Mode

MODAL_TITLE_LIMIT = 45
SELECT_PLACEHOLDER_LIMIT = 150
TEXT_INPUT_LIMIT = 4000
INPUT_LABEL_LIMIT = 45
INPUT_DESCRIPTION_LIMIT = 100
INPUT_PLACEHOLDER_LIMIT = 100


def welcome(q: qn.Questionnaire, guild: discord.Guild) -> tuple[discord.Embed, discord.ui.View]:
    embed = discord.Embed(
        title=clip(q.title, 256),
        description=clip(
            f"{q.welcome}\n\n**{_('Your privacy')}**\n{q.privacy_notice}", DESCRIPTION_LIMIT
        ),
        colour=COLOUR,
    )
    embed.set_footer(text=clip(_footer(guild), 2048))
    view = MessageLayout()
    view.add_item(
        discord.ui.Button(
            label=_("Start"), style=discord.ButtonStyle.primary, custom_id=_ids.start(guild.id)
        )
    )
    return embed, view


def _footer(guild: discord.Guild) -> str:
    return _("Mentoring programme · {server}", server=guild.name)


def step_screen(
    q: qn.Questionnaire,
    guild: discord.Guild,
    step: qn.Step,
    answers: qn.Answers,
    *,
    mode: Mode,
    error: str | None = None,
    intro: str | None = None,
) -> tuple[discord.Embed, discord.ui.View]:
    lead = step.questions[0]
    parts = []
    if intro:
        parts.append(intro)
    if error:
        parts.append(f"⚠️ {error}")
    for question in step.questions:
        text = f"**{question.label}**\n{question.prompt}"
        if question.description:
            text += f"\n*{question.description}*"
        parts.append(text)
    if step.kind is not qn.StepKind.CHOICE:
        parts.append(_("Press **Answer** to write your answer."))
    embed = discord.Embed(
        title=clip(q.title, 256),
        description=clip("\n\n".join(parts), DESCRIPTION_LIMIT),
        colour=COLOUR,
    )
    progress = step.progress if mode == "f" else _("Changing one answer")
    embed.set_footer(text=clip(f"{progress} · {guild.name}", 2048))
    view = MessageLayout()
    if step.kind is qn.StepKind.CHOICE:
        view.add_item(_select(guild.id, mode, lead, answers.get(lead.id)))
        if not lead.required:
            view.add_item(
                discord.ui.Button(
                    label=_("Skip"),
                    style=discord.ButtonStyle.secondary,
                    custom_id=_ids.skip(guild.id, mode, lead.id),
                )
            )
    else:
        view.add_item(
            discord.ui.Button(
                label=_("Answer"),
                style=discord.ButtonStyle.primary,
                custom_id=_ids.write(guild.id, mode, lead.id),
            )
        )
    if mode == "e":
        view.add_item(_back_button(guild.id))
    return embed, view


def _select(
    guild_id: int, mode: Mode, question: qn.Question, current: qn.AnswerValue | None
) -> discord.ui.Select[discord.ui.View]:
    chosen = {current} if isinstance(current, str) else set(current or [])
    if question.id == qn.LANGUAGE_QUESTION and not chosen:
        # Not chosen yet: offer the language this screen is written in (the member's
        # Discord client's), so one click keeps it.
        chosen = {current_language()}
    multi = question.kind is qn.QuestionKind.MULTI_CHOICE
    select: discord.ui.Select[discord.ui.View] = discord.ui.Select(
        custom_id=_ids.pick(guild_id, mode, question.id),
        placeholder=clip(question.placeholder or question.label, SELECT_PLACEHOLDER_LIMIT),
        min_values=max(1, question.min_choices) if multi else 1,
        max_values=question.max_choices if multi else 1,
    )
    for choice in question.choices:
        select.add_option(
            label=choice.label,
            value=choice.value,
            description=choice.description,
            default=choice.value in chosen,
        )
    return select


def _back_button(guild_id: int) -> discord.ui.Button[discord.ui.View]:
    return discord.ui.Button(
        label=_("Back to summary"),
        style=discord.ButtonStyle.secondary,
        custom_id=_ids.summary(guild_id),
    )


def summary_screen(
    q: qn.Questionnaire, guild: discord.Guild, screen: Screen, *, notice: str | None = None
) -> tuple[discord.Embed, discord.ui.View]:
    lines = [_("Here is what you told us. Press **Edit** to change an answer.")]
    if notice:
        lines.insert(0, notice)
    embed = discord.Embed(
        title=clip(_("You're signed up · {server}", server=guild.name), 256),
        description=clip("\n\n".join(lines), DESCRIPTION_LIMIT),
        colour=COLOUR_OK,
    )
    for label, value in screen.summary:
        add_field(embed, label, value)
    view = MessageLayout()
    view.add_item(
        discord.ui.Button(
            label=_("Edit"), style=discord.ButtonStyle.secondary, custom_id=_ids.edit(guild.id)
        )
    )
    return embed, view


def edit_picker(
    q: qn.Questionnaire, guild: discord.Guild, answers: qn.Answers
) -> tuple[discord.Embed, discord.ui.View]:
    embed = discord.Embed(
        title=clip(_("Change an answer · {server}", server=guild.name), 256),
        description=_("Which answer would you like to change?"),
        colour=COLOUR,
    )
    select: discord.ui.Select[discord.ui.View] = discord.ui.Select(
        custom_id=_ids.change(guild.id), placeholder=_("Pick a question")
    )
    for question in qn.applicable(q, answers)[:25]:
        select.add_option(label=clip(question.label, 100), value=question.id)
    view = MessageLayout()
    view.add_item(select)
    view.add_item(_back_button(guild.id))
    return embed, view


class AnswerModal(discord.ui.Modal):
    """The text inputs of one step.

    Submissions are answered by custom id (`_components.AnswerSubmitted`) rather than by
    `on_submit`, so a modal opened just before a restart is still answered afterwards.
    """

    def __init__(self, title: str, custom_id: str) -> None:
        super().__init__(title=clip(title, MODAL_TITLE_LIMIT), custom_id=custom_id, timeout=900)


def answer_modal(
    q: qn.Questionnaire,
    guild_id: int,
    step: qn.Step,
    answers: qn.Answers,
    drafts: dict[str, str],
    *,
    mode: Mode,
) -> AnswerModal:
    modal = AnswerModal(q.title, _ids.modal(guild_id, mode, step.questions[0].id))
    for question in step.questions:
        if step.kind is qn.StepKind.WEEKDAY_TIME:
            _add_weekday_time(modal, question, answers.get(question.id))
            continue
        current = drafts.get(question.id) or answers.get(question.id)
        default = current if isinstance(current, str) and current else None
        text_input: discord.ui.TextInput[discord.ui.Modal]
        if question.kind is qn.QuestionKind.TIMEZONE:
            text_input = discord.ui.TextInput(
                custom_id=question.id,
                placeholder=clip(question.placeholder or _("e.g. Europe/London"), 100),
                default=default,
                max_length=qn.TIMEZONE_INPUT_MAX,
            )
        else:
            # The input allows Discord's maximum so an over-long answer reaches us and gets
            # a clear message (and is kept as a draft) instead of being cut off silently.
            text_input = discord.ui.TextInput(
                custom_id=question.id,
                style=discord.TextStyle.paragraph
                if question.kind is qn.QuestionKind.LONG_TEXT
                else discord.TextStyle.short,
                placeholder=clip(question.placeholder, INPUT_PLACEHOLDER_LIMIT)
                if question.placeholder
                else None,
                default=clip(default, TEXT_INPUT_LIMIT) if default else None,
                required=question.required,
                max_length=TEXT_INPUT_LIMIT,
            )
        modal.add_item(
            discord.ui.Label(
                text=clip(question.label, INPUT_LABEL_LIMIT),
                description=_input_description(question),
                component=text_input,
            )
        )
    return modal


def _input_description(question: qn.Question) -> str | None:
    if question.is_text:
        limit = _("Up to {count} characters.", count=number(question.max_length))
        text = f"{question.description} {limit}" if question.description else limit
        return clip(text, INPUT_DESCRIPTION_LIMIT)
    return clip(question.description, INPUT_DESCRIPTION_LIMIT) if question.description else None


def _add_weekday_time(
    modal: discord.ui.Modal, question: qn.Question, current: qn.AnswerValue | None
) -> None:
    day, at = (None, None)
    if isinstance(current, str) and current:
        day, at = wallclock.split_weekday_time(current)
    modal.add_item(
        discord.ui.Label(
            text=clip(_("{label}: day", label=question.label), INPUT_LABEL_LIMIT),
            description=_("A weekday, e.g. Monday"),
            component=discord.ui.TextInput(
                custom_id=f"{question.id}.day",
                placeholder=wallclock.DAY_NAMES[0],
                default=day,
                max_length=qn.DAY_INPUT_MAX,
            ),
        )
    )
    modal.add_item(
        discord.ui.Label(
            text=clip(_("{label}: time", label=question.label), INPUT_LABEL_LIMIT),
            description=_("Your local time, e.g. 09:00 or 6pm"),
            component=discord.ui.TextInput(
                custom_id=f"{question.id}.time",
                placeholder="09:00",
                default=at,
                max_length=qn.TIME_INPUT_MAX,
            ),
        )
    )


def modal_answers(step: qn.Step, values: dict[str, str]) -> dict[str, object]:
    """Turn submitted input values back into the raw answers `answer_step` expects."""
    raws: dict[str, object] = {}
    for question in step.questions:
        if step.kind is qn.StepKind.WEEKDAY_TIME:
            raws[question.id] = [
                values.get(f"{question.id}.day", ""),
                values.get(f"{question.id}.time", ""),
            ]
        elif question.id in values:
            raws[question.id] = values[question.id]
    return raws


def profile_embed(
    guild: discord.Guild, member: discord.abc.User, rows: tuple[tuple[str, str], ...]
) -> discord.Embed:
    embed = discord.Embed(
        title=clip(_("Profile of {name}", name=member.display_name), 256),
        colour=COLOUR,
    )
    embed.set_footer(text=clip(_footer(guild), 2048))
    for label, value in rows:
        add_field(embed, label, value)
    return embed
