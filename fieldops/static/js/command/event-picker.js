// Which event the page shows: the one in the URL (?event=), else the dispatcher's last choice
// (remembered in this browser), else the event with the most officers on shift, else the one
// running now, else the newest. The picker in the header appears when there are two or more.
// onSwitch(id, {push}): the dispatcher picked another event, or went back in history.

import { $, formatDate, parseTime, setText } from "./format.js";

const EVENT_KEY = "fieldops.command.event"; // the dispatcher's last choice of event

export function createEventPicker({ events, onSwitch }) {
  const known = (id) => events.some((e) => e.id === id);

  function fromUrl() {
    const id = Number(new URLSearchParams(location.search).get("event"));
    return known(id) ? id : null;
  }

  function fallback() {
    const remembered = Number(localStorage.getItem(EVENT_KEY));
    if (known(remembered)) return remembered;
    const now = Date.now();
    const running = (e) => parseTime(e.starts_at) <= now && now <= parseTime(e.ends_at);
    const ranked = [...events].sort((a, b) =>
      (b.on_shift || 0) - (a.on_shift || 0) || Number(running(b)) - Number(running(a)));
    return ranked[0]?.id ?? null;
  }

  return {
    /** The event to show when the page opens, or null when there is none. */
    initial: () => fromUrl() ?? fallback(),
    writeUrl(id, push) {
      const url = new URL(location.href);
      url.searchParams.set("event", String(id));
      history[push ? "pushState" : "replaceState"]({ event: id }, "", url);
    },
    render(eventId) {
      const picker = $("#event-select");
      const name = $("#event-name");
      const event = events.find((e) => e.id === eventId);
      picker.hidden = events.length < 2;
      name.hidden = !picker.hidden;
      setText(name, event ? event.name : "No events yet");
      if (picker.hidden) return;
      if (!picker.options.length) {
        for (const e of events) {
          const shift = e.on_shift ? ` · ${e.on_shift} on shift` : "";
          picker.add(new Option(`${e.name} · ${formatDate(e.starts_at)}${shift}`, String(e.id)));
        }
      }
      picker.value = String(eventId);
    },
    bind() {
      $("#event-select").addEventListener("change", (e) => {
        localStorage.setItem(EVENT_KEY, e.target.value);
        onSwitch(Number(e.target.value), { push: true });
      });
      window.addEventListener("popstate", () => {
        const id = fromUrl();
        if (id != null) onSwitch(id, { push: false });
      });
    },
  };
}
