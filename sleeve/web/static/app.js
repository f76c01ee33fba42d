// Sleeve's page: hash routes drawn from the /v1 API. Views: auth, create, job (live progress
// and results), cover (large view, download, rating, publishing), my covers, gallery.

import { api, ApiError, fieldKey, newKey } from "./api.js";
import { append, boot, h, icon, t } from "./dom.js";

const view = document.getElementById("view");
const state = { me: null, scope: null, firstRender: true };

/** Work a view leaves running (event streams, observers) stops when the visitor moves on,
 * even when the view finishes loading after they already have. */
function onLeave(scope, stop) {
  if (scope.left) stop();
  else scope.stops.push(stop);
}

// ---------- small shared pieces ----------

function toast(message) {
  const box = document.getElementById("toast");
  box.textContent = message;
  box.classList.add("show");
  clearTimeout(toast.timer);
  toast.timer = setTimeout(() => box.classList.remove("show"), 3500);
}

/** An API error as one sentence a musician can act on. */
function explain(error) {
  if (!(error instanceof ApiError)) return t("err_unexpected");
  if (error.kind === "network") return t("err_network");
  if (error.status === 401 && error.detail.includes("wrong")) return t("err_wrong_login");
  if (error.status === 401) return t("err_login_needed");
  if (error.status === 404) return t("err_not_found");
  if (error.status === 429) return t("err_rate_limited");
  if (error.status >= 500) return t("err_server");
  return localizeDetail(error.detail);
}

const KNOWN_DETAILS = [
  [/must not be empty/, "err_required"],
  [/at most (\d+) characters/, "err_too_long"],
  [/not a valid email|valid email/i, "err_email"],
  [/^must be \d+ to \d+ characters/, "err_password"],
  [/already/i, "err_email_taken"],
];
function localizeDetail(detail) {
  for (const [pattern, key] of KNOWN_DETAILS) {
    const match = pattern.exec(detail || "");
    if (match) return t(key, { n: match[1] });
  }
  return detail || t("err_unexpected");
}

