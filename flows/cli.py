"""``wirewash`` command line: ``wirewash run`` runs the flow; its options come from RunParams.

Exit codes: 0 done; 1 nothing could be processed; 2 a wrong argument (the
message says how to fix it).
"""
from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any, get_args

from tasks.params import ParameterError, RunParams

EXIT_NOTHING_PROCESSED = 1
EXIT_BAD_ARGUMENT = 2


def _add_param_options(parser: argparse.ArgumentParser) -> None:
    """One ``--option`` per RunParams field, with the field's description as help."""
    for name, field in RunParams.model_fields.items():
        flag = "--" + name.replace("_", "-")
        annotation = field.annotation
        if annotation is bool:
            parser.add_argument(flag, action="store_true", default=None, help=field.description)
            continue
        kind: Any = {int: int, float: float}.get(annotation, str)
        if annotation is Path or Path in get_args(annotation):
            kind = str
        metavar = "DIR" if kind is str else name.split("_")[-1].upper()
        parser.add_argument(flag, type=kind, default=None, metavar=metavar,
                            help=f"{field.description} (default: {field.default})")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="wirewash",
        description="Clean scraped news, repair Unicode, and report which paragraphs outlets reused.",
    )
    commands = parser.add_subparsers(dest="command", required=True)
    run = commands.add_parser("run", help="clean raw/ into clean/ and write a report under reports/",
                              description="Run the pipeline once over a folder of raw scrapes.")
    _add_param_options(run)
    return parser


def run_command(args: argparse.Namespace) -> int:
    values = {name: getattr(args, name) for name in RunParams.model_fields}
    try:
        params = RunParams.build(**values)
    except ParameterError as err:
        print(f"wirewash: {err}", file=sys.stderr)
        return EXIT_BAD_ARGUMENT
    from flows.environment import configure_prefect

    configure_prefect(params.state)
    from flows.pipeline import NothingProcessedError, wirewash_run

    try:
        summary = wirewash_run(params=params)
    except NothingProcessedError as err:
        print(f"wirewash: {err}", file=sys.stderr)
        return EXIT_NOTHING_PROCESSED
    counts = summary["counts"]
    print(json.dumps(counts, indent=2))
    for item in summary["quarantined"]:
        print(f"quarantined {item['source']}: {item['reason']}", file=sys.stderr)
    print(f"report: {params.reports / summary['run_id'] / 'report.html'}")
    return 0


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    if args.command == "run":
        return run_command(args)
    return EXIT_BAD_ARGUMENT


if __name__ == "__main__":
    sys.exit(main())
