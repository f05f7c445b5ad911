// A price chart drawn by hand in SVG: trade candles, the mark price and the index price as
// lines over the same time axis. A few hundred bars at most: plain SVG is fast enough and
// needs no library.

const NS = "http://www.w3.org/2000/svg";
const W = 900;
const H = 340;
const MIN_SLOTS = 40;
const PAD = { left: 8, right: 64, top: 10, bottom: 22 };

function el(name, attrs = {}, text) {
  const node = document.createElementNS(NS, name);
  for (const [k, v] of Object.entries(attrs)) node.setAttribute(k, v);
  if (text !== undefined) node.textContent = text;
  return node;
}

/** Round steps for the price axis: 1, 2 or 5 times a power of ten. */
function step(span, count) {
  const raw = span / count;
  const power = 10 ** Math.floor(Math.log10(raw));
  return [1, 2, 5, 10].map((m) => m * power).find((s) => s >= raw);
}

const hhmm = (seconds) => new Date(seconds * 1000).toISOString().slice(11, 16);

/**
 * Draw into `svg`: `candles` [{id (s), open, high, low, close}], `marks` [{id, close}] and
 * `index` [[ms, price]], over bars of `period` seconds. Values may be exact-text numbers.
 */
export function drawChart(svg, { candles, marks, index, period }) {
  svg.setAttribute("viewBox", `0 0 ${W} ${H}`);
  svg.replaceChildren();
  const ids = [...candles.map((c) => Number(c.id)), ...marks.map((m) => Number(m.id))];
  if (!ids.length) {
    svg.append(el("text", { x: W / 2, y: H / 2, "text-anchor": "middle" }, "no trades yet"));
    return;
  }
  const last = Math.max(...ids, ...index.map(([ms]) => Math.floor(ms / 1000 / period) * period));
  // At least MIN_SLOTS bars wide, the newest at the right: a young series keeps its proportions.
  const slots = Math.max(MIN_SLOTS, Math.round((last - Math.min(...ids)) / period) + 1);
  const first = last - (slots - 1) * period;
  const prices = [
    ...candles.flatMap((c) => [Number(c.high), Number(c.low)]),
    ...marks.map((m) => Number(m.close)),
    ...index.map(([, p]) => Number(p)),
  ];
  let low = Math.min(...prices);
  let high = Math.max(...prices);
  if (high - low < 1e-9) {
    high += Math.max(1, high * 0.001);
    low -= Math.max(1, low * 0.001);
  }
  const margin = (high - low) * 0.05;
  low -= margin;
  high += margin;
  const plotW = W - PAD.left - PAD.right;
  const plotH = H - PAD.top - PAD.bottom;
  const slotW = plotW / slots;
  const x = (seconds) => PAD.left + ((seconds - first) / period + 0.5) * slotW;
  const y = (price) => PAD.top + ((high - Number(price)) / (high - low)) * plotH;

  const grid = el("g", { class: "grid" });
  const tick = step(high - low, 6);
  for (let p = Math.ceil(low / tick) * tick; p <= high; p += tick) {
    grid.append(el("line", { x1: PAD.left, x2: W - PAD.right, y1: y(p), y2: y(p) }));
    const label = p.toFixed(Math.max(0, -Math.floor(Math.log10(tick))));
    grid.append(el("text", { x: W - PAD.right + 6, y: y(p) + 3 }, label));
  }
  const every = Math.max(1, Math.ceil(slots / 8));
  for (let i = 0; i < slots; i += every) {
    const t = first + i * period;
    grid.append(el("text", { x: x(t), y: H - 6, "text-anchor": "middle" }, hhmm(t)));
  }
  svg.append(grid);

  const body = Math.min(14, Math.max(1, slotW * 0.6));
  const bars = el("g", { "data-testid": "candles" });
  for (const c of candles) {
    const cls = Number(c.close) >= Number(c.open) ? "up" : "down";
    const cx = x(Number(c.id));
    const top = y(Math.max(Number(c.open), Number(c.close)));
    const bottom = y(Math.min(Number(c.open), Number(c.close)));
    bars.append(el("line", { class: cls, x1: cx, x2: cx, y1: y(c.high), y2: y(c.low) }));
    bars.append(el("rect", {
      class: cls, x: cx - body / 2, y: top, width: body, height: Math.max(1, bottom - top),
    }));
  }
  svg.append(bars);

  // Both prices as step lines: a value holds from its time until the next one (a bar's close
  // over its bar; an index sample until the next sample, the last one until now), so a single
  // value is a visible segment and not a lone point.
  const left = (seconds) => x(seconds) - slotW / 2;
  const steps = (segments, cls, testid) => {
    if (!segments.length) return;
    const d = segments.map(([from, to, p], i) => {
      const yy = y(p).toFixed(1);
      return `${i ? "L" : "M"}${left(from).toFixed(1)},${yy} L${left(to).toFixed(1)},${yy}`;
    });
    svg.append(el("path", { class: cls, d: d.join(" "), "data-testid": testid }));
  };
  steps(marks.map((m) => [Number(m.id), Number(m.id) + period, m.close]), "mark", "mark-line");
  const end = last + period;
  const samples = index.map(([ms, p]) => [Math.max(first, ms / 1000), p]);
  steps(samples.map(([t, p], i) => [t, i + 1 < samples.length ? samples[i + 1][0] : end, p]),
    "index", "index-line");
}
