"""``wirewash`` command line: ``wirewash run`` runs the flow; its options come from RunParams.

``wirewash report [RUN]`` prints the summary of a past run (the latest by
default) from its ``summary.json``.

Exit codes: 0 done; 1 nothing could be processed; 2 a wrong argument (the
message says how to fix it); 3 another run holds the state folder.
"""
from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path
from typing import Any, Literal, get_args, get_origin

from tasks.lock import RunLockedError, hold_run_lock
from tasks.params import ParameterError, RunParams

EXIT_NOTHING_PROCESSED = 1
EXIT_BAD_ARGUMENT = 2
EXIT_LOCKED = 3


def _add_param_options(parser: argparse.ArgumentParser) -> None:
    """One ``--option`` per RunParams field, with the field's description as help."""
    for name, field in RunParams.model_fields.items():
        flag = "--" + name.replace("_", "-")
        annotation = field.annotation
        if annotation is bool:
            parser.add_argument(flag, action="store_true", default=None, help=field.description)
            continue
        kind: Any = {int: int, float: float}.get(annotation, str)
        if get_origin(annotation) is Literal:
            parser.add_argument(flag, choices=list(get_args(annotation)), default=None,
                                help=f"{field.description} (default: {field.default})")
            continue
        if annotation is Path or Path in get_args(annotation):
            metavar = "DIR"
        else:
            metavar = "TEXT" if kind is str else name.split("_")[-1].upper()
        metavar = (field.json_schema_extra or {}).get("metavar", metavar)  # type: ignore[union-attr]
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
    serve = commands.add_parser("serve", help="run on a cron schedule (needs a Prefect server)",
                                description="Serve the flow on a cron schedule. Schedules need a Prefect server: "
                                            "start one with `prefect server start` and set PREFECT_API_URL.")
    serve.add_argument("--cron", required=True, metavar="CRON",
                       help='when to run, in cron syntax and UTC, e.g. "0 3 * * *" for 03:00 every night')
    serve.add_argument("--name", default="wirewash-serve", help="the deployment's name (default: wirewash-serve)")
    _add_param_options(serve)
    report = commands.add_parser("report", help="print the summary of a run (the latest by default)",
                                 description="Print the summary of a finished run, read from reports/<run>/summary.json.")
    report.add_argument("run_id", nargs="?", default="latest", metavar="RUN",
                        help="a run id (a folder under --reports), or a path to a run folder (default: latest)")
    report.add_argument("--reports", default="reports", metavar="DIR",
                        help="folder holding one sub-folder per run (default: reports)")
    report.add_argument("--json", action="store_true", help="print summary.json as it is instead of a table")
    return parser


def _prepare(args: argparse.Namespace) -> RunParams | None:
    """Validate the run options into RunParams (printing the fix on failure) and set up Prefect's environment."""
    try:
        params = RunParams.build(**{name: getattr(args, name) for name in RunParams.model_fields})
    except ParameterError as err:
        print(f"wirewash: {err}", file=sys.stderr)
        return None
    from flows.environment import configure_prefect

    configure_prefect(params.state)
    return params


def run_command(args: argparse.Namespace) -> int:
    params = _prepare(args)
    if params is None:
        return EXIT_BAD_ARGUMENT
    # the state lock first: a locked state is refused in a fraction of a second, before Prefect is imported;
    # then every process the run starts (the temporary API, pool workers) is tied to it
    from flows.lifeline import tie_processes_to_run

    try:
        with hold_run_lock(params.state, params.lock_wait), tie_processes_to_run(params.state):
            return _run_locked(params)
    except RunLockedError as err:
        print(f"wirewash: {err}", file=sys.stderr)
        return EXIT_LOCKED


