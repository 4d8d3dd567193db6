"""Lighthouse (mobile preset) and axe-core on five pages of a built site, with screenshots.

Run by hand, never by ``make test`` (it needs Chromium and npm packages):

    apt-get install -y chromium                 # Debian's Chromium
    npm install -g lighthouse                   # or: npm install --prefix tools/quality
    npm install --prefix tools/quality          # puppeteer-core and axe-core
    .venv/bin/vccap build data -o reports
    .venv/bin/python tools/quality/check.py reports --shots /tmp/captures

The site is served by ``python -m http.server`` on 127.0.0.1 (a free port) for the time of
the check. Prints one line per page (Lighthouse performance, accessibility, best practices,
SEO; axe-core violations at 390 and 1280 px; sideways scroll at 390 px) and exits 1 when a
target is missed: performance >= 90, accessibility = 100, best practices = 100, SEO >= 90,
0 axe violation, no sideways scroll.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

HERE = Path(__file__).resolve().parent
PAGES = [
    "index.html",
    "actions/2016-06-salon-entrepreneurs-lyon.html",
    "fiches/salon.html",
    "annees/2017.html",
    "territoires/roannais.html",
]
CHROMIUM_FLAGS = (
    "--headless --no-sandbox --disable-gpu --disable-quic --no-first-run "
    "--disable-background-networking --disable-component-update --disable-sync"
)
TARGETS = {"performance": 90, "accessibility": 100, "best-practices": 100, "seo": 90}


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def serve(site: Path, port: int) -> subprocess.Popen:
    server = subprocess.Popen(
        [sys.executable, "-m", "http.server", str(port), "--bind", "127.0.0.1"],
        cwd=site,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    for _ in range(50):
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/index.html", timeout=1).close()
            return server
        except OSError:
            time.sleep(0.1)
    server.terminate()
    raise SystemExit("le serveur local n'a pas démarré")


def lighthouse(url: str, chromium: str, lighthouse_bin: str) -> dict[str, int]:
    with tempfile.TemporaryDirectory() as profile:
        out = Path(profile) / "lh.json"
        flags = f"{CHROMIUM_FLAGS} --user-data-dir={profile}/chrome"
        subprocess.run(
            [
                lighthouse_bin,
                url,
                "--quiet",
                "--output=json",
                f"--output-path={out}",
                f"--chrome-flags={flags}",
                "--only-categories=performance,accessibility,best-practices,seo",
            ],
            env={**os.environ, "CHROME_PATH": chromium},
            check=True,
            timeout=300,
        )
        data = json.loads(out.read_text(encoding="utf-8"))
    scores = {k: round((v["score"] or 0) * 100) for k, v in data["categories"].items()}
    audits = data["audits"]
    scores["fcp_s"] = round(audits["first-contentful-paint"]["numericValue"] / 1000, 1)
    scores["lcp_s"] = round(audits["largest-contentful-paint"]["numericValue"] / 1000, 1)
    scores["tbt_ms"] = round(audits["total-blocking-time"]["numericValue"])
    failing = [
        a["id"]
        for a in audits.values()
        if a.get("score") is not None and a["score"] < 1 and a.get("scoreDisplayMode") == "binary"
    ]
    scores["failing"] = failing
    return scores


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("site", type=Path, help="dossier du site construit (vccap build -o)")
    parser.add_argument("--shots", type=Path, default=Path("captures"), help="captures d'écran")
    parser.add_argument("--chromium", default=shutil.which("chromium") or "/usr/bin/chromium")
    parser.add_argument("--lighthouse", default=shutil.which("lighthouse") or "lighthouse")
    parser.add_argument("--pages", nargs="*", default=PAGES)
    parser.add_argument("--no-lighthouse", action="store_true", help="axe-core seulement")
    args = parser.parse_args(argv)
    if not (HERE / "node_modules" / "puppeteer-core").exists():
        print("Installer d'abord : npm install --prefix tools/quality", file=sys.stderr)
        return 2
    args.shots.mkdir(parents=True, exist_ok=True)
    port = free_port()
    server = serve(args.site.resolve(), port)
    base = f"http://127.0.0.1:{port}/"
    ok = True
    try:
        axe = json.loads(
            subprocess.run(
                ["node", str(HERE / "axe.mjs"), base, str(args.shots.resolve()), args.chromium]
                + args.pages,
                check=True,
                capture_output=True,
                text=True,
                timeout=900,
            ).stdout
        )
        print(f"{'page':48} perf a11y bp  seo  FCP   LCP   TBT  axe  défil.390")
        for page in args.pages:
            lh = (
                {}
                if args.no_lighthouse
                else lighthouse(base + page, args.chromium, args.lighthouse)
            )
            violations = axe[page]["violations"]
            overflow = axe[page]["overflow"]["390"]
            print(
                f"{page:48} {lh.get('performance', '-'):>4} {lh.get('accessibility', '-'):>4} "
                f"{lh.get('best-practices', '-'):>3} {lh.get('seo', '-'):>4} "
                f"{lh.get('fcp_s', '-'):>4}s {lh.get('lcp_s', '-'):>4}s "
                f"{lh.get('tbt_ms', '-'):>4} {len(violations):>4} {overflow:>6}px"
            )
            for v in violations:
                print(f"    axe {v['width']} px: {v['id']} ({v['impact']}) {v['help']}")
                for node in v["nodes"][:3]:
                    print(f"        {node['target']}")
            if lh.get("failing"):
                print(f"    lighthouse: {', '.join(lh['failing'])}")
            missed = [k for k, t in TARGETS.items() if lh and lh[k] < t]
            if missed or violations or overflow > 0:
                ok = False
    finally:
        server.terminate()
        server.wait()
    print(f"Captures d'écran : {args.shots}")
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
