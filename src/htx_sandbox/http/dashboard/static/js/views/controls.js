// The test controls, one panel each, all through the admin API. A panel is
// { title, mount(container) -> stop }: a new control is one more entry in PANELS.

import * as api from "../api.js";
import { dateTime, durationMs, fill, h, select, show, stat, table } from "../dom.js";

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

// -- helpers of the panels below ------------------------------------------------------------

/**
 * Runs an admin API call for a panel: its outcome (or the API's error text) goes in `outcome`,
 * `button` is disabled while the call runs (an advance of hours answers once funding ran).
 */
async function perform(outcome, button, what, action, describe) {
  if (button) button.disabled = true;
  outcome.classList.remove("error");
  try {
    const data = await action();
    outcome.textContent = `${what}: ${describe(data)}`;
  } catch (error) {
    outcome.classList.add("error");
    outcome.textContent = `${what}: ${error.message}`;
  } finally {
    if (button) button.disabled = false;
  }
}

/** A text input of a control (sent as typed: the admin API checks it). */
const field = (label, testid, props = {}) =>
  h("input", { type: "text", "aria-label": label, "data-testid": testid, autocomplete: "off", ...props });

/** A form: `submit(button)` runs on Enter or its button, the page never reloads. */
function form(label, testid, inputs, submit) {
  const button = h("button", { type: "submit", "data-testid": testid }, label);
  return h("form.toolbar", {
    onsubmit: (event) => {
      event.preventDefault();
      submit(button);
    },
  }, inputs, button);
}

/** Drops the fields left empty: an absent field is the API's default, not a blank one. */
const given = (fields) => Object.fromEntries(
  Object.entries(fields).filter(([, value]) => value !== undefined && value !== ""));

/** `render(data)` only when the data changed: a poll never replaces a button being pressed. */
function whenChanged(render) {
  let last = null;
  return (data) => {
    const now = JSON.stringify(data);
    if (now !== last) {
      last = now;
      render(data);
    }
  };
}

const utc = (ms) => `${dateTime(ms)}.${String(Number(ms) % 1000).padStart(3, "0")}`;

// -- the exchange clock -----------------------------------------------------------------------

const describeClock = (c) => `now ${utc(c.now)} UTC, ${c.mode}, speed ${c.speed}`;

const clock = {
  title: "Exchange clock",
  mount(container) {
    const stats = h("div.stats");
    const outcome = h("p.note", { role: "status", "data-testid": "clock-outcome" });
    const speed = field("clock speed", "clock-speed", { inputmode: "numeric", placeholder: "60" });
    const advance = field("advance the clock by", "clock-advance", { placeholder: "8h" });
    const act = (button, what, action) => perform(outcome, button, what, action, describeClock);
    const freeze = h("button", {
      type: "button", "data-testid": "clock-freeze",
      onclick: () => act(freeze, "Frozen", api.freezeClock),
    }, "Freeze");
    const live = h("button", {
      type: "button", "data-testid": "clock-live",
      onclick: () => act(live, "Live", api.liveClock),
    }, "Live");
    fill(container,
      h("p.note", "Funding, the dead man's switch, delayed cancels, klines and every ts follow " +
        "this clock; an advance runs all it passes, in time order."),
      stats,
      h("div.toolbar", freeze, live),
      form("Run faster", "clock-speed-set", [speed],
        (button) => act(button, `Speed ${speed.value.trim()}`, () => api.speedClock(speed.value.trim()))),
      form("Advance", "clock-advance-set", [advance], (button) => {
        const text = advance.value.trim();
        // A duration the page cannot read goes as typed: the API's 1067 names the field.
        act(button, `Advanced ${text}`, () => api.advanceClock(durationMs(text) ?? text));
      }),
      outcome);
    return api.watch("clock", {}, (c) => fill(stats,
      stat("Now (UTC)", utc(c.now), "clock-now"),
      stat("Mode", c.mode, "clock-mode"),
      stat("Speed", c.speed, "clock-speed-shown")));
  },
};

// -- faults on HTX paths ------------------------------------------------------------------------

const FAULT_KINDS = [
  ["err_code", "HTX error (err_code)"],
  ["http_status", "HTTP status"],
  ["delay_ms", "delay (ms)"],
  ["drop", "drop the connection"],
];

function faultText(f) {
  if (f.drop) return "drop";
  if (f.err_code !== undefined) return `err_code ${f.err_code}`;
  if (f.http_status !== undefined) return `HTTP ${f.http_status}`;
  return `delay ${f.delay_ms} ms`;
}

