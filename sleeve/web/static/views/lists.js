// Lists of covers: the visitor's own, and the public gallery by genre.

import { boot, h, icon, t } from "../dom.js";
import { genreLabel, pagedGrid } from "../covers.js";
import { session } from "../session.js";
import { needLogin } from "./auth.js";

export function myCoversView(_, __, scope) {
  if (!session.me) return needLogin();
  return h("section", {},
    h("div", { class: "page-head" },
      h("div", {}, h("h1", {}, t("my_covers_title")), h("p", { class: "lead" }, t("my_covers_lead"))),
      h("a", { class: "btn btn-primary", href: "#/create" }, icon("sparkle"), t("nav_create"))),
    pagedGrid(scope, "/v1/me/covers", { limit: 24 }, () => h("div", { class: "empty" },
      h("p", { class: "empty-title" }, t("no_covers")),
      h("a", { class: "btn btn-primary", href: "#/create" }, t("make_first")))));
}

export function galleryView(params, _, scope) {
  const genre = params.get("genre") || "";
  const select = h("select", { id: "gallery-genre" },
    h("option", { value: "" }, t("all_genres")),
    boot.genres.map((g) => h("option", { value: g, selected: g === genre }, genreLabel(g))));
  select.addEventListener("change", () => {
    location.hash = select.value ? `#/gallery?genre=${encodeURIComponent(select.value)}` : "#/gallery";
  });
  return h("section", {},
    h("div", { class: "page-head" },
      h("div", {}, h("h1", {}, t("gallery_title")), h("p", { class: "lead" }, t("gallery_lead"))),
      h("div", { class: "filter" }, h("label", { for: "gallery-genre" }, t("genre")), select)),
    pagedGrid(scope, "/v1/gallery", { limit: 24, ...(genre ? { genre } : {}) }, () => h("div", { class: "empty" },
      h("p", { class: "empty-title" }, genre ? t("gallery_empty_genre") : t("gallery_empty"))),
    { badge: false }));
}
