"""docs/test-controls.md is executed against a real `htx-sandbox serve --market-maker`, in
order: its Python blocks in one namespace (with {base_url} and {admin_token} filled in), each
`$ htx-sandbox ...` line of its console blocks as a command that must succeed, with the
document's CSV block written to path.csv in the commands' working directory."""

from __future__ import annotations

import re
import shlex
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

import htx_sandbox

from .conftest import Server, clean_env

DOC = Path(__file__).resolve().parents[2] / "docs" / "test-controls.md"
BLOCK = re.compile(r"^```(python|console|csv)\n(.*?)^```", flags=re.M | re.S)


def blocks() -> list[tuple[str, str]]:
    return [(kind, text) for kind, text in BLOCK.findall(DOC.read_text(encoding="utf-8"))]


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Any:
    data = tmp_path_factory.mktemp("data")
    with Server(data, args=("--market-maker", "--no-rate-limit")) as running:
        yield running


def test_the_document_has_examples_of_every_control() -> None:
    text = "".join(code for _, code in blocks())
    for call in ("set_clock", "advance_clock", "arm_fault", "faults()", "set_cancel_delay",
                 "set_rate_limit", "clock advance", "prices play", "faults arm",
                 "cancel-delay set", "rate-limits set"):  # fmt: skip
        assert call in text, call


def test_every_example_runs(server: Server, tmp_path: Path) -> None:
    token = (server.data_dir / "admin-token").read_text().strip()
    env = clean_env({"HTX_SANDBOX_URL": server.url, "HTX_SANDBOX_ADMIN_TOKEN": token})
    # The commands run elsewhere (cwd): the package they import is the one under test.
    env["PYTHONPATH"] = str(Path(htx_sandbox.__file__).resolve().parents[1])
    namespace: dict[str, Any] = {"__name__": "test_controls_doc"}
    for index, (kind, text) in enumerate(blocks()):
        if kind == "csv":
            (tmp_path / "path.csv").write_text(text, encoding="utf-8")
        elif kind == "python":
            code = text.replace("{base_url}", server.url).replace("{admin_token}", token)
            exec(compile(code, f"docs/test-controls.md[block {index}]", "exec"), namespace)
        else:
            for line in text.splitlines():
                assert line.startswith("$ htx-sandbox "), line
                args = shlex.split(line.removeprefix("$ htx-sandbox "))
                done = subprocess.run(
                    [sys.executable, "-m", "htx_sandbox", *args], cwd=tmp_path, env=env,
                    capture_output=True, text=True, timeout=60, check=False,
                )  # fmt: skip
                assert done.returncode == 0, f"{line}: {done.stderr}"
    for client in ("trader", "admin"):
        namespace[client].close()
