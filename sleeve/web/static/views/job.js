// One job: live progress over SSE (stage by stage), cancel, and each cover as soon as it is stored.

import { api } from "../api.js";
import { h, icon, t } from "../dom.js";
import { errorState, explain, toast } from "../feedback.js";
import { coverCard, genreLabel, styleLabel } from "../covers.js";
import { onLeave, session } from "../session.js";
import { needLogin } from "./auth.js";

const TERMINAL = new Set(["succeeded", "failed", "cancelled"]);
// The job's `stage` (sleeve/core/job_states.py) → the words for it.
const STAGE_WORDS = {
  planning: "stage_planning", artwork: "stage_artwork", typography: "stage_type",
  saving: "stage_saving", frames: "stage_frames", loading: "stage_loading",
  class_images: "stage_class_images", training: "stage_training",
};

/** What the worker is doing now, as the job says (a running job between two writes of its
 * stage, e.g. one claimed before the stage existed, reads as running). */
function stageOf(job) {
  return STAGE_WORDS[job.stage] || "state_running";
}

/** [what is happening, which cover]: the second part only while a cover is being made. */
function statusParts(job, cancelling) {
  if (job.state === "failed") return [`${t("state_failed")} ${job.error || ""}`.trim(), ""];
  if (job.state !== "running") return [t(`state_${job.state}`), ""];
  if (cancelling) return [t("state_cancelling"), ""];
  const n = Math.min(job.covers.length + 1, job.count);
  return [t(stageOf(job)), t("cover_n_of_m", { n, m: job.count })];
}

/** A cover still to come: a square that shimmers (a still glow under reduced motion), labelled
 * like the cover cards so the grid keeps one rhythm as covers arrive. */
function pendingTile(position, current) {
  return h("li", { class: current ? "card card-pending is-current" : "card card-pending" },
    h("div", { class: "tile-wait" }, current ? icon("sparkle") : null),
    h("div", { class: "card-meta" },
      h("span", { class: "card-title" }, t("cover_n", { n: position + 1 })),
      h("span", { class: "card-sub tile-state" }, t("tile_waiting"))));
}

/** A stored cover; its image shimmers until it has loaded. */
function coverTile(cover, fresh) {
  const el = coverCard(cover, { inJob: true });
  el.classList.add("is-loading");
  if (fresh) el.classList.add("card-new");
  const img = el.querySelector("img");
  const loaded = () => el.classList.remove("is-loading");
  img.addEventListener("load", loaded, { once: true });
  img.addEventListener("error", loaded, { once: true });
  return el;
}

