"""`python -m bot.i18n update`: bring the catalogues in step with the code (see
`bot.i18n.catalogue`); `python -m bot.i18n check`: list what is missing or wrong."""

from __future__ import annotations

import sys

from bot.i18n import catalogue


def main(argv: list[str]) -> int:
    command = argv[0] if argv else "check"
    if command == "update":
        missing = catalogue.update()
        for lang, count in missing.items():
            print(f"{lang}: {count} entries to translate")
        return 0
    if command == "check":
        found = catalogue.problems()
        for line in found:
            print(line)
        print(f"{len(found)} problems" if found else "The catalogues match the code.")
        return 1 if found else 0
    print("usage: python -m bot.i18n [update|check]", file=sys.stderr)
    return 2


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
