// One place decides what a click or a hover on the map is on: an officer (always, wherever
// they stand; the most urgent wins a tie), else a group (a click zooms in to it), else a post
// (a click opens its orders). Incident pins sit above and take their own clicks.

import { escapeHtml } from "./format.js";
import { CATEGORIES, flagsOf, labelPriority } from "./look.js";
import { officerContainerPoint } from "./officer-canvas.js";
import { fixAge } from "./officers.js";
import { northEdge, postContains, postPopup } from "../map/posts.js";

const HIT_PX = 16; // a click this close to an officer's centre is on the officer

/** placing(latlng): the desk took the click (placing a new incident); onOfficer(id): a click on one. */
export function bindPointer({ map, officers, groups, posts, clock, placing, onOfficer }) {
  const hoverTip = L.tooltip({ direction: "top", offset: [0, -14], className: "officer-tip" });

  function hitAt(point) {
    let best = null;
    for (const rec of officers.values()) {
      if (!rec.shown || rec.clustered) continue;
      const distance = officerContainerPoint(map, rec).distanceTo(point);
      if (distance > HIT_PX) continue;
      const rank = labelPriority(rec.look) * 100 + distance; // the urgent one wins a tie
      if (!best || rank < best.rank) best = { kind: "officer", rec, rank };
    }
    if (best) return best;
    const group = groups.hit(point);
    if (group) return { kind: "group", group };
    const latlng = map.containerPointToLatLng(point);
    const post = posts().find((p) => postContains(p, latlng));
    return post ? { kind: "post", post, latlng } : null;
  }

  function hoverText(rec) {
    const o = rec.data;
    const flags = flagsOf(rec.look);
    const badge = o.badge ? ` #${escapeHtml(o.badge)}` : "";
    return `<strong>${escapeHtml(o.name)}</strong>${badge}<br>${CATEGORIES[rec.look.category].label}` +
      `${flags.length ? ` · ${flags.join(" · ")}` : ""} · ${escapeHtml(fixAge(rec, clock.now()))}`;
  }

  map.on("click", (e) => {
    if (placing(e.latlng)) return;
    const hit = hitAt(e.containerPoint);
    if (!hit) return;
    if (hit.kind === "officer") onOfficer(hit.rec.id);
    else if (hit.kind === "group") map.setView([hit.group.lat, hit.group.lon], groups.expansionZoom(hit.group.id));
    else L.popup({ maxWidth: 320 }).setLatLng(hit.latlng).setContent(postPopup(hit.post)).openOn(map);
  });

  let hoverFrame = 0;
  map.on("mousemove", (e) => {
    if (hoverFrame) return;
    hoverFrame = requestAnimationFrame(() => {
      hoverFrame = 0;
      const hit = hitAt(e.containerPoint);
      map.getContainer().classList.toggle("over-something", Boolean(hit));
      if (!hit) {
        hoverTip.remove();
        return;
      }
      const fix = hit.kind === "officer" ? hit.rec.data.fix : null; // shown: it has one
      if (fix) hoverTip.setLatLng([fix.lat, fix.lon]).setContent(hoverText(hit.rec));
      else if (hit.kind === "group") hoverTip.setLatLng([hit.group.lat, hit.group.lon]).setContent(groups.describe(hit.group));
      else hoverTip.setLatLng(northEdge(hit.post)).setContent(`<strong>${escapeHtml(hit.post.name)}</strong>`);
      hoverTip.addTo(map);
    });
  });
  map.on("mouseout", () => hoverTip.remove());
}
