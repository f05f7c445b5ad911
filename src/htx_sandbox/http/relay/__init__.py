"""The socket relay: a process of its own that writes the WebSocket services' frames to their
clients, so that the server's GIL-bound process spends one system call a round on them instead
of one per client (`child` says why, `records` how the two talk).

This package's `__init__` imports nothing: the relay's process starts from it.
"""
