"""``wirewash`` command line: ``run`` runs the flow (its options come from RunParams), ``clean`` cleans one
page or scrape from a file or stdin, ``report`` prints a past run's summary, ``serve`` runs on a schedule.

Everything that needs no Prefect run is checked first and answered in well under a second: the
arguments, the folders, the state lock, and whether raw/ holds anything to read. Failures print one
line per reason and no traceback (``-v`` shows tracebacks and Prefect's own log).

Exit codes: 0 done; 1 nothing could be processed (each reason printed); 2 a wrong argument (the message
says the fix); 3 another run holds the state folder; 4 the run failed unexpectedly (``-v`` for details).
"""
from __future__ import annotations

import argparse
import difflib
import json
import os
import sys
import time
from pathlib import Path
from typing import Any, Literal, NoReturn, get_args, get_origin

from wirewash.flows import environment
from wirewash.tasks.store.lock import RunLockedError, hold_run_lock
from wirewash.tasks.params import ParameterError, RunParams

EXIT_NOTHING_PROCESSED = 1
EXIT_BAD_ARGUMENT = 2
EXIT_LOCKED = 3
EXIT_FAILED = 4


class _Parser(argparse.ArgumentParser):
    """argparse without abbreviated options, whose errors suggest the option that was meant."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("allow_abbrev", False)  # `--ful` must not silently mean `--full`
        super().__init__(*args, **kwargs)

    def _known_options(self) -> list[str]:
        options = [s for action in self._actions for s in action.option_strings]
        for action in self._actions:
            if isinstance(action, argparse._SubParsersAction):
                for sub in action.choices.values():
                    options += [s for a in sub._actions for s in a.option_strings]
        return sorted(set(options))

    def error(self, message: str) -> NoReturn:
        unknown = [word for word in message.split() if word.startswith("-")] if "unrecognized" in message else []
        hints = []
        for word in unknown:
            name = word.split("=", 1)[0]
            meant = [o for o in self._known_options() if o.startswith(name) and name.startswith("--")]
            meant = meant or difflib.get_close_matches(name, self._known_options(), n=1, cutoff=0.6)
            if meant:
                hints.append(f"{name}: did you mean {' or '.join(meant[:3])}?")
        self.print_usage(sys.stderr)
        self.exit(EXIT_BAD_ARGUMENT, f"{self.prog}: error: {message}" + "".join(f"\n  {h}" for h in hints) + "\n")


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


def _version() -> str:
    from importlib import metadata

    try:
        return metadata.version("wirewash")
    except metadata.PackageNotFoundError:
        return "unknown (not installed)"


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="wirewash",
                     description="Clean scraped news, repair Unicode, and report which paragraphs outlets reused.")
    parser.add_argument("--version", action="version", version=f"wirewash {_version()}")
    talk = _Parser(add_help=False)
    loudness = talk.add_mutually_exclusive_group()
    loudness.add_argument("-q", "--quiet", action="store_true", help="print nothing but errors")
    loudness.add_argument("-v", "--verbose", action="store_true", help="show tracebacks and Prefect's own log")
    commands = parser.add_subparsers(dest="command", required=True, parser_class=_Parser)
    run = commands.add_parser("run", parents=[talk], help="clean raw/ into clean/ and write a report under reports/",
                              description="Run the pipeline once over a folder of raw scrapes.")
    _add_param_options(run)
    clean = commands.add_parser("clean", parents=[talk], help="clean one page or scrape: FILE or - (stdin) to stdout",
                                description="Clean one HTML page or text scrape and print its clean text; no Prefect "
                                            "run, no state. Reads a file, or standard input when FILE is -.")
    clean.add_argument("file", metavar="FILE", help="the page or scrape to clean, or - for standard input")
    clean.add_argument("--json", action="store_true",
                       help="print the document (metadata, paragraphs and every line's provenance) as JSON")
    clean.add_argument("--max-file-bytes", type=int, default=RunParams.model_fields["max_file_bytes"].default,
                       metavar="BYTES", help="refuse input larger than this (default: %(default)s)")
    serve = commands.add_parser("serve", parents=[talk], help="run on a cron schedule (needs a Prefect server)",
                                description="Serve the flow on a cron schedule. Schedules need a Prefect server: "
                                            "start one with `prefect server start` and set PREFECT_API_URL.")
    serve.add_argument("--cron", required=True, metavar="CRON",
                       help='when to run, in cron syntax and UTC, e.g. "0 3 * * *" for 03:00 every night')
    serve.add_argument("--name", default="wirewash-serve", help="the deployment's name (default: wirewash-serve)")
    _add_param_options(serve)
    report = commands.add_parser("report", parents=[talk], help="print the summary of a run (the latest by default)",
                                 description="Print the summary of a finished run, read from reports/<run>/summary.json.")
    report.add_argument("run_id", nargs="?", default="latest", metavar="RUN",
                        help="a run id (a folder under --reports), or a path to a run folder (default: latest)")
    report.add_argument("--reports", default="reports", metavar="DIR",
                        help="folder holding one sub-folder per run (default: reports)")
    report.add_argument("--json", action="store_true", help="print summary.json as it is instead of a table")
    return parser


def _say(message: str) -> None:
    print(f"wirewash: {message}", file=sys.stderr)


def _prepare(args: argparse.Namespace) -> RunParams | None:
    """Validate the run options into RunParams (printing the fix on failure) and set up Prefect's environment."""
    try:
        params = RunParams.build(**{name: getattr(args, name) for name in RunParams.model_fields})
    except ParameterError as err:
        _say(err.for_command_line())
        return None
    from wirewash.flows.environment import configure_prefect

    configure_prefect(params.state, verbose=args.verbose)
    return params


