"""A real browser drives a real JupyterLab: the learning-rate explorer answers a student.

The test starts JupyterLab from .venv on 127.0.0.1 (a free port, a random token, a
temporary root directory holding a copy of tests/browser_fixture/lr_explorer.ipynb),
opens the notebook in Debian's chromium through Playwright, runs all cells, types a
new learning rate into the slider's readout and checks that the kernel redrew the
explorer: its text readout and its image (the whole base64 ``src``) both change.

Needs /usr/bin/chromium (``scripts/install-chromium.sh`` installs it; ``make test``
runs that script first) and the ``playwright`` package (never ``playwright install``).
Deselect with ``pytest -m "not browser"``.
"""

import json
import os
import re
import secrets
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

CHROMIUM = "/usr/bin/chromium"
FIXTURES = Path(__file__).parent / "browser_fixture"
FIXTURE = FIXTURES / "lr_explorer.ipynb"
CHROMIUM_ARGS = [
    "--no-sandbox",  # needed when running as root (CI)
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
# JupyterLab settings for this server only: no "get notified about Jupyter news?" toast
# (it can cover the widgets), no update checks.
LAB_SETTINGS = {
    "@jupyterlab/apputils-extension/notification.jupyterlab-settings": {
        "fetchNews": "false",
        "checkForUpdates": False,
    },
}
SERVER_START_TIMEOUT_S = 60
KERNEL_TIMEOUT_MS = 90_000  # kernel start, imports and the first drawing
REDRAW_TIMEOUT_MS = 30_000
NEW_LEARNING_RATE = "0.1"  # on the slider's grid (10**-1); 0.5 would snap to 10**-0.3 = 0.501

pytestmark = pytest.mark.browser


def _free_port():
    """A TCP port on 127.0.0.1 that nothing listens on right now."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _write_lab_settings(settings_dir):
    for name, values in LAB_SETTINGS.items():
        path = settings_dir / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(values))


def _wait_until_answering(url, server, log_path, timeout_s):
    """Poll ``url`` until it answers 200; fail with the server's log if it died or never did."""
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if server.poll() is not None:
            tail = log_path.read_text(errors="replace")[-2000:]
            pytest.fail(f"JupyterLab exited with code {server.returncode} before answering:\n"
                        f"{tail}")
        try:
            with urllib.request.urlopen(url, timeout=2) as response:
                if response.status == 200:
                    return
        except OSError:
            pass
        time.sleep(0.25)
    pytest.fail(f"JupyterLab did not answer {url} within {timeout_s} s")


@pytest.fixture
def lab_server(tmp_path):
    """JupyterLab serving a copy of the fixture notebook; yields (base_url, token, name)."""
    if not os.path.exists(CHROMIUM):
        message = f"{CHROMIUM} is missing: run scripts/install-chromium.sh (needs root)"
        if os.environ.get("CI"):
            pytest.fail(f"{message}; CI must run the browser test, not skip it")
        pytest.skip(message)
    pytest.importorskip("playwright.sync_api", reason="the playwright package is not installed")
    root = tmp_path / "root"
    root.mkdir()
    for notebook in FIXTURES.glob("*.ipynb"):
        shutil.copy(notebook, root / notebook.name)
    _write_lab_settings(tmp_path / "lab-settings")
    env = dict(
        os.environ,
        JUPYTERLAB_SETTINGS_DIR=str(tmp_path / "lab-settings"),
        JUPYTERLAB_WORKSPACES_DIR=str(tmp_path / "lab-workspaces"),
        JUPYTER_RUNTIME_DIR=str(tmp_path / "runtime"),
        JUPYTER_DATA_DIR=str(tmp_path / "data"),  # no user-level kernelspec gets in the way
    )
    port, token = _free_port(), secrets.token_hex(16)
    command = [
        sys.executable, "-m", "jupyterlab", "--no-browser", "--ip=127.0.0.1",
        f"--port={port}", "--ServerApp.port_retries=0", f"--ServerApp.token={token}",
        f"--ServerApp.root_dir={root}", "--LabApp.news_url=", "--allow-root",
    ]
    log_path = tmp_path / "jupyter.log"
    with open(log_path, "wb") as log:
        server = subprocess.Popen(command, env=env, stdout=log, stderr=subprocess.STDOUT)
        try:
            base_url = f"http://127.0.0.1:{port}"
            _wait_until_answering(f"{base_url}/api/status?token={token}", server, log_path,
                                  SERVER_START_TIMEOUT_S)
            yield base_url, token, FIXTURE.name
        finally:
            server.terminate()
            try:
                server.wait(timeout=10)
            except subprocess.TimeoutExpired:
                server.kill()
                server.wait()


@pytest.fixture
def page():
    """A chromium page (1280x900) from Debian's chromium, closed afterwards."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        try:
            yield browser.new_page(viewport={"width": 1280, "height": 900})
        finally:
            browser.close()


def _wait_for_connected_kernel(base_url, token, name, timeout_s):
    """Wait until the server has a session for the notebook whose kernel is idle and
    connected to the page (JupyterLab has finished setting the notebook up).

    Running cells before that makes JupyterLab ask which kernel to use.
    """
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        with urllib.request.urlopen(f"{base_url}/api/sessions?token={token}",
                                    timeout=5) as response:
            sessions = json.load(response)
        kernels = [s["kernel"] for s in sessions if s.get("path") == name and s.get("kernel")]
        if any(k.get("connections", 0) > 0 and k.get("execution_state") == "idle"
               for k in kernels):
            return
        time.sleep(0.25)
    pytest.fail(f"no kernel connected to {name} within {timeout_s} s")


def _dismiss_popups(page):
    """Answer JupyterLab's pop-ups whenever they show up (Playwright runs these handlers
    before each action and assertion while one is on screen):

    - "Select Kernel": JupyterLab asks when cells are run before it has finished
      connecting the notebook to its kernel; accept its choice (python3);
    - the "get notified about official Jupyter news?" toast (the settings above should
      already prevent it): answer No.
    """
    if not hasattr(page, "add_locator_handler"):  # Playwright < 1.42: rely on the waits
        return
    dialog = page.locator(".jp-Dialog").filter(has_text="Select Kernel")
    page.add_locator_handler(
        dialog, lambda d: d.locator(".jp-Dialog-button.jp-mod-accept").first.click())
    toast = page.locator(".Toastify__toast").filter(has_text="Jupyter news")
    page.add_locator_handler(
        toast, lambda t: t.get_by_role("button", name="No").first.click())


def _open_and_run_all(page, base_url, token, name):
    """Open notebook ``name`` in JupyterLab, wait for its kernel, and run all its cells."""
    from playwright.sync_api import expect

    _dismiss_popups(page)
    page.goto(f"{base_url}/lab/tree/{name}?token={token}")
    expect(page.locator(".jp-Notebook-ExecutionIndicator[data-status='idle']")).to_be_visible(
        timeout=KERNEL_TIMEOUT_MS)
    _wait_for_connected_kernel(base_url, token, name, KERNEL_TIMEOUT_MS / 1000)
    _run_all_cells(page)


def _with_screenshot_on_failure(page, tmp_path, drive, *args):
    """drive(page, *args); on any failure, save a screenshot of the page, then re-raise."""
    try:
        drive(page, *args)
    except Exception:
        shot = tmp_path / "failure.png"
        page.screenshot(path=str(shot), full_page=True)
        print(f"screenshot of the page at the failure: {shot}")
        raise


def _run_all_cells(page):
    page.locator(".lm-MenuBar-itemLabel", has_text="Run").first.click()
    page.locator(".lm-Menu-itemLabel", has_text="Run All Cells").first.click()


def test_typing_a_learning_rate_redraws_the_explorer(lab_server, page, tmp_path):
    _with_screenshot_on_failure(page, tmp_path, _drive_the_explorer, *lab_server)


def _drive_the_explorer(page, base_url, token, name):
    from playwright.sync_api import expect

    _open_and_run_all(page, base_url, token, name)

    slider = page.locator(".widget-slider", has=page.locator(".widget-label",
                                                             has_text="learning"))
    slider_readout = slider.locator(".widget-readout").first
    image = page.locator(".jp-OutputArea-output img").first
    readout = page.locator(".jp-OutputArea-output [role='status']").first  # Explorer readout
    expect(image).to_have_attribute("src", re.compile("^data:image/png;base64,"),
                                    timeout=KERNEL_TIMEOUT_MS)
    expect(readout).not_to_have_text("", timeout=KERNEL_TIMEOUT_MS)
    before_text, before_src = readout.inner_text(), image.get_attribute("src")

    slider_readout.click()
    page.keyboard.press("Control+A")
    page.keyboard.type(NEW_LEARNING_RATE)
    page.keyboard.press("Enter")

    # the kernel redraws: a new PNG (compare the WHOLE base64 string) and a new readout
    expect(image).not_to_have_attribute("src", before_src, timeout=REDRAW_TIMEOUT_MS)
    expect(readout).not_to_have_text(before_text, timeout=REDRAW_TIMEOUT_MS)
    after_text, after_src = readout.inner_text(), image.get_attribute("src")
    assert float(slider_readout.inner_text()) == pytest.approx(float(NEW_LEARNING_RATE))
    assert after_src.startswith("data:image/png;base64,") and after_src != before_src
    assert "lr=0.1" in after_text, f"the readout does not show the new rate: {after_text!r}"


def test_moving_the_conv_window_updates_the_formula_view(lab_server, page, tmp_path):
    base_url, token, _ = lab_server
    _with_screenshot_on_failure(page, tmp_path, _drive_the_conv_explorer, base_url, token,
                                "conv_explorer.ipynb")


def _drive_the_conv_explorer(page, base_url, token, name):
    """The square (ones in rows and columns 2..5) under the identity kernel, no padding:
    window 7 sits at (1, 1), its centre on image[2, 2] = 1, so the formula's sum is 1."""
    from playwright.sync_api import expect

    _open_and_run_all(page, base_url, token, name)
    slider = page.locator(".widget-slider", has=page.locator(".widget-label",
                                                             has_text="window"))
    image = page.locator(".jp-OutputArea-output img").first
    readout = page.locator(".jp-OutputArea-output [role='status']").first
    expect(readout).to_contain_text("window 0 at (0, 0): y = 0", timeout=KERNEL_TIMEOUT_MS)
    before_src = image.get_attribute("src")
    slider.locator(".widget-readout").first.click()
    page.keyboard.press("Control+A")
    page.keyboard.type("7")
    page.keyboard.press("Enter")
    expect(readout).to_contain_text("window 7 at (1, 1): y = 1", timeout=REDRAW_TIMEOUT_MS)
    expect(image).not_to_have_attribute("src", before_src, timeout=REDRAW_TIMEOUT_MS)


