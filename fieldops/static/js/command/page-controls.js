// The header's layout buttons: hide the side panel (the map takes the room), and full screen.

import { $ } from "./format.js";

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
