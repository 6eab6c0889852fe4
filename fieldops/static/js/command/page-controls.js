// The header's page buttons: Replay and Report (pages of their own, for the event on screen),
// hide the side panel (the map takes the room), and full screen.

import { $ } from "./format.js";

/** The Replay and Report links follow the event on screen. */
export function showEventLinks(id) {
  $("#replay-open").href = id == null ? "/replay" : `/replay?event=${id}`;
  $("#report-open").href = id == null ? "/command" : `/events/${id}/report`;
}

export function bindPageControls({ map }) {
  $("#panel-toggle").addEventListener("click", (e) => {
    const hidden = $("#command").classList.toggle("panel-hidden");
    e.currentTarget.setAttribute("aria-pressed", String(hidden));
    map.invalidateSize();
  });
  $("#fullscreen").addEventListener("click", () => {
    if (document.fullscreenElement) document.exitFullscreen();
    else document.documentElement.requestFullscreen?.();
  });
}
