"""Market data from Yahoo: the browser-fingerprinted session and its crumb, batch quotes and
sparks, charts and daily history, fundamentals, the exchange calendar, the last-good cache, and
the feed that schedules them.

Nothing here imports Textual; :mod:`neotui.messages` carries what the feed publishes to the UI.
"""