def _nothing_to_read(params: RunParams) -> bool:
    """Say so, one line per skipped entry, when raw/ holds no file to read (no Prefect run needed to know)."""
    from wirewash.tasks.read.intake import scan_raw_folder

    listing = scan_raw_folder(params.raw)
    if listing.files:
        return False
    _say(f"nothing to do: {params.raw} holds no file to read" +
         (f" ({len(listing.skipped)} entries skipped)" if listing.skipped else ""))
    for entry in listing.skipped:
        _say(f"  {entry.path}: {entry.reason}")
    return True


def run_command(args: argparse.Namespace) -> int:
    params = _prepare(args)
    if params is None:
        return EXIT_BAD_ARGUMENT
    if _nothing_to_read(params):
        return EXIT_NOTHING_PROCESSED
    # the state lock first: a locked state is refused in a fraction of a second, before Prefect is imported;
    # then every process the run starts (the temporary API, pool workers) is tied to it
    from wirewash.flows.lifeline import tie_processes_to_run

    try:
        with hold_run_lock(params.state, params.lock_wait), tie_processes_to_run(params.state):
            return _run_locked(params, args)
    except RunLockedError as err:
        _say(str(err))
        return EXIT_LOCKED
    except Exception as err:  # noqa: BLE001 - a user sees one line; -v shows the traceback
        if args.verbose:
            raise
        _say(f"the run failed: {type(err).__name__}: {err} (run again with -v for the traceback)")
        return EXIT_FAILED


def _run_locked(params: RunParams, args: argparse.Namespace) -> int:
    if params.dask and not os.environ.get("PREFECT_API_URL") and not _loopback(params.dask):
        _say(f"--dask {params.dask}: the cluster's workers report to Prefect, so they need a server they can reach: "
             "start one (`prefect server start --host 0.0.0.0`) and set PREFECT_API_URL=http://<this-host>:4200/api")
        return EXIT_BAD_ARGUMENT
    from wirewash.flows import progress
    from wirewash.flows.local_api import spawn_local_api

    bar = progress.TerminalProgress(sys.stderr) if not args.quiet else None
    progress.install(bar)
    progress.stage("start")  # on a terminal, at once: the imports and Prefect's temporary API take seconds
    early = spawn_local_api()  # before the imports below: the temporary API starts while they run
    from wirewash.flows.pipeline import NothingProcessedError, wirewash_run
    from wirewash.flows.runner import shared_local_api
    from wirewash.tasks.report.digest import summary_text

    try:
        with shared_local_api(early):  # one temporary Prefect API for the flow and its pool workers
            state = wirewash_run(params=params, return_state=True)
        outcome = state.result(raise_on_failure=False)
    finally:
        progress.install(None)
        if bar is not None:
            bar.close()
    if isinstance(outcome, NothingProcessedError):
        for item in outcome.summary["quarantined"]:
            _say(f"  {item['source']}: {item['reason']}")
        _say(f"{outcome} (summary: {outcome.summary_path})")
        return EXIT_NOTHING_PROCESSED
    if isinstance(outcome, BaseException):
        raise outcome
    if not args.quiet:
        wall = time.perf_counter() - environment.command_started_at if environment.command_started_at else None
        print(summary_text(outcome, str(params.reports / outcome["run_id"] / "report.html"), wall=wall), end="")
    return 0


