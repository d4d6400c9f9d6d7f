"""Every patch of a third-party library's internals that the book's build and test run need, in one place.

Nothing here knows about nnbook. Each patch is listed in :data:`PATCHES` with the function it replaces, the
signature it was written against, the version checked, and the upstream issue (or why there is none);
``tests/unit/test_patches.py`` fails when an installed version changes one of those signatures, so a patch is
re-read before it silently misbehaves.

Who installs what:

* the book build (``jupyter-book build``) loads this module as a Sphinx extension (``_config.yml``,
  ``local_extensions``): :func:`setup` installs :func:`keep_cached_outputs` and :func:`install_repolling`;
* the test run (the root ``conftest.py``, ``tests/chapters/notebook_kernel.py``) installs :func:`install_repolling`,
  :func:`plain_failure_report` and :func:`wrap_nbmake_execute` (with :func:`keeping_kernels` inside).
"""

from __future__ import annotations

import importlib
import inspect
import time
from contextlib import contextmanager
from dataclasses import dataclass
from queue import Empty
from typing import Any, Callable, Iterator

__all__ = [
    "PATCHES",
    "Empty",
    "copy_outputs",
    "install_repolling",
    "keep_cached_outputs",
    "keeping_kernels",
    "original",
    "plain_failure_report",
    "repoll_channels",
    "wrap_nbmake_execute",
]


@dataclass(frozen=True)
class Patch:
    """One replaced third-party function: where it lives, the signature the patch expects, and why."""

    target: str
    """``module:Class.attribute`` of the function whose signature the patch relies on."""
    signature: str
    """``str(inspect.signature(...))`` of that function in the version checked."""
    checked: str
    """The distribution and version the patch was written and checked against."""
    upstream: str
    """The upstream issue, or why none is filed."""


PATCHES = (
    Patch(
        "nbclient.client:NotebookClient.async_execute",
        "(self, reset_kc: 'bool' = False, **kwargs: 't.Any') "
        "-> 'NotebookNode'",
        "nbclient 0.11.0",
        "no issue: nbmake offers no way to keep the kernel after a run (nbmake runs NotebookClient.execute "
        "with cleanup_kc=True); keeping_kernels() passes cleanup_kc=False for the chapters' live tests",
    ),
    Patch(
        "nbmake.nb_run:NotebookRun.execute",
        "(self) -> nbmake.nb_result.NotebookResult",
        "nbmake 1.5.5",
        "no issue: nbmake has no hook after a notebook ran; wrap_nbmake_execute() stores the executed "
        "notebook in the book's jupyter-cache",
    ),
    Patch(
        "nbmake.pytest_items:NotebookItem.repr_failure",
        "(self, excinfo: Any, style: Optional[Any] = None) -> _pytest._code.code.TerminalRepr",
        "nbmake 1.5.5",
        "no upstream issue found: when the colourised report of an unexpected error (a dead kernel) fails "
        "itself, pytest aborts the session with INTERNALERROR",
    ),
    Patch(
        "jupyter_client.channels:AsyncZMQSocketChannel.get_msg",
        "(self, timeout: float | None = None) -> Dict[str, Any]",
        "jupyter_client 8.10.0 with nbclient 0.11.0",
        "jupyter/nbclient#312: one long poll of a channel sometimes misses a message that has arrived",
    ),
    Patch(
        "nbclient.client:NotebookClient.async_start_new_kernel_client",
        "(self) -> 'KernelClient'",
        "nbclient 0.11.0",
        "jupyter/nbclient#312 (where install_repolling() hooks in)",
    ),
    Patch(
        "myst_nb.core.execute.cache:NotebookClientCache.start_client",
        "(self)",
        "myst-nb 1.4.0",
        "no upstream issue found (related: executablebooks/MyST-NB#617): in cache mode the page shows the "
        "cached outputs but _build/jupyter_execute/ receives the unexecuted notebook",
    ),
)

_ORIGINALS: dict[str, Any] = {}


def _resolve(target: str) -> tuple[Any, str]:
    module, _, path = target.partition(":")
    owner: Any = importlib.import_module(module)
    *parents, name = path.split(".")
    for parent in parents:
        owner = getattr(owner, parent)
    return owner, name


def original(target: str) -> Callable:
    """The unpatched function named by ``target`` (as listed in :data:`PATCHES`), patched here or not."""
    if target in _ORIGINALS:
        return _ORIGINALS[target]
    owner, name = _resolve(target)
    return getattr(owner, name)


def _replace(target: str, make: Callable[[Callable], Callable]) -> None:
    """Replace ``target`` by ``make(original)`` once (installing twice is a no-op)."""
    owner, name = _resolve(target)
    if target in _ORIGINALS:
        return
    _ORIGINALS[target] = getattr(owner, name)
    setattr(owner, name, make(_ORIGINALS[target]))


# ---------------------------------------------------------------------------------------------------------------
# nbclient: keep the kernel of a run, for the live tests that follow it


@contextmanager
def keeping_kernels() -> Iterator[list]:
    """While the block runs, ``NotebookClient.execute`` keeps its kernel alive; yields the clients it ran.

    The caller owns those kernels: hand them on, or shut each down with ``client._cleanup_kernel()``.
    """
    from nbclient import NotebookClient

    clients: list = []
    execute = (
        NotebookClient.execute
    )  # nbclient's sync wrapper of async_execute(reset_kc, **kwargs)

    def execute_keeping_kernel(client, **kwargs):
        clients.append(client)
        return execute(client, cleanup_kc=False, **kwargs)

    NotebookClient.execute = execute_keeping_kernel
    try:
        yield clients
    finally:
        NotebookClient.execute = execute


