// Telling the visitor what happened: a passing toast, errors as sentences, error panels.

import { ApiError } from "./api.js";
import { h, t } from "./dom.js";

export function toast(message) {
  const box = document.getElementById("toast");
  box.textContent = message;
  box.classList.add("show");
  clearTimeout(toast.timer);
  toast.timer = setTimeout(() => box.classList.remove("show"), 3500);
}

/** An API error as one sentence a musician can act on. */
export function explain(error) {
  if (!(error instanceof ApiError)) return t("err_unexpected");
  if (error.kind === "network") return t("err_network");
  if (error.status === 401 && error.detail.includes("wrong")) return t("err_wrong_login");
  if (error.status === 401) return t("err_login_needed");
  if (error.status === 404) return t("err_not_found");
  if (error.status === 429) return t("err_rate_limited");
  if (error.status >= 500) return t("err_server");
  return localizeDetail(error.detail);
}

const KNOWN_DETAILS = [
  [/must not be empty/, "err_required"],
  [/at most (\d+) characters/, "err_too_long"],
  [/not a valid email|valid email/i, "err_email"],
  [/^must be \d+ to \d+ characters/, "err_password"],
  [/^must be at least \d+ characters/, "err_password"],
  [/already/i, "err_email_taken"],
];

export function localizeDetail(detail) {
  for (const [pattern, key] of KNOWN_DETAILS) {
    const match = pattern.exec(detail || "");
    if (match) return t(key, { n: match[1] });
  }
  return detail || t("err_unexpected");
}

export function errorState(error, retry, heading = "h1") {
  return h("div", { class: "empty error-state", role: "alert" },
    h(heading, { class: "empty-title" }, t("err_title")),
    h("p", {}, explain(error)),
    retry ? h("button", { type: "button", class: "btn", onclick: retry }, t("try_again")) : null);
}
