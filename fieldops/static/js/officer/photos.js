// Photos wait in IndexedDB (too big for localStorage) from the moment they are chosen until
// they are uploaded; big camera photos are scaled down first.

import { run } from "../shared/idb.js";
import { csrfHeaders } from "./http.js";
import { database } from "./storage.js";
import { outcome } from "../shared/outbox.js";

const SHRINK_OVER_BYTES = 1500000;
const SHRINK_TO_PX = 2048;

export const photoStore = {
  put: (key, blob) => run(database, "photos", "readwrite", (s) => s.put(blob, key)),
  get: (key) => run(database, "photos", "readonly", (s) => s.get(key)),
  remove: (key) => run(database, "photos", "readwrite", (s) => s.delete(key)),
  clear: () => run(database, "photos", "readwrite", (s) => s.clear()),
};

export async function shrink(file) {
  if (file.size <= SHRINK_OVER_BYTES || !window.createImageBitmap) return file;
  try {
    const bitmap = await createImageBitmap(file);
    const scale = Math.min(1, SHRINK_TO_PX / Math.max(bitmap.width, bitmap.height));
    const canvas = document.createElement("canvas");
    canvas.width = Math.round(bitmap.width * scale);
    canvas.height = Math.round(bitmap.height * scale);
    canvas.getContext("2d").drawImage(bitmap, 0, 0, canvas.width, canvas.height);
    const blob = await new Promise((resolve) => canvas.toBlob(resolve, "image/jpeg", 0.85));
    return blob && blob.size < file.size ? blob : file;
  } catch (_err) {
    return file; // the server checks it anyway
  }
}

/** Upload one waiting photo of an incident: "done", "retry" or "drop" (outcome()). */
export async function uploadPhoto(token, incidentId, key) {
  const blob = await photoStore.get(key).catch(() => null);
  if (!blob) return "done"; // gone (storage cleared): nothing to send
  const form = new FormData();
  form.append("photo", blob, "photo.jpg");
  const headers = { Accept: "application/json", Authorization: `Bearer ${token}`, ...csrfHeaders() };
  const response = await fetch(`/api/v1/incidents/${incidentId}/photos`, { method: "POST", headers, body: form, credentials: "same-origin" });
  const result = outcome(response);
  if (result !== "retry") await photoStore.remove(key).catch(() => {});
  return result;
}
