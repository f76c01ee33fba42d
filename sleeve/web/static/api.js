// Talking to the /v1 API: JSON in and out, problem+json errors turned into ApiError.

export class ApiError extends Error {
  /** kind: "network" (server unreachable), "http" (a problem+json answer). */
  constructor(kind, status, detail, fieldErrors, reason = null) {
    super(detail || kind);
    this.kind = kind;
    this.status = status;
    this.detail = detail;
    this.fieldErrors = fieldErrors || [];
    this.reason = reason; // the rule that refused the request, e.g. "no-face"
  }
}

export async function api(method, path, body, headers = {}) {
  const init = {
    method, credentials: "same-origin",
    // The API refuses cookie-authenticated writes without it (CSRF defence, see api/deps.py).
    headers: { Accept: "application/json", "X-Requested-With": "sleeve", ...headers },
  };
  if (body !== undefined) {
    init.headers["Content-Type"] = "application/json";
    init.body = JSON.stringify(body);
  }
  return send(path, init);
}

/** One file as multipart/form-data (field ``file``), answered like any other call. */
export async function upload(path, file) {
  const form = new FormData();
  form.append("file", file, file.name);
  return send(path, {
    method: "POST", credentials: "same-origin", body: form,
    headers: { Accept: "application/json", "X-Requested-With": "sleeve" },
  });
}

async function send(path, init) {
  let response;
  try {
    response = await fetch(path, init);
  } catch {
    throw new ApiError("network", 0, "");
  }
  if (response.status === 204) return null;
  const type = response.headers.get("content-type") || "";
  const data = type.includes("json") ? await response.json().catch(() => null) : null;
  if (!response.ok) {
    // A proxy in front of a stopped server answers 502/503/504 without problem+json.
    if (!data && response.status >= 502) throw new ApiError("network", response.status, "");
    throw new ApiError("http", response.status, data?.detail || response.statusText,
      data?.errors || [], data?.reason || null);
  }
  return data;
}

/** "body.brief.title" -> "title"; "body.count" -> "count". */
export function fieldKey(field) {
  return String(field).replace(/^body\./, "").replace(/^brief\./, "");
}

/** A key for Idempotency-Key: a retried request must not make a second job. */
export function newKey() {
  if (crypto.randomUUID) return crypto.randomUUID(); // only in secure contexts
  return Array.from(crypto.getRandomValues(new Uint8Array(16)),
    (b) => b.toString(16).padStart(2, "0")).join("");
}
