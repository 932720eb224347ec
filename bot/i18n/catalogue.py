"""Keeping the catalogues in step with the code: `python -m bot.i18n update` and the checks
the test suite runs.

Messages are found in the source by reading it (`_`, `n_`, `N_`, `Nn_` calls with literal
text), and slash-command texts by walking the cogs' command trees (descriptions, option
descriptions and choice names, which Discord shows through `bot.translator`). Each message
lives in one `.po` file per language, chosen by where it is first used (`AREAS`), so people
working on different parts of the bot edit different files.
"""

from __future__ import annotations

import ast
import importlib
import inspect
import pkgutil
import re
import string
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from babel.messages.catalog import Catalog, Message
from babel.messages.pofile import read_po, write_po

from bot.i18n._core import BABEL_LOCALES, FOLDERS, LANGUAGES, LOCALES, Language

ROOT = Path(__file__).resolve().parents[2]
SOURCES = ("bot", "cogs")

AREAS: tuple[tuple[str, str], ...] = (
    ("cogs/onboarding/", "onboarding"),
    ("bot/services/onboarding", "onboarding"),
    ("bot/services/signup_data", "onboarding"),
    ("bot/services/members", "onboarding"),
    ("bot/domain/questionnaire/", "onboarding"),
    ("cogs/checkins/", "checkins"),
    ("cogs/goals", "checkins"),
    ("bot/services/checkins/", "checkins"),
    ("bot/services/goals", "checkins"),
    ("bot/services/delivery", "checkins"),
    ("bot/domain/schedule", "checkins"),
    ("bot/domain/wallclock", "checkins"),
    ("bot/sender", "checkins"),
    ("cogs/matching/", "pairs"),
    ("bot/services/matching/", "pairs"),
    ("bot/domain/matching/", "pairs"),
    ("cogs/sessions/", "pairs"),
    ("bot/services/sessions/", "pairs"),
    ("bot/domain/sessions", "pairs"),
    ("cogs/cohort/", "directors"),
    ("bot/services/cohort", "directors"),
    ("bot/domain/cohort", "directors"),
    ("bot/reports/", "directors"),
    ("cogs/privacy/", "directors"),
    ("bot/services/privacy", "directors"),
    ("bot/domain/privacy", "directors"),
    ("cogs/backups", "directors"),
    ("bot/services/audit", "directors"),
)
"""Which catalogue file a message first used under a path goes to; anything else: `common`."""
COMMANDS = "commands"
"""The file of slash-command texts."""

_FIXED = datetime(2026, 1, 1, tzinfo=UTC)
"""Catalogue header dates: fixed, so an update changes only the entries."""

_SINGLE = {"_", "N_"}
_PLURAL = {"n_", "Nn_"}


@dataclass(frozen=True)
class Found:
    """One message used in the code: its English text and where it is first used."""

    message: str
    plural: str | None
    where: str  # "path:line"
    area: str


def area_of(path: str) -> str:
    return next((area for prefix, area in AREAS if path.startswith(prefix)), "common")


def placeholders(text: str) -> set[str]:
    """The named `{placeholders}` of a message (format specs and conversions ignored)."""
    names: set[str] = set()
    for _literal, name, _spec, _conv in string.Formatter().parse(text):
        if name is not None:
            names.add(re.split(r"[.\[]", name)[0])
    return names


def _py_files() -> Iterator[Path]:
    for top in SOURCES:
        yield from sorted((ROOT / top).rglob("*.py"))


def _called(node: ast.Call) -> str | None:
    func = node.func
    if isinstance(func, ast.Name):
        return func.id
    if isinstance(func, ast.Attribute):
        return func.attr
    return None


def scan_code() -> tuple[dict[tuple[str, str | None], Found], list[str]]:
    """Every message the code uses, and the calls that break the rules (text that is not a
    literal, or placeholders without values)."""
    found: dict[tuple[str, str | None], Found] = {}
    problems: list[str] = []
    for path in _py_files():
        rel = path.relative_to(ROOT).as_posix()
        if rel.startswith("bot/i18n/"):
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=rel)
        for node in ast.walk(tree):
            if not isinstance(node, ast.Call):
                continue
            name = _called(node)
            if name not in _SINGLE and name not in _PLURAL:
                continue
            wanted = 1 if name in _SINGLE else 2
            where = f"{rel}:{node.lineno}"
            texts = node.args[:wanted]
            if len(texts) < wanted or not all(
                isinstance(t, ast.Constant) and isinstance(t.value, str) for t in texts
            ):
                problems.append(f"{where}: {name}() needs literal text, not an expression")
                continue
            message = str(texts[0].value)  # type: ignore[attr-defined]
            plural = str(texts[1].value) if wanted == 2 else None  # type: ignore[attr-defined]
            given = {k.arg for k in node.keywords if k.arg is not None}
            if any(k.arg is None for k in node.keywords):
                given = placeholders(message) | placeholders(plural or "")
            if wanted == 2:
                given.add("count")
            needed = placeholders(message) | placeholders(plural or "")
            if needed != given:
                problems.append(
                    f"{where}: placeholders {sorted(needed)} but values for {sorted(given)}"
                )
            key = (message, plural)
            if key not in found:
                found[key] = Found(message, plural, where, area_of(rel))
    return found, problems


