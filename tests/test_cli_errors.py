"""The command line's edge: an expected failure of `serve`, `purge` or `export` (a bad data directory, an
unreachable database, a bad argument or setting) ends with one clear line on stderr and a non-zero exit
code, never a traceback; a bug still shows its traceback."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from cli.errors import at_the_edge
from conversations import StoreError
from tests.conftest import PROJECT

UNREACHABLE_POSTGRES = "postgresql+psycopg://faq:secret@127.0.0.1:1/faq"  # nothing listens on port 1


def run_app(*args: str, timeout: int = 120, **env: str) -> subprocess.CompletedProcess[str]:
    environ = {**os.environ, "SOFTREBOOT_REDACTION": "patterns", **env}
    return subprocess.run([sys.executable, "app.py", *args], cwd=PROJECT, env=environ, capture_output=True, text=True, timeout=timeout)


def assert_one_clear_line(proc: subprocess.CompletedProcess[str], command: str, code: int = 1) -> str:
    assert proc.returncode == code, (proc.returncode, proc.stderr)
    assert "Traceback" not in proc.stderr, proc.stderr
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1, proc.stderr
    assert lines[0].startswith(f"{command}: "), lines[0]
    return lines[0]


@pytest.mark.parametrize("command", ["purge", "export"])
def test_an_unreachable_database_is_one_line_and_exit_1(command: str, tmp_path: Path) -> None:
    proc = run_app(command, "--data-dir", str(tmp_path), SOFTREBOOT_DATABASE_URL=UNREACHABLE_POSTGRES)
    line = assert_one_clear_line(proc, command)
    assert "conversation database" in line and "secret" not in line


@pytest.mark.parametrize("command", ["purge", "export"])
def test_a_database_url_that_names_no_database_is_one_line_and_exit_1(command: str, tmp_path: Path) -> None:
    proc = run_app(command, "--data-dir", str(tmp_path), SOFTREBOOT_DATABASE_URL="nonsense://somewhere")
    assert "conversation database URL" in assert_one_clear_line(proc, command)


@pytest.mark.parametrize("command", ["purge", "export"])
def test_a_data_directory_that_is_a_file_is_one_line_and_exit_1(command: str, tmp_path: Path) -> None:
    not_a_dir = tmp_path / "file"
    not_a_dir.write_text("x")
    proc = run_app(command, "--data-dir", str(not_a_dir))
    assert str(not_a_dir) in assert_one_clear_line(proc, command)


def test_export_to_a_directory_is_one_line_and_exit_1(tmp_path: Path) -> None:
    proc = run_app("export", "--data-dir", str(tmp_path / "data"), "--out", str(tmp_path))
    assert str(tmp_path) in assert_one_clear_line(proc, "export")


@pytest.mark.parametrize(
    ("args", "env"),
    [
        (["purge", "--days", "-1"], {}),  # a negative retention would delete every turn
        (["purge", "--days", "ninety"], {}),
        (["serve", "--port", "70000"], {}),
        (["purge"], {"SOFTREBOOT_RETENTION_DAYS": "ninety"}),
        (["serve"], {"SOFTREBOOT_PORT": "70000"}),
        (["export"], {"SOFTREBOOT_STORE_BUFFER": "many"}),
    ],
    ids=["negative-days", "days-not-a-number", "port-out-of-range", "bad-retention-setting", "bad-port-setting", "bad-buffer-setting"],
)
def test_bad_arguments_and_settings_exit_2_without_a_traceback(args: list[str], env: dict[str, str], tmp_path: Path) -> None:
    proc = run_app(*args, "--data-dir", str(tmp_path), **env)
    assert proc.returncode == 2, proc.stderr
    assert "Traceback" not in proc.stderr
    last = proc.stderr.strip().splitlines()[-1]
    assert last.startswith((f"app.py {args[0]}: error: argument", f"{args[0]}: a setting is not valid: SOFTREBOOT_")), proc.stderr


def test_purge_and_export_still_work(tmp_path: Path) -> None:
    assert run_app("purge", "--data-dir", str(tmp_path), "--days", "0").stdout.strip() == "deleted 0 turn(s) older than 0 days"
    proc = run_app("export", "--data-dir", str(tmp_path), "--format", "json")
    assert proc.returncode == 0 and proc.stdout == "[]", proc.stderr


@pytest.mark.slow
def test_serve_on_a_data_directory_that_is_a_file_is_one_line_and_exit_1(tmp_path: Path) -> None:
    not_a_dir = tmp_path / "file"
    not_a_dir.write_text("x")
    proc = run_app("serve", "--data-dir", str(not_a_dir), "--port", "1", timeout=300)
    assert proc.returncode == 1, proc.stderr
    assert "Traceback" not in proc.stderr
    assert any(line.startswith("serve: ") and str(not_a_dir) in line for line in proc.stderr.splitlines()), proc.stderr


def test_an_expected_error_becomes_its_message_and_exit_code(capsys: pytest.CaptureFixture[str]) -> None:
    def down() -> int:
        raise StoreError("connection refused\n(Background on this error at: https://sqlalche.me/e/20/e3q8)")

    assert at_the_edge("purge", down) == 1
    assert capsys.readouterr().err == "purge: the conversation database: connection refused\n"


def test_a_bug_keeps_its_traceback() -> None:
    def bug() -> int:
        raise ZeroDivisionError("a bug")

    with pytest.raises(ZeroDivisionError):
        at_the_edge("purge", bug)
