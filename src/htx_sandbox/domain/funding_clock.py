"""When funding work falls due, as timers of the exchange's clock (run by Exchange.advance in
time order with the dead man's switch and delayed cancels): a premium index sample each
minute, a settlement every 8 hours from 00:00 UTC, and the end of a settlement window.

Time passed at once (a Tick after an idle hour, a restart after a weekend) runs every timer
it passed, in order, as if the time had passed: samples between two other timers see the same
book and index, so a run of them is taken at once. At equal times the switch and delayed
cancels go first, then a window's end, then the sample, then the settlement.
"""

from __future__ import annotations

from .contracts import FUNDING_INTERVAL_MS, FUNDING_PHASE_MS
from .events import ContractChanged, PremiumSampled
from .funding import SAMPLE_INTERVAL_MS, sample
from .settlement import SETTLEMENT_PRICE_WINDOW_MS, settle
from .state import NEVER, ExchangeState
from .types import ContractStatus, Millis

MAX_SETTLEMENT_WINDOW_MS = 600_000
"""HTX halts a contract "briefly" while it settles; a longer window would overlap the next
settlement price's 10 minutes."""


def next_settlement_after(now: int) -> Millis:
    """The first settlement time after `now` (what contract_info reports as settlement_date)."""
    elapsed = (now - FUNDING_PHASE_MS) % FUNDING_INTERVAL_MS
    return Millis(now - elapsed + FUNDING_INTERVAL_MS)


def start(state: ExchangeState, now: Millis) -> None:
    """Start the clock at `now`: nothing before it is run. The engine starts it when it opens
    a store that has none (and stores it); an exchange used alone starts it on its first time
    step."""
    state.next_sample = Millis(now - now % SAMPLE_INTERVAL_MS + SAMPLE_INTERVAL_MS)
    state.next_settlement = next_settlement_after(now)
    state.settlement_fills_from = state.next_settlement - SETTLEMENT_PRICE_WINDOW_MS
    reschedule(state)


def reschedule(state: ExchangeState) -> None:
    due = [t for t in (state.next_sample, state.next_settlement, state.window_end) if t is not None]
    state.funding_due = min(due) if due else NEVER


def run_next(state: ExchangeState, limit: int) -> None:
    """Run the earliest funding timer (due at state.funding_due, at most `limit`); a sample
    runs on to the last equal one due by `limit`."""
    due = state.funding_due
    if state.window_end == due:
        end_window(state, Millis(due))
    elif state.next_sample == due:
        _samples(state, Millis(due), limit)
    else:
        _settlement(state, Millis(due))
    reschedule(state)


def skip(state: ExchangeState, due: int) -> bool:
    """Drop the funding timer due at `due` without running it (it raised); whether there was one."""
    if state.window_end == due:
        state.window_end = None
    elif state.next_sample == due:
        state.next_sample = Millis(due + SAMPLE_INTERVAL_MS)
    elif state.next_settlement == due:
        state.next_settlement = Millis(due + FUNDING_INTERVAL_MS)
        state.settlement_fills_from = state.next_settlement - SETTLEMENT_PRICE_WINDOW_MS
    else:
        return False
    reschedule(state)
    return True


def _samples(state: ExchangeState, first: Millis, limit: int) -> None:
    end = min(limit, state.next_settlement or NEVER, (state.window_end or NEVER) - 1)
    count = max(1, (end - first) // SAMPLE_INTERVAL_MS + 1)
    last = Millis(first + (count - 1) * SAMPLE_INTERVAL_MS)
    for code in sample(state, last, count):
        state.events.append(PremiumSampled(code, last))
    state.next_sample = Millis(last + SAMPLE_INTERVAL_MS)


def _settlement(state: ExchangeState, at: Millis) -> None:
    settle(state, at)
    state.next_settlement = Millis(at + FUNDING_INTERVAL_MS)
    state.settlement_fills = {}
    state.settlement_fills_from = state.next_settlement - SETTLEMENT_PRICE_WINDOW_MS
    window = state.settlement_window_ms
    if window:
        for contract in state.contracts:
            if contract.contract_status is ContractStatus.LISTING:
                contract.contract_status = ContractStatus.IN_SETTLEMENT
                state.events.append(ContractChanged(contract.contract_code))
        state.window_end = Millis(at + window)


def end_window(state: ExchangeState, at: Millis) -> None:
    """Trading resumes: every contract still settling lists again."""
    state.window_end = None
    for contract in state.contracts:
        if contract.contract_status is ContractStatus.IN_SETTLEMENT:
            contract.contract_status = ContractStatus.LISTING
            state.events.append(ContractChanged(contract.contract_code))
