"""Release the expired contracts a streamed backtest is done with.

A ``BacktestEngine`` keeps every instrument it was given for the whole run: the definition
and, in the cache, its latest quotes (``CacheConfig.tick_capacity`` of them) and indexes,
about 45 kB an option. A year of a weekly chain passes through thousands of contracts while
only a few expiries are live at a time, so the run's memory would grow with its length.
:func:`release_expired` purges (``Cache.purge_instrument``) the contracts that can no longer
matter:

* expired: ``expiration_ns`` before the engine's clock, so the exchange has settled them
  (its expiry alert fires at ``expiration_ns``, before any later data);
* of an expiry that is **done**: no open position and no order that is not closed on any
  contract of that expiry. While a spread of that expiry is still open (e.g. a settlement
  that found no index price) its marks keep reading the legs' quotes and their call/put
  counterparts' (put-call parity), so nothing of that expiry is released;
* **never traded**: no order and no position ever referred to it. The definitions of traded
  contracts are read again for the spreads' legs (strike, right, settlement charges) in the
  run's outputs, and purging would drop the cache's order and position indexes for them.

What stays per contract after that is the exchange's matching engine with its order book
(about 8 kB: Nautilus 1.231 has no call to remove one, and the count of engines added so far
numbers the venue's order, position and trade ids), plus the contracts that were traded
(four legs a spread). Nothing the components read is released, so the results are those of
a run that keeps everything.

Why not one engine per expiry cycle instead? A spread held across the boundary cannot be
handed to a fresh engine (a backtest exchange cannot be seeded with open positions), and the
account, the strategy's entry state, the capital manager's ledger, the recorder's streams,
running timers and Nautilus' id counters would all have to be carried over for the results
to stay the same. Releasing contracts inside the one run changes nothing a component reads.
"""

from __future__ import annotations

from nautilus_trader.cache.cache import Cache
from nautilus_trader.model.identifiers import InstrumentId

__all__ = ["release_expired"]


def release_expired(cache: Cache, now_ns: int) -> list[InstrumentId]:
    """Purge from ``cache`` the never-traded contracts of the expiries done by ``now_ns``.

    Parameters
    ----------
    cache : Cache
        The engine's cache.
    now_ns : int
        The engine's clock (UNIX ns): contracts expiring at or after it are kept.

    Returns
    -------
    list[InstrumentId]
        The contracts purged.
    """
    expired = [
        instrument
        for instrument in cache.instruments()
        if 0 < getattr(instrument, "expiration_ns", 0) < now_ns
    ]
    if not expired:
        return []
    busy = {position.instrument_id for position in cache.positions_open()}
    busy.update(order.instrument_id for order in cache.orders() if not order.is_closed)
    held = {_expiry(cache, instrument_id) for instrument_id in busy}
    released = [
        instrument.id
        for instrument in expired
        if instrument.expiration_ns not in held
        and cache.orders_total_count(instrument_id=instrument.id) == 0
        and cache.positions_total_count(instrument_id=instrument.id) == 0
    ]
    for instrument_id in released:
        cache.purge_instrument(instrument_id)
    return released


def _expiry(cache: Cache, instrument_id: InstrumentId) -> int:
    """Expiry (UNIX ns) of a cached instrument; 0 when it has none or is not cached."""
    return int(getattr(cache.instrument(instrument_id), "expiration_ns", 0))
