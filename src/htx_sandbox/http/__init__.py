"""HTX's Coin-Margined Swap REST API over HTTP: endpoint declarations, envelopes, signatures, one
package per family of paths, and the sandbox's admin API (docs/architecture.md)."""
