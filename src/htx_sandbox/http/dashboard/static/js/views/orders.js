// The orders view of one UID on one contract: open ordinary and strategy orders, each with a
// Cancel button, Cancel all with direction and offset filters (swap_cancelall's, on the UID's
// behalf through the admin API), the order history and the fills.

import * as api from "../api.js";
import { amount, dateTime, fill, h, select, show, table } from "../dom.js";

const DIRECTIONS = [["", "any direction"], ["buy", "buy"], ["sell", "sell"]];
const OFFSETS = [["", "any offset"], ["open", "open"], ["close", "close"]];
const KINDS = ["trigger", "tpsl", "track"];

export async function ordersView(root, { uid, contract_code }, go) {
  const [users, contracts] = await Promise.all([api.read("accounts"), api.read("contracts")]);
  const uids = users.map((u) => u.uid).filter((u) => Number(u) !== 0);
  uid = uid || uids.find((u) => Number(u) !== 9000001) || uids[0];
  const code = contract_code || contracts[0]?.contract_code || "BTC-USD";
  if (uid === undefined) {
    fill(root, h("p.note", "No accounts yet: open one with `htx-sandbox accounts create`."));
    return () => {};
  }
  let direction = "";
  let offset = "";
  const outcome = h("p.note", { "data-testid": "outcome", role: "status" });
  const report = (what, reply) => {
    const done = reply.successes ? reply.successes.split(",").length : 0;
    const failed = reply.errors.map((e) => `${e.order_id}: ${e.err_code} ${e.err_msg}`);
    outcome.textContent = `${what}: ${done} cancelled${failed.length ? "; " + failed.join("; ") : ""}`;
  };
  const act = async (what, action) => {
    try {
      report(what, await action());
    } catch (error) {
      outcome.textContent = `${what}: ${error.message}`;
    }
  };
  const open = h("div.panel", { "data-testid": "open-orders" });
  const strategies = h("div.panel", { "data-testid": "strategy-orders" });
  const history = h("div.panel", { "data-testid": "order-history" });
  const fills = h("div.panel", { "data-testid": "fills" });
  fill(root,
    h("div.toolbar",
      select(uids, uid, (value) => go("orders", value, code), { "aria-label": "uid", "data-testid": "uid" }),
      select(contracts.map((c) => c.contract_code), code, (value) => go("orders", uid, value),
        { "aria-label": "contract", "data-testid": "contract" }),
      select(DIRECTIONS, direction, (v) => { direction = v; }, { "aria-label": "direction", "data-testid": "direction" }),
      select(OFFSETS, offset, (v) => { offset = v; }, { "aria-label": "offset", "data-testid": "offset" }),
      h("button.danger", {
        type: "button", "data-testid": "cancel-all",
        onclick: () => act("Cancel all", () =>
          api.cancelAll(uid, code, direction || undefined, offset || undefined)),
      }, "Cancel all"),
      h("button.danger", {
        type: "button", "data-testid": "cancel-all-strategy",
        onclick: () => act("Cancel all strategy orders", () => cancelStrategies(uid, code, direction, offset)),
      }, "Cancel all strategy orders")),
    outcome,
    h("div.grid", open, strategies, history, fills));

  const stops = [
    api.watch("openOrders", { uid, contract_code: code }, (rows) => fill(open, h("h2", "Open orders"), table([
      { title: "Order id", cell: (o) => o.order_id_str },
      { title: "Side", cell: (o) => `${o.direction} ${o.offset}`, cls: (o) => o.direction },
      { title: "Type", cell: (o) => o.order_price_type },
      { title: "Price", cell: (o) => o.price },
      { title: "Volume", cell: (o) => o.volume },
      { title: "Filled", cell: (o) => o.trade_volume },
      { title: "Lever", cell: (o) => `${o.lever_rate}x` },
      { title: "Frozen margin", cell: (o) => amount(o.margin_frozen) },
      { title: "Created", cell: (o) => dateTime(o.created_at) },
      { title: "", cell: (o) => h("button", {
        type: "button", "data-testid": "cancel",
        onclick: () => act(`Cancel ${o.order_id_str}`, () => api.cancel(uid, code, o.order_id_str)),
      }, "Cancel") },
    ], rows, { empty: "no open orders", testid: "open-orders-table", rowId: (o) => o.order_id_str }))),
    api.watch("strategyOrders", { uid, contract_code: code }, (rows) => fill(strategies,
      h("h2", "Open strategy orders"), table([
        { title: "Order id", cell: (o) => o.order_id_str },
        { title: "Kind", cell: (o) => o.kind },
        { title: "Side", cell: (o) => `${o.direction} ${show(o.offset)}`, cls: (o) => o.direction },
        { title: "Trigger", cell: (o) => `${show(o.trigger_type)} ${show(o.trigger_price ?? o.active_price)}` },
        { title: "Order price", cell: (o) => show(o.order_price) },
        { title: "Volume", cell: (o) => o.volume },
        { title: "Created", cell: (o) => dateTime(o.created_at) },
        { title: "", cell: (o) => h("button", {
          type: "button",
          onclick: () => act(`Cancel ${o.order_id_str}`,
            () => api.strategyCancel(uid, o.kind, code, o.order_id_str)),
        }, "Cancel") },
      ], rows, { empty: "no open strategy orders", rowId: (o) => o.order_id_str }))),
    api.watch("orderHistory", { uid, contract_code: code }, (rows) => fill(history,
      h("h2", "Order history"), table([
        { title: "Order id", cell: (o) => o.order_id_str },
        { title: "Side", cell: (o) => `${o.direction} ${o.offset}`, cls: (o) => o.direction },
        { title: "Price", cell: (o) => o.price },
        { title: "Volume", cell: (o) => o.volume },
        { title: "Filled", cell: (o) => o.trade_volume },
        { title: "Avg price", cell: (o) => show(o.trade_avg_price) },
        { title: "Status", cell: (o) => STATUS[o.status] ?? o.status },
        { title: "Updated", cell: (o) => dateTime(o.update_time) },
      ], rows, { empty: "no orders", rowId: (o) => o.order_id_str }))),
    api.watch("fills", { uid, contract_code: code }, (rows) => fill(fills, h("h2", "Fills"), table([
      { title: "Trade id", cell: (t) => t.trade_id },
      { title: "Order id", cell: (t) => t.order_id_str },
      { title: "Side", cell: (t) => `${t.direction} ${t.offset}`, cls: (t) => t.direction },
      { title: "Price", cell: (t) => t.trade_price },
      { title: "Volume", cell: (t) => t.trade_volume },
      { title: "Fee", cell: (t) => [amount(t.trade_fee), ` ${t.fee_asset}`] },
      { title: "Role", cell: (t) => t.role },
      { title: "Profit", cell: (t) => amount(t.profit) },
      { title: "Time", cell: (t) => dateTime(t.created_at) },
    ], rows, { empty: "no fills", testid: "fills-table", rowId: (t) => t.id }))),
  ];
  return () => stops.forEach((stop) => stop());
}

// swap_hisorders' status values.
const STATUS = {
  1: "placing", 2: "placing", 3: "open", 4: "partly filled", 5: "partly filled, cancelled",
  6: "filled", 7: "cancelled", 11: "cancelling",
};

/** Every strategy kind's cancel-all; TP/SL orders all close, so they take no offset filter. */
async function cancelStrategies(uid, code, direction, offset) {
  const replies = await Promise.all(KINDS.map((kind) => api
    .strategyCancelAll(uid, kind, code, direction || undefined,
      kind === "tpsl" ? undefined : offset || undefined)
    .catch((error) => (error.code === 1051 ? { errors: [], successes: "" } : Promise.reject(error)))));
  return {
    successes: replies.map((r) => r.successes).filter(Boolean).join(","),
    errors: replies.flatMap((r) => r.errors),
  };
}
