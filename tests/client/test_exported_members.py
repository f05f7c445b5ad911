"""`htx_sandbox.client.__all__` names every public name the package defines, sorted."""

from __future__ import annotations

from types import ModuleType

import htx_sandbox.client as client


def test_all_lists_every_public_name_and_is_sorted() -> None:
    public = {
        name
        for name, value in vars(client).items()
        if not name.startswith("_") and not isinstance(value, ModuleType)  # not its submodules
    }
    assert set(client.__all__) == public
    assert client.__all__ == sorted(client.__all__)


def test_the_clients_are_exported() -> None:
    for name in ("HtxSwapClient", "AsyncHtxSwapClient", "AdminClient", "AsyncAdminClient"):
        assert name in client.__all__
