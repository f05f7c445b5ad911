"""The pure exchange core: no I/O, no clock reads, no asyncio."""