function field({ name, label, type = "text", required = false, hint = "", control = null,
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

function formError() {
  return h("div", { class: "form-error", role: "alert", hidden: true });
}

/** Shows the API's per-field errors next to their fields; the rest above the button. */
function showErrors(form, error) {
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

async function submitting(form, work) {
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

function errorState(error, retry, heading = "h1") {
  return h("div", { class: "empty error-state", role: "alert" },
    h(heading, { class: "empty-title" }, t("err_title")),
    h("p", {}, explain(error)),
    retry ? h("button", { type: "button", class: "btn", onclick: retry }, t("try_again")) : null);
}

function coverAlt(cover) {
  return t("cover_alt", { title: cover.title, artist: cover.artist, style: styleLabel(cover.style) });
}

function styleLabel(style) {
  return boot.messages[`style_${style}`] || style;
}

function genreLabel(genre) {
  return boot.messages[`genre_${genre}`] || genre;
}

function ratingText(cover) {
  if (!cover.rating_count) return t("not_rated");
  const key = cover.rating_count === 1 ? "rating_one" : "rating_many";
  return t(key, { avg: cover.rating_avg.toFixed(1), n: cover.rating_count });
}

function imageUrl(cover, params) {
  return `${cover.image_url}?${new URLSearchParams(params)}`;
}

/** inJob: the cards of one job share title and artist, so they are told apart by number. */
function coverCard(cover, { badge = true, inJob = false } = {}) {
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

function slug(text) {
  return String(text).normalize("NFKC").replace(/[^\p{L}\p{N}]+/gu, "-")
    .replace(/^-|-$/g, "").toLowerCase() || "cover";
}

// ---------- account ----------

function renderAccount() {
  const box = document.getElementById("account");
  box.replaceChildren();
  if (state.me) {
    append(box, [
      h("span", { class: "account-email", title: state.me.email || "" },
        state.me.display_name || state.me.email),
      h("button", { type: "button", class: "btn btn-quiet", onclick: logOut }, t("log_out")),
    ]);
  } else {
    append(box, [
      h("a", { class: "btn btn-quiet", href: "#/login" }, t("log_in")),
      h("a", { class: "btn btn-small", href: "#/register" }, t("sign_up")),
    ]);
  }
}

async function loadMe() {
  try {
    state.me = await api("GET", "/v1/me");
  } catch {
    state.me = null;
  }
  renderAccount();
}

async function logOut() {
  try {
    await api("POST", "/v1/auth/logout");
  } catch (error) {
    if (!(error instanceof ApiError && error.status === 401)) { toast(explain(error)); return; }
  }
  state.me = null;
  renderAccount();
  location.hash = "#/gallery";
  toast(t("logged_out"));
}

// ---------- views ----------

function authView(mode, notice = "") {
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

/** A decorative wall of four covers from `source` (painted tiles until there are four). */
function showcase(source, className = "showcase") {
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

function needLogin() {
  sessionStorage.setItem("sleeve-next", location.hash);
  return authView("login", t("login_to_continue"));
}

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

function createView() {
  if (!state.me) return needLogin();
  const form = h("form", { class: "stack create-form", novalidate: true },
    h("div", { class: "row2" },
      field({ name: "title", label: t("title"), required: true, autocomplete: "off" }),
      field({ name: "artist", label: t("artist"), required: true, autocomplete: "off" })),
    field({ name: "album", label: t("album"), autocomplete: "off", hint: t("album_hint") }),
    genrePicker(),
    field({ name: "lyrics", label: t("lyrics"), hint: t("lyrics_hint"),
      control: h("textarea", { rows: 6, maxlength: 10000 }) }),
    h("div", { class: "row2" }, stylePicker(), countPicker()),
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

const TERMINAL = new Set(["succeeded", "failed", "cancelled"]);

async function jobView(id, scope) {
  if (!state.me) return needLogin();
  let job;
  try {
    job = await api("GET", `/v1/jobs/${encodeURIComponent(id)}`);
  } catch (error) {
    return errorState(error, () => route());
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

async function coverView(id) {
  let cover;
  let job = null; // only the owner can read the job
  try {
    cover = await api("GET", `/v1/covers/${encodeURIComponent(id)}`);
    if (state.me) {
      job = await api("GET", `/v1/jobs/${encodeURIComponent(cover.job_id)}`).catch(() => null);
    }
  } catch (error) {
    return errorState(error, () => route());
  }
  const mine = job !== null;
  const siblings = mine && job.covers.length > 1 ? h("nav", { class: "siblings", "aria-label": t("this_set") },
    h("ul", {}, job.covers.map((other) => h("li", {},
      h("a", {
        href: `#/cover/${encodeURIComponent(other.id)}`, "aria-current": other.id === cover.id ? "page" : null,
      }, h("img", { src: imageUrl(other, { size: 128 }), alt: t("cover_n", { n: other.position + 1 }), width: 128, height: 128 })))))) : null;
  const name = slug(`${cover.artist} ${cover.title} ${cover.position + 1}`);
  const download = (format, label) => h("a", {
    class: format === "jpeg" ? "btn btn-primary" : "btn", href: imageUrl(cover, { format }), download: `${name}.${format === "jpeg" ? "jpg" : "png"}`,
  }, icon("download"), label, h("span", { class: "btn-note" }, `${cover.size} × ${cover.size}`));
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
          h("div", { class: "btn-row" }, download("jpeg", "JPEG"), download("png", "PNG"))),
        state.me ? ratingForm(cover) : h("p", { class: "hint" }, h("a", { href: "#/login" }, t("log_in")), " ", t("login_to_rate")),
        mine ? publishControl(cover) : null)));
}

/** A grid that loads pages of covers, the next one when its end scrolls into view. */
function pagedGrid(scope, path, params, emptyState, cardOptions = {}) {
  const grid = h("ul", { class: "grid", "aria-label": t("covers") });
  const more = h("button", { type: "button", class: "btn btn-secondary", hidden: true }, t("load_more"));
  const status = h("div", { class: "grid-status", "aria-live": "polite" });
  let cursor = null;
  let loading = false;
  async function load() {
    if (loading) return;
    loading = true;
    more.disabled = true;
    try {
      const query = new URLSearchParams({ ...params, ...(cursor ? { cursor } : {}) });
      const page = await api("GET", `${path}?${query}`);
      append(grid, page.items.map((cover) => coverCard(cover, cardOptions)));
      cursor = page.next_cursor;
      more.hidden = !cursor;
      status.replaceChildren(grid.children.length ? "" : emptyState());
    } catch (error) {
      status.replaceChildren(errorState(error, load, "h2"));
    } finally {
      loading = false;
      more.disabled = false;
    }
  }
  more.addEventListener("click", load);
  const observer = new IntersectionObserver((entries) => {
    if (entries.some((e) => e.isIntersecting) && cursor && !loading) load();
  }, { rootMargin: "400px" });
  observer.observe(more);
  onLeave(scope, () => observer.disconnect());
  load();
  return [grid, status, h("div", { class: "more" }, more)];
}

function myCoversView(_, __, scope) {
  if (!state.me) return needLogin();
  return h("section", {},
    h("div", { class: "page-head" },
      h("div", {}, h("h1", {}, t("my_covers_title")), h("p", { class: "lead" }, t("my_covers_lead"))),
      h("a", { class: "btn btn-primary", href: "#/create" }, icon("sparkle"), t("nav_create"))),
    pagedGrid(scope, "/v1/me/covers", { limit: 24 }, () => h("div", { class: "empty" },
      h("p", { class: "empty-title" }, t("no_covers")),
      h("a", { class: "btn btn-primary", href: "#/create" }, t("make_first")))));
}

function galleryView(params, _, scope) {
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

// ---------- routing ----------

const ROUTES = {
  "": (params, id, scope) => (state.me ? createView() : galleryView(params, id, scope)),
  login: () => authView("login"),
  register: () => authView("register"),
  create: createView,
  jobs: (_, id, scope) => jobView(id, scope),
  cover: (_, id) => coverView(id),
  covers: myCoversView,
  gallery: galleryView,
};

async function route() {
  if (state.scope) {
    state.scope.left = true;
    state.scope.stops.forEach((stop) => stop());
  }
  const scope = { left: false, stops: [] };
  state.scope = scope;
  const [path, query = ""] = location.hash.replace(/^#\/?/, "").split("?");
  const [name, id] = path.split("/").map(decodeURIComponent);
  const render = ROUTES[name] || ROUTES[""];
  for (const link of document.querySelectorAll("[data-nav]")) {
    if (link.dataset.nav === name) link.setAttribute("aria-current", "page");
    else link.removeAttribute("aria-current");
  }
  view.setAttribute("aria-busy", "true");
  const content = await render(new URLSearchParams(query), id, scope);
  if (scope.left) return; // the visitor moved on while this view loaded
  view.replaceChildren(content);
  view.removeAttribute("aria-busy");
  const title = view.querySelector("h1")?.textContent;
  document.title = title ? `${title} · Sleeve` : "Sleeve";
  if (!state.firstRender) view.focus({ preventScroll: false });
  state.firstRender = false;
  window.scrollTo(0, 0);
}

function setupLanguageSwitch() {
  const other = boot.lang === "ko" ? "en" : "ko";
  const cookieSet = document.cookie.split("; ").some((c) => c.startsWith(`${boot.languageCookie}=`));
  const saved = localStorage.getItem(boot.languageCookie);
  const remember = (lang) => {
    document.cookie = `${boot.languageCookie}=${lang}; path=/; max-age=31536000; samesite=lax`;
    localStorage.setItem(boot.languageCookie, lang);
  };
  if (!cookieSet && saved && saved !== boot.lang && boot.languages.includes(saved)) {
    remember(saved);
    location.reload();
    return;
  }
  document.getElementById("lang-switch").addEventListener("click", () => {
    remember(other);
    location.reload();
  });
}

setupLanguageSwitch();
window.addEventListener("hashchange", route);
await loadMe();
await route();
document.documentElement.dataset.ready = "true";