def _commands_of(command: Any) -> Iterator[str]:
    description = getattr(command, "description", None)
    if isinstance(description, str) and description and description != "…":
        yield description
    for parameter in getattr(command, "parameters", []):
        if parameter.description and parameter.description != "…":
            yield parameter.description
        for choice in parameter.choices or []:
            yield choice.name
    for child in getattr(command, "commands", []):
        yield from _commands_of(child)


def command_texts() -> list[str]:
    """Every description and choice name of the cogs' slash commands, as Discord shows them."""
    from discord.ext import commands

    import cogs

    texts: list[str] = []
    for module_info in pkgutil.walk_packages(cogs.__path__, "cogs."):
        module = importlib.import_module(module_info.name)
        for _name, cls in inspect.getmembers(module, inspect.isclass):
            if issubclass(cls, commands.Cog) and cls.__module__ == module.__name__:
                for command in cls.__cog_app_commands__:
                    texts.extend(_commands_of(command))
    return list(dict.fromkeys(texts))


def _read(lang: Language) -> dict[str, Catalog]:
    folder = LOCALES / FOLDERS[lang]
    catalogs: dict[str, Catalog] = {}
    for path in sorted(folder.glob("*.po")):
        with path.open("rb") as source:
            catalogs[path.stem] = read_po(source, locale=BABEL_LOCALES[lang])
    return catalogs


def _id(key: tuple[str, str | None]) -> str | tuple[str, str]:
    return key[0] if key[1] is None else (key[0], key[1])


def _key(message: Message) -> tuple[str, str | None]:
    if isinstance(message.id, tuple | list):
        return (str(message.id[0]), str(message.id[1]))
    return (str(message.id), None)


def _translated(message: Message) -> list[str]:
    strings = message.string
    if isinstance(strings, tuple | list):
        return [str(s) for s in strings]
    return [str(strings or "")]


def wanted() -> dict[tuple[str, str | None], str]:
    """Every message the catalogues must hold, with the file it belongs in."""
    found, _problems = scan_code()
    keys = {key: f.area for key, f in found.items()}
    for text in command_texts():
        keys.setdefault((text, None), COMMANDS)
    return keys


def update() -> dict[Language, int]:
    """Add what the code uses and drop what it no longer uses, in both languages: English
    entries repeat the code's text; new Chinese entries start empty (to be translated).
    Returns how many entries each language still lacks a translation for."""
    keys = wanted()
    missing: dict[Language, int] = {}
    for lang in LANGUAGES:
        catalogs = _read(lang)
        present: dict[tuple[str, str | None], str] = {}
        for area, catalog in catalogs.items():
            for message in list(catalog):
                if not message.id:
                    continue
                key = _key(message)
                if key not in keys or key in present:
                    catalog.delete(message.id)
                else:
                    present[key] = area
        for key, area in keys.items():
            if key in present:
                continue
            catalog = catalogs.setdefault(area, _new_catalog(lang, area))
            if lang == "en":
                string_: str | tuple[str, str] = key[0] if key[1] is None else (key[0], key[1])
            else:
                string_ = "" if key[1] is None else ("",)  # type: ignore[assignment]
            catalog.add(_id(key), string_)
        for area, catalog in catalogs.items():
            catalog.fuzzy = False
            path = LOCALES / FOLDERS[lang] / f"{area}.po"
            with path.open("wb") as out:
                write_po(out, catalog, width=0, omit_header=False, no_location=True)
        missing[lang] = sum(
            1
            for catalog in catalogs.values()
            for message in catalog
            if message.id and not all(_translated(message))
        )
    return missing


def _new_catalog(lang: Language, area: str) -> Catalog:
    return Catalog(
        locale=BABEL_LOCALES[lang],
        project="mentorbot",
        domain=area,
        header_comment=f"# mentorbot: {area} messages ({lang}).",
        creation_date=_FIXED,
        revision_date=_FIXED,
        fuzzy=False,
    )


def problems() -> list[str]:
    """What keeps the catalogues from matching the code; empty when all is well."""
    keys = wanted()
    _found, out = scan_code()
    for lang in LANGUAGES:
        seen: dict[tuple[str, str | None], str] = {}
        for area, catalog in _read(lang).items():
            for message in catalog:
                if not message.id:
                    continue
                key = _key(message)
                where = f"{FOLDERS[lang]}/{area}.po: {key[0]!r}"
                if key in seen:
                    out.append(f"{where}: also in {seen[key]}.po")
                seen[key] = area
                if key not in keys:
                    out.append(f"{where}: no longer used (run `python -m bot.i18n update`)")
                    continue
                strings = _translated(message)
                if not all(strings):
                    out.append(f"{where}: not translated")
                    continue
                expected = placeholders(key[0]) | placeholders(key[1] or "")
                for text in strings:
                    if placeholders(text) != expected:
                        out.append(
                            f"{where}: placeholders {sorted(placeholders(text))}, "
                            f"the English has {sorted(expected)}"
                        )
        for key in keys:
            if key not in seen:
                out.append(
                    f"{FOLDERS[lang]}: {key[0]!r} is missing (run `python -m bot.i18n update`)"
                )
    return out


def all_messages(lang: Language) -> Iterable[tuple[tuple[str, str | None], list[str]]]:
    """Every entry of `lang`'s catalogues: its English key and its translated forms."""
    for catalog in _read(lang).values():
        for message in catalog:
            if message.id:
                yield _key(message), _translated(message)