export async function jobView(id, scope) {
  if (!session.me) return needLogin();
  let job;
  try {
    job = await api("GET", `/v1/jobs/${encodeURIComponent(id)}`);
  } catch (error) {
    return errorState(error, () => session.rerender());
  }
  const heading = h("h1", {});
  const sub = h("p", { class: "lead" });
  const meta = h("p", { class: "job-meta" });
  const status = h("p", { class: "job-status", id: "job-status", "aria-live": "polite" });
  const percent = h("span", { class: "job-percent", "aria-hidden": "true" });
  const fill = h("div", { class: "bar-fill" });
  const bar = h("div", {
    class: "bar", role: "progressbar", "aria-label": t("progress_label"),
    "aria-valuemin": 0, "aria-valuemax": 100, "aria-valuenow": 0,
  }, fill);
  const ready = h("p", { class: "job-count" });
  const cancel = h("button", { type: "button", class: "btn btn-secondary btn-cancel" }, t("cancel"));
  const again = h("button", { type: "button", class: "btn btn-secondary" }, icon("sparkle"), t("make_another_set"));
  const progressBox = h("div", { class: "job-progress" },
    h("div", { class: "progress-top" }, status, percent), bar, ready);
  const grid = h("ul", { class: "grid job-grid", "aria-label": t("covers") });
  const hint = h("p", { class: "hint results-hint" });
  const tiles = new Map(); // position -> { key, el }: a tile is rebuilt only when it changes
  let lastStatus = null;
  let cancelling = false;
  let watching = false; // covers that arrive while the page is open fade in

  function tileFor(position, cover, current) {
    const key = cover ? `cover:${cover.id}` : current ? "current" : "waiting";
    const known = tiles.get(position);
    if (known?.key === key) return known.el;
    const el = cover ? coverTile(cover, watching) : pendingTile(position, current);
    tiles.set(position, { key, el });
    return el;
  }

  function showTiles() {
    const byPosition = new Map(job.covers.map((cover) => [cover.position, cover]));
    const live = !TERMINAL.has(job.state);
    let current = job.state === "running" ? -1 : null;
    const nodes = [];
    for (let position = 0; position < job.count; position += 1) {
      const cover = byPosition.get(position);
      if (!cover && !live) continue; // a stopped job keeps only what it made
      if (!cover && current === -1) current = position; // the runner goes in order
      nodes.push(tileFor(position, cover, position === current));
    }
    if (nodes.length !== grid.children.length || nodes.some((el, i) => grid.children[i] !== el)) {
      grid.replaceChildren(...nodes);
    }
    grid.querySelector(".is-current .tile-state")?.replaceChildren(t(stageOf(job)));
  }

  function update(next) {
    job = next;
    const done = job.state === "succeeded";
    heading.textContent = done ? t("ready_title") : t("making_title", { n: job.count });
    sub.textContent = `“${job.brief.title}” — ${job.brief.artist}`;
    meta.textContent = [job.brief.genre && genreLabel(job.brief.genre),
      job.style ? styleLabel(job.style) : t("style_auto")].filter(Boolean).join(" · ");
    fill.style.width = `${job.progress}%`;
    bar.setAttribute("aria-valuenow", job.progress);
    percent.textContent = `${job.progress}%`;
    const [what, which] = statusParts(job, cancelling);
    const said = `${what} ${which}`.trim();
    bar.setAttribute("aria-valuetext", `${job.progress}% — ${said}`);
    if (said !== lastStatus) { // the live region speaks only when the words change
      status.replaceChildren(what, which ? h("span", { class: "job-which" }, ` ${which}`) : "");
      lastStatus = said;
    }
    ready.textContent = t("n_of_m_ready", { n: job.covers.length, m: job.count });
    progressBox.hidden = done;
    progressBox.classList.toggle("is-failed", job.state === "failed" || job.state === "cancelled");
    progressBox.classList.toggle("is-queued", job.state === "queued");
    cancel.hidden = TERMINAL.has(job.state);
    again.hidden = !TERMINAL.has(job.state);
    hint.textContent = done ? t("results_hint") : "";
    showTiles();
    watching = true;
  }

  cancel.addEventListener("click", async () => {
    cancel.disabled = true;
    try {
      cancelling = true;
      update(await api("POST", `/v1/jobs/${encodeURIComponent(id)}/cancel`));
    } catch (error) {
      cancelling = false;
      cancel.disabled = false;
      toast(explain(error));
    }
  });
  again.addEventListener("click", async () => {
    again.disabled = true;
    try {
      const next = await api("POST", "/v1/jobs", { brief: job.brief, count: job.count, style: job.style });
      location.hash = `#/jobs/${encodeURIComponent(next.id)}`;
    } catch (error) {
      toast(explain(error));
    } finally {
      again.disabled = false;
    }
  });

  update(job);
  if (!TERMINAL.has(job.state)) follow(id, update, scope);
  return h("section", { class: "job" },
    h("div", { class: "job-head" }, h("div", {}, heading, sub, meta), h("div", { class: "btn-row" }, cancel, again)),
    progressBox, hint, grid);
}

/** Live progress over SSE (each event is the job, covers included); if the stream breaks,
 * keeps the page current by polling. */
function follow(id, update, scope) {
  const source = new EventSource(`/v1/jobs/${encodeURIComponent(id)}/events`);
  let poll = null;
  const onEvent = (event) => update(JSON.parse(event.data));
  source.addEventListener("progress", onEvent);
  source.addEventListener("done", (event) => { onEvent(event); source.close(); });
  source.addEventListener("error", () => {
    if (source.readyState !== EventSource.CLOSED || poll) return;
    poll = setInterval(async () => {
      try {
        const job = await api("GET", `/v1/jobs/${encodeURIComponent(id)}`);
        update(job);
        if (TERMINAL.has(job.state)) clearInterval(poll);
      } catch (error) {
        toast(explain(error));
      }
    }, 2000);
  });
  onLeave(scope, () => { source.close(); clearInterval(poll); });
}
