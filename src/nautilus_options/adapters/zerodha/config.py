"""Configs of the Zerodha data and execution clients (usable by path in node configs).

Paper and live differ only in :class:`KiteConnectionConfig`: the REST and ticker roots and
where credentials come from. No secret is a config field (configs are printed and
serialised): the API secret and access token come from the environment or the 0600 token
file (:mod:`.common.credentials`).

Example, by path::

    ImportableConfig(
        path="nautilus_options.adapters.zerodha:ZerodhaDataClientConfig",
        factory=ImportableFactoryConfig(
            path="nautilus_options.adapters.zerodha:ZerodhaLiveDataClientFactory"),
        config={"kite": {"rest_url": "http://127.0.0.1:8765", "ticker_url": "ws://127.0.0.1:8765"},
                "underlyings": ["NIFTY"], "expiries": 2},
    )
"""

from __future__ import annotations

from typing import Annotated, Literal

from msgspec import Meta
from nautilus_trader.config import (
    InstrumentProviderConfig,
    LiveDataClientConfig,
    LiveExecClientConfig,
    NautilusConfig,
    RoutingConfig,
)

from nautilus_options.adapters.zerodha.constants import KITE_REST_URL, KITE_TICKER_URL

Positive = Annotated[float, Meta(gt=0)]


class KiteConnectionConfig(NautilusConfig, frozen=True, kw_only=True):
    """Where Kite is and how to sign in.

    Parameters
    ----------
    rest_url, ticker_url : str
        REST and ticker roots (Kite's, or ``options-nt sim``'s).
    api_key : str, optional
        The app's API key (public); else ``$KITE_API_KEY`` or the token file.
    token_file : str, optional
        Token file path; else ``$KITE_TOKEN_FILE`` or ``~/.config/options-nt/kite_token.json``.
    token_provider : str, optional
        ``"module:callable"`` giving a fresh access token when the token expires; default:
        wait for a new token in the environment or the token file (see the adapter guide).
        Its signature is ``provider(api_key: str, api_secret: Secret | None) -> str``, plain
        or ``async``. ``api_secret`` is a
        :class:`~nautilus_options.adapters.zerodha.common.credentials.Secret` holding
        ``$KITE_API_SECRET`` (``None`` when unset): its ``str()`` is the mask
        ``"Secret('***')"``, so call ``api_secret.reveal()`` to compute a checksum. It is
        called once per expiry however many requests fail; an exception it raises is logged
        with its type and message (secret and tokens masked) and fails the waiting requests.
        Example::

            async def login(api_key: str, api_secret: Secret | None) -> str:
                assert api_secret is not None, "set KITE_API_SECRET"
                request_token = await my_2fa_login(api_key)  # your login automation
                checksum = hashlib.sha256(
                    (api_key + request_token + api_secret.reveal()).encode()
                ).hexdigest()
                async with httpx.AsyncClient(base_url="https://api.kite.trade") as client:
                    answer = await client.post(
                        "/session/token",
                        data={"api_key": api_key, "request_token": request_token,
                              "checksum": checksum},
                        headers={"X-Kite-Version": "3"},
                    )
                answer.raise_for_status()
                return str(answer.json()["data"]["access_token"])

    renew_timeout_secs : float
        How long a renewal may take before requests fail.
    renew_retry_secs : float
        After a failed renewal, how long the failure is reported again at once (orders are
        refused) before the provider is asked again.
    connect_retry_secs : float
        How long connect-time reads (instruments dump, margins, reconciliation reports) are
        retried after 5xx, 429 or timeouts, with jittered backoff, before the connect fails
        naming the cause (keep it below the node's ``timeout_connection``).
    http_timeout_secs : float
        Seconds before a REST call counts as lost.
    rate_limit_scale : float
        Multiplies Kite's rate allowances (1.0 against Kite; larger only for a simulator).
    """

    rest_url: str = KITE_REST_URL
    ticker_url: str = KITE_TICKER_URL
    api_key: str | None = None
    token_file: str | None = None
    token_provider: str | None = None
    renew_timeout_secs: Positive = 300.0
    renew_retry_secs: Positive = 10.0
    connect_retry_secs: Positive = 20.0
    http_timeout_secs: Positive = 7.0
    rate_limit_scale: Positive = 1.0


