// Names on the live map, placed in one pass after every marker is drawn: the most urgent
// first, and none over another name, an officer, a group or an incident pin. A label may have
// several spots to try (around its point); post names are the least urgent and show only
// where they fit (a hover names any post); course labels (START, FINISH, the distance
// markers) are always drawn, at their first free spot.

export const LABEL_FONT = "600 15px system-ui, 'DejaVu Sans', sans-serif";
export const POST_FONT = "700 13px system-ui, 'DejaVu Sans', sans-serif";
export const COURSE_FONT = "800 14px system-ui, 'DejaVu Sans', sans-serif";
export const AREA_FONT = "800 14px system-ui, 'DejaVu Sans', sans-serif";

const STYLE = {
  officer: { font: LABEL_FONT, align: "left", height: 20, pad: 4 },
  post: { font: POST_FONT, align: "center", height: 20, pad: 4 },
  course: { font: COURSE_FONT, align: "center", height: 22, pad: 7 },
  area: { font: AREA_FONT, align: "center", height: 20, pad: 3 }, // a campus building or area
  exit: { font: POST_FONT, align: "center", height: 20, pad: 4 }, // a campus exit or assembly point
};

const measureCtx = document.createElement("canvas").getContext("2d");
const widths = new Map();

export function textWidth(text, font = LABEL_FONT) {
  const key = `${font}|${text}`;
  if (!widths.has(key)) {
    measureCtx.font = font;
    widths.set(key, Math.ceil(measureCtx.measureText(text).width));
  }
  return widths.get(key);
}

function overlaps(a, b) {
  return a.x1 < b.x2 && b.x1 < a.x2 && a.y1 < b.y2 && b.y1 < a.y2;
}

/** Spots around a point for a centred label of this kind: on it, beside it, above, below. */
export function spotsAround(x, y, text, kind, gap = 0) {
  const { font, pad, height } = STYLE[kind];
  const side = textWidth(text, font) / 2 + pad + gap + 6;
  const up = height / 2 + gap + 4;
  return [[x, y], [x + side, y], [x - side, y], [x, y - up], [x, y + up]];
}

function boxFor(label, [x, y]) {
  const { font, align, height, pad } = STYLE[label.kind];
  const width = textWidth(label.text, font);
  const left = align === "center" ? x - width / 2 : x;
  return { x1: left - pad, y1: y - height / 2, x2: left + width + pad, y2: y + height / 2, left, x, y };
}

/** Draw `labels` ({text, kind, spots: [[x, y]...], priority, owner, stale?, end?}) keeping
 * clear of `obstacles` (boxes with an owner), of each other and of the map's edges (`view`,
 * a box in the same coordinates); priority 0 (the selected officer) and course labels are
 * drawn even where nothing is free. Returns the labels drawn, each with the spot it took. */
export function placeLabels(ctx, labels, obstacles, view = null) {
  labels.sort((a, b) => a.priority - b.priority);
  const placed = [];
  const drawn = [];
  const inView = (box) => !view || (box.x1 >= view.x1 && box.x2 <= view.x2 && box.y1 >= view.y1 && box.y2 <= view.y2);
  const free = (box, owner) => inView(box) &&
    !placed.some((b) => overlaps(b, box)) && !obstacles.some((b) => b.owner !== owner && overlaps(b, box));
  // A label drawn where nothing is free: of its spots in the map, the one under the fewest
  // names, pins, glyphs and groups (not officers: they move every push, and the label would
  // hop with them); the first of equals, and its point when none is in the map.
  let steady = null;
  function leastCovered(boxes, owner) {
    steady ??= obstacles.filter((b) => typeof b.owner !== "number"); // officers' owners are ids
    let best = boxes[0];
    let fewest = Infinity;
    for (const box of boxes) {
      if (!inView(box)) continue;
      let n = 0;
      for (const b of placed) if (overlaps(b, box)) n += 1;
      for (const b of steady) if (b.owner !== owner && overlaps(b, box)) n += 1;
      if (n < fewest) {
        best = box;
        fewest = n;
      }
    }
    return best;
  }
  ctx.save();
  ctx.textBaseline = "middle";
  ctx.lineJoin = "round";
  for (const label of labels) {
    const boxes = label.spots.map((spot) => boxFor(label, spot));
    let box = boxes.find((b) => free(b, label.owner));
    if (!box && (label.priority === 0 || label.kind === "course")) box = leastCovered(boxes, label.owner);
    if (!box) continue;
    placed.push(box);
    drawn.push({ ...label, x: box.x, y: box.y });
    paint(ctx, label, box, label.spots[0]);
  }
  ctx.restore();
  return drawn;
}

function paint(ctx, label, box, [px, py]) {
  ctx.font = STYLE[label.kind].font;
  if (label.kind === "post" || label.kind === "exit") {
    ctx.fillStyle = "rgba(11, 14, 17, 0.88)";
    ctx.fillRect(box.x1, box.y1 + 1, box.x2 - box.x1, box.y2 - box.y1 - 2);
    ctx.fillStyle = label.kind === "exit" ? "#7be3a5" : "#e8eef5"; // exits green, as their signs
    ctx.fillText(label.text, box.left, box.y);
    return;
  }
  if (label.kind === "course") {
    if (box.x !== px || box.y !== py) { // moved aside: a short leader back to its point
      ctx.beginPath();
      ctx.moveTo(px, py);
      ctx.lineTo(box.x, box.y);
      ctx.lineWidth = 2;
      ctx.strokeStyle = "#111111";
      ctx.stroke();
    }
    ctx.beginPath();
    ctx.roundRect(box.x1, box.y1, box.x2 - box.x1, box.y2 - box.y1, 5);
    ctx.fillStyle = label.end ? "#ffffff" : "#ffd60a";
    ctx.fill();
    ctx.lineWidth = 2;
    ctx.strokeStyle = "#111111";
    ctx.stroke();
    ctx.fillStyle = "#111111";
    ctx.fillText(label.text, box.left, box.y + 1);
    return;
  }
  ctx.lineWidth = 4;
  ctx.strokeStyle = "rgba(0, 0, 0, 0.9)";
  ctx.strokeText(label.text, box.left, box.y);
  if (label.kind === "area") {
    ctx.fillStyle = "#dfe8f1";
    ctx.fillText(label.text, box.left, box.y);
    return;
  }
  ctx.fillStyle = label.stale ? "#d0d6dd" : "#ffffff";
  ctx.fillText(label.text, box.left, box.y);
}
