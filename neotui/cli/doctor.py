"""``neotui doctor``: the checks of :mod:`neotui.cli.checks` (settings, network, Yahoo, deals
files), printed as a table or JSON, exit 1 when one failed, so a user can say why prices do not
come."""

from __future__ import annotations

import sys

import click

from neotui.cli.context import CommandContext, pass_context, table_or_json_option


@click.command()
@table_or_json_option("a list of {check, status, detail, hint}")
@pass_context
def doctor(obj: CommandContext, output: str) -> None:
    """Check why prices might not come: settings, cache, proxy, DNS, TCP, TLS, one chart
    request, the crumb, one batch quote, quoteSummary and options (earnings, short interest,
    implied move), yfinance, the deals files. At most 30 s.

    Exit status 0 when no check failed (warnings allowed), 1 otherwise.
    """
    import json

    from neotui.cli.checks import run_doctor, summary

    results = run_doctor(obj.settings)
    if output == "json":
        click.echo(json.dumps([r.to_json() for r in results], indent=2, ensure_ascii=False))
    else:
        from neotui.cli import report

        report.print_checks(results, summary(results))
    sys.exit(1 if any(r.status == "fail" for r in results) else 0)


COMMANDS: tuple[click.Command, ...] = (doctor,)
