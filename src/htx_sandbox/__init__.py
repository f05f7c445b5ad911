"""htx-swap-sandbox: a self-hosted exchange speaking HTX's Coin-Margined Swap API."""

__version__ = "0.1.0"
