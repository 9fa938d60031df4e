"""Soft Reboot patient FAQ assistant: the command line (`ingest`, `ask`, `serve`).

Thin wiring: parse arguments, build objects from Settings; expected errors become one friendly line
and a non-zero exit code in one place (`cli.errors`), never a traceback.
"""

from __future__ import annotations

import argparse
import logging
import os
import sys
from pathlib import Path

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
os.environ.setdefault("GRADIO_ANALYTICS_ENABLED", "False")
os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")

from cli.errors import at_the_edge
from settings import Settings

log = logging.getLogger("softreboot")


def main(argv: list[str] | None = None) -> int:
    parser = _parser()
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.DEBUG if args.verbose else logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    return at_the_edge(args.command, lambda: args.func(args, _settings(args)))


def _settings(args: argparse.Namespace) -> Settings:
    """The environment's settings (pydantic's ValidationError for a bad SOFTREBOOT_* value), overridden by the flags."""
    settings = Settings()
    if args.data_dir is not None:
        settings.data_dir = args.data_dir
    if getattr(args, "generator", None):
        settings.generator = args.generator
    if getattr(args, "generator_model", None):
        settings.generator_model = args.generator_model
    return settings


def _default(field: str) -> str:
    """'$SOFTREBOOT_FIELD or <the default in Settings>' for a flag's help: each default is written once, in settings.py."""
    return f"${Settings.model_config['env_prefix']}{field.upper()} or {Settings.model_fields[field].default}"


def _port(text: str) -> int:
    """argparse type: a TCP port (1-65535)."""
    port = int(text) if text.isdecimal() else 0
    if not 1 <= port <= 65535:
        raise argparse.ArgumentTypeError(f"{text} is not a port (1-65535)")
    return port


def _days(text: str) -> int:
    """argparse type: a number of days, 0 or more (a negative retention would delete every turn)."""
    days = int(text) if text.isdecimal() else -1
    if days < 0:
        raise argparse.ArgumentTypeError(f"{text} is not a number of days (0 or more)")
    return days


def _parser() -> argparse.ArgumentParser:
    common = argparse.ArgumentParser(add_help=False)
    common.add_argument("--data-dir", type=Path, default=None, help=f"where all state lives (default: {_default('data_dir')})")
    common.add_argument("-v", "--verbose", action="store_true", help="debug logging")
    generation = argparse.ArgumentParser(add_help=False)
    generation.add_argument("--generator", choices=["extractive", "openai", "llamacpp"], help=f"who phrases answers (default {_default('generator')})")
    generation.add_argument("--generator-model", metavar="PATH_OR_NAME", help="GGUF path (llamacpp) or model name (openai)")
    parser = argparse.ArgumentParser(prog="app.py", description=__doc__.splitlines()[0])
    commands = parser.add_subparsers(dest="command", required=True)

    ingest = commands.add_parser("ingest", parents=[common], help="read feeds into a new index version")
    ingest.add_argument("sources", nargs="*", help="feed files or http(s) URLs (default: the bundled sample feed)")
    ingest.add_argument("--keep-missing", action="store_true", help="keep posts missing from a complete read (for a feed that is only a window)")
    ingest.add_argument("--prune", action="store_true", help=argparse.SUPPRESS)  # retiring is now the default on a complete read
    ingest.add_argument("--no-progress", action="store_true", help="no progress bar")
    ingest.set_defaults(func=cmd_ingest)

    ask = commands.add_parser("ask", parents=[common, generation], help="answer a question (builds the sample index first if there is none)")
    ask.add_argument("question", nargs="?", help="the question")
    ask.add_argument("--json", action="store_true", help="print the ask contract's JSON object")
    ask.add_argument("--jsonl", type=Path, metavar="FILE", help="answer every line of FILE ({id, question, history}), one JSON line each; - for stdin")
    ask.set_defaults(func=cmd_ask)

    serve = commands.add_parser("serve", parents=[common, generation], help="serve the patient chat, the staff console and the JSON API")
    serve.add_argument("--host", help=f"bind address (default {_default('host')})")
    serve.add_argument("--port", type=_port, help=f"port (default {_default('port')})")
    serve.set_defaults(func=cmd_serve)

    hashpw = commands.add_parser("hash-password", parents=[common], help="print the scrypt hash of a staff password (read from stdin)")
    hashpw.set_defaults(func=cmd_hash_password)

    purge = commands.add_parser("purge", parents=[common], help="delete stored conversations older than the retention period")
    purge.add_argument("--days", type=_days, help=f"retention in days (default {_default('retention_days')})")
    purge.set_defaults(func=cmd_purge)

    export = commands.add_parser("export", parents=[common], help="export stored (redacted) conversations, crisis turns flagged")
    export.add_argument("--format", choices=["csv", "json"], default="csv")
    export.add_argument("--out", type=Path, help="file to write (default: stdout)")
    export.set_defaults(func=cmd_export)
    return parser


def cmd_ingest(args: argparse.Namespace, settings: Settings) -> int:
    from cli.ingest import ingest_command

    return ingest_command(settings, args.sources, keep_missing=args.keep_missing, show_progress=not args.no_progress)


def cmd_ask(args: argparse.Namespace, settings: Settings) -> int:
    import json

    from cli.ask import answer_lines, print_answer
    from cli.wiring import load_assistant

    if (args.question is None) == (args.jsonl is None):
        print("ask: give either a QUESTION or --jsonl FILE", file=sys.stderr)
        return 2
    assistant = load_assistant(settings)  # IndexStoreError, GeneratorError, RerankerError: said by cli.errors
    if args.question is not None:
        print_answer(assistant.safe_ask(args.question), args.json)
        return 0
    stream = sys.stdin if str(args.jsonl) == "-" else open(args.jsonl, encoding="utf-8", errors="replace")  # noqa: SIM115
    with stream:
        for row in answer_lines(assistant, stream):
            sys.stdout.write(json.dumps(row, ensure_ascii=False) + "\n")
            sys.stdout.flush()
    return 0


def cmd_serve(args: argparse.Namespace, settings: Settings) -> int:
    from cli.serve import serve_command

    if args.host:
        settings.host = args.host
    if args.port:
        settings.port = args.port
    logging.getLogger("softreboot").setLevel(logging.INFO)
    return serve_command(settings)


def cmd_hash_password(args: argparse.Namespace, settings: Settings) -> int:
    import getpass

    from web.auth import hash_password

    password = getpass.getpass("staff password: ") if sys.stdin.isatty() else sys.stdin.readline().rstrip("\n")
    if len(password) < 10:
        print("hash-password: use at least 10 characters", file=sys.stderr)
        return 2
    print(hash_password(password))
    return 0


def cmd_purge(args: argparse.Namespace, settings: Settings) -> int:
    from conversations.sql import SqlStore

    days = args.days if args.days is not None else settings.retention_days
    removed = SqlStore(settings.conversation_db_url()).purge(days)
    print(f"deleted {removed} turn(s) older than {days} days")
    return 0


def cmd_export(args: argparse.Namespace, settings: Settings) -> int:
    from conversations import export_csv, export_json
    from conversations.sql import SqlStore

    turns = SqlStore(settings.conversation_db_url()).export()
    text = export_csv(turns) if args.format == "csv" else export_json(turns)
    if args.out:
        args.out.write_text(text, encoding="utf-8")
        print(f"wrote {len(turns)} turn(s) to {args.out}", file=sys.stderr)
    else:
        sys.stdout.write(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
