"""SEC EDGAR: the client (contact User-Agent, token bucket, conditional requests), the parsers
of its submissions and tickers bodies, and the filings feed built on them."""
