"""Run the official KiteTicker against a simulator (own process: its reactor cannot restart).

Usage: ``python ticker_client.py WS_URL API_KEY ACCESS_TOKEN TOKEN...``. Prints one JSON
line per event (``connect``, ``ticks``, ``order``) and exits after the first order update
once ticks have arrived, or after 30 s.
"""

from __future__ import annotations

import json
import sys
import threading
from typing import Any

from kiteconnect import KiteTicker


def main() -> None:
    """Connect, subscribe in full mode, print events, exit after the first order update."""
    ws_url, api_key, access_token, *tokens = sys.argv[1:]
    done = threading.Event()
    state = {"ticks": 0}
    ticker = KiteTicker(api_key, access_token, root=ws_url, reconnect=False)

    def emit(kind: str, **data: Any) -> None:
        print(json.dumps({"event": kind, **data}, default=str), flush=True)

    def on_connect(ws: Any, response: Any) -> None:
        ids = [int(t) for t in tokens]
        ws.subscribe(ids)
        ws.set_mode(ws.MODE_FULL, ids)
        emit("connect")

    def on_ticks(ws: Any, ticks: list[dict[str, Any]]) -> None:
        state["ticks"] += len(ticks)
        emit("ticks", count=len(ticks), modes=sorted({t["mode"] for t in ticks}), sample=ticks[0])

    def on_order_update(ws: Any, data: dict[str, Any]) -> None:
        emit("order", status=data["status"], order_id=data["order_id"])
        if state["ticks"]:
            done.set()

    def on_close(ws: Any, code: Any, reason: Any) -> None:
        emit("close", code=code, reason=str(reason))
        done.set()

    ticker.on_connect = on_connect
    ticker.on_ticks = on_ticks
    ticker.on_order_update = on_order_update
    ticker.on_close = on_close
    ticker.connect(threaded=True)
    done.wait(30)
    emit("exit")
    sys.exit(0)


if __name__ == "__main__":
    main()
