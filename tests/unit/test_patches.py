"""Every patch of a third-party internal (``_ext/patches.py``) still matches the function it replaces."""

from __future__ import annotations

import inspect

import pytest

import patches


@pytest.mark.parametrize(
    "patch", patches.PATCHES, ids=lambda patch: patch.target
)
def test_a_patched_function_keeps_the_signature_the_patch_was_written_for(
    patch,
):
    try:
        function = patches.original(patch.target)
    except (ImportError, AttributeError) as error:
        pytest.fail(
            f"{patch.target} is gone ({error}); the patch was checked with {patch.checked}: "
            f"re-read it in _ext/patches.py ({patch.upstream})"
        )
    assert str(inspect.signature(function)) == patch.signature, (
        f"{patch.target} changed its signature since {patch.checked}: re-check the patch in _ext/patches.py "
        f"(upstream: {patch.upstream}) and update PATCHES"
    )


def test_every_patch_is_listed_once():
    targets = [patch.target for patch in patches.PATCHES]
    assert len(targets) == len(set(targets))
    assert all(patch.checked and patch.upstream for patch in patches.PATCHES)


def test_installed_patches_keep_the_original_for_the_check():
    from nbclient import NotebookClient

    patches.install_repolling()  # idempotent
    target = "nbclient.client:NotebookClient.async_start_new_kernel_client"
    assert (
        patches.original(target)
        is not NotebookClient.async_start_new_kernel_client
    )
    assert getattr(
        NotebookClient.async_start_new_kernel_client, "_nnbook_repoll", False
    )


def test_keeping_kernels_restores_nbclient_and_passes_cleanup_kc_false(
    monkeypatch,
):
    from nbclient import NotebookClient

    seen = {}
    monkeypatch.setattr(
        NotebookClient,
        "execute",
        lambda client, **kwargs: seen.update(kwargs) or "ran",
    )
    plain = NotebookClient.execute
    with patches.keeping_kernels() as clients:
        assert NotebookClient.execute(object()) == "ran"
    assert seen == {"cleanup_kc": False} and len(clients) == 1
    assert NotebookClient.execute is plain
