"""A fake Discord (REST v10 + gateway) that the real discord.py client talks to over loopback.

See README.md for how a test uses it.
"""

from . import limits
from .driver import FakeDiscord
from .errors import ApiError
from .fixtures import running
from .interactions import Interaction
from .server import FAKE_TOKEN, RequestRecord
from .standard import BOT_PERMISSIONS, standard_world
from .world import (
    Application,
    Attachment,
    Channel,
    ChannelType,
    Guild,
    Member,
    Message,
    MessageFlags,
    Overwrite,
    P,
    Role,
    Thread,
    User,
    World,
)

__all__ = [
    "BOT_PERMISSIONS",
    "FAKE_TOKEN",
    "ApiError",
    "Application",
    "Attachment",
    "Channel",
    "ChannelType",
    "FakeDiscord",
    "Guild",
    "Interaction",
    "Member",
    "Message",
    "MessageFlags",
    "Overwrite",
    "P",
    "RequestRecord",
    "Role",
    "Thread",
    "User",
    "World",
    "limits",
    "running",
    "standard_world",
]
