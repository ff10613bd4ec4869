"""The alert engine: rules against quotes, deals books, filings and headlines, with stored state.

What has fired is stored in ``alerts-state.json`` in neotui's data directory (not the cache: a
cleared cache must not fire every triggered rule again), written atomically. The same file keeps
the last 100 alerts (the alerts list) and the keys of the filings and headlines already seen.
Rules added from the screen go to the app-owned ``alerts.toml`` next to it.
"""

from __future__ import annotations

import json
import threading
from collections import deque
from collections.abc import Callable, Iterable, Mapping, Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from neotui.data.alerts.rules import (
    PRICE_KINDS,
    Alert,
    AlertKind,
    AlertRule,
    Evaluation,
    FilingEvent,
    HeadlineEvent,
    InsiderEvent,
    RuleState,
    RuleStatus,
    evaluate_price,
    parse_alerts,
    words_of,
)
from neotui.data.clean import clean_text
from neotui.data.entries import EntryError
from neotui.data.files import replace_file, update_file
from neotui.data.toml_parse import parse_toml

if TYPE_CHECKING:
    from neotui.data.deals import DealBook
    from neotui.data.market.feed import SymbolState

#: How many fired alerts the list keeps, and how many filing/headline keys are remembered.
HISTORY = 100
SEEN = 2000
STATE_FILE = "alerts-state.json"
RULES_FILE = "alerts.toml"
RULES_HEADER = "# Alerts added from neotui's screen. neotui owns this file; edit with care.\n"


