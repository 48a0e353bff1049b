"""Shared pieces of the Zerodha adapter: errors, enums, credentials, tokens, symbology."""
