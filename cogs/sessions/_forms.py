"""The session forms (modals): logging a session without its length given, and the
reflection for the member's role with the "who can read it" choice.

Submissions are answered by custom id (`_components.LogSubmitted`,
`_components.ReflectionSubmitted`), so a form opened just before a restart is still saved
afterwards. Each stays inside Discord's limits: five inputs, labels of 45 characters.
"""

from __future__ import annotations

from collections.abc import Mapping

import discord

from bot.domain import sessions as rules
from bot.i18n import _
from bot.services.sessions import Session
from bot.ui.embeds import clip
from cogs.sessions import _ids

LABEL_LIMIT = 45


class LogModal(discord.ui.Modal):
    """`/session log` without a length: the date, the minutes and the topic in one form.

    Answered by custom id (`_components.LogSubmitted`), like every modal of the bot.
    """

    def __init__(self, partner_id: int | None, on: str | None, topic: str | None) -> None:
        super().__init__(
            title=_("Log a session"), custom_id=_ids.log_modal(partner_id), timeout=None
        )
        self.add_item(
            discord.ui.Label(
                text=_("When did you meet?"),
                description=_("e.g. today, yesterday, 12 Jan or 2026-01-12"),
                component=discord.ui.TextInput(
                    custom_id=_ids.DATE_INPUT,
                    default=clip(on, 40) if on else _("today"),  # a word every date field reads
                    max_length=40,
                ),
            )
        )
        self.add_item(
            discord.ui.Label(
                text=_("How long, in minutes?"),
                description=_(
                    "From {least} to {most}.", least=rules.MINUTES_MIN, most=rules.MINUTES_MAX
                ),
                component=discord.ui.TextInput(
                    custom_id=_ids.MINUTES_INPUT,
                    default=str(rules.SUGGESTED_MINUTES),
                    max_length=12,
                ),
            )
        )
        self.add_item(
            discord.ui.Label(
                text=_("Topic (optional)"),
                description=_("A few words; only the two of you see it."),
                component=discord.ui.TextInput(
                    custom_id=_ids.TOPIC_INPUT,
                    default=clip(topic, rules.TOPIC_MAX) if topic else None,
                    required=False,
                    max_length=rules.TOPIC_MAX,
                    placeholder=_("e.g. Career plan"),
                ),
            )
        )
        self.stop()  # a layout only: the listener handles the submission


class ReflectionModal(discord.ui.Modal):
    """The reflection form for the member's role, pre-filled when they edit, and the
    "who can read it" choice (private by default)."""

    def __init__(
        self,
        session: Session,
        form: rules.ReflectionForm,
        answers: Mapping[str, str],
        *,
        shared: bool,
        can_make_private: bool,
    ) -> None:
        super().__init__(
            title=rules.modal_title(session.seq),
            custom_id=_ids.reflection_modal(session.id),
            timeout=None,
        )
        for field in form.fields:
            self.add_item(
                discord.ui.Label(
                    text=clip(str(field.label), LABEL_LIMIT),
                    component=discord.ui.TextInput(
                        custom_id=field.id,
                        style=discord.TextStyle.paragraph
                        if field.paragraph
                        else discord.TextStyle.short,
                        placeholder=clip(str(field.placeholder), rules.PLACEHOLDER_MAX),
                        required=field.required,
                        max_length=field.max_length,
                        default=clip(answers[field.id], field.max_length)
                        if answers.get(field.id)
                        else None,
                    ),
                )
            )
        options = [
            discord.SelectOption(
                label=str(label),
                value=value,
                default=(value == "shared") == shared,
                emoji="🔒" if value == "private" else "🤝",
            )
            for value, label in rules.SHARE_CHOICES
            if value == "shared" or not shared or can_make_private
        ]
        choice: discord.ui.Select[discord.ui.View] = discord.ui.Select(
            custom_id=_ids.SHARE_INPUT, options=options, min_values=1, max_values=1
        )
        self.add_item(
            discord.ui.Label(
                text=str(rules.SHARE_LABEL),
                description=(
                    _("Your partner has read it, so it stays shared.")
                    if shared and not can_make_private
                    else _("Shared reflections appear in your thread. Directors never see them.")
                ),
                component=choice,
            )
        )
        self.stop()
