"""The backoff between probes of an unavailable store."""

from __future__ import annotations

from pytest import approx

from htx_sandbox.service.health import Backoff


def test_probes_come_later_and_later_until_a_commit_succeeds() -> None:
    backoff = Backoff(first=0.05, most=0.3)
    backoff.failed(100.0)
    assert backoff.at == approx(100.05)
    assert not backoff.due(100.04) and backoff.due(100.06)
    backoff.failed(100.05)
    assert backoff.at == approx(100.15)
    backoff.failed(100.15)
    backoff.failed(100.35)
    assert backoff.delay == approx(0.3)  # capped
    backoff.failed(101.0)
    assert backoff.at == approx(101.3)
    assert backoff.wait(101.1) == approx(0.2)
    # Only a commit that succeeds starts again from the first delay: a store may pass its
    # probes and still fail commits.
    backoff.succeeded()
    backoff.failed(200.0)
    assert backoff.at == approx(200.05)
