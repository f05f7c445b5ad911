"""Testing with the sandbox: a real server in the test process (`SandboxServer`) and the pytest
plugin built on it (`htx_sandbox.testing.plugin`, registered as a `pytest11` entry point, so it
is active wherever the package is installed)."""

from __future__ import annotations

from .server import Account, Clock, Faults, Prices, SandboxServer

__all__ = ["Account", "Clock", "Faults", "Prices", "SandboxServer"]
