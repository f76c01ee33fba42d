// One cover, large: download (the cover, its release kit; waiting while a worker makes them),
// rate, and (for its owner) publish and make motion loops.

import { api, ApiError } from "../api.js";
import { h, icon, t } from "../dom.js";
import { errorState, explain, toast } from "../feedback.js";
import { field, formError, showErrors, submitting } from "../forms.js";
import { coverAlt, genreLabel, imageUrl, ratingText, slug, styleLabel } from "../covers.js";
import { session } from "../session.js";

function ratingForm(cover) {
  const current = cover.my_review?.rating || 0;
  const stars = h("div", { class: "stars" }, [1, 2, 3, 4, 5].map((n) => h("label", { class: "star" },
    h("input", { type: "radio", name: "rating", value: n, checked: n === current }),
    icon("star"),
    h("span", { class: "visually-hidden" }, n === 1 ? t("one_star") : t("n_stars", { n })))));
  const paint = () => {
    const chosen = Number(stars.querySelector("input:checked")?.value || 0);
    stars.querySelectorAll(".star").forEach((label, i) => label.classList.toggle("on", i < chosen));
  };
  stars.addEventListener("change", paint);
  paint();
  const comment = h("textarea", { rows: 3, maxlength: 2000 });
  comment.value = cover.my_review?.comment || "";
  const form = h("form", { class: "stack rating-form", novalidate: true },
    h("fieldset", { class: "field" }, h("legend", {}, t("your_rating")), stars,
      h("p", { class: "field-error", id: "f-rating-error" })),
    field({ name: "comment", label: t("comment"), control: comment, hint: t("comment_hint") }),
    formError(),
    h("button", { type: "submit", class: "btn btn-secondary" }, t("save_rating")));
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    const rating = Number(new FormData(form).get("rating") || 0);
    if (!rating) {
      showErrors(form, new ApiError("http", 422, "", [{ field: "rating", message: t("err_pick_rating") }]));
      form.querySelector("input[name=rating]").focus();
      return;
    }
    submitting(form, async () => {
      await api("POST", `/v1/covers/${encodeURIComponent(cover.id)}/reviews`, { rating, comment: comment.value });
      const fresh = await api("GET", `/v1/covers/${encodeURIComponent(cover.id)}`);
      document.getElementById("cover-rating").textContent = ratingText(fresh);
      toast(t("rating_saved"));
    });
  });
  return form;
}

function publishControl(cover) {
  const button = h("button", { type: "button", class: "btn btn-secondary" });
  const note = h("p", { class: "hint" });
  const paint = () => {
    button.replaceChildren(icon("globe"), cover.is_public ? t("make_private") : t("make_public"));
    note.textContent = cover.is_public ? t("public_note") : t("private_note");
  };
  button.addEventListener("click", async () => {
    button.disabled = true;
    try {
      cover = { ...cover, ...(await api("PATCH", `/v1/covers/${encodeURIComponent(cover.id)}`, { is_public: !cover.is_public })) };
      paint();
      toast(cover.is_public ? t("now_public") : t("now_private"));
    } catch (error) {
      toast(explain(error));
    } finally {
      button.disabled = false;
    }
  });
  paint();
  return h("div", { class: "publish" }, h("h2", {}, t("sharing")), note, button);
}

// A file the server may still be making (202 + Retry-After: the release kit, a PNG): the
// link's click asks until it is ready, then lets the browser download it as a plain link
// (the server then streams the stored file).
function whenReady(link) {
  const note = link.querySelector(".btn-note");
  const usual = note ? note.textContent : "";
  let ready = false;
  link.addEventListener("click", async (event) => {
    if (ready) return; // the browser's own download
    event.preventDefault();
    if (link.getAttribute("aria-busy") === "true") return;
    link.setAttribute("aria-busy", "true");
    try {
      for (;;) {
        let response;
        try {
          response = await fetch(link.href, { credentials: "same-origin" });
        } catch {
          throw new ApiError("network", 0, "");
        }
        if (response.status !== 202) {
          if (!response.ok) {
            const problem = await response.json().catch(() => null);
            throw new ApiError("http", response.status, problem?.detail || response.statusText);
          }
          await response.body?.cancel();
          ready = true;
          link.click();
          return;
        }
        if (note) note.textContent = t("preparing_download");
        const wait = Number(response.headers.get("Retry-After")) || 1;
        await new Promise((resolve) => setTimeout(resolve, Math.min(wait, 10) * 1000));
      }
    } catch (error) {
      toast(explain(error));
    } finally {
      link.removeAttribute("aria-busy");
      if (note) note.textContent = usual;
    }
  });
  return link;
}

const PRESETS = ["canvas", "apple-square", "apple-portrait"];

