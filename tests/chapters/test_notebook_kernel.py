"""The chapter live tests reuse the kernel nbmake ran the chapter in (``notebook_kernel.py``, the root ``conftest.py``)."""

from __future__ import annotations

import asyncio
from types import SimpleNamespace

import nbformat
import pytest
from nbclient import NotebookClient

import patches
import notebook_kernel
from steps import order_of


def _notebook(path, marker) -> None:
    cells = [
        nbformat.v4.new_code_cell(
            f"open({str(marker)!r}, 'a').write('ran\\n')\na = 41"
        ),
        nbformat.v4.new_code_cell("b = a + 1", metadata={"tags": ["sliders"]}),
    ]
    nbformat.write(nbformat.v4.new_notebook(cells=cells), path)


def test_a_kept_kernel_is_handed_out_without_executing_the_notebook_again(
    tmp_path,
):
    path, marker = tmp_path / "chapter.ipynb", tmp_path / "runs.txt"
    _notebook(path, marker)
    executed = nbformat.read(path, as_version=4)
    client = NotebookClient(executed, timeout=60, kernel_name="python3")
    client.execute(
        cleanup_kc=False
    )  # what conftest's nbmake hook does for a chapter with live tests
    notebook_kernel.keep(str(path), client, executed)
    live = notebook_kernel.run_until(str(path), "sliders")
    try:
        assert live is notebook_kernel.KEPT[str(path)]
        assert live.run("print(a, b)").strip() == "41 42"
        assert (
            marker.read_text() == "ran\n"
        )  # the notebook's cells ran once, in nbmake's run
        assert (
            len(executed.cells) == 2
        )  # code run by the tests goes to a copy, not to the cached notebook
    finally:
        live.close()
    assert str(path) not in notebook_kernel.KEPT and client.km is None


def test_without_a_kept_kernel_run_until_executes_up_to_the_tag(tmp_path):
    path, marker = tmp_path / "chapter.ipynb", tmp_path / "runs.txt"
    _notebook(path, marker)
    live = notebook_kernel.run_until(str(path), "sliders")
    try:
        assert (
            live.run("print(b)").strip() == "42"
            and marker.read_text() == "ran\n"
        )
    finally:
        live.close()


def test_a_chapter_that_failed_under_nbmake_fails_its_live_tests_at_once(
    tmp_path,
):
    path = tmp_path / "broken.ipynb"
    notebook_kernel.FAILED.add(str(path))
    try:
        with pytest.raises(
            AssertionError, match="failed under pytest --nbmake"
        ):
            notebook_kernel.run_until(str(path), "sliders")
    finally:
        notebook_kernel.FAILED.discard(str(path))


def _item(nodeid: str, nbmake: bool = False, notebook: str | None = None):
    return SimpleNamespace(
        nodeid=nodeid, nbmake=nbmake, module=SimpleNamespace(NOTEBOOK=notebook)
    )


def test_each_chapters_live_tests_run_right_after_it_and_the_site_last():
    items = [
        _item("tests/site/test_site.py::test_pages"),
        _item(
            "tests/chapters/test_chapter06_live.py::test_upload",
            notebook="chapters/06_cats_vs_dogs/cats_vs_dogs.ipynb",
        ),
        _item(
            "chapters/06_cats_vs_dogs/cats_vs_dogs.ipynb::cats_vs_dogs.ipynb",
            nbmake=True,
        ),
        _item(
            "tests/chapters/test_chapter02_sliders.py::test_moving",
            notebook="chapters/02_perceptron/perceptron.ipynb",
        ),
        _item(
            "chapters/02_perceptron/perceptron.ipynb::perceptron.ipynb",
            nbmake=True,
        ),
        _item("tests/unit/test_config.py::test_pick"),
    ]
    ordered = [
        item.nodeid.split("::")[0] for item in sorted(items, key=order_of)
    ]
    assert ordered == [
        "tests/unit/test_config.py",
        "chapters/02_perceptron/perceptron.ipynb",
        "tests/chapters/test_chapter02_sliders.py",
        "chapters/06_cats_vs_dogs/cats_vs_dogs.ipynb",
        "tests/chapters/test_chapter06_live.py",
        "tests/site/test_site.py",
    ]


class _Channel:
    """A channel whose long polls miss a message that has arrived (jupyter/nbclient#312) until polled afresh."""

    def __init__(self, misses: int):
        self.misses, self.timeouts = misses, []

    async def get_msg(self, timeout=None):
        self.timeouts.append(timeout)
        if self.misses:
            self.misses -= 1
            await asyncio.sleep(
                timeout or 0
            )  # a poll that sees nothing waits its whole timeout
            raise patches.Empty
        return {"msg": "reply"}


def test_channels_are_polled_afresh_in_short_steps_up_to_the_deadline():
    kc = SimpleNamespace(
        shell_channel=_Channel(misses=3), iopub_channel=_Channel(misses=0)
    )
    patches.repoll_channels(kc)
    assert asyncio.run(kc.shell_channel.get_msg(timeout=600)) == {
        "msg": "reply"
    }
    assert (
        kc.shell_channel.timeouts == [patches.REPOLL_S] * 4
    )  # never one 600 s wait

    never = SimpleNamespace(
        shell_channel=_Channel(misses=10**6), iopub_channel=_Channel(misses=0)
    )
    patches.repoll_channels(never)
    with pytest.raises(patches.Empty):
        asyncio.run(never.shell_channel.get_msg(timeout=1.2))
    assert (
        len(never.shell_channel.timeouts) == 3
        and max(never.shell_channel.timeouts) <= patches.REPOLL_S
    )


def test_every_kernel_client_nbclient_starts_repolls():
    assert getattr(
        NotebookClient.async_start_new_kernel_client, "_nnbook_repoll", False
    )
