"""One extension per flow; each module or package directly here is loaded at start-up.

A flow package is split the same way everywhere, so each part of a button has one home:

* `_ids.py` — the custom-id templates (`mb:<flow>:…`) and the functions that build ids.
  A sent id never changes, or messages already in members' DMs stop working.
* `_screens.py` — what a message, embed or modal looks like.
* `_components.py` — the persistent items, a few lines each on `bot.ui.persistent`
  (`PersistentButton`, `PersistentSelect`, `PersistentModal`); `ALL` lists them.
* `_flow.py` — what a click does: check, one service call, render.
* `__init__.py` — the Cog: slash commands and listeners. `cog_load` registers the items
  (`bot.persistent.add(*_components.ALL)`) and the flow's timer, if any
  (`bot.timers.add(name, run_due, on_start=...)`); `cog_unload` removes both.

A cog reaches use cases through `bot.services` and members through `bot.delivery`
(`bot.delivery.dms` for every DM), never by looking up another cog.
"""
