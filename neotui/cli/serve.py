"""``neotui serve``: the watch screen in a browser (textual-serve), one app process per tab.

Safe by default: it binds 127.0.0.1. Binding any other address prints a warning and requires a
token (``--token``, or one made with ``secrets`` and printed), checked before a session starts.
Each tab runs ``python -m neotui`` with the options given before ``serve`` (``--config``,
``--symbols`` …) and this process's environment (``NEOTUI_*``, the XDG directories), so a tab
shows what ``neotui`` in a terminal would.
"""

from __future__ import annotations

import errno
import shlex
import socket
import sys
from pathlib import Path

import click

from neotui.cli.context import CommandContext, pass_context

EXIT_UNAVAILABLE = 69
"""The port cannot be had (in use, not allowed, an address not on this machine): sysexits'
EX_UNAVAILABLE, distinct from 2 (bad settings or options)."""

_BIND_ERRORS = {
    errno.EADDRINUSE: "is in use (another neotui serve?); choose another with --port",
    errno.EACCES: "needs privileges to bind; choose one above 1023 with --port",
    errno.EADDRNOTAVAIL: "is not an address of this machine",
}


_PUBLIC_URL_HELP = (
    "Where browsers reach the server, e.g. behind a proxy (https://monitor.example.com); "
    "by default the address the browser used."
)
_TOKEN_HELP = (
    "The token to require (default on a non-loopback bind: a new random one, printed). "
    "Visible to others in `ps`: prefer the generated one."
)


def app_command(ctx: click.Context) -> str:
    """The shell command a tab runs: this interpreter, ``-m neotui``, and the group options
    the user gave, paths made absolute. textual-serve starts it through the shell; ``exec``
    makes the app the shell's own process, so ending a tab's process ends the app, not a shell
    leaving the app orphaned."""
    args = [sys.executable, "-m", "neotui"]
    group = ctx.find_root()
    for param in group.command.params:
        if not isinstance(param, click.Option) or param.name is None:
            continue
        value = group.params.get(param.name)
        if value is None or value is False or param.is_eager:
            continue
        flag = max(param.opts, key=len)
        if value is True:
            args.append(flag)
        else:
            args += [flag, str(value.absolute() if isinstance(value, Path) else value)]
    return f"exec {shlex.join(args)}"


def bind(host: str, port: int) -> socket.socket:
    """A listening socket on ``host:port``; a plain message and exit 69 when it cannot be had."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    try:
        return socket.create_server((host, port), family=family)
    except OSError as err:
        reason = _BIND_ERRORS.get(err.errno or 0, err.strerror or str(err))
        click.echo(f"neotui serve: port {port} on {host} {reason}", err=True)
        sys.exit(EXIT_UNAVAILABLE)
    except (socket.gaierror, UnicodeError) as err:
        click.echo(f"neotui serve: cannot bind {host!r}: {err}", err=True)
        sys.exit(EXIT_UNAVAILABLE)


@click.command()
@click.option("--host", default="127.0.0.1", show_default=True,
              help="Address to bind. Anything but loopback needs a token.")  # fmt: skip
@click.option("--port", default=8000, show_default=True, type=click.IntRange(0, 65535),
              help="Port to bind (0: any free one).")  # fmt: skip
@click.option("--public-url", help=_PUBLIC_URL_HELP)
@click.option("--token", help=_TOKEN_HELP)
@pass_context
@click.pass_context
def serve(
    ctx: click.Context,
    obj: CommandContext,
    host: str,
    port: int,
    public_url: str | None,
    token: str | None,
) -> None:
    """Serve the watch screen to web browsers (textual-serve): one neotui per tab, every key
    and pane as in a terminal. Ctrl+C stops it and every tab's app.

    Exit status 2 for bad settings or options, 69 when the port cannot be had.
    """
    from neotui.serve.access import TOKEN_RULE, Gate, is_loopback, new_token, valid_token

    obj.settings  # noqa: B018  (bad settings: say so once, here, not in every tab)
    if token is not None and not valid_token(token):
        raise click.BadParameter(f"a token must be {TOKEN_RULE}", param_hint="--token")
    if public_url is not None and not public_url.startswith(("http://", "https://")):
        raise click.BadParameter("must start with http:// or https://", param_hint="--public-url")
    loopback = is_loopback(host)
    if not loopback:
        click.echo(f"neotui serve: warning: binding {host} lets other machines reach this "
                   "server; every request must carry the token.", err=True)  # fmt: skip
        token = token or new_token()
    sock = bind(host, port)
    port = sock.getsockname()[1]
    gate = Gate.build(host, port, token, public_url)

    from neotui.serve.server import NeoServer

    server = NeoServer(app_command(ctx), host=host, port=port, gate=gate, public_url=public_url)
    address = public_url.rstrip("/") if public_url else f"http://{_shown(host)}:{port}"
    suffix = f"/?token={token}" if token else "/"
    click.echo(f"neotui serve: open {address}{suffix}  (Ctrl+C to stop)")
    server.serve_on(sock)


def _shown(host: str) -> str:
    """The bind address as a browser takes it: IPv6 in brackets, and this machine's name for
    "every interface" (0.0.0.0 or ::), which is no address to open."""
    if host in ("0.0.0.0", "::", ""):
        return socket.gethostname()
    return f"[{host}]" if ":" in host else host


COMMANDS: tuple[click.Command, ...] = (serve,)
