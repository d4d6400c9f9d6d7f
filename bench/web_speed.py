"""In-browser time per classification (TensorFlow.js in Debian's Chromium) beside Keras' predict on one image.

    python bench/web_speed.py [--runs 50] [--backend cpu|webgl]

Exports the chapters' saved models (``chapters/*/models``) and, when there are none, trains the tests' tiny
stand-ins; serves them on loopback; times ``nnbook_web.js`` preparing and classifying one real photo (median of
``--runs`` after a warm-up) and Keras' ``model.predict`` on the same prepared input; prints both and their ratio,
with the load average (the machine may be shared). Goal on 2 cores: <= 30 ms for 48-64 px, <= 60 ms for CIFAR.
"""

from __future__ import annotations

import argparse
import os
import shutil
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests" / "site"))
sys.path.insert(0, str(ROOT))

TIME = """async ([name, url, n]) => {
  const blob = await (await fetch(url)).blob();
  return await window.nnbookWeb.timeit(name, blob, n);
}"""


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=50)
    parser.add_argument("--backend", default="cpu")
    args = parser.parse_args()
    import web_site
    from playwright.sync_api import sync_playwright

    from nnbook import images, models

    folder = Path(tempfile.mkdtemp(prefix="web_speed_"))
    chapters = any(ROOT.glob("chapters/*/models/*.keras"))
    site = web_site.build(folder, with_tiny=not chapters, with_chapters=chapters)
    chromium = shutil.which("chromium") or "/usr/bin/chromium"
    print(f"load average {os.getloadavg()[0]:.2f} {os.getloadavg()[1]:.2f}, {os.cpu_count()} cores, "
          f"backend {args.backend}, median of {args.runs} after a warm-up")
    print(f"{'model':<16} {'input':>10} {'browser ms':>11} {'keras ms':>9} {'ratio':>6}")
    try:
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=chromium, args=["--no-sandbox", "--disable-gpu"])
            page = browser.new_page()
            page.goto(f"{site.url}/index.html?backend={args.backend}")
            page.wait_for_selector(".nnbook-web-app[data-ready]")
            for info in site.index:
                name = info["name"]
                photo = sorted((site.folder / "photos" / web_site.kind_of(name)).iterdir())[0]
                result = page.evaluate(TIME, [name, f"photos/{photo.parent.name}/{photo.name}", args.runs])
                web = float(np.median(result["times"]))
                saved = next(f.parent for f in (folder / "book").glob(f"chapters/*/models/{name}.keras"))
                model, spec = models.load(name, saved)
                x = images.to_model_input(photo, spec.size, spec.color)
                model.predict(x, verbose=0)
                times = []
                for _ in range(args.runs):
                    start = time.perf_counter()
                    model.predict(x, verbose=0)
                    times.append(1000 * (time.perf_counter() - start))
                keras_ms = float(np.median(times))
                print(f"{name:<16} {spec.size:>4}x{spec.size}x{spec.channels} {web:>11.1f} {keras_ms:>9.1f} "
                      f"{web / keras_ms:>6.2f}")
            browser.close()
    finally:
        site.stop()
        shutil.rmtree(folder, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
