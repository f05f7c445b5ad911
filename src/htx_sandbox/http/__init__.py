"""HTX's Coin-Margined Swap REST API over HTTP: signatures, wire codecs, routes, admin API."""