# ---------------------------------------------------------------------------------------------------------------
# nbmake


def wrap_nbmake_execute(wrapper: Callable[[Callable, Any], Any]) -> None:
    """Make nbmake's ``NotebookRun.execute(run)`` call ``wrapper(execute, run)`` (``execute`` is nbmake's own)."""
    try:
        import nbmake.nb_run  # noqa: F401
    except ImportError:  # nbmake not installed: nothing to wrap
        return

    def make(execute):
        def execute_wrapped(self):
            return wrapper(execute, self)

        return execute_wrapped

    _replace("nbmake.nb_run:NotebookRun.execute", make)


def plain_failure_report() -> None:
    """When nbmake's colourised report of a failure fails itself, report the plain traceback instead.

    nbmake reports an unexpected exception (a kernel that died, say) with a colourised traceback; if that
    colouring raises, pytest aborts the whole session (INTERNALERROR) and no later chapter or the site is tested.
    """
    try:
        import nbmake.pytest_items  # noqa: F401
    except ImportError:
        return

    def make(repr_failure):
        def plain_on_error(self, excinfo, style=None):
            try:
                return repr_failure(self, excinfo, style)
            except Exception as error:  # noqa: BLE001 - any failure to format must not abort the session
                return f"{excinfo.typename}: {excinfo.value}\n{excinfo.getrepr(style='short')}\n(report: {error!r})"

        return plain_on_error

    _replace("nbmake.pytest_items:NotebookItem.repr_failure", make)


# ---------------------------------------------------------------------------------------------------------------
# jupyter_client / nbclient: poll kernel channels in short steps (jupyter/nbclient#312)

REPOLL_S = 0.5
"""Longest single wait on a kernel channel before polling it afresh (see :func:`repoll_channels`)."""


def _repolling(get_msg):
    async def get_msg_repolling(timeout: float | None = None):
        deadline = None if timeout is None else time.monotonic() + timeout
        while True:
            left = (
                REPOLL_S
                if deadline is None
                else max(0.0, min(REPOLL_S, deadline - time.monotonic()))
            )
            try:
                return await get_msg(timeout=left)
            except Empty:
                if deadline is not None and time.monotonic() >= deadline:
                    raise

    return get_msg_repolling


def repoll_channels(kc) -> None:
    """Make the kernel client's shell and IOPub waits poll again every :data:`REPOLL_S` seconds.

    With widgets on the page, one long ``poll`` of a channel sometimes never sees a message that has arrived
    (jupyter/nbclient#312): the caller then waits for the cell's whole timeout while the kernel sits idle, its
    reply sent. Short polls in a loop, up to the same deadline, pick the message up.
    """
    if getattr(kc, "_nnbook_repoll", False):
        return
    for channel in (kc.shell_channel, kc.iopub_channel):
        if inspect.iscoroutinefunction(channel.get_msg):
            channel.get_msg = _repolling(channel.get_msg)
    kc._nnbook_repoll = True


def install_repolling() -> None:
    """Every kernel client nbclient starts in this process gets :func:`repoll_channels`: the book build's
    (myst-nb executes through jupyter-cache in-process) and the test run's (nbmake's and the live tests')."""
    from nbclient import NotebookClient
    from nbclient.util import run_sync

    def make(start):
        async def start_and_repoll(self):
            kc = await start(self)
            repoll_channels(kc)
            return kc

        start_and_repoll._nnbook_repoll = True  # type: ignore[attr-defined]
        NotebookClient.start_new_kernel_client = run_sync(start_and_repoll)
        return start_and_repoll

    _replace(
        "nbclient.client:NotebookClient.async_start_new_kernel_client", make
    )


# ---------------------------------------------------------------------------------------------------------------
# myst-nb: the executed copy in _build/jupyter_execute/ keeps the cached outputs


def copy_outputs(executed, into) -> None:
    """Copy the code cells' outputs and execution counts of ``executed`` into the notebook ``into`` (same cells)."""
    for cell, ran in zip(into.cells, executed.cells):
        if cell.cell_type == "code":
            cell.outputs, cell.execution_count = (
                ran.outputs,
                ran.get("execution_count"),
            )
    if "language_info" in executed.metadata:
        into.metadata["language_info"] = executed.metadata["language_info"]


def keep_cached_outputs() -> None:
    """Make myst-nb's cache client put the cached outputs into the notebook it was given.

    The client replaces its notebook with the one jupyter-cache merges; the page is rendered from that one, but
    myst-nb then writes the notebook *it* holds, the unexecuted original, to ``_build/jupyter_execute/``: the
    executed copy a reader downloads (and a check of the build) shows no output at all.
    """

    def make(start):
        def start_and_keep_outputs(self) -> None:
            given = self._notebook
            start(self)
            if self._notebook is not given and len(
                self._notebook.cells
            ) == len(given.cells):
                copy_outputs(self._notebook, given)
                self._notebook = given

        return start_and_keep_outputs

    _replace(
        "myst_nb.core.execute.cache:NotebookClientCache.start_client", make
    )


def setup(app) -> dict:
    """Sphinx entry point (the book build): the patches the build needs."""
    keep_cached_outputs()
    install_repolling()
    return {
        "version": "1.0",
        "parallel_read_safe": True,
        "parallel_write_safe": True,
    }
