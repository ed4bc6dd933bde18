"""Screenshots of notebooks as a student sees them in JupyterLab (for reviewing layouts).

    .venv/bin/python scripts/screenshot_notebooks.py notebooks/01_perceptron.ipynb \
        --out /tmp/shots [--width 940] [--cells 5,7] [--js "..."]

Starts JupyterLab from this Python on 127.0.0.1 with a temporary root holding copies of
the notebooks, opens each one in Debian's chromium (/usr/bin/chromium, through the
playwright package; never `playwright install`), runs all cells, waits until the kernel
is idle, and writes one PNG per cell that has outputs (``NN_cell.png``) into --out,
plus ``NN-widths.txt``: the measured width of the notebook, of its output area and of
one character of output text (how many characters fit on a line of a check's
message), the track width of every slider, the number of lines of every explorer
readout and the gap between an explorer's picture and its readout, and how far each
drop-down or button ends from the notebook's right edge.

The browser and server helpers are those of tests/test_browser.py. The notebooks import
nnedu from the PYTHONPATH of this process.
"""

import argparse
import json
import shutil
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))

import test_browser as tb  # the helpers of the browser test

MEASURE_JS = """() => {
  const box = (el) => el.getBoundingClientRect();
  const nb = document.querySelector('.jp-Notebook');
  const out = document.querySelector('.jp-OutputArea-output');
  const probe = document.createElement('pre');
  probe.textContent = 'x'.repeat(100);
  probe.style.display = 'inline-block';
  (out || document.body).appendChild(probe);
  const char = box(probe).width / 100;
  probe.remove();
  const sliders = [...document.querySelectorAll('.widget-slider')].map((s) => {
    const track = s.querySelector('.slider-container, .noUi-target, .ui-slider');
    const label = s.querySelector('.widget-label');
    return {label: label ? label.textContent : '', track: track ? Math.round(box(track).width) : null};
  });
  const readouts = [...document.querySelectorAll("[role='status']")].map((r) => {
    const explorer = r.closest('.widget-vbox');
    const img = explorer ? explorer.querySelector('img') : null;
    const gap = img ? Math.round(box(r).top - box(img).bottom) : null;
    const lineHeight = parseFloat(getComputedStyle(r).lineHeight) || 16;
    return {lines: Math.round(box(r).height / lineHeight), gap: gap, text: r.textContent};
  });
  const wide = [...document.querySelectorAll('.widget-dropdown, .widget-button')].map((w) =>
    Math.round((nb ? box(nb).right : 0) - box(w).right));
  return {notebook: nb ? Math.round(box(nb).width) : null,
          output: out ? Math.round(box(out).width) : null, char: char,
          sliders: sliders, readouts: readouts, right_margin_of_dropdowns: wide};
}"""


def _start_lab(root, tmp):
    import os
    import secrets
    import subprocess

    tb._write_lab_settings(tmp / "lab-settings")
    env = dict(os.environ, JUPYTERLAB_SETTINGS_DIR=str(tmp / "lab-settings"),
               JUPYTERLAB_WORKSPACES_DIR=str(tmp / "lab-workspaces"),
               JUPYTER_RUNTIME_DIR=str(tmp / "runtime"), JUPYTER_DATA_DIR=str(tmp / "data"))
    port, token = tb._free_port(), secrets.token_hex(16)
    command = [sys.executable, "-m", "jupyterlab", "--no-browser", "--ip=127.0.0.1",
               f"--port={port}", "--ServerApp.port_retries=0", f"--ServerApp.token={token}",
               f"--ServerApp.root_dir={root}", "--LabApp.news_url=", "--allow-root"]
    with open(tmp / "jupyter.log", "wb") as log:
        server = subprocess.Popen(command, env=env, stdout=log, stderr=subprocess.STDOUT)
    base_url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 60
    import urllib.request

    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(f"{base_url}/api/status?token={token}", timeout=2):
                return server, base_url, token
        except OSError:
            time.sleep(0.25)
    server.terminate()
    raise SystemExit("JupyterLab did not start; see " + str(tmp / "jupyter.log"))


