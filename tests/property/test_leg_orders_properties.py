"""LegOrders under random order-event sequences: a leg never has two orders in flight.

A simulated venue drives the tracker as the strategy does: it submits on a leg only when the
tracker says the leg is free, and the venue then accepts, fills (partly or fully), cancels,
rejects or expires orders in any order. The oracle is the venue's own record of which orders
are not yet final, never the tracker's.
"""

from __future__ import annotations

from collections import Counter

from hypothesis import settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, precondition, rule
from nautilus_trader.model.identifiers import ClientOrderId

from nautilus_options.strategy.orders import LegOrder, LegOrders

LEGS = 4


class LegOrdersMachine(RuleBasedStateMachine):
    def __init__(self) -> None:
        super().__init__()
        self.tracker = LegOrders()
        self.venue: dict[ClientOrderId, tuple[int, int, int]] = {}  # leg, quantity, filled
        self.next_id = 0

    @rule(leg=st.integers(0, LEGS - 1), quantity=st.integers(1, 5), closing=st.booleans())
    def submit_when_free(self, leg: int, quantity: int, closing: bool) -> None:
        if self.tracker.busy(leg):
            return
        self.next_id += 1
        client_order_id = ClientOrderId(f"O-{self.next_id}")
        self.tracker.add(LegOrder(client_order_id, leg, closing, quantity))
        self.venue[client_order_id] = (leg, quantity, 0)

    @rule(leg=st.integers(0, LEGS - 1))
    def second_order_on_a_busy_leg_is_refused(self, leg: int) -> None:
        if not self.tracker.busy(leg):
            return
        try:
            self.tracker.add(LegOrder(ClientOrderId("O-dup"), leg, False, 1))
        except ValueError:
            return
        raise AssertionError(f"leg {leg} took a second order")

    @precondition(lambda self: self.venue)
    @rule(data=st.data())
    def fill(self, data: st.DataObject) -> None:
        client_order_id = data.draw(st.sampled_from(sorted(self.venue, key=str)))
        leg, quantity, filled = self.venue[client_order_id]
        units = data.draw(st.integers(1, quantity - filled))
        order = self.tracker.fill(client_order_id, units)
        assert order is not None
        assert order.leg == leg
        if filled + units == quantity:
            del self.venue[client_order_id]
        else:
            self.venue[client_order_id] = (leg, quantity, filled + units)

    @precondition(lambda self: self.venue)
    @rule(data=st.data(), reason=st.sampled_from(["", "unwind"]))
    def final_without_fill(self, data: st.DataObject, reason: str) -> None:
        # canceled (asked for or not), rejected, denied or expired
        client_order_id = data.draw(st.sampled_from(sorted(self.venue, key=str)))
        order = self.tracker.get(client_order_id)
        assert order is not None
        order.cancel_reason = reason
        assert self.tracker.finish(client_order_id) is order
        del self.venue[client_order_id]

    @rule()
    def late_event_of_a_final_order_is_ignored(self) -> None:
        if self.next_id:
            client_order_id = ClientOrderId(f"O-{self.next_id}")
            if client_order_id not in self.venue:
                assert self.tracker.fill(client_order_id, 1) is None
                assert self.tracker.finish(client_order_id) is None

    @invariant()
    def at_most_one_order_in_flight_per_leg(self) -> None:
        per_leg = Counter(leg for leg, _, _ in self.venue.values())
        assert all(count <= 1 for count in per_leg.values())
        for leg in range(LEGS):
            assert self.tracker.busy(leg) == (per_leg[leg] == 1)
        assert {order.client_order_id for order in self.tracker} == set(self.venue)


LegOrdersMachine.TestCase.settings = settings(max_examples=200, stateful_step_count=40)
TestLegOrders = LegOrdersMachine.TestCase
