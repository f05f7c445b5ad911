"""Who may call an endpoint: HTX's signed requests, and the sandbox's admin token."""
