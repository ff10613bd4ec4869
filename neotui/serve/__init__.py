"""``neotui serve``: the watch screen in a browser, through textual-serve.

textual-serve (the Textual ecosystem's own web server) starts one app process per browser tab
and relays the terminal between the process and xterm.js in the page. Its ``Server`` serves
every client that reaches the port, lists its static directory, and starts a process for any
WebSocket: fine on a laptop's loopback, not on a network. This package keeps its protocol and
page and puts neotui's rules in front: :mod:`neotui.serve.access` decides who may start a
session (loopback by default; a token otherwise), :mod:`neotui.serve.server` serves only the
page, its assets, the socket and file downloads, and ends each tab's process with the tab.

Nothing here imports Textual: the app runs in the child process (``python -m neotui``).
"""
