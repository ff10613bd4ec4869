"""Alerts: the rules (what to watch for, how a rule fires once per crossing) and the engine that
judges quotes, books, filings and headlines against them with stored state."""