class AlertStore:
    """The stored alert state (JSON). Safe to save from a worker thread."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.warning: str | None = None
        self._lock = threading.Lock()
        self._saved_generation = -1

    def load(self) -> dict[str, Any]:
        """The stored data, or an empty state (with :attr:`warning` set) if unreadable."""
        try:
            data = json.loads(self.path.read_text(encoding="utf-8"))
            if not isinstance(data, dict):
                raise ValueError("not a JSON object")
            return data
        except FileNotFoundError:
            return {}
        except (OSError, ValueError) as exc:
            self.warning = f"alert state {self.path} unreadable ({exc}); starting afresh"
            return {}

    def save(self, data: Mapping[str, Any], generation: int = 0) -> None:
        """Write ``data``; a save older than the last one written is dropped (workers race)."""
        with self._lock:
            if generation < self._saved_generation:
                return
            try:
                text = json.dumps(data, ensure_ascii=False, indent=1, allow_nan=False)
                replace_file(self.path, text)
            except (OSError, ValueError) as exc:
                why = getattr(exc, "strerror", None) or exc
                self.warning = f"cannot save alert state to {self.path}: {why}"
                return
            self._saved_generation = generation
            self.warning = None


class RuleFile:
    """The app-owned ``alerts.toml``: rules added from the screen (never the user's files)."""

    def __init__(self, path: Path) -> None:
        self.path = path

    def load(self) -> tuple[AlertRule, ...]:
        """The rules in the file (none if it does not exist).

        Raises:
            EntryError, TomlSyntaxError, OSError: the file is damaged.
        """
        try:
            text = self.path.read_text(encoding="utf-8")
        except FileNotFoundError:
            return ()
        data = parse_toml(text.removeprefix("\ufeff"))
        unknown = [k for k in data if k != "alert"]
        if unknown:
            only = "unknown table: this file holds [[alert]] tables only"
            raise EntryError("alert", 1, unknown[0], only)
        return parse_alerts(data.get("alert", []))

    def append(self, rule: AlertRule) -> None:
        """Add a rule at the end (read, append, atomic rename, under the writer's lock).

        Raises:
            FileLocked, ValueError, OSError: nothing was written.
        """

        def add(text: str | None) -> str:
            if text is None:
                text = (
                    "# Alerts added from neotui's screen. neotui owns this file; edit with care.\n"
                )
            if text and not text.endswith("\n"):
                text += "\n"
            return f"{text}\n{rule.to_toml()}"

        update_file(self.path, add)


def _state_json(state: RuleState) -> dict[str, Any]:
    at = state.at.isoformat() if state.at else None
    return {"status": str(state.status), "at": at, "value": state.value}


def _utcnow() -> datetime:
    return datetime.now(UTC)


class AlertEngine:
    """Evaluates the rules and remembers what fired. Lives in the event loop's thread; the
    caller saves :meth:`snapshot` (in a worker) when :attr:`dirty`."""

    def __init__(
        self,
        rules: Sequence[AlertRule],
        store: AlertStore | None = None,
        *,
        margin_pct: float = 0.5,
        clock: Callable[[], datetime] = _utcnow,
    ) -> None:
        self.rules: list[AlertRule] = list(rules)
        self.store = store
        self.margin_pct = margin_pct
        self.clock = clock
        data = store.load() if store else {}
        self.states: dict[str, RuleState] = {}
        for rule_id, raw in (data.get("rules") or {}).items():
            try:
                at = datetime.fromisoformat(raw["at"]) if raw.get("at") else None
                self.states[rule_id] = RuleState(RuleStatus(raw["status"]), at, raw.get("value"))
            except (KeyError, ValueError, TypeError, AttributeError):
                continue  # one damaged entry costs that rule its memory, not the others'
        self.history: deque[Alert] = deque(maxlen=HISTORY)
        for raw in data.get("history") or []:
            try:
                self.history.append(Alert.from_json(raw))
            except (KeyError, ValueError, TypeError):
                continue
        self.seen: dict[str, list[str]] = {
            k: [str(x) for x in v][-SEEN:] for k, v in (data.get("seen") or {}).items()
        }
        self._deal_ids: frozenset[str] | None = None
        self._judged: dict[str, SymbolState] = {}  # rule id -> the state it was last judged on
        self.generation = 0
        self.dirty = False

    # --- rules ------------------------------------------------------------------------------

    @property
    def price_rules(self) -> list[AlertRule]:
        """The rules on quotes."""
        return [r for r in self.rules if r.kind in PRICE_KINDS]

    def add_rule(self, rule: AlertRule) -> bool:
        """Add a rule (from the screen); False if one with the same id exists."""
        if any(r.id == rule.id for r in self.rules):
            return False
        self.rules.append(rule)
        return True

    def symbols(self) -> tuple[str, ...]:
        """The symbols the price rules need quotes for."""
        return tuple(dict.fromkeys(r.symbol for r in self.price_rules if r.symbol))

    # --- prices ---------------------------------------------------------------------------------

    def evaluate(self, states: Mapping[str, SymbolState]) -> list[Evaluation]:
        """Every price rule against ``states``, without changing anything (``neotui alerts``)."""
        now = self.clock()
        return [
            evaluate_price(r, self.states.get(r.id), states.get(r.symbol or ""), self.margin_pct,
                           now)
            for r in self.price_rules
        ]  # fmt: skip

    def commit(self, evaluations: Iterable[Evaluation]) -> list[Alert]:
        """Store the evaluations' new states; return (and record) the alerts that fired."""
        fired = []
        for ev in evaluations:
            stored = self.states.get(ev.rule.id)
            new = ev.new_state
            # The value moves at every refresh; only a change of state is worth a write.
            if new is not None and (
                stored is None or (stored.status, stored.at) != (new.status, new.at)
            ):
                self.states[ev.rule.id] = new
                self._touch()
            if ev.fired is not None:
                fired.append(ev.fired)
        self._record(fired)
        return fired

    def on_quotes(self, states: Mapping[str, SymbolState]) -> list[Alert]:
        """A feed update: evaluate and commit; the alerts that fire now.

        The feed replaces a symbol's (frozen) state only when it changes, and publishes several
        times per refresh: a rule whose symbol still has the very state it was last judged on
        would give the same answer, so it is skipped.
        """
        now = self.clock()
        evaluations = []
        for rule in self.price_rules:
            state = states.get(rule.symbol or "")
            if state is not None and self._judged.get(rule.id) is state:
                continue
            evaluations.append(
                evaluate_price(rule, self.states.get(rule.id), state, self.margin_pct, now)
            )
            if state is not None:
                self._judged[rule.id] = state
        return self.commit(evaluations)

    # --- deals, filings, headlines --------------------------------------------------------------

    def on_book(self, book: DealBook) -> list[Alert]:
        """A (re)loaded deals book: each deal id not in the previous book fires ``new_deal``.

        The first book seen only primes the engine: everything in it is "already there".
        """
        ids = frozenset(d.id for d in book.deals)
        previous, self._deal_ids = self._deal_ids, ids
        rules = [r for r in self.rules if r.kind is AlertKind.NEW_DEAL]
        if previous is None or not rules:
            return []
        now = self.clock()
        fired = []
        for deal in book.deals:
            if deal.id in previous:
                continue
            provider = book.providers.get(deal.provider)
            who = provider.name if provider else deal.provider
            value = deal.value_usd
            money = f" ${value / 1e9:,.1f}B" if value else ""
            message = clean_text(f"{who} × {deal.counterparty}{money}: {deal.summary}")
            ticker = provider.ticker if provider else None
            title = f"New deal: {clean_text(who)}"
            fired += [Alert(r.id, r.kind, ticker, title, message, now, value) for r in rules]
        self._record(fired)
        return fired

    def _first_time(self, kind: str, keys: Iterable[str]) -> tuple[set[str], bool]:
        """The keys not seen before, and whether this is the first batch ever (which primes)."""
        priming = kind not in self.seen
        known = set(self.seen.get(kind, ()))
        new = [k for k in dict.fromkeys(keys) if k not in known]
        if new or priming:
            self.seen[kind] = [*self.seen.get(kind, []), *new][-SEEN:]
            self._touch()
        return set(new), priming

    def on_filings(self, events: Sequence[FilingEvent]) -> list[Alert]:
        """New filings: each matching ``filing_items`` rule fires once per filing."""

        def match(rule: AlertRule, event: FilingEvent) -> tuple[str, str] | None:
            hit = [i for i in event.items if i in rule.items]
            if not hit:
                return None
            who = event.symbol or "filing"
            return f"{who}: {event.form} items {', '.join(hit)}", event.title

        return self._on_new("filing", (AlertKind.FILING_ITEMS,), events, match)

    def on_headlines(self, events: Sequence[HeadlineEvent]) -> list[Alert]:
        """New headlines: each ``headline`` rule whose words all appear fires once per headline."""

        def match(rule: AlertRule, event: HeadlineEvent) -> tuple[str, str] | None:
            if not set(rule.words) <= set(words_of(event.title)):
                return None
            return f"Headline: {' '.join(rule.words)}", event.title

        return self._on_new("headline", (AlertKind.HEADLINE,), events, match)

    def on_insiders(self, events: Sequence[InsiderEvent]) -> list[Alert]:
        """New insider filings: ``insider_sale_over`` fires once per filing whose open-market
        sales pass its amount, ``insider_buy`` once per filing with an open-market purchase.
        The first batch only primes (the cache's filings are not news)."""

        def match(rule: AlertRule, event: InsiderEvent) -> tuple[str, str] | None:
            if rule.kind is AlertKind.INSIDER_BUY and event.buys:
                bought = f" ${event.bought:,.0f}" if event.bought else ""
                return f"{event.symbol}: insider buy{bought}", event.title
            threshold = rule.threshold or 0.0
            if rule.kind is AlertKind.INSIDER_SALE_OVER and (event.sold or 0.0) > threshold:
                return f"{event.symbol}: insider sale ${event.sold:,.0f}", event.title
            return None

        kinds = (AlertKind.INSIDER_SALE_OVER, AlertKind.INSIDER_BUY)
        return self._on_new("insider", kinds, events, match)

    def _on_new(
        self,
        kind: str,
        rule_kinds: tuple[AlertKind, ...],
        events: Sequence[Any],
        match: Callable[[AlertRule, Any], tuple[str, str] | None],
    ) -> list[Alert]:
        """Fire ``rule_kinds`` rules (scoped to their symbol, if any) once per event never seen
        before; the first batch a feed ever delivers only primes what has been seen."""
        new, priming = self._first_time(kind, (e.key for e in events))
        if priming:
            return []
        rules = [r for r in self.rules if r.kind in rule_kinds]
        now = self.clock()
        fired = []
        for event in events:
            if event.key not in new:
                continue
            for rule in rules:
                if rule.symbol is not None and rule.symbol != event.symbol:
                    continue
                if (found := match(rule, event)) is not None:
                    title, text = found
                    fired.append(Alert(rule.id, rule.kind, event.symbol, clean_text(title),
                                       clean_text(text), now, url=event.url))  # fmt: skip
        self._record(fired)
        return fired

    # --- state ----------------------------------------------------------------------------------

    def _touch(self) -> None:
        self.generation += 1
        self.dirty = True

    def _record(self, alerts: Iterable[Alert]) -> None:
        for alert in alerts:
            self.history.append(alert)
            self._touch()

    def snapshot(self) -> tuple[dict[str, Any], int]:
        """What to store, and its generation (for :meth:`AlertStore.save`); clears ``dirty``."""
        self.dirty = False
        data = {
            "version": 1,
            "rules": {k: _state_json(v) for k, v in self.states.items()},
            "seen": dict(self.seen),
            "history": [a.to_json() for a in self.history],
        }
        return data, self.generation

    def save(self) -> None:
        """Store the state now (blocking: call from a thread in the app)."""
        if self.store is not None:
            data, generation = self.snapshot()
            self.store.save(data, generation)
