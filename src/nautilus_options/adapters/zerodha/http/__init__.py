"""HTTP transport of the Zerodha adapter: Kite's REST API with its rate classes."""
