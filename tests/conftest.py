"""Shared test configuration."""

from __future__ import annotations

import os

from hypothesis import settings

# Examples per test are left to each test; the profiles only set what differs between CI and a
# developer's machine. CI runs on a shared 2-core machine, so timing deadlines would be flaky.
settings.register_profile("ci", deadline=None, derandomize=False, print_blob=True)
settings.register_profile("dev")
settings.load_profile("ci" if os.environ.get("CI") else "dev")
