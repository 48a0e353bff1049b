"""Manual entry over real HTTP on a real paper node: unknown fields refused, previews sliced
at the freeze quantity and never audited, orders tagged with the spread's own shape,
rounded numbers, capital released after the kill switch, and idempotency keys that stay
unambiguous across a restart without the cache."""

from __future__ import annotations

import json
import shutil
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from bridge_node import BridgeNode, bridge_node, wait_for

from nautilus_options.domain.charges import order_charges
from nautilus_options.domain.nse import freeze_quantity
from nautilus_options.domain.time import ist_date
from nautilus_options.strategy.legging import slice_quantity

pytestmark = pytest.mark.slow

BULL_PUT = {"template": {"spread_type": "bull_put_credit"}}


@pytest.fixture(scope="module")
def node(tmp_path_factory: pytest.TempPathFactory) -> Iterator[BridgeNode]:
    with bridge_node(tmp_path_factory.mktemp("manual-entry")) as running:
        yield running


def ok(response: httpx.Response, code: int = 200) -> Any:
    assert response.status_code == code, (response.status_code, response.text)
    return response.json()


def previewed(client: httpx.Client, body: dict[str, Any]) -> dict[str, Any]:
    """The preview of ``body`` once the chain is quoted."""
    found: dict[str, Any] = wait_for(
        lambda: (r := client.post("/manual/preview", json=body)).status_code == 200 and r.json(),
        "a previewable spread",
    )
    return found


def decimals(value: float) -> int:
    """Decimal places of ``value`` as JSON prints it."""
    text = repr(value)
    return len(text.split(".")[1]) if "." in text and "e" not in text else 0


def test_a_mistyped_field_is_refused_naming_it(node: BridgeNode) -> None:
    refused = node.client.post("/manual/preview", json={**BULL_PUT, "lot": 3})
    assert refused.status_code == 422, refused.text
    errors = refused.json()["detail"]
    assert {"extra_forbidden"} <= {e["type"] for e in errors}
    assert ["body", "lot"] in [e["loc"] for e in errors]
    body = {**BULL_PUT, "lots": 1, "idempotency_key": "typo-0001", "lot": 3}
    refused = node.client.post("/manual/submit", json=body)
    assert refused.status_code == 422
    assert ["body", "lot"] in [e["loc"] for e in refused.json()["detail"]]
    assert node.client.get("/manual/submissions/typo-0001").status_code == 404


def test_preview_charges_one_order_per_freeze_slice(node: BridgeNode) -> None:
    lot_size = previewed(node.client, {**BULL_PUT, "lots": 1})["lot_size"]
    day = ist_date(time.time_ns())
    freeze = freeze_quantity("NIFTY", day)
    lots = freeze // lot_size + 1  # one lot over a full slice
    preview = previewed(node.client, {**BULL_PUT, "lots": lots})
    slices = slice_quantity(lots * lot_size, lot_size, freeze)
    assert len(slices) == 2
    for leg in preview["legs"]:
        expected = sum(order_charges(leg["side"], q * leg["mid"], day).total for q in slices)
        assert leg["entry_charges"] == pytest.approx(expected, abs=0.011)
        assert leg["orders"] == 2
    total = sum(leg["entry_charges"] for leg in preview["legs"])
    assert preview["charges_entry"] == pytest.approx(total, abs=0.011)


def test_previews_by_a_read_token_are_not_audited(node: BridgeNode) -> None:
    reader = {"Authorization": f"Bearer {node.token('read')}"}
    previewed(node.client, {**BULL_PUT, "lots": 1})
    for _ in range(5):
        ok(node.client.post("/manual/preview", json={**BULL_PUT, "lots": 1}, headers=reader))
    audit = (node.state_dir / "bridge-audit.jsonl").read_text()
    assert "/manual/preview" not in audit


