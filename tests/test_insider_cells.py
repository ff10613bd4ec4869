"""Issue 20 item 4: the insider cells (the detail pane's rows, its status line, the quotes
column, the timeline rows) say what is known and why the rest is missing, never a made-up 0."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

from neotui.data.sec.form4 import parse_ownership
from neotui.data.sec.insider_trades import CompanyInsiders, DocumentState, apply_amendments
from neotui.widgets.deal_table import COLUMNS
from neotui.widgets.insiders import (
    flow_cell,
    pane_rows,
    pane_status,
    pane_title,
    timeline_rows,
    trade_cells,
)
from tests.test_insiders import STEVENS

TODAY = date(2026, 4, 1)


def stevens(code: str = "S") -> CompanyInsiders:
    body = STEVENS.read_bytes()
    if code != "S":
        body = body.replace(b"<transactionCode>S</transactionCode>",
                            f"<transactionCode>{code}</transactionCode>".encode())  # fmt: skip
        body = body.replace(b"<value>D</value>", b"<value>A</value>")
    doc = parse_ownership(body)
    states = [DocumentState("0001199039-26-000003", "4", date(2026, 3, 24), doc)]
    return CompanyInsiders("NVDA", tuple(apply_amendments("NVDA", states)))


def test_sales_are_red_with_their_range_and_buys_green() -> None:
    sale = trade_cells(stevens().trades[0])
    assert sale[3].plain == "S open-market sale" and "red" in str(sale[3].style)
    assert sale[4].plain == "-100K" and sale[6].plain == "$17.3M"
    assert "avg of 172.60–172.63" in sale[10].plain
    buy = trade_cells(stevens("P").trades[0])
    assert "green" in str(buy[3].style) and buy[4].plain.startswith("+")


def test_a_gift_without_price_shows_dashes_and_why() -> None:
    company = stevens("G")
    gift = company.trades[0]
    gift = replace(gift, tx=replace(gift.tx, price=None, notes=("no price reported (gift)",)))
    cells = trade_cells(gift)
    assert (cells[5].plain, cells[6].plain) == ("—", "—")  # price and value: unknown, not $0
    assert "no price reported (gift)" in cells[10].plain


def test_flows_none_is_not_zero_and_missing_is_a_dash() -> None:
    assert flow_cell(stevens(), TODAY).plain == "−$38.5M / −$38.5M"
    assert flow_cell(stevens(), date(2026, 12, 1)).plain == "none / none"
    waiting = CompanyInsiders("NVDA", pending=4)
    assert flow_cell(waiting, TODAY).plain == "—" and flow_cell(None, TODAY).plain == "—"
    unreadable = CompanyInsiders("CRWV", failed={"a": "SEC: no such document (404)"})
    assert flow_cell(unreadable, TODAY).plain == "—"
    assert flow_cell(stevens("P"), TODAY).plain.startswith("+$")
    assert "net 30 d −$38.5M" in pane_title(stevens(), TODAY)


def test_pane_says_why_nothing_is_shown() -> None:
    assert pane_rows(None, "SEC filings are off")[0][0].plain == "SEC filings are off"
    empty = CompanyInsiders("NVDA")
    assert pane_rows(empty, "x")[0][0].plain == "no insider transactions in the window"
    failed = CompanyInsiders("NVDA", pending=2, failed={"a": "SEC: no such document (404)"},
                             reason="filings: SEC is throttling requests (429)")  # fmt: skip
    assert pane_rows(failed, "not read yet")[0][0].plain == "not read yet"
    assert pane_status(failed) == ("2 not read yet · 1 unreadable (SEC: no such document (404)) "
                                   "· filings: SEC is throttling requests (429)")  # fmt: skip


def test_timeline_rows_one_per_filing_in_the_timelines_columns() -> None:
    ((summary, cells),) = timeline_rows({"NVDA": stevens()}, {"NVDA": "NVIDIA"})
    assert len(cells) == len(COLUMNS)
    assert [c.plain for c in cells[:5]] == ["2026-03-20", "NVIDIA", "STEVENS MARK A (Director)",
                                            "insider", "−$38.5M"]  # fmt: skip
    assert cells[7].plain == "-222K sh" and summary.accession == "0001199039-26-000003"
