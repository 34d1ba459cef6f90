"""Screenshots of pages as a persona sees them (for looking at the UI, not a test).

    .venv/bin/python scripts/screenshots.py --user thamdinh --out /tmp/shots / /units/ /frameworks/
    .venv/bin/python scripts/screenshots.py --width 390 --user xa.canbo --out /tmp/phone /
    .venv/bin/python scripts/screenshots.py --user thamdinh --switch-language en /results/

Needs a running server (make run) and Debian's chromium. `--lang` only sets the browser's locale,
which the app ignores on purpose (Vietnamese until the user switches); `--switch-language en`
switches the way a user does, with the language selector in the top bar.
"""

from __future__ import annotations

import argparse
import re
from pathlib import Path

from playwright.sync_api import sync_playwright

CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("paths", nargs="+")
    parser.add_argument("--base", default="http://127.0.0.1:8000")
    parser.add_argument("--user", default="")
    parser.add_argument("--password", default="demo-parindex-2025")
    parser.add_argument("--out", default="/tmp/parindex-shots")
    parser.add_argument("--width", type=int, default=1280)
    parser.add_argument("--lang", default="vi", help="the browser's locale (the app ignores it)")
    parser.add_argument(
        "--switch-language", default="", help="pick this language in the top bar's selector first"
    )
    args = parser.parse_args()
    out = Path(args.out)
    out.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS
        )
        page = browser.new_page(viewport={"width": args.width, "height": 900}, locale=args.lang)
        if args.user:
            page.goto(f"{args.base}/login/")
            page.fill("#id_username", args.user)
            page.fill("#id_password", args.password)
            page.click("button[type=submit]")
        if args.switch_language:
            page.goto(f"{args.base}/")
            # The selector submits its form on change; set_language then redirects back.
            with page.expect_navigation():
                page.select_option("select[name=language]", args.switch_language)
        for path in args.paths:
            page.goto(f"{args.base}{path}")
            label = f"{args.user}_{args.switch_language}_{path}"
            name = re.sub(r"[^a-z0-9]+", "_", label.lower()).strip("_") or "root"
            target = out / f"{name}.png"
            page.screenshot(path=str(target), full_page=True)
            print(target)
        browser.close()


if __name__ == "__main__":
    main()
