"""`make lab` serves the course: it prints JupyterLab's URL and that URL answers 200."""

import os
import re
import shutil
import signal
import socket
import subprocess
import time
import urllib.request
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.mark.skipif(shutil.which("make") is None, reason="make is not installed")
def test_make_lab_prints_a_url_that_answers_200(tmp_path):
    port = free_port()
    log = tmp_path / "lab.log"
    env = dict(os.environ, JUPYTER_RUNTIME_DIR=str(tmp_path / "runtime"))
    with open(log, "w") as out:
        proc = subprocess.Popen(
            ["make", "-s", "lab", f"PORT={port}"], cwd=ROOT, stdout=out,
            stderr=subprocess.STDOUT, env=env, start_new_session=True)
    try:
        url = None
        deadline = time.monotonic() + 90
        while url is None and time.monotonic() < deadline:
            assert proc.poll() is None, f"make lab exited early:\n{log.read_text()}"
            found = re.search(rf"http://127\.0\.0\.1:{port}/lab\?token=\w+", log.read_text())
            url = found.group(0) if found else None
            time.sleep(0.5)
        assert url, f"make lab printed no URL within 90 s:\n{log.read_text()}"
        with urllib.request.urlopen(url, timeout=30) as response:
            assert response.status == 200
            assert b"JupyterLab" in response.read()
    finally:
        stop(proc)


def stop(proc):
    """Stop make and the JupyterLab server it started (they share a process group)."""
    for sig, wait in ((signal.SIGTERM, 20), (signal.SIGKILL, 5)):
        try:
            os.killpg(proc.pid, sig)
            proc.wait(timeout=wait)
            return
        except ProcessLookupError:
            return
        except subprocess.TimeoutExpired:
            continue
