// Subjects: the visitor's own photos, given with consent, for covers that feature them.
// Create (with an explicit consent box), drop or pick photos (each gets its verdict and a
// thumbnail), delete photos or the whole subject, and train when this server can.

import { api, upload } from "../api.js";
import { h, icon, t } from "../dom.js";
import { errorState, explain, toast } from "../feedback.js";
import { field, formError, submitting } from "../forms.js";
import { session } from "../session.js";
import { needLogin } from "./auth.js";

const TYPES = "image/jpeg,image/png,image/webp";
const MAX_BYTES = 15 * 1024 * 1024; // the API's limit; bigger files are not sent at all
const REASONS = new Set(["too-large", "unsupported", "too-many-pixels", "damaged", "no-face",
  "several-faces", "face-too-small"]);

/** A refused upload as a sentence: the page's own words for the rule the API named. */
function refusal(error) {
  if (error?.status === 409) return error.detail;
  if (error?.reason && REASONS.has(error.reason)) return t(`photo_${error.reason}`);
  return explain(error);
}

function privacyNote() {
  return h("aside", { class: "panel privacy-note", "aria-labelledby": "privacy-title" },
    h("h2", { id: "privacy-title" }, t("subjects_privacy_title")),
    h("ul", {},
      h("li", {}, t("subjects_privacy_stored")),
      h("li", {}, t("subjects_privacy_stripped")),
      h("li", {}, t("subjects_privacy_use")),
      h("li", {}, t("subjects_privacy_delete"))));
}

function createForm(onCreated) {
  const consent = h("input", { type: "checkbox", id: "f-consent", name: "consent",
    "aria-describedby": "f-consent-error" });
  const form = h("form", { class: "stack subject-form", novalidate: true },
    field({ name: "name", label: t("subject_name"), required: true, autocomplete: "off",
      hint: t("subject_name_hint") }),
    h("div", { class: "field consent", dataset: { field: "consent" } },
      h("label", { for: "f-consent", class: "check" }, consent, h("span", {}, t("subject_consent"))),
      h("p", { class: "field-error", id: "f-consent-error" })),
    formError(),
    h("button", { type: "submit", class: "btn btn-primary" }, t("subject_create")));
  form.addEventListener("submit", (event) => {
    event.preventDefault();
    const name = new FormData(form).get("name");
    submitting(form, async () => {
      // The API refuses a subject without consent: false is sent as it is, never assumed.
      const subject = await api("POST", "/v1/subjects", { name, consent: consent.checked });
      form.reset();
      toast(t("subject_created", { name: subject.name }));
      onCreated(subject);
    });
  });
  return h("section", { class: "panel", "aria-labelledby": "new-subject" },
    h("h2", { id: "new-subject" }, t("subject_new")), form);
}

function photoTile(subject, photo, onDeleted) {
  const remove = h("button", { type: "button", class: "btn btn-small",
    "aria-label": t("photo_delete_named", { n: photo.id.slice(0, 6) }) }, t("photo_delete"));
  remove.addEventListener("click", async () => {
    remove.disabled = true;
    try {
      await api("DELETE", `/v1/subjects/${encodeURIComponent(subject.id)}/photos/${encodeURIComponent(photo.id)}`);
      toast(t("photo_deleted"));
      onDeleted();
    } catch (error) {
      remove.disabled = false;
      toast(explain(error));
    }
  });
  return h("li", { class: "photo-tile accepted" },
    h("img", { src: photo.thumbnail_url, alt: t("photo_alt", { name: subject.name }),
      width: 160, height: 160, loading: "lazy" }),
    h("p", { class: "verdict ok" }, t("photo_accepted")),
    remove);
}

function refusedTile(file, error) {
  const preview = URL.createObjectURL(file);
  return h("li", { class: "photo-tile refused" },
    h("img", { src: preview, alt: t("photo_refused_alt", { file: file.name }), width: 160,
      height: 160, onload: () => URL.revokeObjectURL(preview) }),
    h("p", { class: "verdict bad" }, h("strong", {}, t("photo_refused")), " ", refusal(error)),
    h("p", { class: "file-name" }, file.name));
}

function dropZone(subject, onUploaded, refused, status) {
  const input = h("input", { type: "file", accept: TYPES, multiple: true, class: "visually-hidden",
    id: `drop-${subject.id}` });
  const zone = h("label", { class: "drop-zone", for: input.id },
    h("span", { class: "drop-title" }, t("photos_drop")),
    h("span", { class: "hint" }, t("photos_drop_hint")));
  async function send(files) {
    for (const file of files) {
      status.textContent = t("photo_checking", { file: file.name });
      if (file.size > MAX_BYTES) {
        refused.push({ file, error: { reason: "too-large" } });
        continue;
      }
      try {
        await upload(`/v1/subjects/${encodeURIComponent(subject.id)}/photos`, file);
      } catch (error) {
        refused.push({ file, error });
      }
    }
    status.textContent = t("photos_done");
    onUploaded();
  }
  input.addEventListener("change", () => { send([...input.files]); input.value = ""; });
  zone.addEventListener("dragover", (event) => { event.preventDefault(); zone.classList.add("over"); });
  zone.addEventListener("dragleave", () => zone.classList.remove("over"));
  zone.addEventListener("drop", (event) => {
    event.preventDefault();
    zone.classList.remove("over");
    send([...event.dataTransfer.files]);
  });
  return h("div", { class: "drop" }, input, zone);
}

