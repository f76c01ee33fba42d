// The visitor's session: who is logged in (and the account box showing it), and the work the
// current view leaves running.

import { api, ApiError } from "./api.js";
import { append, boot, h, t } from "./dom.js";
import { explain, toast } from "./feedback.js";

export const session = { me: null, scope: null, rerender: () => {} };

/** Work a view leaves running (event streams, observers) stops when the visitor moves on,
 * even when the view finishes loading after they already have. */
export function onLeave(scope, stop) {
  if (scope.left) stop();
  else scope.stops.push(stop);
}

function renderAccount() {
  const box = document.getElementById("account");
  box.replaceChildren();
  if (session.me) {
    append(box, [
      h("span", { class: "account-email", title: session.me.email || "" },
        session.me.display_name || session.me.email),
      h("button", { type: "button", class: "btn btn-quiet", onclick: logOut }, t("log_out")),
    ]);
  } else {
    append(box, [
      h("a", { class: "btn btn-quiet", href: "#/login" }, t("log_in")),
      h("a", { class: "btn btn-small", href: "#/register" }, t("sign_up")),
    ]);
  }
}

/** At page load the server has already said who is signed in (boot.me): an anonymous visit
 * asks the API nothing it would refuse. */
export function startSession() {
  session.me = boot.me || null;
  renderAccount();
}

/** After logging in: ask the API who we are now. */
export async function loadMe() {
  try {
    session.me = await api("GET", "/v1/me");
  } catch {
    session.me = null;
  }
  renderAccount();
}

async function logOut() {
  try {
    await api("POST", "/v1/auth/logout");
  } catch (error) {
    if (!(error instanceof ApiError && error.status === 401)) { toast(explain(error)); return; }
  }
  session.me = null;
  renderAccount();
  location.hash = "#/gallery";
  toast(t("logged_out"));
}

export function setupLanguageSwitch() {
  const other = boot.lang === "ko" ? "en" : "ko";
  const cookieSet = document.cookie.split("; ").some((c) => c.startsWith(`${boot.languageCookie}=`));
  const saved = localStorage.getItem(boot.languageCookie);
  const remember = (lang) => {
    document.cookie = `${boot.languageCookie}=${lang}; path=/; max-age=31536000; samesite=lax`;
    localStorage.setItem(boot.languageCookie, lang);
  };
  if (!cookieSet && saved && saved !== boot.lang && boot.languages.includes(saved)) {
    remember(saved);
    location.reload();
    return;
  }
  document.getElementById("lang-switch").addEventListener("click", () => {
    remember(other);
    location.reload();
  });
}
