"""neotui's data layer: models, the deals book, market data, the cache and analytics.

Nothing under this package imports Textual (tests/test_layering.py checks it): the UI imports the
data layer, never the reverse, so every piece here runs in scripts, the CLI and tests as is.
"""
