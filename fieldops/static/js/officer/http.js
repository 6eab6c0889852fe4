// HTTP to the API: the device token as bearer, the CSRF header, a timeout.

const SEND_TIMEOUT_MS = 10000;

export function csrfHeaders() {
  const csrf = document.querySelector('meta[name="csrf-token"]');
  return csrf && csrf.content ? { "X-CSRF-Token": csrf.content } : {};
}

export function updateCsrf(token) {
  const meta = document.querySelector('meta[name="csrf-token"]');
  if (meta && token) meta.content = token;
}

export function errorOf(data) {
  return (data && data.error) || {};
}

/** request(method, path, body, {bearer}) → {status, ok, data}; throws when there is no network. */
export function createHttp({ token }) {
  return async function request(method, path, body, { bearer = true } = {}) {
    const headers = { Accept: "application/json", ...csrfHeaders() };
    if (body !== undefined) headers["Content-Type"] = "application/json";
    if (bearer && token()) headers.Authorization = `Bearer ${token()}`;
    const init = { method, headers, credentials: "same-origin", cache: "no-store" };
    if (body !== undefined) init.body = JSON.stringify(body);
    if (typeof AbortSignal !== "undefined" && AbortSignal.timeout) init.signal = AbortSignal.timeout(SEND_TIMEOUT_MS);
    const response = await fetch(path, init);
    let data = null;
    try {
      data = await response.json();
    } catch (_err) {
      data = null;
    }
    return { status: response.status, ok: response.ok, data };
  };
}