def shoot(page, base_url, token, name, out, cells=None, js=None):
    """Run all cells of ``name`` and write a PNG of every cell with outputs into ``out``."""
    from playwright.sync_api import expect

    tb._dismiss_popups(page)
    page.goto(f"{base_url}/doc/tree/{name}?token={token}")
    expect(page.locator(".jp-Notebook-ExecutionIndicator[data-status='idle']")).to_be_visible(
        timeout=120_000)
    tb._wait_for_connected_kernel(base_url, token, name, 120)
    tb._run_all_cells(page)
    time.sleep(2)
    expect(page.locator(".jp-Notebook-ExecutionIndicator[data-status='idle']")).to_be_visible(
        timeout=300_000)
    time.sleep(1)
    if js:
        page.evaluate(js)
        time.sleep(3)
    stem = Path(name).stem
    measured = page.evaluate(MEASURE_JS)
    measured["keyboard"] = _press_arrow_keys(page)
    (out / f"{stem}-widths.txt").write_text(json.dumps(measured, indent=1))
    all_cells = page.locator(".jp-Notebook .jp-Cell")
    for index in range(all_cells.count()):
        if cells and index not in cells:
            continue
        cell = all_cells.nth(index)
        if cell.locator(".jp-OutputArea-output").count() == 0:
            continue
        cell.scroll_into_view_if_needed()
        time.sleep(0.3)
        cell.screenshot(path=str(out / f"{stem}-{index:02d}.png"))


def _press_arrow_keys(page, presses=3):
    """Focus the first slider's handle, press the right arrow key; the readouts before/after."""
    handle = page.locator(".widget-slider .noUi-handle, .widget-slider .ui-slider-handle").first
    if page.locator(".widget-slider").count() == 0:
        return None
    number = page.locator(".widget-slider .widget-readout").first
    status = page.locator("[role='status']").first
    before = (number.inner_text(), status.inner_text() if status.count() else "")
    handle.focus()
    for _ in range(presses):
        page.keyboard.press("ArrowRight")
        time.sleep(0.3)
    time.sleep(2)
    after = (number.inner_text(), status.inner_text() if status.count() else "")
    return {"slider_before": before[0], "slider_after": after[0],
            "readout_before": before[1], "readout_after": after[1]}


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("notebooks", nargs="+", type=Path)
    parser.add_argument("--out", type=Path, required=True)
    parser.add_argument("--width", type=int, default=940, help="browser viewport width (px)")
    parser.add_argument("--height", type=int, default=1400)
    parser.add_argument("--cells", default="", help="comma-separated cell indices to shoot")
    parser.add_argument("--js", default=None, help="JavaScript run after Run All")
    args = parser.parse_args(argv)
    from playwright.sync_api import sync_playwright

    args.out.mkdir(parents=True, exist_ok=True)
    cells = {int(c) for c in args.cells.split(",") if c}
    with tempfile.TemporaryDirectory() as tmp_name:
        tmp = Path(tmp_name)
        root = tmp / "root"
        root.mkdir()
        for notebook in args.notebooks:
            shutil.copy(notebook, root / notebook.name)
        server, base_url, token = _start_lab(root, tmp)
        try:
            with sync_playwright() as p:
                browser = p.chromium.launch(executable_path=tb.CHROMIUM, headless=True,
                                            args=tb.CHROMIUM_ARGS)
                for notebook in args.notebooks:
                    page = browser.new_page(viewport={"width": args.width,
                                                      "height": args.height})
                    shoot(page, base_url, token, notebook.name, args.out, cells, args.js)
                    page.close()
                browser.close()
        finally:
            server.terminate()
            server.wait(timeout=10)


if __name__ == "__main__":
    main()