def _run_locked(params: RunParams) -> int:
    from flows import progress
    from flows.pipeline import NothingProcessedError, shared_local_api, wirewash_run
    from tasks.digest import summary_text

    if params.dask and not os.environ.get("PREFECT_API_URL") and not _loopback(params.dask):
        print(f"wirewash: --dask {params.dask}: the cluster's workers report to Prefect, so they need a server they "
              "can reach: start one (`prefect server start --host 0.0.0.0`) and set PREFECT_API_URL="
              "http://<this-host>:4200/api", file=sys.stderr)
        return EXIT_BAD_ARGUMENT
    bar = progress.TerminalProgress(sys.stderr)
    progress.install(bar)
    try:
        with shared_local_api():  # one temporary Prefect API for the flow and its pool workers (issue #8)
            summary = wirewash_run(params=params)
    except NothingProcessedError as err:
        bar.close()
        print(f"wirewash: {err}", file=sys.stderr)
        return EXIT_NOTHING_PROCESSED
    except RunLockedError as err:
        bar.close()
        print(f"wirewash: {err}", file=sys.stderr)
        return EXIT_LOCKED
    finally:
        progress.install(None)
    bar.close()
    print(summary_text(summary, str(params.reports / summary["run_id"] / "report.html")), end="")
    return 0


def _loopback(address: str) -> bool:
    """Whether a Dask scheduler address is on this machine's loopback (then the temporary local API will do)."""
    host = address.split("://", 1)[-1].rsplit(":", 1)[0].strip("[]")
    return host in {"localhost", "::1"} or host.startswith("127.")


def find_run(reports: Path, run: str) -> Path | None:
    """The folder of ``run``: a path to a run folder, a run id under ``reports``, or ``latest``."""
    for candidate in (Path(run), reports / run):
        if (candidate / "summary.json").is_file():
            return candidate
    return None


def report_command(args: argparse.Namespace) -> int:
    from tasks.digest import summary_text

    reports = Path(args.reports)
    folder = find_run(reports, args.run_id)
    if folder is None:
        runs = sorted(p.name for p in reports.glob("*") if (p / "summary.json").is_file() and p.name != "latest")
        known = f"; runs under {reports}: {', '.join(runs[-5:])}" if runs else f"; {reports} holds no run yet: run 'wirewash run' first"
        print(f"wirewash: no run {args.run_id!r} with a summary.json{known} (or pass --reports DIR)", file=sys.stderr)
        return EXIT_BAD_ARGUMENT
    text = (folder / "summary.json").read_text(encoding="utf-8")
    if args.json:
        print(text, end="")
        return 0
    summary = json.loads(text)
    print(summary_text(summary, str(folder / "report.html")), end="")
    return 0


def serve_command(args: argparse.Namespace) -> int:
    """Serve the flow on a schedule until interrupted; refuse clearly without a server or with a bad cron."""
    params = _prepare(args)
    if params is None:
        return EXIT_BAD_ARGUMENT
    from prefect.client.schemas.schedules import CronSchedule
    from prefect.settings import PREFECT_API_URL

    try:
        CronSchedule(cron=args.cron, timezone="UTC")
    except ValueError:
        print(f"wirewash: --cron {args.cron!r} is not a valid cron expression; try \"0 3 * * *\" (03:00 UTC daily)",
              file=sys.stderr)
        return EXIT_BAD_ARGUMENT
    if not PREFECT_API_URL.value():
        print("wirewash: schedules need a Prefect server: run `prefect server start`, then set "
              "PREFECT_API_URL=http://127.0.0.1:4200/api and try again", file=sys.stderr)
        return EXIT_BAD_ARGUMENT
    from flows.pipeline import wirewash_run

    wirewash_run.serve(name=args.name, cron=args.cron, parameters={"params": params.resolved()})
    return 0


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    if args.command == "run":
        return run_command(args)
    if args.command == "serve":
        return serve_command(args)
    if args.command == "report":
        return report_command(args)
    return EXIT_BAD_ARGUMENT


if __name__ == "__main__":
    sys.exit(main())
