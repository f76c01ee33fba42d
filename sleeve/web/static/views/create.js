// The brief form: title, artist, album, genre (chips in both languages or free text), lyrics,
// style and count.

import { api, newKey } from "../api.js";
import { boot, h, icon, t } from "../dom.js";
import { field, formError, submitting } from "../forms.js";
import { genreLabel, showcase, styleLabel } from "../covers.js";
import { session } from "../session.js";
import { needLogin } from "./auth.js";
import { featureMePicker } from "./subjects.js";

function genrePicker() {
  const input = h("input", { type: "text", autocomplete: "off", maxlength: 200 });
  const chips = boot.genres.map((genre) => {
    const other = boot.genreLabels[genre][boot.lang === "ko" ? "en" : "ko"];
    const chip = h("button", { type: "button", class: "chip", "aria-pressed": "false",
      dataset: { genre } },
    genreLabel(genre), other !== genreLabel(genre) ? h("span", { class: "chip-alt", lang: boot.lang === "ko" ? "en" : "ko" }, other) : null);
    chip.addEventListener("click", () => {
      const on = chip.getAttribute("aria-pressed") !== "true";
      input.value = on ? boot.genreLabels[genre][boot.lang] : "";
      input.dispatchEvent(new Event("input", { bubbles: true }));
    });
    return chip;
  });
  function sync() {
    const typed = input.value.trim().toLowerCase();
    for (const chip of chips) {
      const labels = Object.values(boot.genreLabels[chip.dataset.genre]).map((s) => s.toLowerCase());
      chip.setAttribute("aria-pressed", String(labels.includes(typed)));
    }
  }
  input.addEventListener("input", sync);
  const wrapped = field({ name: "genre", label: t("genre"), control: input, hint: t("genre_hint") });
  wrapped.insertBefore(h("div", { class: "chips", role: "group", "aria-label": t("genre_suggestions") }, chips),
    wrapped.querySelector(".hint"));
  return wrapped;
}

function countPicker() {
  return h("fieldset", { class: "field segmented" },
    h("legend", {}, t("count")),
    h("div", { class: "segments" }, [1, 2, 4, 6, 8].map((n) => h("label", {},
      h("input", { type: "radio", name: "count", value: n, checked: n === 4 }),
      h("span", {}, String(n))))));
}

function stylePicker() {
  const select = h("select", {},
    h("option", { value: "" }, t("style_auto")),
    boot.styles.map((style) => h("option", { value: style }, styleLabel(style))));
  return field({ name: "style", label: t("style"), control: select });
}

export function createView() {
  if (!session.me) return needLogin();
  const form = h("form", { class: "stack create-form", novalidate: true },
    h("div", { class: "row2" },
      field({ name: "title", label: t("title"), required: true, autocomplete: "off" }),
      field({ name: "artist", label: t("artist"), required: true, autocomplete: "off" })),
    field({ name: "album", label: t("album"), autocomplete: "off", hint: t("album_hint") }),
    genrePicker(),
    field({ name: "lyrics", label: t("lyrics"), hint: t("lyrics_hint"),
      control: h("textarea", { rows: 6, maxlength: 10000 }) }),
    h("div", { class: "row2" }, stylePicker(), countPicker()),
    featureMePicker(),
    formError(),
    h("button", { type: "submit", class: "btn btn-primary btn-wide" }, icon("sparkle"), t("make_covers")));
  // One key per brief as typed: resubmitting after a lost answer cannot make a second job.
  let key = newKey();
  form.addEventListener("input", () => { key = newKey(); });
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    const data = new FormData(form);
    const body = {
      brief: {
        title: data.get("title"), artist: data.get("artist"), album: data.get("album"),
        genre: data.get("genre"), lyrics: data.get("lyrics"),
      },
      count: Number(data.get("count")),
      style: data.get("style") || null,
      subject_id: data.get("subject_id") || null,
    };
    submitting(form, async () => {
      const job = await api("POST", "/v1/jobs", body, { "Idempotency-Key": key });
      location.hash = `#/jobs/${encodeURIComponent(job.id)}`;
    });
  });
  return h("div", { class: "create-layout" },
    h("section", { class: "panel" },
      h("h1", {}, t("create_title")),
      h("p", { class: "lead" }, t("create_lead")),
      form),
    h("aside", { class: "create-aside", "aria-label": t("what_you_get") },
      showcase("/v1/me/covers?limit=4", "preview-tiles"),
      h("h2", {}, t("what_you_get")),
      h("ul", { class: "benefits" },
        h("li", {}, t("benefit_size")), h("li", {}, t("benefit_type")),
        h("li", {}, t("benefit_rate")))));
}
