// Lists of covers: the visitor's own, the public gallery and an artist's page. Each has the
// same toolbar (search, sort, genre, style); what it shows lives in the URL hash, so reload
// and back bring the same list.

import { boot, h, icon, t } from "../dom.js";
import { genreLabel, pagedGrid, styleLabel } from "../covers.js";
import { session } from "../session.js";
import { needLogin } from "./auth.js";

const PAGE = 24;
const FILTERS = ["q", "genre", "style"];

/** The list's state from the hash: search text, filters and sort (the default left out). */
function readState(params, defaultSort) {
  const state = { sort: params.get("sort") === "top" || params.get("sort") === "new" ? params.get("sort") : defaultSort };
  for (const key of FILTERS) state[key] = (params.get(key) || "").trim();
  return state;
}

function hashFor(base, state, defaultSort) {
  const query = new URLSearchParams();
  for (const key of FILTERS) if (state[key]) query.set(key, state[key]);
  if (state.sort !== defaultSort) query.set("sort", state.sort);
  const text = query.toString();
  return text ? `${base}?${text}` : base;
}

function apiParams(state) {
  const params = { limit: PAGE, sort: state.sort };
  for (const key of FILTERS) if (state[key]) params[key] = state[key];
  return params;
}

function filtered(state) {
  return FILTERS.some((key) => state[key]);
}

function choice(id, label, all, values, current, labelOf) {
  const select = h("select", { id, name: id },
    h("option", { value: "" }, all),
    values.map((v) => h("option", { value: v, selected: v === current }, labelOf(v))));
  return [h("div", { class: "tool" }, h("label", { for: id }, label), select), select];
}

/** Search box, sort toggle and genre and style filters; any change goes to the hash. */
function toolbar(prefix, base, state, defaultSort) {
  const search = h("input", {
    type: "search", id: `${prefix}-q`, name: "q", value: state.q, maxlength: 100,
    placeholder: t("search_placeholder"), autocomplete: "off", enterkeyhint: "search",
  });
  const sorts = ["top", "new"].map((sort) => h("label", {},
    h("input", { type: "radio", name: `${prefix}-sort`, value: sort, checked: state.sort === sort }),
    h("span", {}, t(`sort_${sort}`))));
  const [genreTool, genre] = choice(`${prefix}-genre`, t("genre"), t("all_genres"), boot.genres, state.genre, genreLabel);
  const [styleTool, style] = choice(`${prefix}-style`, t("style"), t("all_styles"), boot.styles, state.style, styleLabel);
  const form = h("form", { class: "toolbar", role: "search", "aria-label": t("filters_label") },
    h("div", { class: "tool tool-search" },
      h("label", { for: `${prefix}-q` }, t("search_label")),
      h("div", { class: "search-box" }, search,
        h("button", { type: "submit", class: "btn btn-secondary search-go" }, icon("search"), h("span", { class: "visually-hidden" }, t("search"))))),
    h("fieldset", { class: "tool" }, h("legend", {}, t("sort_label")), h("div", { class: "segments" }, sorts)),
    genreTool, styleTool);
  const go = () => {
    const next = {
      q: search.value.trim(), genre: genre.value, style: style.value,
      sort: form.querySelector(`input[name="${prefix}-sort"]:checked`)?.value || defaultSort,
    };
    location.hash = hashFor(base, next, defaultSort);
  };
  form.addEventListener("submit", (event) => { event.preventDefault(); go(); });
  form.addEventListener("change", (event) => { if (event.target !== search) go(); });
  return form;
}

/** An empty list: nothing matched (clear the filters), or nothing yet (go and make some). */
function emptyState(state, base, defaultSort, nothingYet) {
  if (filtered(state)) {
    return h("div", { class: "empty" },
      h("p", { class: "empty-title" }, t("no_match_title")),
      h("p", {}, t("no_match_hint")),
      h("div", { class: "btn-row empty-actions" },
        h("a", { class: "btn btn-secondary", href: hashFor(base, { sort: state.sort }, defaultSort) }, t("clear_filters"))));
  }
  return nothingYet();
}

function invite(title, hint) {
  return h("div", { class: "empty empty-invite" },
    h("div", { class: "empty-art", "aria-hidden": "true" }, [1, 2, 3].map((n) => h("span", { class: `tile tile-${n}` }))),
    h("p", { class: "empty-title" }, title),
    h("p", {}, hint),
    h("div", { class: "btn-row empty-actions" },
      h("a", { class: "btn btn-primary", href: "#/create" }, icon("sparkle"), t("nav_create")),
      session.me ? h("a", { class: "btn btn-secondary", href: "#/covers" }, t("share_from_mine")) : null));
}

export function myCoversView(params) {
  if (!session.me) return needLogin();
  const state = readState(params, "new");
  const base = "#/covers";
  return h("section", {},
    h("div", { class: "page-head" },
      h("div", {}, h("h1", {}, t("my_covers_title")), h("p", { class: "lead" }, t("my_covers_lead"))),
      h("a", { class: "btn btn-primary", href: "#/create" }, icon("sparkle"), t("nav_create"))),
    toolbar("mine", base, state, "new"),
    pagedGrid("/v1/me/covers", apiParams(state), () => emptyState(state, base, "new", () => h("div", { class: "empty" },
      h("p", { class: "empty-title" }, t("no_covers")),
      h("a", { class: "btn btn-primary", href: "#/create" }, t("make_first"))))));
}

export function galleryView(params) {
  const state = readState(params, "top");
  const base = "#/gallery";
  return h("section", {},
    h("div", { class: "page-head" },
      h("div", {}, h("h1", {}, t("gallery_title")), h("p", { class: "lead" }, t("gallery_lead")))),
    toolbar("gallery", base, state, "top"),
    pagedGrid("/v1/gallery", apiParams(state),
      () => emptyState(state, base, "top", () => invite(t("gallery_empty"), t("gallery_empty_hint"))),
      { gallery: true }));
}

export function artistView(params, artist) {
  const state = readState(params, "new");
  const base = `#/artist/${encodeURIComponent(artist || "")}`;
  return h("section", {},
    h("a", { class: "back", href: "#/gallery" }, icon("back"), t("back_to_gallery")),
    h("div", { class: "page-head" },
      h("div", {}, h("p", { class: "eyebrow" }, t("artist")), h("h1", {}, artist || ""),
        h("p", { class: "lead" }, t("artist_lead", { artist })))),
    toolbar("artist", base, state, "new"),
    pagedGrid("/v1/gallery", { ...apiParams(state), artist: artist || "" },
      () => emptyState(state, base, "new", () => invite(t("artist_empty", { artist }), t("gallery_empty_hint"))),
      { gallery: true }));
}
