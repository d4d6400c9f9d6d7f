"""Settings for every pytest run in this repository, unit tests, chapter notebooks and the built site alike.

* Quick mode, offline data when the shared folder sits beside the clone, and no GUI backend for the unit tests
  (notebook kernels switch to inline figures themselves in ``nnbook.setup()``). Kernels started by
  ``pytest --nbmake`` inherit these variables from this process.
* **Each notebook runs once.** Every chapter notebook that nbmake executes without error is stored in the book's
  jupyter-cache (``_build/.jupyter_cache``, the folder that ``jupyter-book build`` reads with
  ``execute_notebooks: cache``; ``tests/chapters/notebook_cache.py``), so the site built afterwards in the same
  ``pytest`` run (``tests/site/``) renders those outputs instead of executing every chapter again.
* **Live tests reuse that run.** A chapter's live tests (``tests/chapters/test_chapterNN_*.py``, module constant
  ``NOTEBOOK``) are ordered right after the chapter's nbmake item and drive the very kernel nbmake executed it in,
  kept alive for them (``tests/chapters/notebook_kernel.py``), so no chapter executes twice.
* Order (``tests/steps.py``): unit tests, then each notebook followed by its live tests, then the site tests (they
  build the book from the cache); a time table of these steps ends the run and is written to
  ``_build/ci-times.json`` for ``.ci/run``.
* Layout (CONTRIBUTING.md, "Tests"): ``tests/unit/`` one module's tests each, ``tests/chapters/`` the chapters'
  live tests and the notebook-wide checks, ``tests/site/`` the built site and the model web in Chromium; helpers
  shared by several folders (``expectations.py``, ``glued.py``) and ``tests/conftest.py``'s fixtures in ``tests/``.
"""

from __future__ import annotations

import json
import os
import time
from collections import defaultdict
from pathlib import Path

import pytest

# pyproject.toml's `pythonpath` puts tests/, tests/chapters/, tests/site/ and _ext/ on sys.path.
import notebook_kernel  # the kernels kept for the chapters' live tests
import patches  # _ext/patches.py: every patch of a third-party internal, in one place
from notebook_cache import cache_executed_notebook, forget_notebook
from sitecheck import (  # noqa: F401 - session fixtures shared by every site test
    browser,
    desktop,
    playwright_session,
    server,
)
from steps import chapter_of, order_of, step_of

ROOT = Path(__file__).resolve().parent

SHARED_DATA = ROOT.parent / "shared" / "datasets"
BUILD = ROOT / "_build"
TIMES_FILE = BUILD / "ci-times.json"

os.environ.setdefault("MPLBACKEND", "Agg")
os.environ.setdefault("NNBOOK_MODE", "quick")
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
if SHARED_DATA.is_dir():
    os.environ.setdefault("NNBOOK_DATA_DIR", str(SHARED_DATA))

# Fixture notebooks (one fails on purpose) are built by tests/chapters/test_book_build.py, never run by nbmake.
collect_ignore_glob = ["tests/chapters/fixtures/*", "_build/*", ".venv*/*"]

EXECUTED: dict[str, bool] = {}
"""Chapter notebooks nbmake executed in this session (path relative to the repo -> succeeded)."""
LIVE_CHAPTERS: set[str] = set()
"""Chapters with live tests collected in this session (their modules' ``NOTEBOOK``): nbmake keeps their kernel."""


def execute_and_cache(execute, run):
    """nbmake's run of one notebook (``execute(run)``), plus: a chapter keeps its kernel for its live tests, and a
    chapter that ran without error is stored in the book's jupyter-cache (a failed one is forgotten there)."""
    path = Path(run.filename).resolve()
    try:
        relative = str(path.relative_to(ROOT))
    except ValueError:
        return execute(run)
    if not relative.startswith("chapters/"):
        return execute(run)
    with (
        patches.keeping_kernels() as clients
    ):  # the chapter's live tests (ordered next) use the kernel
        result = execute(run)
    EXECUTED[relative] = result.error is None
    if result.error is None:
        cache_executed_notebook(path, result.nb)
    else:
        forget_notebook(path)
        notebook_kernel.FAILED.add(relative)
    for client in clients:
        if (
            result.error is None
            and relative in LIVE_CHAPTERS
            and client.km is not None
        ):
            notebook_kernel.keep(relative, client, result.nb)
        elif client.km is not None:
            client._cleanup_kernel()  # noqa: SLF001 - what nbmake's run would have done
    return result


patches.wrap_nbmake_execute(execute_and_cache)
patches.plain_failure_report()


def _raise_open_file_limit() -> None:
    """Kernels, servers and browsers each hold sockets: allow this process as many open files as the system does."""
    try:
        import resource
    except ImportError:  # Windows
        return
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    wanted = hard if hard != resource.RLIM_INFINITY else max(soft, 65536)
    if soft != resource.RLIM_INFINITY and soft < wanted:
        try:
            resource.setrlimit(resource.RLIMIT_NOFILE, (wanted, hard))
        except (ValueError, OSError):
            pass


