"""Files the sandbox writes: whole or not at all, owner-only, the directory synced."""

from __future__ import annotations

import errno
import os
import stat
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from htx_sandbox.cli import files, main
from htx_sandbox.cli.demo import DemoCredentials, _write
from htx_sandbox.cli.demo import DemoError as DemoWriteError
from htx_sandbox.cli.serve import CommandError, create_admin_token, read_admin_token

from .conftest import Server, free_port


def no_space(*args: Any) -> Any:
    raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))


@pytest.fixture
def permissive_umask() -> Iterator[None]:
    previous = os.umask(0)  # the file must be 0600 whatever the umask lets through
    try:
        yield
    finally:
        os.umask(previous)


def names(directory: Path) -> list[str]:
    return sorted(p.name for p in directory.iterdir())


@pytest.mark.usefixtures("permissive_umask")
def test_written_file_is_whole_and_owner_only(tmp_path: Path) -> None:
    path = tmp_path / "secret"
    text = "x" * 200_000 + "\nend\n"  # more than one write() may take
    files.write_private(path, text, replace=False)
    assert path.read_text() == text
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert names(tmp_path) == ["secret"]


def test_replace_false_never_replaces(tmp_path: Path) -> None:
    path = tmp_path / "secret"
    files.write_private(path, "first\n", replace=False)
    with pytest.raises(FileExistsError):
        files.write_private(path, "second\n", replace=False)
    assert path.read_text() == "first\n"
    assert names(tmp_path) == ["secret"]


def test_replace_true_replaces(tmp_path: Path) -> None:
    path = tmp_path / "secret"
    files.write_private(path, "first\n", replace=True)
    files.write_private(path, "second\n", replace=True)
    assert path.read_text() == "second\n"
    assert names(tmp_path) == ["secret"]


def half_then_no_space() -> Callable[[int, Any], int]:
    """os.write that writes half of the first chunk, then fails as a full disk does."""
    real = os.write
    calls = 0

    def write(fd: int, data: Any) -> int:
        nonlocal calls
        calls += 1
        if calls > 1:
            no_space()
        return real(fd, bytes(data)[: len(data) // 2])

    return write


@pytest.mark.parametrize("replace", [False, True])
@pytest.mark.parametrize("fail", ["write", "fsync"])
def test_a_failure_mid_write_leaves_neither_target_nor_temporary(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, replace: bool, fail: str
) -> None:
    path = tmp_path / "secret"
    monkeypatch.setattr(files.os, fail, half_then_no_space() if fail == "write" else no_space)
    with pytest.raises(OSError) as raised:
        files.write_private(path, "token\n", replace=replace)
    assert raised.value.errno == errno.ENOSPC
    assert names(tmp_path) == []


@pytest.mark.parametrize("replace", [False, True])
def test_a_failure_mid_write_leaves_an_existing_file_intact(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, replace: bool
) -> None:
    path = tmp_path / "secret"
    files.write_private(path, "kept\n", replace=False)
    monkeypatch.setattr(files.os, "fsync", no_space)
    with pytest.raises(OSError):
        files.write_private(path, "new\n", replace=replace)
    assert path.read_text() == "kept\n"
    assert names(tmp_path) == ["secret"]


@pytest.mark.parametrize("replace", [False, True])
def test_the_file_then_its_directory_are_synced(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, replace: bool
) -> None:
    path = tmp_path / "secret"
    real = os.fsync
    synced: list[tuple[str, bool]] = []  # (what was synced, did the target exist then)

    def fsync(fd: int) -> None:
        info = os.fstat(fd)
        if stat.S_ISDIR(info.st_mode):
            assert info.st_ino == tmp_path.stat().st_ino
            synced.append(("directory", path.exists()))
        else:
            synced.append(("file", path.exists()))
        real(fd)

    monkeypatch.setattr(files.os, "fsync", fsync)
    files.write_private(path, "token\n", replace=replace)
    # The content reaches the disk before the name does; the name before write_private returns.
    assert synced == [("file", False), ("directory", True)]


# -- the admin token and the demo credentials --------------------------------------------------


def test_a_token_that_cannot_be_written_leaves_no_file_and_the_next_start_makes_one(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    with monkeypatch.context() as patch:
        patch.setattr(files.os, "fsync", no_space)
        with pytest.raises(CommandError, match=r"cannot write admin token file .*: No space left"):
            create_admin_token(tmp_path)
    assert names(tmp_path) == []
    assert read_admin_token(tmp_path) is None
    token = create_admin_token(tmp_path)
    assert read_admin_token(tmp_path) == token


def test_an_existing_token_survives_a_failed_write(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    token = create_admin_token(tmp_path)
    monkeypatch.setattr(files.os, "fsync", no_space)
    with pytest.raises(CommandError):
        create_admin_token(tmp_path)  # a second starter racing the first, on a full disk
    monkeypatch.undo()
    assert read_admin_token(tmp_path) == token
    assert names(tmp_path) == ["admin-token"]


def test_demo_credentials_survive_a_failed_rewrite(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = tmp_path / "demo-credentials.json"
    saved = DemoCredentials(10_000_001, "ak", "sk", "http://127.0.0.1:1")
    _write(path, saved)
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    monkeypatch.setattr(files.os, "fsync", no_space)
    with pytest.raises(DemoWriteError, match="No space left"):
        _write(path, DemoCredentials(10_000_001, "ak", "sk", "http://127.0.0.1:2"))
    assert path.read_text() == saved.to_json() + "\n"
    assert names(tmp_path) == ["demo-credentials.json"]


def test_serve_on_a_full_disk_fails_cleanly_and_the_next_start_works(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    with monkeypatch.context() as patch:
        patch.setattr(files.os, "fsync", no_space)
        status = main(["serve", "--port", str(free_port()), "--data-dir", str(tmp_path)])
    _, err = capsys.readouterr()
    assert status == 1
    assert err.startswith("htx-sandbox: error: cannot write admin token file")
    assert not any(name.startswith((".admin-token", "admin-token")) for name in names(tmp_path))
    with Server(tmp_path) as running:
        assert running.token_line.startswith("admin token (generated in ")
    token = read_admin_token(tmp_path)
    assert token is not None and token in running.token_line
