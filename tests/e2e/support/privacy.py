"""Who may read members' words (PRODUCT.md §5), and what each person could actually see.

A test writes members' words through a `Ledger`, which makes each one unique and remembers
its author, server and kind, and which members have been partners. `Ledger.leaks(fake)`
then reads, for every person in the fake Discord, everything their client could show them
(DMs, channels and threads they can open, their own ephemeral answers, modals, attached
files, autocomplete choices) and lists every word someone saw who may not.

One exception is Discord's, not the bot's: anyone with Manage Threads or Administrator (and
a server's owner) can open every private thread. `/setup show` names those roles and warns
that they break a pair's confidentiality; here a private thread counts only for the people
in it.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Literal

from tests.e2e.support.screens import choose, past_language, write
from tests.fakediscord import BOT_PERMISSIONS, FakeDiscord, Guild, Message, P, Thread, User

Kind = Literal[
    "free-text answer",
    "goal",
    "shared note",
    "private note",
    "shared reflection",
    "private reflection",
    "session topic",
]

PARTNER_MAY_READ: dict[Kind, bool] = {
    "free-text answer": True,
    "goal": True,
    "shared note": True,
    "private note": False,
    "shared reflection": True,
    "private reflection": False,
    "session topic": True,
}
"""PRODUCT.md §5: besides its author, only their mentor or mentee may read a member's words,
and only the kinds above; directors and anyone else never."""


@dataclass(frozen=True)
class Words:
    text: str
    kind: Kind
    author: User
    guild: Guild


@dataclass
class Ledger:
    words: list[Words] = field(default_factory=list)
    partners: set[tuple[int, int, int]] = field(default_factory=set)

    def write(self, guild: Guild, author: User, kind: Kind) -> str:
        """A new, unique text for `author` to write in `guild` (its number makes it unique;
        the invented word never appears in anything the bot writes itself)."""
        text = f"{kind.split()[-1]} of {author.name} no {len(self.words) + 1} quillwort"
        self.words.append(Words(text, kind, author, guild))
        return text

    def pair(self, guild: Guild, a: User, b: User) -> None:
        """`a` and `b` are mentor and mentee in `guild` (for the rest of the test)."""
        self.partners |= {(guild.id, a.id, b.id), (guild.id, b.id, a.id)}

    def may_read(self, words: Words, reader: User) -> bool:
        if reader.id == words.author.id:
            return True
        partner = (words.guild.id, words.author.id, reader.id) in self.partners
        return partner and PARTNER_MAY_READ[words.kind]

    def of(self, guild: Guild) -> list[Words]:
        return [w for w in self.words if w.guild.id == guild.id]

    def leaks(self, fake: FakeDiscord) -> list[str]:
        """Every (reader, words) where someone could see words §5 keeps from them."""
        found = []
        for reader in people(fake):
            seen = seen_by(fake, reader)
            for words in self.words:
                if words.text in seen and not self.may_read(words, reader):
                    found.append(
                        f"{reader.name} can see {words.author.name}'s {words.kind} "
                        f"({words.guild.name}): {words.text!r}"
                    )
        return found

    def crossings(self, fake: FakeDiscord) -> list[str]:
        """Messages about one server that carry words written in another."""
        found = []
        for message in fake.world.all_messages():
            if message.deleted:
                continue
            server = server_of(fake, message)
            if server is None:
                continue
            text = "\n".join([message.text, *(a.text for a in message.attachments)])
            for words in self.words:
                if words.guild.id != server and words.text in text:
                    found.append(f"message {message.id} of another server shows {words.text!r}")
        return found


def people(fake: FakeDiscord) -> list[User]:
    world = fake.world
    return [u for u in world.users.values() if not u.bot and u.id != world.app_owner.id]


def seen_by(fake: FakeDiscord, reader: User) -> str:
    """All the text `reader`'s Discord client could show them now."""
    parts: list[str] = []
    for message in fake.readable_by(reader):
        found = fake.world.find_channel(message.channel_id)
        channel = found[0] if found else None
        if isinstance(channel, Thread) and channel.private and reader.id not in channel.member_ids:
            continue  # open to them only as a moderator (see the module's docstring)
        parts.append(message.text)
        parts += [a.text for a in message.attachments]
    for interaction in fake.interactions.values():
        if interaction.user.id != reader.id:
            continue
        if interaction.modal is not None:
            parts.append(json.dumps(interaction.modal, ensure_ascii=False))
        parts += [str(choice.get("name", "")) for choice in interaction.choices]
    return "\n".join(parts)


def server_of(fake: FakeDiscord, message: Message) -> int | None:
    """The server a message is about: where it was posted, or where the command or click it
    answers was made; a DM's attached export names its server. None for any other DM."""
    if message.guild_id is not None:
        return message.guild_id
    interaction = fake.interactions.get(message.interaction_id or 0)
    if interaction is not None and interaction.guild is not None:
        return interaction.guild.id
    for attachment in message.attachments:
        try:
            return int(json.loads(attachment.text)["Server id"])
        except (ValueError, KeyError, TypeError):
            continue
    return None


# ----------------------------------------------------------------------- set-up


def second_server(fake: FakeDiscord, name: str, owner: str, director: str) -> Guild:
    """Another server laid out like the standard one (roles Director, Mentor, Mentee; the
    same channels), with its own owner and director. Build it before the bot connects."""
    world = fake.world
    guild = world.add_guild(name, owner=world.add_user(owner), bot_permissions=BOT_PERMISSIONS)
    bot_role = guild.bot_role()
    assert bot_role is not None
    guild.add_role("Mentee", position=1)
    guild.add_role("Mentor", position=2)
    director_role = guild.add_role("Director", permissions=P.MANAGE_GUILD, position=3)
    bot_role.position = 4
    guild.add_member(world.add_user(director), roles=[director_role])
    for channel in ("general", "introductions", "sessions", "checkins", "director-log"):
        guild.add_text_channel(channel)
    return guild


async def sign_up_on_screens(
    fake: FakeDiscord,
    user: User,
    first: Message,
    *,
    role: Literal["mentee", "mentor"],
    bio: str,
    goals: Sequence[str] = (),
) -> Message:
    """From the language (English) or role question to the summary, as a member types it;
    returns the summary."""
    screen = await choose(fake, user, await past_language(fake, user, first), role)
    screen = await choose(fake, user, screen, "leadership")
    if role == "mentee":
        screen = await write(fake, user, screen, {"goals": "\n".join(goals), "bio": bio})
    else:
        screen = await choose(fake, user, screen, "2")
        screen = await write(fake, user, screen, {"bio": bio})
    screen = await choose(fake, user, screen, "3-5")
    screen = await write(fake, user, screen, {"timezone": "Europe/London"})
    screen = await write(fake, user, screen, {"checkin.day": "Monday", "checkin.time": "9am"})
    return await choose(fake, user, screen, "agree")
