// The shell: the login form, the navigation and the views, chosen by the URL's fragment
// (#market/BTC-USD, #accounts, #orders/10000001/BTC-USD, #controls), which the browser never
// sends to the server.

import * as api from "./api.js";
import { fill, h } from "./dom.js";
import { accountsView } from "./views/accounts.js";
import { controlsView } from "./views/controls.js";
import { marketView } from "./views/market.js";
import { ordersView } from "./views/orders.js";

const VIEWS = {
  market: (root, [code]) => marketView(root, { contract_code: code }, go),
  accounts: (root) => accountsView(root, {}, go),
  orders: (root, [uid, code]) => ordersView(root, { uid, contract_code: code }, go),
  controls: (root) => controlsView(root),
};

const $ = (id) => document.getElementById(id);
let stopView = () => {};
let shown = 0;

function go(view, ...args) {
  location.hash = [view, ...args.filter((a) => a !== undefined && a !== "")].join("/");
}

async function route() {
  const [name, ...args] = decodeURIComponent(location.hash.slice(1)).split("/");
  const view = VIEWS[name] ? name : "market";
  for (const link of document.querySelectorAll("nav a")) {
    link.classList.toggle("active", link.dataset.view === view);
  }
  stopView();
  stopView = () => {};
  // Each view draws into a container of its own: one still loading when the user moves on
  // draws into a detached one, never over its successor.
  const root = h("div");
  fill($("view"), root);
  const mine = ++shown;
  try {
    const stop = await VIEWS[view](root, args);
    if (mine === shown) stopView = stop; // else the user moved on while it loaded
    else stop();
  } catch (error) {
    if (!(error instanceof api.Unauthorized)) fill(root, h("p.error", String(error.message)));
  }
}

function showLogin(message = "") {
  stopView();
  stopView = () => {};
  api.token.clear();
  $("nav").hidden = true;
  $("view").hidden = true;
  fill($("view"));
  $("login").hidden = false;
  $("login-error").textContent = message;
  $("token").value = "";
  $("token").focus();
}

function showApp() {
  $("login").hidden = true;
  $("nav").hidden = false;
  $("view").hidden = false;
  route();
}

$("login").addEventListener("submit", async (event) => {
  event.preventDefault();
  const candidate = $("token").value.trim();
  $("login-error").textContent = "";
  try {
    if (await api.checkToken(candidate)) {
      api.token.set(candidate);
      showApp();
    } else {
      $("login-error").textContent = "Wrong token: the admin API refused it.";
    }
  } catch (error) {
    $("login-error").textContent = `The sandbox did not answer: ${error.message}`;
  }
});
$("logout").addEventListener("click", () => showLogin());
window.addEventListener("hashchange", () => {
  if (api.token.get()) route();
});
api.whenUnauthorized(() => showLogin("The admin token is no longer valid: log in again."));

if (api.token.get()) showApp();
else showLogin();
