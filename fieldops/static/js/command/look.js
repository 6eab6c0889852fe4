// How an officer looks, on the map, in the list, the counts and the detail card alike.
// Status is told by shape as well as colour; stale is hollow and dashed; off post is a ring.

export const CATEGORIES = {
  on_post: { label: "On post", color: "#4cc3ff", shape: "circle" },
  responding: { label: "Responding", color: "#ff4d6d", shape: "diamond" },
  on_break: { label: "On break", color: "#d6a8ff", shape: "square" },
  off_shift: { label: "Off shift", color: "#9aa4ae", shape: "dot" },
};
export const STALE_COLOR = "#d0d6dd";
export const STALE_FILL = "rgba(16, 20, 24, 0.6)";
export const OFF_POST_COLOR = "#ff9f1c";
export const OUTLINE = "#05070a";

export function categoryOf(officer) {
  if (officer.status === "responding") return "responding"; // shown even off shift
  if (!officer.on_shift) return "off_shift";
  return CATEGORIES[officer.status] ? officer.status : "on_post";
}

export function labelOf(officer) {
  return officer.name || (officer.badge ? `#${officer.badge}` : `#${officer.id}`);
}

export function lookOf(officer, { stale, selected }) {
  return {
    category: categoryOf(officer),
    stale,
    offPost: Boolean(officer.off_post) && !stale,
    selected,
    label: labelOf(officer),
  };
}

export function sameLook(a, b) {
  return Boolean(a && b) && a.category === b.category && a.stale === b.stale &&
    a.offPost === b.offPost && a.selected === b.selected && a.label === b.label;
}

/** Whether the list's order or counts could change: everything but the selection. */
export function sameStanding(a, b) {
  return Boolean(a && b) && a.category === b.category && a.stale === b.stale &&
    a.offPost === b.offPost && a.label === b.label;
}

/** The warnings shown beside a name: ["STALE", "OFF POST"]. */
export function flagsOf(look) {
  return [look?.stale && "STALE", look?.offPost && "OFF POST"].filter(Boolean);
}

// Lower is more urgent: whose name wins a tight spot, whose marker wins a click.
export function labelPriority(look) {
  if (look.selected) return 0;
  if (look.category === "responding") return 1;
  if (look.offPost) return 2;
  if (look.stale) return 3;
  return 4;
}

/** The map's marker as a small SVG, for the list rows, the count tiles and the detail card. */
export function glyphSvg({ category, stale = false, offPost = false }) {
  const style = CATEGORIES[category];
  const c = 15;
  const r = 7;
  const fill = stale ? "#14181d" : style.color;
  const stroke = stale ? STALE_COLOR : OUTLINE;
  const paint = `fill="${fill}" stroke="${stroke}" stroke-width="${stale ? 2.5 : 2}"` +
    (stale ? ' stroke-dasharray="3 2.5"' : "");
  let shape;
  if (style.shape === "diamond") {
    const d = r * 1.4;
    shape = `<path d="M${c} ${c - d}L${c + d} ${c}L${c} ${c + d}L${c - d} ${c}Z" ${paint}/>`;
  } else if (style.shape === "square") {
    const s = r * 0.9;
    shape = `<rect x="${c - s}" y="${c - s}" width="${2 * s}" height="${2 * s}" ${paint}/>`;
  } else {
    shape = `<circle cx="${c}" cy="${c}" r="${style.shape === "dot" ? r * 0.75 : r}" ${paint}/>`;
  }
  const ring = offPost
    ? `<circle cx="${c}" cy="${c}" r="${r + 5}" fill="none" stroke="${OFF_POST_COLOR}" stroke-width="3.5"/>`
    : "";
  return `<svg viewBox="0 0 30 30" width="30" height="30" aria-hidden="true" focusable="false">${ring}${shape}</svg>`;
}

/** A glyph key for caching a row's or card's SVG: the look without the selection. */
export function glyphKey(look) {
  return `${look.category}|${look.stale}|${look.offPost}`;
}

export function paintCountGlyphs() {
  const looks = {
    stale: { category: "on_post", stale: true },
    off_post: { category: "on_post", offPost: true },
  };
  for (const node of document.querySelectorAll("[data-glyph]")) {
    const key = node.dataset.glyph;
    node.innerHTML = glyphSvg(looks[key] || { category: key });
  }
}
