"""The deployment files: Docker cannot run on this machine, so the image's own commands are run
here in the test venv (bake the index, serve, health check), and the compose file is checked."""

from __future__ import annotations

import os
import re
import shlex
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
import yaml

from tests.conftest import PROJECT

DOCKERFILE = (PROJECT / "Dockerfile").read_text()


def dockerfile_env() -> dict[str, str]:
    block = re.search(r"^ENV (.+?)(?=^\S)", DOCKERFILE, re.S | re.M)
    assert block
    pairs = shlex.split(block.group(1).replace("\\\n", " "))
    return dict(p.split("=", 1) for p in pairs)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_image_is_cpu_only_non_root_and_has_a_healthcheck() -> None:
    assert "download.pytorch.org/whl/cpu torch==2.13.0" in DOCKERFILE
    assert re.search(r"^USER app$", DOCKERFILE, re.M) and "useradd --system" in DOCKERFILE
    assert re.search(r"^HEALTHCHECK ", DOCKERFILE, re.M)
    assert dockerfile_env()["HF_HUB_OFFLINE"] == "1"


@pytest.mark.slow  # starts a process
def test_the_images_commands_run(tmp_path: Path) -> None:
    env = {**os.environ, **dockerfile_env()}
    data = tmp_path / "data"
    bake = re.search(r"(python app\.py ingest [^\n&\\]+)", DOCKERFILE)
    assert bake
    command = shlex.split(bake.group(1).replace("/data", str(data)))
    proc = subprocess.run([sys.executable, *command[1:]], cwd=PROJECT, env=env, capture_output=True, text=True, timeout=600)
    assert proc.returncode == 0, proc.stderr
    assert (data / "index" / "CURRENT").is_file()

    port = free_port()
    cmd = re.search(r'^CMD \["python", "app.py", "serve"\]$', DOCKERFILE, re.M)
    assert cmd
    serve_env = {**env, "SOFTREBOOT_DATA_DIR": str(data), "SOFTREBOOT_PORT": str(port), "SOFTREBOOT_HOST": "127.0.0.1", "SOFTREBOOT_REDACTION": "patterns"}
    server = subprocess.Popen([sys.executable, "app.py", "serve"], cwd=PROJECT, env=serve_env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        health = re.search(r'CMD python -c "(.+)"$', DOCKERFILE, re.M)
        assert health
        check = health.group(1).replace("8000", str(port))
        deadline = time.monotonic() + 180
        while True:
            result = subprocess.run([sys.executable, "-c", check], capture_output=True, timeout=30)
            if result.returncode == 0 or time.monotonic() > deadline:
                break
            time.sleep(1)
        assert result.returncode == 0
    finally:
        server.terminate()
        server.wait(timeout=30)


def test_compose_runs_replicas_behind_a_proxy_with_postgres() -> None:
    compose = yaml.safe_load((PROJECT / "docker-compose.yml").read_text())
    services = compose["services"]
    assert set(services) == {"db", "app", "proxy"}
    app = services["app"]
    assert app["environment"]["SOFTREBOOT_DATABASE_URL"].startswith("postgresql+psycopg://")
    assert app["deploy"]["replicas"] >= 2 and "data:/data" in app["volumes"]
    assert app["depends_on"]["db"]["condition"] == "service_healthy"
    nginx = (PROJECT / "deploy" / "nginx.conf").read_text()
    assert "ip_hash" in nginx and "proxy_buffering off" in nginx and "server app:8000" in nginx