_ROUTES = RoutingConfig(venues=frozenset({"NSE", "NFO"}))


class ZerodhaDataClientConfig(LiveDataClientConfig, frozen=True, kw_only=True):
    """The data client: instruments, ticker streams and candles.

    Parameters
    ----------
    kite : KiteConnectionConfig
        Roots and credentials.
    underlyings : tuple of str
        Index option chains to load.
    expiries : int, optional
        Nearest expiries to load per underlying (None: all).
    expiry_kind : {"any", "monthly"}
        Count every expiry or only monthly ones.
    strikes_each_side : int, optional
        Strike steps either side of the index's level to load (None: all).
    cache_dir : str, optional
        Folder for the daily instruments dump (None: no disk cache).
    heartbeat_timeout_secs : float
        Silence after which a ticker connection is recycled.
    max_connections : int
        Ticker connections for market data (Kite allows 3 per key; the execution client
        uses one for order updates).
    """

    kite: KiteConnectionConfig = KiteConnectionConfig()
    instrument_provider: InstrumentProviderConfig = InstrumentProviderConfig(load_all=True)
    routing: RoutingConfig = _ROUTES
    underlyings: tuple[str, ...] = ("NIFTY", "BANKNIFTY")
    expiries: Annotated[int, Meta(ge=1)] | None = 2
    expiry_kind: Literal["any", "monthly"] = "any"
    strikes_each_side: Annotated[int, Meta(ge=0)] | None = 20
    cache_dir: str | None = None
    heartbeat_timeout_secs: Positive = 10.0
    max_connections: Annotated[int, Meta(ge=1, le=3)] = 2
    backoff_initial_secs: Positive = 0.5
    backoff_max_secs: Positive = 30.0


class ZerodhaExecClientConfig(LiveExecClientConfig, frozen=True, kw_only=True):
    """The execution client: orders, fills, account and reconciliation.

    Parameters
    ----------
    kite : KiteConnectionConfig
        Roots and credentials.
    account_number : str
        Second part of the account id ``ZERODHA-<account_number>``.
    product : {"NRML", "MIS"}
        Kite product of every order.
    market_protection : int
        Sent with MARKET and SL-M orders: -1 automatic, or 1-100 percent (Kite rejects 0).
    state_dir : str, optional
        Folder for the persisted tag -> client order id map (None: in memory only; a restart
        then matches orders by recomputing the tags of the cached orders).
    poll_interval_secs : float
        Seconds between order-book polls (covering a silent socket).
    place_attempts : int
        Placements of one slice after lost answers, each preceded by a look-up by tag.
    settlement_poll_secs : float
        Seconds between checks for options Kite settled at expiry (only while the node
        holds an option on or past its expiry day; see :mod:`.expiry`).
    """

    kite: KiteConnectionConfig = KiteConnectionConfig()
    instrument_provider: InstrumentProviderConfig = InstrumentProviderConfig(load_all=True)
    routing: RoutingConfig = _ROUTES
    account_number: str = "001"
    product: Literal["NRML", "MIS"] = "NRML"
    market_protection: Annotated[int, Meta(ge=-1, le=100)] = -1
    state_dir: str | None = None
    poll_interval_secs: Positive = 2.0
    place_attempts: Annotated[int, Meta(ge=1, le=10)] = 3
    settlement_poll_secs: Positive = 30.0
    underlyings: tuple[str, ...] = ("NIFTY", "BANKNIFTY")
    expiries: Annotated[int, Meta(ge=1)] | None = 2
    strikes_each_side: Annotated[int, Meta(ge=0)] | None = 20
    cache_dir: str | None = None

    def __post_init__(self) -> None:
        if self.market_protection == 0:
            raise ValueError("market_protection: Kite rejects 0; use -1 (auto) or 1-100")
