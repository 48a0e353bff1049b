"""Pure functions of the Zerodha adapter: Kite bytes, CSV and JSON in, Nautilus objects out.

Nothing here reads a clock, the cache or a socket: ``ts_init`` and lookups are arguments.
"""
