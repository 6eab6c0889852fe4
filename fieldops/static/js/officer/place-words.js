// A point's place in words, as command will read it ("Mile 18.2 · near …"), asked of the
// server once the point settles; without signal a sentence simply goes without it.

import { online } from "./dom.js";

const SETTLE_MS = 400;

export function createPlaceWords({ session, request, onWords }) {
  const known = { key: "", text: "" };
  let timer = 0;

  const keyOf = (at) => (at ? `${at.lat.toFixed(5)},${at.lon.toFixed(5)}` : "");

  function ask(at) {
    clearTimeout(timer);
    timer = setTimeout(async () => {
      const key = keyOf(at);
      const current = session.current();
      if (!key || !current || !online()) return;
      const [lat, lon] = key.split(",");
      try {
        const res = await request("GET", `/api/v1/events/${current.eventId}/place?lat=${lat}&lon=${lon}`);
        if (!res.ok) return;
        Object.assign(known, { key, text: res.data.text || "" });
        onWords();
      } catch (_err) {
        /* no signal */
      }
    }, SETTLE_MS);
  }

  return {
    /** The words for `at` if known; asks for them (once it settles) if not. */
    of(at) {
      if (known.key === keyOf(at)) return known.text;
      ask(at);
      return "";
    },
  };
}
