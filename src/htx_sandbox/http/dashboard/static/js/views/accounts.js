// The accounts view: every UID with its balances, margin and risk rate per coin, its positions
// (unrealised profit, estimated liquidation price) and its API keys (never their secrets).

import { read, watch } from "../api.js";
import { amount, dateTime, fill, h, table } from "../dom.js";

const NAMES = { 0: "insurance fund", 9000001: "market maker" };

export function accountsView(root, _params, go) {
  const list = h("div", { "data-testid": "accounts" });
  fill(root, h("p.note", "Coins without a balance are left out."), list);
  let generation = 0;
  return watch("accounts", {}, async (users) => {
    const mine = ++generation;
    const [keys, positions] = await Promise.all([
      read("apiKeys"),
      Promise.all(users.map((u) => read("positions", { uid: u.uid }))),
    ]);
    if (mine !== generation) return; // a newer answer is already drawn
    fill(list, users.map((u, i) => card(u, positions[i], keys.filter((k) => k.uid === u.uid), go)));
  });
}

function card(user, positions, keys, go) {
  const coins = user.accounts.filter((a) => Number(a.margin_balance) !== 0 || Number(a.margin_frozen) !== 0
    || positions.some((p) => p.symbol === a.symbol));
  const name = NAMES[user.uid];
  return h("div.panel.account", { "data-uid": user.uid },
    h("h2", `UID ${user.uid}`, name ? h("span.muted", ` · ${name}`) : null, " ",
      h("a", { href: `#orders/${user.uid}` }, "orders")),
    table([
      { title: "Coin", cell: (a) => a.symbol },
      { title: "Margin balance", cell: (a) => amount(a.margin_balance) },
      { title: "Static", cell: (a) => amount(a.margin_static) },
      { title: "Position margin", cell: (a) => amount(a.margin_position) },
      { title: "Frozen", cell: (a) => amount(a.margin_frozen) },
      { title: "Available", cell: (a) => amount(a.margin_available) },
      { title: "Unrealised", cell: (a) => amount(a.profit_unreal) },
      { title: "Realised", cell: (a) => amount(a.profit_real) },
      { title: "Risk rate", cell: (a) => amount(a.risk_rate, 4) },
      { title: "Withdrawable", cell: (a) => amount(a.withdraw_available) },
    ], coins, { empty: "no balance" }),
    h("h3", "Positions"),
    table([
      { title: "Contract", cell: (p) => p.contract_code },
      { title: "Side", cell: (p) => p.direction, cls: (p) => p.direction },
      { title: "Volume", cell: (p) => p.volume },
      { title: "Available", cell: (p) => p.available },
      { title: "Open price", cell: (p) => p.cost_open },
      { title: "Last", cell: (p) => p.last_price },
      { title: "Unrealised", cell: (p) => amount(p.profit_unreal) },
      { title: "Margin", cell: (p) => amount(p.position_margin) },
      { title: "Lever", cell: (p) => `${p.lever_rate}x` },
      { title: "Liq. price", cell: (p) => amount(p.liquidation_price, 2) },
    ], positions, { empty: "no positions" }),
    h("h3", "API keys"),
    table([
      { title: "Access key", cell: (k) => k.access_key },
      { title: "Permissions", cell: (k) => k.permissions.join(", ") },
      { title: "IPs", cell: (k) => k.ip_whitelist.join(", ") || "any" },
      { title: "Expires", cell: (k) => (k.expires_at ? dateTime(k.expires_at) : "never") },
      { title: "Enabled", cell: (k) => (k.enabled ? "yes" : "no") },
    ], keys, { empty: "no keys" }));
}
