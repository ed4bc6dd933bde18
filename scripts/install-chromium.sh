#!/bin/sh
# Install Debian's chromium for the browser test (tests/test_browser.py).
#
# Does nothing when /usr/bin/chromium is already there. Needs root (CI runs
# as root); without it, or without a network, it says so and exits 0 so that
# `make test` goes on and the browser test skips with its own message.
# Never use `playwright install`: it downloads other browsers and fails here.
set -u

if [ -x /usr/bin/chromium ]; then
    echo "chromium: already installed at /usr/bin/chromium"
    exit 0
fi

if [ "$(id -u)" -ne 0 ]; then
    if command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
        SUDO="sudo -n"
    else
        echo "chromium: not installed and not root; the browser test will be skipped" >&2
        exit 0
    fi
else
    SUDO=""
fi

if ! command -v apt-get >/dev/null 2>&1; then
    echo "chromium: no apt-get on this system; the browser test will be skipped" >&2
    exit 0
fi

echo "chromium: installing with apt-get (about 35 s)"
if $SUDO env DEBIAN_FRONTEND=noninteractive apt-get update -q \
    && $SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -q chromium; then
    echo "chromium: installed at /usr/bin/chromium"
else
    echo "chromium: apt-get failed; the browser test will be skipped" >&2
fi
exit 0
