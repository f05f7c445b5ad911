// The test controls, one panel each. A panel is { title, mount(container) -> stop }: a new
// control (the clock, faults, reset, snapshots) is one more entry in PANELS.

import * as api from "../api.js";
import { dateTime, fill, h, show, table } from "../dom.js";

const indexPrices = {
  title: "Index prices",
  mount(container) {
    const outcome = h("p.note", { role: "status", "data-testid": "index-outcome" });
    const list = h("div");
    fill(container, h("p.note",
      "Hold a contract's index (and its price band) at a price, or send it back to the random walk."),
    list, outcome);
    const act = async (what, action) => {
      try {
        const row = await action();
        outcome.textContent = `${what}: index ${show(row.index_price)} (${row.mode})`;
      } catch (error) {
        outcome.textContent = `${what}: ${error.message}`;
      }
    };
    // The rows are built once per set of contracts and only their figures refreshed, so a
    // price being typed is never wiped by the next poll.
    let cells = new Map();
    const build = (rows) => {
      cells = new Map();
      fill(list, table([
        { title: "Contract", cell: (r) => r.contract_code },
        { title: "Index", cell: (r) => figure(r, "index") },
        { title: "Set at", cell: (r) => figure(r, "ts") },
        { title: "Feed", cell: (r) => figure(r, "mode") },
        { title: "Hold at", cell: (r) => {
          const input = h("input", {
            type: "text", inputmode: "decimal", placeholder: "price",
            "aria-label": `${r.contract_code} index price`,
            "data-testid": `index-input-${r.contract_code}`,
          });
          return h("form", {
            onsubmit: (e) => {
              e.preventDefault();
              act(`${r.contract_code} held`, () => api.setIndexPrice(r.contract_code, input.value.trim()));
            },
          }, input, " ", h("button", { type: "submit" }, "Set"));
        } },
        { title: "", cell: (r) => h("button", {
          type: "button",
          onclick: () => act(`${r.contract_code} walks`, () => api.walkIndexPrice(r.contract_code)),
        }, "Walk") },
      ], rows, { testid: "index-prices" }));
    };
    const figure = (row, name) => {
      const span = h("span");
      cells.set(`${row.contract_code}/${name}`, span);
      return span;
    };
    let codes = "";
    return api.watch("indexPrices", {}, (rows) => {
      const now = rows.map((r) => r.contract_code).join(",");
      if (now !== codes) {
        codes = now;
        build(rows);
      }
      for (const r of rows) {
        cells.get(`${r.contract_code}/index`).textContent = show(r.index_price);
        cells.get(`${r.contract_code}/ts`).textContent = dateTime(r.index_ts);
        cells.get(`${r.contract_code}/mode`).textContent = r.mode;
      }
    });
  },
};

const health = {
  title: "Exchange health",
  mount(container) {
    return api.watch("health", {}, (state) => fill(container, table([
      { title: "Figure", cell: ([name]) => name.replaceAll("_", " ") },
      { title: "Value", cell: ([, value]) => show(value) },
    ], Object.entries(state))));
  },
};

export const PANELS = [health, indexPrices];

export function controlsView(root) {
  const stops = [];
  fill(root, h("div.cards", PANELS.map((panel) => {
    const body = h("div");
    stops.push(panel.mount(body));
    return h("div.panel", h("h2", panel.title), body);
  })));
  return () => stops.forEach((stop) => stop());
}
