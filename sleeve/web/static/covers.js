// Covers as the page shows them: labels, cards, a decorative wall and a paged grid.

import { api } from "./api.js";
import { append, boot, h, icon, t } from "./dom.js";
import { errorState } from "./feedback.js";

export function coverAlt(cover) {
  return t("cover_alt", { title: cover.title, artist: cover.artist, style: styleLabel(cover.style) });
}

export function styleLabel(style) {
  return boot.messages[`style_${style}`] || style;
}

export function genreLabel(genre) {
  return boot.messages[`genre_${genre}`] || genre;
}

export function ratingText(cover) {
  if (!cover.rating_count) return t("not_rated");
  const key = cover.rating_count === 1 ? "rating_one" : "rating_many";
  return t(key, { avg: cover.rating_avg.toFixed(1), n: cover.rating_count });
}

export function imageUrl(cover, { size, ...rest } = {}) {
  // A size at or above the cover's own is its master: the API makes no larger variant (422).
  const params = size && size < cover.size ? { size, ...rest } : rest;
  return `${cover.image_url}?${new URLSearchParams(params)}`;
}

export function artistHref(artist) {
  return `#/artist/${encodeURIComponent(artist)}`;
}

/** A gallery card: the artist's name links to their page, so it sits outside the cover's link. */
function galleryCard(cover) {
  return h("li", { class: "card" },
    h("a", { class: "card-link", href: `#/cover/${encodeURIComponent(cover.id)}` },
      h("img", {
        src: imageUrl(cover, { size: 512 }), alt: coverAlt(cover), width: 512, height: 512,
        loading: "lazy", decoding: "async",
      }),
      h("span", { class: "card-meta" }, h("span", { class: "card-title" }, cover.title))),
    h("span", { class: "card-meta card-more" },
      h("span", { class: "card-sub" },
        h("a", { class: "card-artist", href: artistHref(cover.artist) }, cover.artist),
        ` · ${styleLabel(cover.style)}`),
      h("span", { class: cover.rating_count ? "card-rating rated" : "card-rating" }, icon("star"), ratingText(cover))));
}

/** inJob: the cards of one job share title and artist, so they are told apart by number. */
export function coverCard(cover, { badge = true, inJob = false, gallery = false } = {}) {
  if (gallery) return galleryCard(cover);
  return h("li", { class: "card" },
    h("a", { class: "card-link", href: `#/cover/${encodeURIComponent(cover.id)}` },
      h("img", {
        src: imageUrl(cover, { size: 512 }), alt: coverAlt(cover), width: 512, height: 512,
        loading: "lazy", decoding: "async",
      }),
      h("span", { class: "card-meta" },
        h("span", { class: "card-title" }, inJob ? t("cover_n", { n: cover.position + 1 }) : cover.title),
        h("span", { class: "card-sub" }, inJob ? styleLabel(cover.style) : `${cover.artist} · ${styleLabel(cover.style)}`),
        h("span", { class: cover.rating_count ? "card-rating rated" : "card-rating" }, icon("star"), ratingText(cover)),
        badge && cover.is_public ? h("span", { class: "badge" }, t("public")) : null)));
}

export function slug(text) {
  return String(text).normalize("NFKC").replace(/[^\p{L}\p{N}]+/gu, "-")
    .replace(/^-|-$/g, "").toLowerCase() || "cover";
}

/** A decorative wall of four covers from `source` (painted tiles until there are four). */
export function showcase(source, className = "showcase") {
  const wall = h("div", { class: className, "aria-hidden": "true" },
    [1, 2, 3, 4].map((n) => h("div", { class: `tile tile-${n}` })));
  api("GET", source).then((page) => {
    if (page.items.length < 4) return;
    wall.replaceChildren(...page.items.map((cover) => h("img", {
      src: imageUrl(cover, { size: 512 }), alt: "", width: 512, height: 512, class: "tile",
    })));
  }, () => {});
  return wall;
}

/** A grid that loads a page of covers, and the next one when "Load more" is pressed (no
 * infinite scroll: the footer stays reachable and the visitor decides). */
export function pagedGrid(path, params, emptyState, cardOptions = {}) {
  const grid = h("ul", { class: "grid", "aria-label": t("covers") });
  const more = h("button", { type: "button", class: "btn btn-secondary", hidden: true }, t("load_more"));
  const status = h("div", { class: "grid-status", "aria-live": "polite" });
  let cursor = null;
  let loading = false;
  async function load() {
    if (loading) return;
    loading = true;
    more.disabled = true;
    more.setAttribute("aria-busy", "true");
    try {
      const query = new URLSearchParams({ ...params, ...(cursor ? { cursor } : {}) });
      const page = await api("GET", `${path}?${query}`);
      append(grid, page.items.map((cover) => coverCard(cover, cardOptions)));
      cursor = page.next_cursor;
      more.hidden = !cursor;
      grid.hidden = !grid.children.length;
      status.replaceChildren(grid.children.length ? "" : emptyState());
    } catch (error) {
      status.replaceChildren(errorState(error, load, "h2"));
    } finally {
      loading = false;
      more.disabled = false;
      more.removeAttribute("aria-busy");
    }
  }
  more.addEventListener("click", load);
  load();
  return [grid, status, h("div", { class: "more" }, more)];
}
