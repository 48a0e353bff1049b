"""Backtest glue: the Zerodha fee model, expiry-settlement helpers and reports."""
