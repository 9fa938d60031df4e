"""The documented deployment's proxy: deploy/nginx.conf in front of the app, trusted as
docker-compose.yml trusts it. A client that forges X-Forwarded-For is still rate-limited.

Everything runs on loopback addresses: the client connects from 127.0.0.3, nginx (the proxy) reaches
the app from 127.0.0.1, which stands for the proxy's fixed address in the compose file."""

from __future__ import annotations

import re
import shutil
import socket
import subprocess
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
import uvicorn
import yaml

from chatbot.assistant import Assistant
from tests.conftest import PROJECT, make_app, make_service
from tests.test_deploy import free_port

NGINX = shutil.which("nginx") or "/usr/sbin/nginx"
COMPOSE = yaml.safe_load((PROJECT / "docker-compose.yml").read_text())
pytestmark = pytest.mark.skipif(not Path(NGINX).exists(), reason="nginx not installed (scripts/system-deps.sh installs it)")


def test_compose_trusts_only_the_proxys_own_address() -> None:
    trusted = COMPOSE["services"]["app"]["environment"]["SOFTREBOOT_TRUSTED_PROXIES"]
    proxy_address = COMPOSE["services"]["proxy"]["networks"]["default"]["ipv4_address"]
    assert trusted == proxy_address and "*" not in trusted


@pytest.fixture
def behind_nginx(assistant: Assistant, sample_data_dir: Path, tmp_path: Path) -> Iterator[str]:
    app_port, proxy_port = free_port(), free_port()
    trusted = COMPOSE["services"]["app"]["environment"]["SOFTREBOOT_TRUSTED_PROXIES"]
    proxy_address = COMPOSE["services"]["proxy"].get("networks", {}).get("default", {}).get("ipv4_address")
    forwarded_allow = ",".join("127.0.0.1" if t == proxy_address else t for t in trusted.split(","))
    app = make_app(make_service(assistant, sample_data_dir, rate_limit=20))
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=app_port, log_level="warning", proxy_headers=True, forwarded_allow_ips=forwarded_allow))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    site = (PROJECT / "deploy" / "nginx.conf").read_text()
    site = site.replace("server app:8000;", f"server 127.0.0.1:{app_port};").replace("listen 80;", f"listen 127.0.0.1:{proxy_port};")
    assert f"127.0.0.1:{app_port}" in site and f"127.0.0.1:{proxy_port}" in site
    (tmp_path / "site.conf").write_text(site)
    (tmp_path / "nginx.conf").write_text(
        f"daemon off; pid {tmp_path}/nginx.pid; error_log {tmp_path}/error.log;\n"
        f"events {{}}\nhttp {{ access_log off; client_body_temp_path {tmp_path}; proxy_temp_path {tmp_path};\n"
        f"include {tmp_path}/site.conf; }}\n"
    )
    nginx = subprocess.Popen([NGINX, "-c", str(tmp_path / "nginx.conf"), "-p", str(tmp_path)], stderr=subprocess.PIPE)
    try:
        deadline = time.monotonic() + 30
        while not server.started or not _listening(proxy_port):
            assert nginx.poll() is None, nginx.stderr.read() if nginx.stderr else ""
            assert time.monotonic() < deadline
            time.sleep(0.1)
        yield f"http://127.0.0.1:{proxy_port}"
    finally:
        nginx.terminate()
        nginx.wait(timeout=10)
        server.should_exit = True
        thread.join(timeout=10)


def _listening(port: int) -> bool:
    with socket.socket() as s:
        return s.connect_ex(("127.0.0.1", port)) == 0


def test_a_forged_x_forwarded_for_does_not_escape_the_rate_limit(behind_nginx: str) -> None:
    transport = httpx.HTTPTransport(local_address="127.0.0.3")
    statuses = []
    with httpx.Client(transport=transport, timeout=60) as client:
        for i in range(24):
            forged = {"X-Forwarded-For": f"203.0.113.{i}"}
            statuses.append(client.post(f"{behind_nginx}/api/ask", json={"question": "what is SGB?"}, headers=forged).status_code)
    assert statuses[:20] == [200] * 20
    assert statuses[20:] == [429] * 4


def test_nginx_config_sets_the_header_rather_than_appending() -> None:
    site = (PROJECT / "deploy" / "nginx.conf").read_text()
    live = "\n".join(line.split("#")[0] for line in site.splitlines())
    assert "$proxy_add_x_forwarded_for" not in live
    assert len(re.findall(r"proxy_set_header X-Forwarded-For \$remote_addr;", live)) == len(re.findall(r"proxy_pass ", live))