const faults = {
  title: "Faults",
  mount(container) {
    const list = h("div");
    const outcome = h("p.note", { role: "status", "data-testid": "fault-outcome" });
    const paths = h("datalist", { id: "fault-paths" });
    const path = field("fault path", "fault-path", {
      list: "fault-paths", placeholder: "/swap-api/v1/swap_order", class: "wide",
    });
    const uid = field("fault uid", "fault-uid", { inputmode: "numeric", placeholder: "any uid" });
    const count = field("fault count", "fault-count", { inputmode: "numeric", placeholder: "1" });
    const value = field("fault value", "fault-value", { placeholder: "1032" });
    const PLACEHOLDERS = { err_code: "1032", http_status: "502", delay_ms: "1500", drop: "" };
    let kind = "err_code";
    const kinds = select(FAULT_KINDS, kind, (chosen) => {
      kind = chosen;
      value.disabled = kind === "drop";
      value.placeholder = PLACEHOLDERS[kind];
    }, { "aria-label": "fault kind", "data-testid": "fault-kind" });
    const clear = h("button.danger", {
      type: "button", "data-testid": "faults-clear",
      onclick: () => perform(outcome, clear, "Cleared", api.clearFaults,
        (d) => `${d.cleared} fault${d.cleared === 1 ? "" : "s"}`),
    }, "Clear all");
    fill(container,
      h("p.note", "The next requests to an HTX path (of one UID if given: signed requests) get " +
        "an HTX error in that path's envelope, an HTTP status, a delay or no answer."),
      list,
      form("Arm", "fault-arm", [path, paths, uid, count, kinds, value], (button) => {
        const fault = given({ path: path.value.trim(), uid: uid.value.trim(), count: count.value.trim() });
        fault[kind] = kind === "drop" ? true : value.value.trim();
        perform(outcome, button, `Armed on ${fault.path ?? "no path"}`, () => api.armFault(fault),
          (f) => `fault ${f.fault_id}, ${faultText(f)}, ${f.remaining} to go`);
      }),
      h("div.toolbar", clear),
      outcome);
    api.read("faultPaths").then(
      (served) => fill(paths, served.map((p) => h("option", { value: p }))),
      () => {}, // typing a path still works; arming it says whether the sandbox serves it
    );
    return api.watch("faults", {}, whenChanged((rows) => fill(list, table([
      { title: "ID", cell: (f) => f.fault_id },
      { title: "Path", cell: (f) => f.path },
      { title: "UID", cell: (f) => f.uid ?? "any" },
      { title: "Fault", cell: faultText },
      { title: "Remaining", cell: (f) => f.remaining },
    ], rows, { empty: "no fault armed", testid: "faults-table", rowId: (f) => f.fault_id }))));
  },
};

// -- the cancel delay and rate limits ------------------------------------------------------------

const describeLimits = (uid) => (d) => {
  const row = d.uids.find((r) => String(r.uid) === String(uid));
  return row ? `trade ${show(row.trade)}, read ${show(row.read)}` : "the defaults";
};

const runtime = {
  title: "Cancel delay and rate limits",
  mount(container) {
    const delayShown = h("b", { "data-testid": "cancel-delay-shown" });
    const defaults = h("div");
    const uids = h("div");
    const outcome = h("p.note", { role: "status", "data-testid": "runtime-outcome" });
    const delay = field("cancel delay", "cancel-delay-input", { placeholder: "1500ms" });
    const uid = field("rate limit uid", "rate-uid", { inputmode: "numeric", placeholder: "uid" });
    const trade = field("trade limit", "rate-trade", { inputmode: "numeric", placeholder: "trade" });
    const readLimit = field("read limit", "rate-read", { inputmode: "numeric", placeholder: "read" });
    const delayed = (d) => `${d.cancel_delay_ms} ms`;
    const setDelay = (button, text) => perform(outcome, button, `Cancel delay ${text}`,
      () => api.setCancelDelay(durationMs(text) ?? text), delayed);
    const none = h("button", {
      type: "button", "data-testid": "cancel-delay-none", onclick: () => setDelay(none, "0"),
    }, "No delay");
    const clearAll = h("button.danger", {
      type: "button", "data-testid": "rate-limits-clear",
      onclick: () => perform(outcome, clearAll, "Rate limits", () => api.clearRateLimits(),
        () => "every UID on the defaults"),
    }, "Clear all UIDs");
    fill(container,
      h("p.note", "A cancel stays in status 11 (cancelling) this long before it lands."),
      h("div.stats", h("div.stat", h("span", "Cancel delay"), delayShown)),
      form("Set", "cancel-delay-set", [delay], (button) => setDelay(button, delay.value.trim())),
      h("div.toolbar", none),
      h("h3", "Rate limits per window"),
      defaults,
      h("p.note", "A UID's own limits (they apply with --no-rate-limit too):"),
      uids,
      form("Set", "rate-limit-set", [uid, trade, readLimit], (button) => {
        const limits = given({ uid: uid.value.trim(), trade: trade.value.trim(), read: readLimit.value.trim() });
        perform(outcome, button, `UID ${limits.uid ?? "?"}`, () => api.setRateLimit(limits),
          describeLimits(limits.uid));
      }),
      h("div.toolbar", clearAll),
      outcome);
    const stopDelay = api.watch("cancelDelay", {}, (d) => {
      delayShown.textContent = delayed(d);
    });
    const stopLimits = api.watch("rateLimits", {}, whenChanged((d) => {
      fill(defaults, table([
        { title: "Bucket", cell: ([bucket]) => bucket },
        { title: "Limit", cell: ([, q]) => q.limit },
        { title: "Window", cell: ([, q]) => `${q.interval_ms} ms` },
        { title: "Enforced", cell: ([, q]) => (q.enabled ? "yes" : "no (--no-rate-limit)") },
      ], Object.entries(d.defaults), { testid: "rate-defaults" }));
      fill(uids, table([
        { title: "UID", cell: (r) => r.uid },
        { title: "Trade", cell: (r) => show(r.trade) },
        { title: "Read", cell: (r) => show(r.read) },
        { title: "", cell: (r) => {
          const button = h("button", {
            type: "button", "data-testid": "rate-limit-clear",
            onclick: () => perform(outcome, button, `UID ${r.uid}`, () => api.clearRateLimits(r.uid),
              () => "back on the defaults"),
          }, "Clear");
          return button;
        } },
      ], d.uids, { empty: "every UID on the defaults", testid: "rate-limits-table", rowId: (r) => r.uid }));
    }));
    return () => {
      stopDelay();
      stopLimits();
    };
  },
};

