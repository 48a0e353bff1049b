"""Configuration of the Kite simulator (:class:`SimulatorConfig`).

Every field has a default that makes ``KiteSimulator()`` a working broker over a live
synthetic NIFTY and BANKNIFTY market: credentials are fixed test values unless given, the
port is ephemeral (0) in process, and market hours follow the NSE calendar unless
``session="always"``.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass, field
from datetime import datetime, time
from pathlib import Path
from typing import Literal

from nautilus_options.errors import ConfigError
from nautilus_options.simulator.faults import FaultConfig

MarketKind = Literal["synthetic", "replay", "kite"]
SessionKind = Literal["nse", "always"]


@dataclass(frozen=True)
class SimulatorConfig:
    """What the simulator serves and how.

    Parameters
    ----------
    host, port : str, int
        Where to listen; port 0 picks a free one.
    api_key, api_secret : str
        The app credentials clients sign with.
    user_id, user_name : str
        The single simulated account.
    admin_key : str
        Key for the ``/admin`` routes (``X-Sim-Admin-Key`` header); random when empty.
    market : {"synthetic", "replay", "kite"}
        Source of prices (see :mod:`nautilus_options.simulator.market`).
    catalog : Path, optional
        ParquetDataCatalog to replay (``market="replay"``).
    speed : float
        Replay speed: catalog seconds per wall second.
    session : {"nse", "always"}
        Market hours: the NSE calendar, or open at every hour.
    underlyings : tuple of str
        Index option chains to list (synthetic market).
    expiries : int
        Nearest expiries listed per underlying (synthetic market).
    strikes_each_side : int
        Strikes listed each side of the at-the-money strike (synthetic market).
    spots : dict
        Starting index levels (synthetic market); the synthetic catalog's levels
        (``data.synthetic.DEFAULT_SPOT``) for underlyings left out.
    seed : int
        Seed of the synthetic market.
    tick_interval : float
        Seconds between market steps (each step moves prices, matches orders, sends ticks).
    heartbeat_interval : float
        Seconds of ticker silence after which a 1-byte heartbeat is sent.
    opening_balance : float
        Rupees of cash the account starts with.
    token_expiry : time
        IST time of day at which access tokens expire (Kite: 06:00 the next day).
    partial_fills : bool
        Match against the displayed size at the touch (True) or fill in full (False).
    rate_limits : bool
        Apply Kite's rate classes.
    rate_limit_scale : float
        Multiplies every allowance (tests that are not about rate limits use a large one).
    faults : FaultConfig
        Injected faults.
    state_file : Path, optional
        JSON file that keeps sessions, orders, trades and positions across restarts.
    kite_api_key, kite_access_token, kite_root, kite_ws_root : str
        Credentials and roots of the real Kite feed (``market="kite"``); the roots may point
        at another simulator standing in for Kite.
    start_at : datetime, optional
        Timezone-aware instant the simulator's clock starts at (default: now); the clock
        then runs at wall-clock speed. For tests and demos of other dates.
    broadcast_interval : float
        Least seconds between ticker broadcasts, independent of the market step
        (``tick_interval``): each broadcast sends what changed since the previous one
        (conflated). 0 sends after every step that changed something.
    """

    host: str = "127.0.0.1"
    port: int = 0
    api_key: str = "sim_api_key"
    api_secret: str = "sim_api_secret"
    user_id: str = "SIM001"
    user_name: str = "Simulated Trader"
    admin_key: str = field(default_factory=lambda: secrets.token_hex(16))
    market: MarketKind = "synthetic"
    catalog: Path | None = None
    speed: float = 1.0
    session: SessionKind = "nse"
    underlyings: tuple[str, ...] = ("NIFTY", "BANKNIFTY")
    expiries: int = 2
    strikes_each_side: int = 15
    spots: dict[str, float] = field(default_factory=dict)
    seed: int = 7
    tick_interval: float = 1.0
    heartbeat_interval: float = 1.0
    opening_balance: float = 1_000_000.0
    token_expiry: time = time(6, 0)
    partial_fills: bool = True
    rate_limits: bool = True
    rate_limit_scale: float = 1.0
    faults: FaultConfig = field(default_factory=FaultConfig)
    state_file: Path | None = None
    kite_api_key: str = ""
    kite_access_token: str = ""
    kite_root: str = "https://api.kite.trade"
    kite_ws_root: str = "wss://ws.kite.trade"
    start_at: datetime | None = None
    broadcast_interval: float = 0.0

    def __post_init__(self) -> None:
        if self.market not in ("synthetic", "replay", "kite"):
            raise ConfigError("market", f"must be synthetic, replay or kite, got {self.market!r}")
        if self.session not in ("nse", "always"):
            raise ConfigError("session", f"must be nse or always, got {self.session!r}")
        if self.market == "replay" and self.catalog is None:
            raise ConfigError("catalog", "a catalog directory is needed for market=replay")
        if self.market == "kite" and not (self.kite_api_key and self.kite_access_token):
            raise ConfigError("market", "market=kite needs kite_api_key and kite_access_token")
        if not self.broadcast_interval >= 0:
            raise ConfigError("broadcast_interval", f"must be >= 0, got {self.broadcast_interval}")
        if self.start_at is not None and self.start_at.utcoffset() is None:
            raise ConfigError("start_at", "must be timezone-aware")
        for name in (
            "speed",
            "tick_interval",
            "heartbeat_interval",
            "rate_limit_scale",
        ):
            if not getattr(self, name) > 0:
                raise ConfigError(name, f"must be > 0, got {getattr(self, name)!r}")
        if not 0 <= self.port < 65536:
            raise ConfigError("port", f"must be 0-65535, got {self.port}")
        if self.expiries < 1 or self.strikes_each_side < 1:
            raise ConfigError("expiries", "expiries and strikes_each_side must be >= 1")
        if not self.opening_balance >= 0:
            raise ConfigError("opening_balance", "must be >= 0")
        if not self.admin_key:
            object.__setattr__(self, "admin_key", secrets.token_hex(16))
