"""The SEC facts cache read by the commands that print the tables' figures (``financials``,
``valuation --offline``): no network. Apart from :mod:`neotui.cli.facts` so the book's commands
can read it without importing the facts command (which imports them)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from neotui.cli.context import say_cache

if TYPE_CHECKING:
    from neotui.data.sec.facts import CompanyFacts


def cached_facts(symbols: list[str]) -> dict[str, CompanyFacts]:
    """The cached SEC facts of ``symbols`` (an unreadable cache gives none)."""
    from neotui.data.sec.facts_feed import FactsFeed, FactsStore
    from neotui.settings import user_cache_dir

    store = FactsStore(user_cache_dir() / "facts.db")
    try:
        states = FactsFeed(symbols, None, store).load_cached()
    finally:
        say_cache(store)
        store.close()
    return {s: st.facts for s, st in states.items() if st.facts is not None}
