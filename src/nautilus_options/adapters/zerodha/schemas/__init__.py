"""msgspec structs mirroring Kite's JSON (KITE_API.md §3-4); unknown fields are ignored."""
