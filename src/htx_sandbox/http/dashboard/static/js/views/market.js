// The market view of one contract: price figures and funding, the book with its depth, the
// tape and a price chart of the trade candles with the mark and index prices.

import { read, watch } from "../api.js";
import { drawChart } from "../chart.js";
import { countdown, fill, h, percent, select, show, side, stat, table, time } from "../dom.js";

const PERIODS = { "1min": 60, "5min": 300, "15min": 900, "60min": 3600 };

export async function marketView(root, { contract_code }, go) {
  const contracts = await read("contracts");
  const code = contract_code || contracts[0]?.contract_code || "BTC-USD";
  let period = "1min";

  const stats = h("div.stats");
  const book = h("div.panel.book", { "data-testid": "book" });
  const tape = h("div.panel", { "data-testid": "trades" });
  const svg = document.createElementNS("http://www.w3.org/2000/svg", "svg");
  svg.dataset.testid = "chart";
  const legend = h("div.legend",
    h("span", h("i.key-trades"), "trades"),
    h("span", h("i.key-mark"), "mark price"),
    h("span", h("i.key-index"), "index price"));
  let stop = () => {};
  const periods = select(Object.keys(PERIODS), period, (value) => {
    period = value;
    start();
  }, { "aria-label": "period" });
  fill(root,
    h("div.toolbar",
      select(contracts.map((c) => c.contract_code), code, (value) => go("market", value),
        { "aria-label": "contract", "data-testid": "contract" }),
      periods),
    stats,
    h("div.grid.market-grid", book, tape, h("div.panel.chart", h("h2", "Price"), legend, svg)));

  const render = (m) => {
    fill(stats,
      stat("Contract", m.contract_code),
      stat("Last price", m.last_price, "last-price"),
      stat("Mark price", m.mark_price, "mark-price"),
      stat("Index price", m.index_price, "index-price"),
      stat("Funding rate", percent(m.funding_rate), "funding-rate"),
      stat("Next settlement", `${time(m.funding_time)} UTC (in ${countdown(m.funding_time)})`),
      stat("Est. settlement price", m.estimated_settlement_price));
    renderBook(book, m);
    fill(tape, h("h2", "Recent trades"), table([
      { title: "Price", cell: (t) => t.price, cls: (t) => side(t.direction) },
      { title: "Volume", cell: (t) => t.volume },
      { title: "Time", cell: (t) => time(t.ts) },
    ], m.trades.slice(0, 20), { empty: "no trades yet", rowId: (t) => t.id }));
    const seconds = PERIODS[period];
    drawChart(svg, {
      candles: m.klines, marks: m.mark_klines, period: seconds,
      index: m.index_klines.map((b) => [Number(b.id) * 1000, b.close]),
    });
  };
  const start = () => {
    stop();
    stop = watch("market", { contract_code: code, period }, render);
  };
  start();
  return () => stop();
}

function renderBook(container, m) {
  const asks = [...m.asks].reverse();
  const most = Math.max(1, ...m.asks.map(([, v]) => Number(v)), ...m.bids.map(([, v]) => Number(v)));
  const row = (cls) => ([price, volume]) => h("tr",
    h(`td.${cls}`, price),
    h("td", h(`span.bar.${cls}`, { style: { width: `${(100 * Number(volume)) / most}%` } }), volume));
  const bestBid = m.bids[0]?.[0];
  const bestAsk = m.asks[0]?.[0];
  const spread = bestBid !== undefined && bestAsk !== undefined
    ? `spread ${(Number(bestAsk) - Number(bestBid)).toFixed(Math.max(0, decimals(m.price_tick)))}`
    : "one side empty";
  fill(container, h("h2", "Order book"), h("table",
    h("thead", h("tr", h("th", "Price"), h("th", "Volume (cont)"))),
    h("tbody", { "data-testid": "asks" }, asks.map(row("sell"))),
    h("tbody", h("tr.spread", h("td", { colspan: 2 }, spread))),
    h("tbody", { "data-testid": "bids" }, m.bids.map(row("buy")))));
}

function decimals(tick) {
  const text = show(tick);
  const dot = text.indexOf(".");
  return dot < 0 ? 0 : text.length - dot - 1;
}
