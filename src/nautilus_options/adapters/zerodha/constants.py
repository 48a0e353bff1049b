"""Constants of the Zerodha Kite Connect adapter, defined once and imported everywhere.

Limits are Kite's published ones (KITE_API.md §2.3, DESIGN.md §4); the per-minute order cap
is the staff-quoted 200/min (KITE_API.md §10 #1 notes the conflicting 400/min figure).
"""

from __future__ import annotations

from typing import Final

from nautilus_trader.model.identifiers import ClientId, Venue

from nautilus_options.data.instruments import NFO, NSE

#: Client id and account issuer of the adapter (DESIGN.md §1).
ZERODHA: Final[str] = "ZERODHA"
ZERODHA_CLIENT_ID: Final[ClientId] = ClientId(ZERODHA)
#: The venue of the options (and of the index settlement mirror) and of the indices.
NFO_VENUE: Final[Venue] = NFO
NSE_VENUE: Final[Venue] = NSE

#: Kite's production roots (KITE_API.md §3, §5.1); the simulator differs only in these.
KITE_REST_URL: Final[str] = "https://api.kite.trade"
KITE_TICKER_URL: Final[str] = "wss://ws.kite.trade"
KITE_LOGIN_URL: Final[str] = "https://kite.zerodha.com/connect/login"

#: Headers every Kite request carries (KITE_API.md §1.2).
KITE_VERSION_HEADER: Final[dict[str, str]] = {"X-Kite-Version": "3"}

#: Ticker limits (KITE_API.md §2.3): instruments per connection, connections per API key.
MAX_TOKENS_PER_CONNECTION: Final[int] = 3000
MAX_CONNECTIONS_PER_KEY: Final[int] = 3

#: Kite's order ``tag`` is at most 20 characters; longer tags are rejected (KITE_API.md §3.2).
MAX_TAG_LENGTH: Final[int] = 20

#: Rate classes (KITE_API.md §2.3): name -> ((requests, per seconds), ...).
RATE_LIMITS: Final[dict[str, tuple[tuple[int, float], ...]]] = {
    "orders": ((10, 1.0), (200, 60.0)),
    "quote": ((1, 1.0),),
    "historical": ((3, 1.0),),
    "other": ((10, 1.0),),
}

#: Index rows of the instruments dump (``tradingsymbol``) -> the underlying of the options.
INDEX_NAMES: Final[dict[str, str]] = {"NIFTY 50": "NIFTY", "NIFTY BANK": "BANKNIFTY"}