function trainControl(subject) {
  const reasonId = `train-why-${subject.id}`;
  const canTrain = subject.training.available && subject.photos.length > 0;
  const why = subject.training.available ? t("train_needs_photos") : t("train_unavailable", {
    reason: subject.training.reason || "" });
  const button = h("button", { type: "button", class: "btn", disabled: !canTrain,
    "aria-describedby": canTrain ? null : reasonId }, t("train"));
  button.addEventListener("click", async () => {
    button.disabled = true;
    try {
      await api("POST", `/v1/subjects/${encodeURIComponent(subject.id)}/train`, {});
      toast(t("train_queued"));
    } catch (error) {
      button.disabled = false;
      toast(explain(error));
    }
  });
  return h("div", { class: "train" }, button,
    canTrain ? null : h("p", { class: "hint", id: reasonId }, why));
}

/** ``refused``: this visit's refused uploads for the subject (kept across redraws). */
function subjectCard(subject, refresh, refused) {
  const refusedList = h("ul", { class: "photo-grid", "aria-label": t("photos_refused") },
    refused.map(({ file, error }) => refusedTile(file, error)));
  const status = h("p", { class: "hint upload-status", role: "status" });
  const remove = h("button", { type: "button", class: "btn btn-danger" }, t("subject_delete"));
  remove.addEventListener("click", async () => {
    if (!window.confirm(t("subject_delete_confirm", { name: subject.name }))) return;
    remove.disabled = true;
    try {
      await api("DELETE", `/v1/subjects/${encodeURIComponent(subject.id)}`);
      toast(t("subject_deleted", { name: subject.name }));
      refresh();
    } catch (error) {
      remove.disabled = false;
      toast(explain(error));
    }
  });
  const headingId = `subject-${subject.id}`;
  const photos = h("ul", { class: "photo-grid", "aria-label": t("photos_accepted") },
    subject.photos.map((photo) => photoTile(subject, photo, refresh)));
  const full = subject.photos.length >= subject.max_photos;
  return h("article", { class: "panel subject-card", "aria-labelledby": headingId },
    h("div", { class: "page-head" },
      h("div", {},
        h("h2", { id: headingId }, subject.name),
        h("p", { class: "hint" }, t("photos_count", { n: subject.photos.length, max: subject.max_photos }))),
      h("div", { class: "subject-actions" }, trainControl(subject), remove)),
    subject.photos.length ? photos : h("p", { class: "hint" }, t("photos_none")),
    full ? h("p", { class: "hint" }, t("photos_full")) : dropZone(subject, refresh, refused, status),
    status,
    refusedList);
}

export async function subjectsView(_, __, scope) {
  if (!session.me) return needLogin();
  const list = h("div", { class: "stack subject-list" });
  const refusals = new Map();
  const root = h("section", { class: "subjects" },
    h("div", { class: "page-head" },
      h("div", {}, h("h1", {}, t("subjects_title")), h("p", { class: "lead" }, t("subjects_lead")))),
    h("div", { class: "create-layout" },
      h("div", { class: "stack" }, createForm(() => load()), list),
      privacyNote()));
  async function load() {
    try {
      const subjects = await api("GET", "/v1/subjects");
      if (scope.left) return;
      for (const s of subjects) if (!refusals.has(s.id)) refusals.set(s.id, []);
      list.replaceChildren(...subjects.map((s) => subjectCard(s, load, refusals.get(s.id))));
    } catch (error) {
      list.replaceChildren(errorState(error, load, "h2"));
    }
  }
  await load();
  return root;
}

/** The "feature me" choice on the Create form: no one, or one of the visitor's subjects. */
export function featureMePicker() {
  const select = h("select", { id: "f-subject_id", name: "subject_id",
    "aria-describedby": "f-subject_id-hint" }, h("option", { value: "" }, t("feature_nobody")));
  const hint = h("p", { class: "hint", id: "f-subject_id-hint" }, t("feature_me_hint"),
    " ", h("a", { href: "#/subjects" }, t("feature_me_manage")));
  api("GET", "/v1/subjects").then((subjects) => {
    for (const subject of subjects.filter((s) => s.photos.length)) {
      select.append(h("option", { value: subject.id }, subject.name));
    }
  }).catch(() => {});
  return h("div", { class: "field", dataset: { field: "subject_id" } },
    h("label", { for: "f-subject_id" }, icon("sparkle"), t("feature_me")),
    select, hint, h("p", { class: "field-error", id: "f-subject_id-error" }));
}
