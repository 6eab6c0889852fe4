// Photos wait in IndexedDB (too big for localStorage) from the moment they are chosen until
// they are uploaded; big camera photos are scaled down first.

import { run } from "../shared/idb.js";
import { csrfHeaders } from "./http.js";
import { database } from "./storage.js";
import { clientId, outcome } from "../shared/outbox.js";

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

/** A sheet's "Add photo" button: each photo chosen goes to IndexedDB at once, its key into
 * `keys()` (a draft's list); the label and count say how many are attached. */
export function createPhotoPicker({ input, label, count, keys, onAdded, max = 6 }) {
  function render() {
    const n = keys().length;
    count.textContent = n ? `${n} photo${n === 1 ? "" : "s"} attached` : "";
    label.textContent = n ? "Add another photo" : "Add photo";
  }

  input.addEventListener("change", async () => {
    const files = [...input.files].slice(0, max - keys().length);
    input.value = "";
    for (const file of files) {
      const key = `draft/${clientId()}`;
      try {
        await photoStore.put(key, await shrink(file));
        keys().push(key);
      } catch (_err) {
        /* no IndexedDB (private mode): the record still goes, without this photo */
      }
    }
    onAdded();
    render();
  });

  return {
    render,
    reset() {
      input.value = "";
      render();
    },
  };
}

/** Upload one waiting photo to `url` (an incident's or a found item's photos): "done", "retry"
 * or "drop" (outcome()). */
export async function uploadPhoto(token, url, key) {
  const blob = await photoStore.get(key).catch(() => null);
  if (!blob) return "done"; // gone (storage cleared): nothing to send
  const form = new FormData();
  form.append("photo", blob, "photo.jpg");
  const headers = { Accept: "application/json", Authorization: `Bearer ${token}`, ...csrfHeaders() };
  const response = await fetch(url, { method: "POST", headers, body: form, credentials: "same-origin" });
  const result = outcome(response);
  if (result !== "retry") await photoStore.remove(key).catch(() => {});
  return result;
}
