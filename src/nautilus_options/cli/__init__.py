"""The ``options-nt`` command line.

Each subcommand lives in its own module of this package and exposes
``register(subparsers)``, which adds its parser and sets ``handler`` to a function
``(args) -> int`` returning the process exit code. Heavy imports (Nautilus, pandas)
happen inside the handlers so that ``options-nt --help`` stays instant.
"""

from __future__ import annotations

import argparse
import importlib
import json
import sys
from collections.abc import Sequence

from nautilus_options import __version__
from nautilus_options.errors import OptionsNTError

__all__ = ["build_parser", "main"]

#: Subcommand modules, in the order they appear in ``--help``.
COMMAND_MODULES: tuple[str, ...] = (
    "backtest",
    "sweep",
    "data",
    "sim",
    "kite",
    "paper",
    "live",
    "serve",
)


def build_parser() -> argparse.ArgumentParser:
    """Build the top-level argument parser with every registered subcommand."""
    parser = argparse.ArgumentParser(
        prog="options-nt",
        description="NautilusTrader components for defined-risk NSE index-option spreads.",
    )
    parser.add_argument("--version", action="version", version=f"options-nt {__version__}")
    subparsers = parser.add_subparsers(dest="command", metavar="COMMAND")
    for name in COMMAND_MODULES:
        module = importlib.import_module(f"nautilus_options.cli.{name}")
        module.register(subparsers)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the command line and return the exit code.

    Errors raised on purpose by options-nt are printed as one line on stderr with exit
    code 2 (and, for a command given ``--json``, as the one JSON object its stdout promises,
    :func:`~nautilus_options.cli.json_errors.error_object`); anything else propagates with
    its traceback.
    """
    parser = build_parser()
    args = parser.parse_args(argv)
    handler = getattr(args, "handler", None)
    if handler is None:
        parser.print_help()
        return 0
    try:
        return int(handler(args))
    except OptionsNTError as exc:
        if getattr(args, "json", False):
            from nautilus_options.cli.json_errors import error_object

            print(json.dumps(error_object(exc)), flush=True)
        print(f"options-nt: error: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("options-nt: interrupted", file=sys.stderr)
        return 130