def _loopback(address: str) -> bool:
    """Whether a Dask scheduler address is on this machine's loopback (then the temporary local API will do)."""
    host = address.split("://", 1)[-1].rsplit(":", 1)[0].strip("[]")
    return host in {"localhost", "::1"} or host.startswith("127.")


def clean_command(args: argparse.Namespace) -> int:
    """Clean one page or scrape, from a file or stdin, to stdout: the same reading and cleaning as a run."""
    from wirewash.tasks.read.intake import read_bytes

    if args.file == "-":
        data, source = sys.stdin.buffer.read(args.max_file_bytes + 1), "stdin"
    else:
        path = Path(args.file)
        if not path.is_file():
            _say(f"{args.file}: no such file; pass a page or scrape, or - to read standard input")
            return EXIT_BAD_ARGUMENT
        data, source = path.read_bytes()[: args.max_file_bytes + 1], path.name
    from wirewash.tasks.records import Quarantine

    raw = read_bytes(source, data, args.max_file_bytes)
    if isinstance(raw, Quarantine):
        _say(f"{args.file}: {raw.reason}")
        return EXIT_NOTHING_PROCESSED
    from wirewash.tasks.clean.cleaner import clean_batch

    (doc,) = clean_batch([raw], {})
    if isinstance(doc, Quarantine):
        _say(f"{args.file}: {doc.reason}")
        return EXIT_FAILED
    if args.json:
        record = doc.to_json()
        record["provenance"] = [segment.to_json() for segment in doc.segments]
        print(json.dumps(record, ensure_ascii=False, indent=2))
    elif doc.text:
        print(doc.text)
    return 0


def find_run(reports: Path, run: str) -> Path | None:
    """The folder of ``run``: a path to a run folder, a run id under ``reports``, or ``latest``."""
    for candidate in (Path(run), reports / run):
        if (candidate / "summary.json").is_file():
            return candidate
    return None


def report_command(args: argparse.Namespace) -> int:
    from wirewash.tasks.report.digest import summary_text

    reports = Path(args.reports)
    folder = find_run(reports, args.run_id)
    if folder is None:
        runs = sorted(p.name for p in reports.glob("*") if (p / "summary.json").is_file() and p.name != "latest")
        known = f"; runs under {reports}: {', '.join(runs[-5:])}" if runs else f"; {reports} holds no run yet: run 'wirewash run' first"
        _say(f"no run {args.run_id!r} with a summary.json{known} (or pass --reports DIR)")
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
        _say(f"--cron {args.cron!r} is not a valid cron expression; try \"0 3 * * *\" (03:00 UTC daily)")
        return EXIT_BAD_ARGUMENT
    if not PREFECT_API_URL.value():
        _say("schedules need a Prefect server: run `prefect server start`, then set "
             "PREFECT_API_URL=http://127.0.0.1:4200/api and try again")
        return EXIT_BAD_ARGUMENT
    from wirewash.flows.pipeline import wirewash_run

    wirewash_run.serve(name=args.name, cron=args.cron, parameters={"params": params.resolved()})
    return 0


def main(argv: list[str] | None = None) -> int:
    if argv is None:  # the real command: its start-up counts from the process's start
        environment.mark_command_start()
    else:
        environment.command_started_at = time.perf_counter()
    args = build_parser().parse_args(argv)
    command = {"run": run_command, "clean": clean_command, "serve": serve_command, "report": report_command}
    try:
        return command[args.command](args)
    except BrokenPipeError:  # `wirewash clean - | head`: the reader stopped reading, which is no error of ours
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 0


if __name__ == "__main__":
    sys.exit(main())
