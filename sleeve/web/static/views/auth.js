// Sign up and log in (plus OAuth buttons when a provider is configured).

import { api } from "../api.js";
import { boot, h, t } from "../dom.js";
import { toast } from "../feedback.js";
import { field, formError, submitting } from "../forms.js";
import { showcase } from "../covers.js";
import { loadMe } from "../session.js";

export function authView(mode, notice = "") {
  const register = mode === "register";
  const next = sessionStorage.getItem("sleeve-next") || "#/create";
  const form = h("form", { class: "stack", novalidate: true },
    field({ name: "email", label: t("email"), type: "email", required: true, autocomplete: "email" }),
    field({
      name: "password", label: t("password"), type: "password", required: true,
      autocomplete: register ? "new-password" : "current-password",
      hint: register ? t("password_hint") : "",
    }),
    formError(),
    h("button", { type: "submit", class: "btn btn-primary btn-wide" },
      register ? t("create_account") : t("log_in")));
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    const body = { email: form.email.value.trim(), password: form.password.value };
    submitting(form, async () => {
      if (register) await api("POST", "/v1/auth/register", body);
      await api("POST", "/v1/auth/login", body);
      await loadMe();
      sessionStorage.removeItem("sleeve-next");
      toast(register ? t("welcome_new") : t("welcome_back"));
      location.hash = next;
    });
  });
  const oauth = boot.oauth.map((provider) => h("a", {
    class: "btn btn-wide btn-secondary",
    href: `/v1/auth/oauth/${encodeURIComponent(provider)}/login?next=${encodeURIComponent(`/${next}`)}`,
  }, t("continue_with", { provider: provider.charAt(0).toUpperCase() + provider.slice(1) })));
  return h("section", { class: "auth" },
    showcase("/v1/gallery?limit=4"),
    h("div", { class: "auth-card" },
      h("h1", {}, register ? t("register_title") : t("login_title")),
      h("p", { class: "lead" }, notice || (register ? t("register_lead") : t("login_lead"))),
      oauth.length ? h("div", { class: "stack oauth" }, oauth, h("p", { class: "or" }, t("or"))) : null,
      form,
      h("p", { class: "switch" },
        register ? t("have_account") : t("no_account"), " ",
        h("a", { href: register ? "#/login" : "#/register" },
          register ? t("log_in") : t("create_account")))));
}

export function needLogin() {
  sessionStorage.setItem("sleeve-next", location.hash);
  return authView("login", t("login_to_continue"));
}
