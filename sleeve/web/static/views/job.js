// One job: live progress over SSE, cancel, then its covers.

import { api } from "../api.js";
import { h, icon, t } from "../dom.js";
import { errorState, explain, toast } from "../feedback.js";
import { coverCard } from "../covers.js";
import { onLeave, session } from "../session.js";
import { needLogin } from "./auth.js";

const TERMINAL = new Set(["succeeded", "failed", "cancelled"]);

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
  const status = h("p", { class: "job-status", id: "job-status", "aria-live": "polite" });
  const bar = h("progress", { max: 100, value: 0, "aria-labelledby": "job-status" });
  const percent = h("span", { class: "job-percent", "aria-hidden": "true" });
  const cancel = h("button", { type: "button", class: "btn btn-secondary" }, t("cancel"));
  const again = h("button", { type: "button", class: "btn btn-secondary" }, icon("sparkle"), t("make_another_set"));
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
  const progressBox = h("div", { class: "job-progress" }, h("div", { class: "bar-row" }, bar, percent), status);
  const grid = h("ul", { class: "grid", "aria-label": t("covers") });
  const hint = h("p", { class: "hint results-hint" });
  let lastState = null;

  function update(next) {
    job = next;
    heading.textContent = job.state === "succeeded" ? t("ready_title") : t("making_title", { n: job.count });
    sub.replaceChildren(`“${job.brief.title}” — ${job.brief.artist}`);
    bar.value = job.progress;
    percent.textContent = `${job.progress}%`;
    const said = job.state === "failed" ? `${t("state_failed")} ${job.error || ""}`.trim()
      : job.state === "running" ? `${t("state_running")} ${t("n_of_m_ready", { n: job.covers.length, m: job.count })}`
        : t(`state_${job.state}`);
    if (said !== lastState) {
      status.textContent = said;
      lastState = said;
    }
    progressBox.hidden = job.state === "succeeded";
    progressBox.classList.toggle("is-failed", job.state === "failed" || job.state === "cancelled");
    cancel.hidden = TERMINAL.has(job.state);
    again.hidden = !TERMINAL.has(job.state);
    hint.textContent = job.state === "succeeded" ? t("results_hint") : "";
    const cards = job.covers.map((cover) => coverCard(cover, { inJob: true }));
    const waiting = TERMINAL.has(job.state) ? 0 : Math.max(0, job.count - job.covers.length);
    for (let i = 0; i < waiting; i += 1) {
      cards.push(h("li", { class: "card card-pending", "aria-hidden": "true" }, h("div", { class: "shimmer" })));
    }
    if (grid.children.length !== cards.length || grid.querySelectorAll(".card-pending").length !== waiting) {
      grid.replaceChildren(...cards);
    }
  }

  cancel.addEventListener("click", async () => {
    cancel.disabled = true;
    try {
      update(await api("POST", `/v1/jobs/${encodeURIComponent(id)}/cancel`));
    } catch (error) {
      toast(explain(error));
    } finally {
      cancel.disabled = false;
    }
  });

  update(job);
  if (!TERMINAL.has(job.state)) follow(id, update, scope);
  return h("section", { class: "job" },
    h("div", { class: "job-head" }, h("div", {}, heading, sub), h("div", { class: "btn-row" }, cancel, again)),
    progressBox, hint, grid);
}

/** Live progress over SSE; if the stream breaks, keeps the page current by polling. */
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
