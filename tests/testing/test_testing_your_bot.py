"""docs/testing-your-bot.md runs as a user's suite would run it: its code block as a test
module, with the pytest plugin, in a fresh interpreter."""

from __future__ import annotations

from pathlib import Path

import pytest

from .test_pytest_plugin import run

pytest_plugins = ["pytester"]
DOC = Path(__file__).resolve().parents[2] / "docs" / "testing-your-bot.md"


def test_the_documented_bot_test_passes(pytester: pytest.Pytester) -> None:
    code = DOC.read_text(encoding="utf-8").split("```python\n", 1)[1].split("```", 1)[0]
    pytester.makepyfile(test_bot=code)
    result = run(pytester, "-v")
    result.assert_outcomes(passed=1)
