// JSON over the session cookie, with the CSRF header on writes. Errors come back as
// {ok: false, status, message} so a button can say what went wrong instead of throwing.

function csrfToken() {
  return document.querySelector('meta[name="csrf-token"]')?.content || "";
}

async function send(path, init) {
  let response;
  try {
    response = await fetch(path, { credentials: "same-origin", ...init });
  } catch {
    return { ok: false, status: 0, message: "cannot reach the server" };
  }
  const data = await response.json().catch(() => null);
  if (response.ok) return { ok: true, status: response.status, data };
  const message = data?.error?.message || `the server answered ${response.status}`;
  return { ok: false, status: response.status, message, error: data?.error };
}

export async function api(method, path, body) {
  const init = { method, headers: {} };
  if (method !== "GET") init.headers["X-CSRF-Token"] = csrfToken();
  if (body !== undefined) {
    init.headers["Content-Type"] = "application/json";
    init.body = JSON.stringify(body);
  }
  return send(path, init);
}

export const get = (path) => api("GET", path);
export const post = (path, body = {}) => api("POST", path, body);

/** A file as multipart `field` (a photo). */
export function postFile(path, field, file) {
  const form = new FormData();
  form.append(field, file, file.name || "photo.jpg");
  return send(path, { method: "POST", headers: { "X-CSRF-Token": csrfToken() }, body: form });
}

export function clientId() {
  if (crypto.randomUUID) return crypto.randomUUID();
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  return Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
}
