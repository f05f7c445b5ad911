// Small helpers to build the page: elements, tables, times. Text goes in as text, never HTML.

/** h("td.buy", {dataset: {...}}, "text", child...): an element with classes and children. */
export function h(spec, props = {}, ...children) {
  if (props === null || typeof props !== "object" || props instanceof Node || Array.isArray(props)) {
    children.unshift(props);
    props = {};
  }
  const [tag, ...classes] = spec.split(".");
  const el = document.createElement(tag || "div");
  if (classes.length) el.className = classes.join(" ");
  for (const [name, value] of Object.entries(props)) {
    if (name === "dataset") Object.assign(el.dataset, value);
    // Through the CSSOM: the page's Content-Security-Policy refuses style attributes.
    else if (name === "style") Object.assign(el.style, value);
    else if (name.startsWith("on")) el.addEventListener(name.slice(2), value);
    else if (value !== undefined && value !== null && value !== false) el.setAttribute(name, value);
  }
  for (const child of children.flat()) {
    if (child === null || child === undefined || child === false) continue;
    el.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return el;
}

/** A table: `columns` [{title, cell(row) -> Node|text, cls(row)?}], one row per item. */
export function table(columns, rows, { empty = "none", testid, rowId } = {}) {
  const head = h("thead", h("tr", columns.map((c) => h("th", c.title))));
  const body = h("tbody");
  if (!rows.length) {
    body.append(h("tr", h("td.empty", { colspan: columns.length }, empty)));
  }
  for (const row of rows) {
    const tr = h("tr", rowId ? { "data-id": rowId(row) } : {});
    for (const c of columns) {
      const cls = c.cls ? c.cls(row) : "";
      tr.append(h(cls ? `td.${cls}` : "td", c.cell(row)));
    }
    body.append(tr);
  }
  return h("table", testid ? { "data-testid": testid } : {}, head, body);
}

/** Replace a container's children. */
export function fill(container, ...children) {
  container.replaceChildren(...children.flat().filter((c) => c !== null && c !== undefined));
}

export const time = (ms) => (ms ? new Date(Number(ms)).toISOString().slice(11, 19) : "");
export const dateTime = (ms) =>
  ms ? new Date(Number(ms)).toISOString().replace("T", " ").slice(0, 19) : "";
export const show = (value) => (value === null || value === undefined ? "–" : String(value));
export const side = (direction) => (direction === "buy" ? "buy" : "sell");

/** "1h 02m 03s" until `ms`. */
export function countdown(ms, now = Date.now()) {
  let s = Math.max(0, Math.round((Number(ms) - now) / 1000));
  const hours = Math.floor(s / 3600);
  s -= hours * 3600;
  const minutes = Math.floor(s / 60);
  s -= minutes * 60;
  const pad = (n) => String(n).padStart(2, "0");
  return `${hours}h ${pad(minutes)}m ${pad(s)}s`;
}

/**
 * An exact decimal text cut (never rounded through a float) to `places` decimals, the whole
 * value in its tooltip: coin amounts carry 18 decimals, the page shows 8 as HTX's does.
 */
export function amount(text, places = 8) {
  if (text === null || text === undefined) return "–";
  const value = String(text);
  const dot = value.indexOf(".");
  if (dot < 0 || value.length - dot - 1 <= places || /e/i.test(value)) return value;
  return h("span", { title: value }, value.slice(0, dot + 1 + places));
}

/** A funding rate string as a percentage with 4 decimals ("0.0100%"). */
export function percent(rate) {
  return rate === null || rate === undefined ? "–" : `${(Number(rate) * 100).toFixed(4)}%`;
}

/** A stat: a small title over a value. */
export const stat = (title, value, testid) =>
  h("div.stat", h("span", title), h("b", testid ? { "data-testid": testid } : {}, show(value)));

/** A <select> of `options` ([value, label] or value), `value` selected. */
export function select(options, value, onchange, props = {}) {
  const el = h("select", { ...props, onchange: (e) => onchange(e.target.value) });
  for (const option of options) {
    const [v, label] = Array.isArray(option) ? option : [option, option];
    const o = h("option", { value: v }, label);
    if (String(v) === String(value)) o.selected = true;
    el.append(o);
  }
  return el;
}
