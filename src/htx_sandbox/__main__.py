"""`python -m htx_sandbox`: the same as the `htx-sandbox` command."""

from htx_sandbox.cli import main

raise SystemExit(main())
