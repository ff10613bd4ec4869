"""What the deals book and the prices say together: the deal-day event study, valuation per
contracted MW and the sector line, and the pandas tables printed by the command line."""
