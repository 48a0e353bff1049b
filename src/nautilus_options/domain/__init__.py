"""Pure domain layer: NSE facts, pricing, spread geometry, sizing and charges."""