// -- reset and snapshots ------------------------------------------------------------------------

/**
 * A button that asks before it acts: the first press shows what will go and a confirm button
 * beside a cancel; only the confirm runs `action(confirmButton)`.
 */
function confirming(label, testid, warning, action, cls = "button.danger") {
  const ask = h(cls, { type: "button", "data-testid": testid }, label);
  const yes = h("button.danger", { type: "button", "data-testid": `${testid}-confirm` }, `Yes, ${label.toLowerCase()}`);
  const no = h("button", { type: "button", "data-testid": `${testid}-cancel` }, "Cancel");
  const question = h("span.confirm", { hidden: true }, h("span.error", warning), " ", yes, " ", no);
  const asking = (on) => {
    question.hidden = !on;
    ask.hidden = on;
  };
  ask.addEventListener("click", () => asking(true));
  no.addEventListener("click", () => asking(false));
  yes.addEventListener("click", async () => {
    await action(yes);
    asking(false);
  });
  return h("span", ask, question);
}

const resetPanel = {
  title: "Reset",
  mount(container) {
    const outcome = h("p.note", { role: "status", "data-testid": "reset-outcome" });
    const empty = h("input", { type: "checkbox", "data-testid": "reset-empty" });
    fill(container,
      h("p.note", "Empties the exchange without a restart (accounts, orders, positions, " +
        "history), then applies the fixtures the server was started with; snapshots stay."),
      h("div.toolbar", h("label", empty, " leave the fixtures out (an empty exchange)")),
      h("div.toolbar", confirming("Reset", "reset", "Every account, order and position goes.",
        (button) => perform(outcome, button, "Reset", () => api.reset(empty.checked),
          (d) => (d.fixtures ? `fixtures ${d.fixtures} applied` : "empty exchange")))),
      outcome);
    return () => {};
  },
};

const snapshots = {
  title: "Snapshots",
  mount(container) {
    const list = h("div");
    const outcome = h("p.note", { role: "status", "data-testid": "snapshot-outcome" });
    const name = field("snapshot name", "snapshot-name", { placeholder: "before-the-test", class: "wide" });
    const described = (s) => `${s.name}, exchange time ${utc(s.exchange_time)} UTC`;
    fill(container,
      h("p.note", "The whole state under a name (letters, digits, . _ -), kept in the store; " +
        "restoring one replaces the exchange's state with it."),
      list,
      form("Save", "snapshot-save", [name], (button) => perform(outcome, button, "Saved",
        () => api.saveSnapshot(name.value.trim()), described)),
      outcome);
    return api.watch("snapshots", {}, whenChanged((rows) => fill(list, table([
      // Saved at (created_at) is the exchange's clock then too: one time is enough.
      { title: "Name", cell: (s) => s.name },
      { title: "Exchange time (UTC)", cell: (s) => dateTime(s.exchange_time) },
      { title: "", cell: (s) => confirming("Restore", "snapshot-restore",
        "Replace the state?", (button) => perform(outcome, button, "Restored",
          () => api.restoreSnapshot(s.name), described), "button") },
      { title: "", cell: (s) => {
        const button = h("button", {
          type: "button", "data-testid": "snapshot-delete",
          onclick: () => perform(outcome, button, "Deleted", () => api.deleteSnapshot(s.name),
            (d) => d.name),
        }, "Delete");
        return button;
      } },
    ], rows, { empty: "no snapshot saved", testid: "snapshots-table", rowId: (s) => s.name }))));
  },
};

// What a test moves most first; the exchange's health last.
export const PANELS = [clock, faults, indexPrices, runtime, snapshots, resetPanel, health];

export function controlsView(root) {
  const stops = [];
  fill(root, h("div.cards", PANELS.map((panel) => {
    const body = h("div");
    stops.push(panel.mount(body));
    return h("div.panel", h("h2", panel.title), body);
  })));
  return () => stops.forEach((stop) => stop());
}
