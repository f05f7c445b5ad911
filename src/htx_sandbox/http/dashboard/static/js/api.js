// The dashboard's only way to the exchange: the token-protected admin API (/sandbox-api/v1/).
// Every view reads through `watch` and acts through the functions below, so replacing polling
// by the sandbox's WebSocket feeds changes this module alone.

const BASE = "/sandbox-api/v1";
const TOKEN_KEY = "htx-sandbox-admin-token";
const POLL_MS = 1000;

export class Unauthorized extends Error {}

export class ApiError extends Error {
  constructor(code, message) {
    super(`${code}: ${message}`);
    this.code = Number(code);
  }
}

export const token = {
  get: () => sessionStorage.getItem(TOKEN_KEY),
  set: (value) => sessionStorage.setItem(TOKEN_KEY, value),
  clear: () => sessionStorage.removeItem(TOKEN_KEY),
};

// Numbers stay the exact text the server sent (money is Decimal there): a float would print
// 0.1 + 0.2 digits the exchange never had. Charts parse them with Number() themselves.
function exact(key, value, context) {
  return typeof value === "number" && context && context.source ? context.source : value;
}

let onUnauthorized = () => {};
export function whenUnauthorized(callback) {
  onUnauthorized = callback;
}

// The token goes in the Authorization header only, never in a URL the access log records.
async function request(method, path, { params, body, bearer } = {}) {
  const query = params ? "?" + new URLSearchParams(
    Object.entries(params).filter(([, v]) => v !== undefined && v !== null && v !== ""),
  ) : "";
  const response = await fetch(BASE + path + query, {
    method,
    headers: {
      Authorization: `Bearer ${bearer ?? token.get() ?? ""}`,
      ...(body ? { "Content-Type": "application/json" } : {}),
    },
    body: body ? JSON.stringify(body) : undefined,
    cache: "no-store",
    credentials: "omit",
  });
  if (response.status === 401) {
    if (bearer === undefined) onUnauthorized();
    throw new Unauthorized("invalid admin token");
  }
  const reply = JSON.parse(await response.text(), exact);
  if (reply.status !== "ok") throw new ApiError(reply.err_code, reply.err_msg);
  return reply.data;
}

const get = (path, params) => request("GET", path, { params });
const post = (path, body) => request("POST", path, { body });
const del = (path, body) => request("DELETE", path, { body });

// -- the token --------------------------------------------------------------------------

/** Whether `candidate` opens the admin API (a 401 says no). */
export async function checkToken(candidate) {
  try {
    await request("GET", "/health", { bearer: candidate });
    return true;
  } catch (error) {
    if (error instanceof Unauthorized) return false;
    throw error;
  }
}

// -- reads, by topic ----------------------------------------------------------------------

const TOPICS = {
  health: () => get("/health"),
  contracts: () => get("/contracts"),
  market: ({ contract_code, period }) => get("/market", { contract_code, period }),
  accounts: () => get("/accounts"),
  apiKeys: () => get("/api-keys"),
  positions: ({ uid }) => get("/positions", { uid }),
  openOrders: ({ uid, contract_code }) => get("/orders", { uid, contract_code }),
  strategyOrders: ({ uid, contract_code }) => get("/strategy-orders", { uid, contract_code }),
  orderHistory: ({ uid, contract_code }) => get("/order-history", { uid, contract_code, size: 30 }),
  fills: ({ uid, contract_code }) => get("/fills", { uid, contract_code, size: 30 }),
  indexPrices: () => get("/index-prices"),
  clock: () => get("/clock"),
  faults: () => get("/faults"),
  faultPaths: () => get("/faults/paths"),
  cancelDelay: () => get("/cancel-delay"),
  rateLimits: () => get("/rate-limits"),
  snapshots: () => get("/snapshots"),
};

/** Read a topic once. */
export function read(topic, params = {}) {
  return TOPICS[topic](params);
}

/**
 * Call `callback(data)` with the topic now and whenever it may have changed (every second
 * today, by polling; a push feed later), `onError(error)` when a read fails. Returns the
 * function that stops it. One read at a time per watch: a slow answer delays the next.
 */
export function watch(topic, params, callback, onError = () => {}) {
  let stopped = false;
  let timer = null;
  const tick = async () => {
    try {
      const data = await read(topic, params);
      if (!stopped) callback(data);
    } catch (error) {
      if (!stopped) onError(error);
    }
    if (!stopped) timer = setTimeout(tick, POLL_MS);
  };
  tick();
  return () => {
    stopped = true;
    clearTimeout(timer);
  };
}

// -- actions on a UID's behalf ------------------------------------------------------------

export const cancel = (uid, contract_code, order_id) =>
  post("/cancel", { uid, contract_code, order_id: String(order_id) });
export const cancelAll = (uid, contract_code, direction, offset) =>
  post("/cancel-all", { uid, contract_code, direction, offset });
export const strategyCancel = (uid, kind, contract_code, order_id) =>
  post("/strategy-cancel", { uid, kind, contract_code, order_id: String(order_id) });
export const strategyCancelAll = (uid, kind, contract_code, direction, offset) =>
  post("/strategy-cancel-all", { uid, kind, contract_code, direction, offset });

// -- test controls --------------------------------------------------------------------------

export const setIndexPrice = (contract_code, price) =>
  post("/index-prices", { contract_code, price });
export const walkIndexPrice = (contract_code) =>
  post("/index-prices", { contract_code, walk: true });

// Values typed into a control go to the admin API as the text typed: its checks (and its
// 1066/1067 texts) are the only ones, so the page never refuses what the API would take.
export const freezeClock = () => post("/clock", { mode: "frozen" });
export const liveClock = () => post("/clock", { mode: "live" });
export const speedClock = (speed) => post("/clock", { mode: "scaled", speed });
export const advanceClock = (advance_ms) => post("/clock", { advance_ms });

export const armFault = (fault) => post("/faults", fault);
export const clearFaults = () => del("/faults");

export const setCancelDelay = (cancel_delay_ms) => post("/cancel-delay", { cancel_delay_ms });
export const setRateLimit = (limits) => post("/rate-limits", limits);
export const clearRateLimits = (uid) => del("/rate-limits", uid === undefined ? undefined : { uid });

export const reset = (empty) => post("/reset", empty ? { empty: true } : {});
export const saveSnapshot = (name) => post("/snapshots", { name });
// The name goes in the path encoded: a name the API would refuse reaches it whole, never as
// another path.
export const restoreSnapshot = (name) => post(`/snapshots/${encodeURIComponent(name)}/restore`);
export const deleteSnapshot = (name) => del(`/snapshots/${encodeURIComponent(name)}`);
