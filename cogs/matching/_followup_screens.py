"""What "Have you met yet?" looks like: the question (by DM, or in the pair's thread when
DMs are closed), its answer buttons, and what a member who answered is told. Built in the
language of the member it is for."""

from __future__ import annotations

import discord

from bot.i18n import N_, Text, _, n_
from bot.services.matching import FollowupAnswer, FollowupPrompt, FollowupResult, Settled
from bot.ui.components import MessageLayout
from bot.ui.embeds import COLOUR
from cogs.matching import _ids

FOLLOWUP_TITLE = N_("Have you met yet?")


def followup_embed(guild: discord.Guild, prompt: FollowupPrompt) -> discord.Embed:
    partner = f"<@{prompt.partner_id}>"
    if prompt.role == "mentee":
        opening = (
            _("Checking in again")
            if prompt.round > 1
            else _("A little while ago you met your mentor")
        )
        text = _(
            "{opening}: have you and {partner} (your mentor in **{server}**) had your first "
            "meeting yet?",
            opening=opening,
            partner=partner,
            server=guild.name,
        )
    else:
        opening = (
            _("Checking in again")
            if prompt.round > 1
            else _("A little while ago you met your mentee")
        )
        text = _(
            "{opening}: have you and {partner} (your mentee in **{server}**) had your first "
            "meeting yet?",
            opening=opening,
            partner=partner,
            server=guild.name,
        )
    return discord.Embed(title=str(FOLLOWUP_TITLE), description=text, colour=COLOUR)


def followup_view(prompt: FollowupPrompt) -> discord.ui.View:
    view = MessageLayout()
    choices: tuple[tuple[str, _ids.Answer, discord.ButtonStyle], ...] = (
        (_("Yes"), "yes", discord.ButtonStyle.success),
        (_("Not yet"), "not_yet", discord.ButtonStyle.secondary),
        (_("Need help"), "need_help", discord.ButtonStyle.danger),
    )
    for label, answer, style in choices:
        view.add_item(
            discord.ui.Button(
                label=label,
                style=style,
                custom_id=_ids.followup(prompt.match_id, prompt.round, answer),
            )
        )
    return view


def followup_in_thread(prompt: FollowupPrompt) -> str:
    return _(
        "{member}, I couldn't reach you by DM, so I'm asking here: have you and {partner} had "
        "your first meeting yet?",
        member=f"<@{prompt.member_id}>",
        partner=f"<@{prompt.partner_id}>",
    )


FOLLOWUP_THANKS: dict[str, Text] = {
    "yes": N_("Wonderful, thank you! Enjoy your mentoring sessions."),
    "not_yet_flagged": N_(
        "Thanks for letting me know. A programme director will be in touch to help you get started."
    ),
    "need_help": N_(
        "Thanks for telling me. A programme director has been asked to help and will be in touch."
    ),
}

# A "Not yet" from a pair that is asked no more, by what settled it and whether the
# partner's own answer did.
FOLLOWUP_SETTLED: dict[tuple[Settled, bool], Text] = {
    ("met", True): N_(
        "Thanks for letting me know. Your partner already told me you two have met, so I "
        "won't ask again. Enjoy your mentoring sessions!"
    ),
    ("met", False): N_(
        "Thanks for letting me know. I already have it on record that you two have met, so "
        "I won't ask again."
    ),
    ("need_help", True): N_(
        "Thanks for letting me know. Your partner asked for help getting started: a programme "
        "director has been told and will be in touch with you both."
    ),
    ("need_help", False): N_(
        "Thanks for letting me know. A programme director has already been asked to help and "
        "will be in touch."
    ),
    ("not_met", False): N_(
        "Thanks for letting me know. A programme director already knows you haven't met yet "
        "and will be in touch to help you get started."
    ),
}


def followup_reply(result: FollowupResult, answer: FollowupAnswer, days: int) -> str:
    """What a member who answered "Have you met yet?" is told: only what is true."""
    if result.outcome == "match_ended":
        return _("This match has ended, so there's nothing to answer. Thank you all the same!")
    if result.outcome == "already_answered":
        return _("You've already answered this one. Thank you!")
    if answer != "not_yet":
        return str(FOLLOWUP_THANKS[answer])
    if result.newly_flagged == "not_met":
        return str(FOLLOWUP_THANKS["not_yet_flagged"])
    if result.next_round_due is not None:
        return n_(
            "Thanks for letting me know. I'll check in again in {count} day.",
            "Thanks for letting me know. I'll check in again in {count} days.",
            days,
        )
    settled = result.settled or "not_met"
    return str(FOLLOWUP_SETTLED[(settled, result.settled_by_partner and settled != "not_met")])
