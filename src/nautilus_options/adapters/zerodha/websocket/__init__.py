"""WebSocket transport of the Zerodha adapter: the Kite ticker (market data, order updates)."""