// The owner asks for a loop (a motion job), watches its progress, then plays it here.
function motionControl(cover, name) {
  const select = h("select", { id: "motion-preset", name: "preset" },
    PRESETS.map((preset) => h("option", { value: preset }, t(`motion_${preset.replace("-", "_")}`))));
  const button = h("button", { type: "button", class: "btn btn-secondary" }, icon("sparkle"), t("make_loop"));
  const fill = h("div", { class: "bar-fill" });
  const bar = h("div", {
    class: "bar", role: "progressbar", "aria-label": t("progress_label"),
    "aria-valuemin": 0, "aria-valuemax": 100, "aria-valuenow": 0,
  }, fill);
  const status = h("p", { class: "hint", "aria-live": "polite" });
  const progress = h("div", { class: "motion-progress", hidden: true }, bar, status);
  const player = h("div", { class: "motion-player" });
  const show = (job) => {
    fill.style.width = `${job.progress}%`;
    bar.setAttribute("aria-valuenow", job.progress);
    status.textContent = job.state === "running" ? t("motion_running", { n: job.progress }) : t(`state_${job.state}`);
  };
  const play = (job) => {
    const url = job.motion.video_url;
    const video = h("video", {
      src: url, controls: true, loop: true, muted: true, autoplay: true, playsinline: true,
      class: `motion-video motion-${job.motion.preset}`, "aria-label": t("motion_video_label"),
    });
    video.muted = true;
    const link = h("a", { class: "btn", href: url, download: `${name}-${job.motion.preset}.mp4` },
      icon("download"), t("download_loop"), h("span", { class: "btn-note" }, "MP4"));
    player.replaceChildren(video, h("div", { class: "btn-row" }, link));
  };
  button.addEventListener("click", async () => {
    button.disabled = true;
    progress.hidden = false;
    player.replaceChildren();
    try {
      let job = await api("POST", `/v1/covers/${encodeURIComponent(cover.id)}/motion`, { preset: select.value });
      show(job);
      while (!["succeeded", "failed", "cancelled"].includes(job.state)) {
        await new Promise((resolve) => setTimeout(resolve, 1000));
        job = await api("GET", `/v1/jobs/${encodeURIComponent(job.id)}`);
        show(job);
      }
      if (job.state === "succeeded") {
        progress.hidden = true;
        play(job);
      } else {
        status.textContent = job.error || t(`state_${job.state}`);
      }
    } catch (error) {
      progress.hidden = true;
      toast(explain(error));
    } finally {
      button.disabled = false;
    }
  });
  return h("div", { class: "motion" },
    h("h2", {}, t("motion")),
    h("p", { class: "hint" }, t("motion_note")),
    h("div", { class: "field" }, h("label", { for: "motion-preset" }, t("motion_preset")), select),
    h("div", { class: "btn-row" }, button),
    progress, player);
}

export async function coverView(id) {
  let cover;
  let job = null; // only the owner can read the job
  try {
    cover = await api("GET", `/v1/covers/${encodeURIComponent(id)}`);
    if (session.me) {
      job = await api("GET", `/v1/jobs/${encodeURIComponent(cover.job_id)}`).catch(() => null);
    }
  } catch (error) {
    return errorState(error, () => session.rerender());
  }
  const mine = job !== null;
  const siblings = mine && job.covers.length > 1 ? h("nav", { class: "siblings", "aria-label": t("this_set") },
    h("ul", {}, job.covers.map((other) => h("li", {},
      h("a", {
        href: `#/cover/${encodeURIComponent(other.id)}`, "aria-current": other.id === cover.id ? "page" : null,
      }, h("img", { src: imageUrl(other, { size: 128 }), alt: t("cover_n", { n: other.position + 1 }), width: 128, height: 128 })))))) : null;
  const name = slug(`${cover.artist} ${cover.title} ${cover.position + 1}`);
  // The full-size JPEG is the stored master; a PNG may first have to be made by a worker.
  const download = (format, label) => (format === "jpeg" ? (link) => link : whenReady)(h("a", {
    class: format === "jpeg" ? "btn btn-primary" : "btn", href: imageUrl(cover, { format }), download: `${name}.${format === "jpeg" ? "jpg" : "png"}`,
  }, icon("download"), label, h("span", { class: "btn-note" }, `${cover.size} × ${cover.size}`)));
  return h("section", { class: "detail" },
    h("a", { class: "back", href: mine ? `#/jobs/${encodeURIComponent(cover.job_id)}` : "#/gallery" },
      icon("back"), mine ? t("back_to_results") : t("back_to_gallery")),
    h("div", { class: "detail-layout" },
      h("figure", { class: "detail-art" },
        h("img", { src: imageUrl(cover, { size: 1024 }), alt: coverAlt(cover), width: 1024, height: 1024 }),
        siblings),
      h("div", { class: "detail-panel" },
        h("h1", {}, cover.title),
        h("p", { class: "lead" }, cover.artist),
        h("dl", { class: "facts" },
          h("div", {}, h("dt", {}, t("style")), h("dd", {}, styleLabel(cover.style))),
          h("div", {}, h("dt", {}, t("genre")), h("dd", {}, genreLabel(cover.genre))),
          h("div", {}, h("dt", {}, t("rating")), h("dd", { id: "cover-rating" }, ratingText(cover))),
          h("div", {}, h("dt", {}, t("seed")), h("dd", {}, String(cover.seed)))),
        h("div", { class: "downloads" },
          h("h2", {}, t("download")),
          h("div", { class: "btn-row" }, download("jpeg", "JPEG"), download("png", "PNG")),
          cover.engine === "procedural" ? h("div", { class: "btn-row kit-row" },
            whenReady(h("a", { class: "btn", href: `/v1/covers/${encodeURIComponent(cover.id)}/kit`, download: `${name}-kit.zip` },
              icon("download"), t("release_kit"), h("span", { class: "btn-note" }, t("release_kit_note"))))) : null),
        session.me ? ratingForm(cover) : h("p", { class: "hint" }, h("a", { href: "#/login" }, t("log_in")), " ", t("login_to_rate")),
        mine ? publishControl(cover) : null,
        mine && cover.engine === "procedural" ? motionControl(cover, name) : null)));
}
