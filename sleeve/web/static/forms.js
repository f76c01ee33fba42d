// Form fields with labels, hints and error slots; the API's validation errors shown in place.

import { ApiError, fieldKey } from "./api.js";
import { h, t } from "./dom.js";
import { explain, localizeDetail } from "./feedback.js";

export function field({ name, label, type = "text", required = false, hint = "", control = null,
  autocomplete = null, value = "" }) {
  const id = `f-${name}`;
  const input = control || h("input", {
    id, name, type, value, autocomplete, "aria-required": required ? "true" : null,
  });
  input.id = id;
  input.name = name;
  const describedBy = [hint ? `${id}-hint` : null, `${id}-error`].filter(Boolean).join(" ");
  input.setAttribute("aria-describedby", describedBy);
  return h("div", { class: "field", dataset: { field: name } },
    h("label", { for: id }, label, required ? h("span", { class: "req" }, ` ${t("required")}`) : null),
    input,
    hint ? h("p", { class: "hint", id: `${id}-hint` }, hint) : null,
    h("p", { class: "field-error", id: `${id}-error` }));
}

export function formError() {
  return h("div", { class: "form-error", role: "alert", hidden: true });
}

/** Shows the API's per-field errors next to their fields; the rest above the button. */
export function showErrors(form, error) {
  for (const el of form.querySelectorAll("[aria-invalid]")) el.removeAttribute("aria-invalid");
  for (const el of form.querySelectorAll(".field-error")) el.textContent = "";
  const box = form.querySelector(".form-error");
  box.hidden = true;
  box.textContent = "";
  if (!error) return;
  const loose = [];
  let first = null;
  // Service-level checks answer "field: message" in the detail; they belong to a field too.
  const inDetail = /^(\w+): (.+)$/.exec(error.detail || "");
  if (!error.fieldErrors?.length && inDetail && form.querySelector(`[name="${inDetail[1]}"]`)) {
    error = new ApiError(error.kind, error.status, error.detail, [{ field: inDetail[1], message: inDetail[2] }]);
  }
  for (const item of error.fieldErrors || []) {
    const input = form.querySelector(`[name="${CSS.escape(fieldKey(item.field))}"]`);
    if (!input) { loose.push(localizeDetail(item.message)); continue; }
    input.setAttribute("aria-invalid", "true");
    form.querySelector(`#${input.id}-error`).textContent = localizeDetail(item.message);
    first = first || input;
  }
  if (first) {
    box.textContent = t("err_fix_fields", { n: (error.fieldErrors || []).length });
    box.hidden = false;
    first.focus();
  }
  if (!error.fieldErrors?.length || loose.length) {
    box.textContent = [box.textContent, ...(loose.length ? loose : [explain(error)])]
      .filter(Boolean).join(" ");
    box.hidden = false;
  }
}

export async function submitting(form, work) {
  const button = form.querySelector("button[type=submit]");
  button.disabled = true;
  form.setAttribute("aria-busy", "true");
  try {
    showErrors(form, null);
    await work();
  } catch (error) {
    showErrors(form, error);
  } finally {
    button.disabled = false;
    form.removeAttribute("aria-busy");
  }
}
