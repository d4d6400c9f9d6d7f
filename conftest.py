"""Settings for every pytest run in this repository, unit tests, chapter notebooks and the built site alike.

* Quick mode, offline data when the shared folder sits beside the clone, and no GUI backend for the unit tests
  (notebook kernels switch to inline figures themselves in ``nnbook.setup()``). Kernels started by
  ``pytest --nbmake`` inherit these variables from this process.
* **Each notebook runs once.** Every chapter notebook that nbmake executes without error is stored in the book's
  jupyter-cache (``_build/.jupyter_cache``, the folder that ``jupyter-book build`` reads with
  ``execute_notebooks: cache``), so the site built afterwards in the same ``pytest`` run (``tests/test_site.py``,
  ``tests/site/``)
  renders those outputs instead of executing every chapter again.
* **Live tests reuse that run.** A chapter's live tests (``tests/test_chapterNN_*.py``, module constant
  ``NOTEBOOK``) are ordered right after the chapter's nbmake item and drive the very kernel nbmake executed it in,
  kept alive for them (``tests/notebook_kernel.py``), so no chapter executes twice.
* Order: unit tests, then each notebook followed by its live tests, then the site tests (they build the book from the cache); a time table of
  these steps ends the run and is written to ``_build/ci-times.json`` for ``.ci/run``.
"""

from __future__ import annotations

import json
import os
import sys
import time
from collections import defaultdict
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent
sys.path.insert(0, str(ROOT / "tests"))
sys.path.insert(0, str(ROOT / "tests" / "site"))
sys.path.insert(0, str(ROOT / "_ext"))
import notebook_kernel  # noqa: E402 - the kernels kept for the chapters' live tests
import patches  # noqa: E402 - _ext/patches.py: every patch of a third-party internal, in one place
from sitecheck import browser, playwright_session, server  # noqa: E402,F401 - session fixtures shared by every site test

SHARED_DATA = ROOT.parent / "shared" / "datasets"
BUILD = ROOT / "_build"
NOTEBOOK_CACHE = BUILD / ".jupyter_cache"
TIMES_FILE = BUILD / "ci-times.json"
SITE_TESTS = ("tests/test_site.py", "tests/site/")
"""Site tests: they check the book built from this run's notebooks, so they run last."""

os.environ.setdefault("MPLBACKEND", "Agg")
os.environ.setdefault("NNBOOK_MODE", "quick")
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "2")
if SHARED_DATA.is_dir():
    os.environ.setdefault("NNBOOK_DATA_DIR", str(SHARED_DATA))

# Fixture notebooks (one fails on purpose) are built by tests/test_book_build.py, never run by nbmake.
collect_ignore_glob = ["tests/fixtures/*", "_build/*", ".venv*/*"]

EXECUTED: dict[str, bool] = {}
"""Chapter notebooks nbmake executed in this session (path relative to the repo -> succeeded)."""
LIVE_CHAPTERS: set[str] = set()
"""Chapters with live tests collected in this session (their modules' ``NOTEBOOK``): nbmake keeps their kernel."""


def cache_executed_notebook(
    path: Path, executed, cache_dir: Path = NOTEBOOK_CACHE
) -> None:
    """Store an executed notebook in the jupyter-cache that ``jupyter-book build`` (cache mode) reads.

    jupyter-cache matches a notebook by its code cells' sources *and metadata* plus its kernelspec, and nbclient
    adds timing metadata to every cell it runs, so the stored notebook is the file on disk with the executed
    outputs copied in: exactly what myst-nb will look up.
    """
    import nbformat
    from jupyter_cache import get_cache
    from jupyter_cache.base import CacheBundleIn

    notebook = nbformat.read(str(path), as_version=4)
    if len(notebook.cells) != len(executed.cells):
        return
    patches.copy_outputs(
        executed, notebook
    )  # outputs and language_info; no widget state: the site loads no widget manager
    cache = get_cache(str(cache_dir))
    cache.cache_notebook_bundle(
        CacheBundleIn(notebook, uri=str(path)),
        check_validity=False,
        overwrite=True,
    )


def forget_notebook(path: Path, cache_dir: Path = NOTEBOOK_CACHE) -> None:
    """Remove a notebook's cached outputs (after a failed run, so the site never shows stale ones)."""
    import nbformat
    from jupyter_cache import get_cache

    if not cache_dir.is_dir():
        return
    cache = get_cache(str(cache_dir))
    try:
        record = cache.match_cache_notebook(
            nbformat.read(str(path), as_version=4)
        )
    except KeyError:
        return
    cache.remove_cache(record.pk)


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


def chapter_of(item: pytest.Item) -> str | None:
    """The chapter notebook a live test drives (its module's ``NOTEBOOK``), else None."""
    module = getattr(item, "module", None)
    notebook = getattr(module, "NOTEBOOK", None)
    return (
        notebook
        if isinstance(notebook, str) and notebook.startswith("chapters/")
        else None
    )


def step_of(item: pytest.Item) -> str:
    """The CI step an item belongs to: ``unit tests``, ``notebooks``, ``live checks`` or ``site``."""
    if getattr(item, "nbmake", False):
        return "notebooks"
    if item.nodeid.startswith(SITE_TESTS):  # a tuple: either prefix
        return "site"
    if chapter_of(item):
        return "live checks"
    return "unit tests"


def order_of(item: pytest.Item) -> tuple:
    """Unit tests; then each chapter, its live tests right after it (they reuse its kernel); then the site."""
    step = step_of(item)
    if step == "notebooks":
        return (1, item.nodeid.split("::")[0], 0)
    if step == "live checks":
        return (1, chapter_of(item), 1)
    return (ORDER[step], "", 0)


ORDER = {"unit tests": 0, "notebooks": 1, "site": 2}
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
# The built site (tests/test_site.py)


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