_raise_open_file_limit()


# ---------------------------------------------------------------------------------------------------------------
# Order and time table


WALL: dict[str, float] = defaultdict(float)
CPU: dict[str, float] = defaultdict(float)
CHAPTER_SECONDS: dict[str, tuple[float, float]] = {}
PHASES: dict[str, tuple[float, float]] = {}
"""Named phases measured inside fixtures (``site build``): (wall, cpu) seconds, listed apart from their step."""


def cpu_seconds() -> float:
    """User + system seconds of this process and of every child it has waited for (kernels, the book build)."""
    times = os.times()
    return (
        times.user + times.system + times.children_user + times.children_system
    )


def pytest_collection_modifyitems(session, config, items):
    items.sort(key=order_of)
    LIVE_CHAPTERS.update(
        chapter for chapter in map(chapter_of, items) if chapter
    )


def pytest_sessionfinish(session, exitstatus):
    for kept in list(notebook_kernel.KEPT.values()):
        kept.close()


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_protocol(item, nextitem):
    wall, cpu = time.perf_counter(), cpu_seconds()
    yield
    wall, cpu = time.perf_counter() - wall, cpu_seconds() - cpu
    step = step_of(item)
    WALL[step] += wall
    CPU[step] += cpu
    if step == "notebooks":
        CHAPTER_SECONDS[item.nodeid.split("::")[0]] = (wall, cpu)


def record_phase(name: str, wall: float, cpu: float) -> None:
    """Let a fixture report a phase (the book build) that the time table lists on its own line."""
    PHASES[name] = (wall, cpu)


def pytest_terminal_summary(terminalreporter, exitstatus, config):
    if not WALL:
        return
    rows = {
        step: (WALL[step], CPU[step])
        for step in ("unit tests",)
        if step in WALL
    }
    if "notebooks" in WALL:
        # One row: a chapter's kernel is reaped (and its CPU counted) when its live tests close it.
        rows["notebooks, each with its live checks"] = (
            WALL["notebooks"] + WALL["live checks"],
            CPU["notebooks"] + CPU["live checks"],
        )
    if "site" in WALL:
        build_wall, build_cpu = PHASES.get("site build", (0.0, 0.0))
        rows["site build"] = (build_wall, build_cpu)
        rows["browser tests"] = (
            WALL["site"] - build_wall,
            CPU["site"] - build_cpu,
        )
    write = terminalreporter.write_line
    terminalreporter.section("time per step (seconds: wall / cpu)")
    for path, (wall, cpu) in sorted(CHAPTER_SECONDS.items()):
        write(f"  {path:<66} {wall:7.1f} / {cpu:7.1f}")
    for name, (wall, cpu) in rows.items():
        write(f"{name:<68} {wall:7.1f} / {cpu:7.1f}")
    try:
        BUILD.mkdir(exist_ok=True)
        TIMES_FILE.write_text(
            json.dumps(
                {
                    "steps": {
                        name: {"wall": wall, "cpu": cpu}
                        for name, (wall, cpu) in rows.items()
                    },
                    "chapters": {
                        path: {"wall": wall, "cpu": cpu}
                        for path, (wall, cpu) in CHAPTER_SECONDS.items()
                    },
                },
                indent=1,
            )
        )
    except OSError:
        pass


# ---------------------------------------------------------------------------------------------------------------
# The built site (tests/site/)


@pytest.fixture(scope="session")
def built_site() -> Path:
    """Build the book with ``jupyter-book build . -W`` (from the notebooks this run executed) and return its HTML.

    Chapters that nbmake executed in this run come from the cache; any other chapter is executed by the build.
    When a chapter notebook failed in this run, the site is not built (the failure is already reported).
    ``NNBOOK_SITE_HTML=/path/to/_build/html`` checks a site built beforehand instead of building one.
    """
    import subprocess
    import sys

    prebuilt = os.environ.get("NNBOOK_SITE_HTML")
    if prebuilt:  # check a site that is already built (no build here)
        return Path(prebuilt)
    failed = sorted(path for path, ok in EXECUTED.items() if not ok)
    if failed:
        pytest.fail(
            "the site is not built because these chapters failed: "
            + ", ".join(failed),
            pytrace=False,
        )
    jupyter_book = Path(sys.executable).with_name("jupyter-book")
    BUILD.mkdir(exist_ok=True)
    log = BUILD / "site-build.log"
    start, cpu = time.perf_counter(), cpu_seconds()
    with log.open("w") as out:
        result = subprocess.run(
            [str(jupyter_book), "build", str(ROOT), "-W", "--keep-going"],
            stdout=out,
            stderr=subprocess.STDOUT,
            text=True,
            cwd=ROOT,
        )
    record_phase(
        "site build", time.perf_counter() - start, cpu_seconds() - cpu
    )
    if result.returncode != 0:
        pytest.fail(
            f"jupyter-book build failed (log: {log}):\n"
            + log.read_text()[-4000:],
            pytrace=False,
        )
    return BUILD / "html"
