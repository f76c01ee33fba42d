// Sleeve's page: hash routes, each drawn by a view from the /v1 API.

import { session, setupLanguageSwitch, startSession } from "./session.js";
import { authView } from "./views/auth.js";
import { coverView } from "./views/cover.js";
import { createView } from "./views/create.js";
import { jobView } from "./views/job.js";
import { artistView, galleryView, myCoversView } from "./views/lists.js";
import { subjectsView } from "./views/subjects.js";

const view = document.getElementById("view");

const ROUTES = {
  "": (params, id, scope) => (session.me ? createView() : galleryView(params, id, scope)),
  login: () => authView("login"),
  register: () => authView("register"),
  create: createView,
  jobs: (_, id, scope) => jobView(id, scope),
  cover: (_, id) => coverView(id),
  covers: myCoversView,
  gallery: galleryView,
  artist: artistView,
  subjects: subjectsView,
};

let firstRender = true;

async function route() {
  if (session.scope) {
    session.scope.left = true;
    session.scope.stops.forEach((stop) => stop());
  }
  const scope = { left: false, stops: [] };
  session.scope = scope;
  const [path, query = ""] = location.hash.replace(/^#\/?/, "").split("?");
  const [name, id] = path.split("/").map(decodeURIComponent);
  const render = ROUTES[name] || ROUTES[""];
  for (const link of document.querySelectorAll("[data-nav]")) {
    if (link.dataset.nav === (name === "artist" ? "gallery" : name)) link.setAttribute("aria-current", "page");
    else link.removeAttribute("aria-current");
  }
  view.setAttribute("aria-busy", "true");
  const content = await render(new URLSearchParams(query), id, scope);
  if (scope.left) return; // the visitor moved on while this view loaded
  view.replaceChildren(content);
  view.removeAttribute("aria-busy");
  const title = view.querySelector("h1")?.textContent;
  document.title = title ? `${title} · Sleeve` : "Sleeve";
  if (!firstRender) view.focus({ preventScroll: false });
  firstRender = false;
  window.scrollTo(0, 0);
}

session.rerender = route;
setupLanguageSwitch();
window.addEventListener("hashchange", route);
startSession();
await route();
document.documentElement.dataset.ready = "true";