def test_manual_orders_carry_the_spread_shape_and_numbers_are_rounded(node: BridgeNode) -> None:
    body = {**BULL_PUT, "lots": 1, "idempotency_key": "shape-0001"}
    submitted = ok(node.client.post("/manual/submit", json=body))
    spread_id = submitted["spread_id"]
    opened = wait_for(
        lambda: (
            (s := ok(node.client.get("/manual/submissions/shape-0001")))["status"]
            in ("open", "refused", "closed")
            and s
        ),
        "the manual spread to open",
    )
    assert opened["status"] == "open", opened
    orders = ok(node.client.get("/orders", params={"spread_id": spread_id}))
    assert orders
    assert all("type=bull_put_credit" in order["tags"] for order in orders), orders
    assert not submitted["from_earlier_session"]
    spread = wait_for(
        lambda: (s := ok(node.client.get(f"/spreads/{spread_id}")))["greeks"] and s,
        "the spread's Greeks",
    )
    money = [spread["realized_pnl"], spread["unrealized_pnl"], spread["commissions"]]
    money += [spread["max_loss"], spread["max_profit"]]
    money += [leg[k] for leg in spread["legs"] for k in ("realized_pnl", "unrealized_pnl")]
    assert all(decimals(value) <= 2 for value in money), money
    prices = [leg[k] for leg in spread["legs"] for k in ("avg_px_open", "mark")]
    assert all(decimals(value) <= 4 for value in [*prices, *spread["breakevens"]]), prices
    for value in spread["greeks"].values():
        assert len(repr(abs(value)).replace(".", "").lstrip("0").split("e")[0]) <= 6, value


def test_kill_switch_releases_the_capital_reserved(node: BridgeNode) -> None:
    wait_for(lambda: ok(node.client.get("/capital"))["deployed"] > 0, "capital deployed")
    ok(node.client.post("/control/kill", json={"confirm": "KILL", "reason": "test"}))
    wait_for(lambda: ok(node.client.get("/control"))["kill_switch"]["done"], "the kill to flatten")
    assert ok(node.client.get("/positions", params={"open_only": True})) == []
    released = wait_for(
        lambda: (c := ok(node.client.get("/capital")))["deployed"] == 0 and c,
        "the reservations to be released",
        timeout=30,
    )
    assert not released["halted"] or released["reason"]


def test_a_key_answered_before_a_restart_never_names_another_spread(tmp_path: Path) -> None:
    body = {**BULL_PUT, "lots": 1, "idempotency_key": "restart-0001"}
    first_root, second_root = tmp_path / "first", tmp_path / "second"
    first_root.mkdir()
    with bridge_node(first_root) as first:
        previewed(first.client, {**BULL_PUT, "lots": 1})
        earlier = ok(first.client.post("/manual/submit", json=body))
    # The same state directory, without the node's cache (no Redis): a fresh node.
    (second_root / "state").mkdir(parents=True)
    records = first_root / "state" / "bridge-submissions.jsonl"
    shutil.copy2(records, second_root / "state" / records.name)
    with bridge_node(second_root) as second:
        previewed(second.client, {**BULL_PUT, "lots": 1})
        fresh = ok(
            second.client.post("/manual/submit", json={**body, "idempotency_key": "fresh-0001"})
        )
        assert fresh["spread_id"] != earlier["spread_id"]
        replay = ok(second.client.get("/manual/submissions/restart-0001"))
        assert replay["spread_id"] == earlier["spread_id"]
        assert replay["status"] == "unknown", replay  # not the new spread's state
        assert replay["from_earlier_session"]
        assert not earlier["from_earlier_session"]
        assert not fresh["from_earlier_session"]
        again = ok(second.client.post("/manual/submit", json=body))
        assert again["replayed"]
        assert again["from_earlier_session"]
        assert again["spread_id"] == earlier["spread_id"]
    stored = [json.loads(line) for line in records.read_text().splitlines()]
    assert stored[0]["result"]["spread_id"] == earlier["spread_id"]
