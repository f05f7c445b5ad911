"""scripts/unasync.py: the substitutions, and --check failing on a stale generated file."""

from __future__ import annotations

import importlib.util
import shutil
from pathlib import Path
from types import ModuleType

import pytest

SCRIPT = Path(__file__).resolve().parents[2] / "scripts" / "unasync.py"


@pytest.fixture
def unasync() -> ModuleType:
    spec = importlib.util.spec_from_file_location("unasync_script", SCRIPT)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_the_substitutions(unasync: ModuleType) -> None:
    source = (
        "class AsyncAdminClient(AsyncSession):\n"
        "    async def __aenter__(self) -> Self:\n"
        "        await self._http.aclose()  # leave the `async with` block\n"
        "        return await self._send(httpx.AsyncClient, asyncio, AsyncIterator)\n"
    )
    assert unasync.unasync(source) == (
        "class AdminClient(Session):\n"
        "    def __enter__(self) -> Self:\n"
        "        self._http.close()  # leave the `with` block\n"
        "        return self._send(httpx.Client, asyncio, Iterator)\n"
    )


def test_the_generated_files_are_fresh(unasync: ModuleType) -> None:
    assert unasync.main(["--check"]) == 0


def test_check_shows_a_stale_file_and_fails(
    unasync: ModuleType,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    target = tmp_path / "_sync"
    shutil.copytree(unasync.TARGET, target)
    (target / "market.py").write_text("# edited by hand\n")
    (target / "leftover.py").write_text("")
    monkeypatch.setattr(unasync, "TARGET", target)
    monkeypatch.setattr(unasync, "ROOT", tmp_path)

    assert unasync.main(["--check"]) == 1
    diff = capsys.readouterr().out
    assert "-# edited by hand" in diff and "+class Market(SwapSession):" in diff
    assert "_sync/leftover.py" in diff

    assert unasync.main([]) == 0  # regenerates: the edit and the leftover are gone
    assert unasync.main(["--check"]) == 0
    assert not (target / "leftover.py").exists()