def test_the_playground_steps_plays_and_takes_a_new_feature(lab_server, page, tmp_path):
    base_url, token, _ = lab_server
    _with_screenshot_on_failure(page, tmp_path, _drive_the_playground, base_url, token,
                                "playground.ipynb")


def _epoch(readout):
    """The epoch the playground's readout reports ("xor, 1x4 relu: epoch 110, ...")."""
    return int(re.search(r"epoch (\d+)", readout.inner_text()).group(1))


def _drive_the_playground(page, base_url, token, name):
    """Trained for 100 epochs (full batch: one step each); "step" trains 10 more; the
    x1^2 feature is a new setting (100 epochs again, a third input); play trains on; the
    network picture and the code show; typing 3 in the "layer 1" box gives 1x3."""
    from playwright.sync_api import expect

    _open_and_run_all(page, base_url, token, name)
    image = page.locator(".jp-OutputArea-output img").first
    readout = page.locator(".jp-OutputArea-output [role='status']").first
    expect(readout).to_contain_text("xor, 1x4 relu: epoch 100, train loss",
                                    timeout=KERNEL_TIMEOUT_MS)
    before_src = image.get_attribute("src")

    page.locator(".widget-button", has_text="step").first.click()
    expect(readout).to_contain_text("xor, 1x4 relu: epoch 110, ", timeout=REDRAW_TIMEOUT_MS)
    expect(image).not_to_have_attribute("src", before_src, timeout=REDRAW_TIMEOUT_MS)
    expect(page.locator(".widget-html", has_text="epoch").first).to_contain_text("epoch 110")

    before_src = image.get_attribute("src")
    page.locator(".widget-checkbox", has_text="x1^2").locator("input").first.check()
    expect(readout).to_contain_text("xor, 1x4 relu on x1, x2, x1^2: epoch 100, ",
                                    timeout=REDRAW_TIMEOUT_MS)
    expect(image).not_to_have_attribute("src", before_src, timeout=REDRAW_TIMEOUT_MS)

    # ipywidgets 8's Play: one play/pause button (7.x has separate ones), then stop
    play_pause = page.locator(".widget-play button").first
    play_pause.click()  # play: the widget ticks, each tick trains a few epochs
    expect(play_pause.locator("i")).to_have_class(re.compile("fa-pause"))
    expect(readout).not_to_contain_text("epoch 100,", timeout=REDRAW_TIMEOUT_MS)
    page.wait_for_timeout(1500)
    play_pause.click()  # pause
    expect(play_pause.locator("i")).to_have_class(re.compile("fa-play"))
    page.wait_for_timeout(1500)  # the ticks already sent are still answered
    paused_at = _epoch(readout)
    assert paused_at >= 120, f"play trained too little: {readout.inner_text()!r}"
    page.wait_for_timeout(1500)
    assert _epoch(readout) == paused_at, "the playground went on training after pause"

    # the optional views: the network picture (a second image) and the code
    images = page.locator(".jp-OutputArea-output img")
    page.locator(".widget-checkbox", has_text="show network").locator("input").first.check()
    expect(images).to_have_count(2, timeout=REDRAW_TIMEOUT_MS)
    page.locator(".widget-checkbox", has_text="show code").locator("input").first.check()
    code = page.locator(".widget-html pre").first
    expect(code).to_contain_text("model = Sequential([", timeout=REDRAW_TIMEOUT_MS)
    expect(code).to_contain_text("features = ['x1', 'x2', 'x1^2']")
    expect(code).to_contain_text(f"for epoch in range({paused_at}):")

    # the units of each hidden layer: a box per layer, layer 2's hidden (one hidden layer)
    def units_box(layer):
        return page.locator(".widget-text", has=page.locator(".widget-label",
                                                             has_text=f"layer {layer}")).first

    expect(units_box(2)).to_be_hidden()
    box = units_box(1).locator("input")
    box.fill("3")
    box.press("Enter")
    expect(readout).to_contain_text("xor, 1x3 relu on x1, x2, x1^2: epoch 100, ",
                                    timeout=REDRAW_TIMEOUT_MS)
    expect(code).to_contain_text("Dense(3, activation='relu', input_shape=(3,)")
