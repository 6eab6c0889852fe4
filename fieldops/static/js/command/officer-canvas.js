// The officers' canvas: every officer marker, every group and every name on the map (the
// officers', START/FINISH, the distance markers, the posts) in one pass, so names are placed
// where they fit and never on top of each other.
//
// It always redraws whole: with hundreds of officers moving each tick the changed area is the
// whole map anyway. It takes no pointer events (command.css): clicks are hit-tested in
// pointer.js, so nothing drawn above or below can swallow a click meant for an officer.

import { CATEGORIES, OFF_POST_COLOR, OUTLINE, STALE_COLOR, STALE_FILL, labelPriority } from "./look.js";
import { placeLabels } from "../map/labels.js";

export const RADIUS = 8;
const LABEL_ZOOM = 16; // every officer's name from here on; the selected one's always
const SPRITE_HALF = RADIUS + 14; // css px from the centre to the sprite's edge

function shapePath(ctx, shape, x, y, r) {
  ctx.beginPath();
  if (shape === "diamond") {
    const d = r * 1.4;
    ctx.moveTo(x, y - d);
    ctx.lineTo(x + d, y);
    ctx.lineTo(x, y + d);
    ctx.lineTo(x - d, y);
    ctx.closePath();
  } else if (shape === "square") {
    const s = r * 0.9;
    ctx.rect(x - s, y - s, 2 * s, 2 * s);
  } else {
    ctx.arc(x, y, shape === "dot" ? r * 0.75 : r, 0, Math.PI * 2);
  }
}

function ring(ctx, x, y, radius, width, color) {
  ctx.beginPath();
  ctx.arc(x, y, radius, 0, Math.PI * 2);
  ctx.lineWidth = width;
  ctx.strokeStyle = color;
  ctx.stroke();
}

function drawOfficer(ctx, x, y, r, look) {
  const style = CATEGORIES[look.category];
  if (look.selected) ring(ctx, x, y, r + 11, 3, "#ffffff");
  if (look.offPost) ring(ctx, x, y, r + 6, 4.5, OFF_POST_COLOR);
  shapePath(ctx, style.shape, x, y, r);
  ctx.fillStyle = look.stale ? STALE_FILL : style.color;
  ctx.fill();
  if (look.stale) ctx.setLineDash([3, 2.5]);
  ctx.lineWidth = look.stale ? 2.5 : 2;
  ctx.strokeStyle = look.stale ? STALE_COLOR : OUTLINE;
  ctx.stroke();
}

// Each look is drawn once into a small bitmap, then stamped with drawImage: thousands of
// stamps rasterize several times faster than thousands of paths.
const sprites = new Map();

function spriteFor(look) {
  const key = `${look.category}|${look.stale}|${look.offPost}|${look.selected}`;
  let sprite = sprites.get(key);
  if (!sprite) {
    const scale = L.Browser.retina ? 2 : 1;
    sprite = document.createElement("canvas");
    sprite.width = sprite.height = 2 * SPRITE_HALF * scale;
    const ctx = sprite.getContext("2d");
    ctx.scale(scale, scale);
    drawOfficer(ctx, SPRITE_HALF, SPRITE_HALF, RADIUS, look);
    sprites.set(key, sprite);
  }
  return sprite;
}

// Leaflet's map.project for the usual CRS (web mercator), the same arithmetic in the same order
// (so the same pixels) without its four objects per point: thousands of fixes a push.
function mercatorFor(map, zoom) {
  const crs = map.options.crs;
  if (crs !== L.CRS.EPSG3857) return (lat, lon) => map.project([lat, lon], zoom);
  const { R, MAX_LATITUDE: max } = crs.projection;
  const { _a: a, _b: b, _c: c, _d: d } = crs.transformation;
  const scale = crs.scale(zoom);
  const rad = Math.PI / 180;
  const point = { x: 0, y: 0 };
  return (lat, lon) => {
    const sin = Math.sin(Math.max(Math.min(max, lat), -max) * rad);
    point.x = scale * (a * (R * lon * rad) + b);
    point.y = scale * (c * ((R * Math.log((1 + sin) / (1 - sin))) / 2) + d);
    return point;
  };
}

// Where an officer stands in the map's pixels at this zoom (Leaflet's latLngToLayerPoint without
// the pixel origin: rounded, as Leaflet rounds it), kept on the record until the fix or the zoom
// changes. Panning moves only the origin, so a pan re-projects nobody.
function projected(rec, zoom, project) {
  const { lat, lon } = rec.data.fix;
  let at = rec.projected; // one object per officer, updated in place: no garbage per push
  if (!at) at = rec.projected = { zoom: null, lat: null, lon: null, x: 0, y: 0 };
  if (at.zoom !== zoom || at.lat !== lat || at.lon !== lon) {
    const point = project(lat, lon);
    at.zoom = zoom;
    at.lat = lat;
    at.lon = lon;
    at.x = Math.round(point.x);
    at.y = Math.round(point.y);
  }
  return at;
}

/** The officer's marker centre in the map container's pixels (for hit-testing). */
export function officerContainerPoint(map, rec) {
  const zoom = map.getZoom();
  const at = projected(rec, zoom, (lat, lon) => map.project([lat, lon], zoom));
  const origin = map.getPixelOrigin();
  return map.layerPointToContainerPoint(L.point(at.x - origin.x, at.y - origin.y));
}

const SPRITE_SIZE = 2 * SPRITE_HALF;
const REACH = SPRITE_HALF + 7; // a marker this far outside the canvas still shows its edge

// One officer: their look's sprite, the room their name must keep clear of, and their name if
// it is shown (x, y: the centre in the canvas's layer pixels).
const lookSprites = new WeakMap(); // look -> its sprite, without building its key each stamp

function stamp(renderer, rec, x, y, zoom) {
  const look = rec.look;
  let sprite = lookSprites.get(look);
  if (!sprite) {
    sprite = spriteFor(look);
    lookSprites.set(look, sprite);
  }
  renderer._ctx.drawImage(sprite, Math.round(x - SPRITE_HALF), Math.round(y - SPRITE_HALF), SPRITE_SIZE, SPRITE_SIZE);
  const r = RADIUS + 4;
  renderer._obstacles.push({ x1: x - r, y1: y - r, x2: x + r, y2: y + r, owner: rec.id });
  if (look.selected || zoom >= LABEL_ZOOM) {
    renderer._labels.push({
      text: look.label,
      kind: "officer",
      spots: [[x + RADIUS + 8, y]],
      priority: labelPriority(look),
      stale: look.stale,
      owner: rec.id,
    });
  }
}

// Every officer shown and not counted in a group, in one pass; the urgent looks last, the most
// urgent on top, so a quiet neighbour never covers them.
function drawOfficers(renderer, map, officers) {
  const zoom = map.getZoom();
  const project = mercatorFor(map, zoom);
  const origin = map.getPixelOrigin();
  const { min, max } = renderer._bounds;
  const urgent = [];
  for (const rec of officers.values()) {
    if (!rec.shown || rec.clustered || !rec.look) continue;
    const at = projected(rec, zoom, project);
    const x = at.x - origin.x;
    const y = at.y - origin.y;
    if (x + REACH < min.x || x - REACH > max.x || y + REACH < min.y || y - REACH > max.y) continue;
    const priority = labelPriority(rec.look);
    if (priority < 4) urgent.push({ rec, x, y, priority });
    else stamp(renderer, rec, x, y, zoom);
  }
  urgent.sort((a, b) => b.priority - a.priority);
  for (const { rec, x, y } of urgent) stamp(renderer, rec, x, y, zoom);
}

/**
 * officers: the records (officers.js) with what markers.js decided (`shown`) and groups.js
 * (`clustered`); decorate(ctx, obstacles, labels): after the markers, draw what else belongs on
 * this canvas (the groups) and add what names must keep clear of and the other names to place.
 */
export function createOfficerCanvas({ map, officers, decorate }) {
  const placed = { posts: [], campus: [], course: [] }; // what the last redraw found room for

  const OfficerCanvas = L.Canvas.extend({
    _extendRedrawBounds() {},

    _draw() {
      this._labels = [];
      this._obstacles = [];
      this._ctx.globalAlpha = 1;
      L.Canvas.prototype._draw.call(this); // any other layer on this canvas (none today)
      drawOfficers(this, map, officers);
      decorate(this._ctx, this._obstacles, this._labels);
      const size = map.getSize();
      const corner = map.containerPointToLayerPoint([0, 0]);
      const view = { x1: corner.x, y1: corner.y, x2: corner.x + size.x, y2: corner.y + size.y };
      const drawn = placeLabels(this._ctx, this._labels, this._obstacles, view);
      const onCampus = (label) => String(label.owner).startsWith("campus-");
      placed.posts = drawn.filter((label) => label.kind === "post").map((label) => label.text);
      placed.campus = drawn.filter(onCampus).map((label) => label.text);
      placed.course = drawn.filter((label) => label.kind === "course")
        .map(({ text, x, y }) => ({ text, point: map.layerPointToContainerPoint([x, y]) }));
    },
  });
  const renderer = new OfficerCanvas({ padding: 0.1, tolerance: 6 });

  return {
    /** On the map from the start: it draws the course and post names too. */
    addTo(target) {
      renderer.addTo(target);
    },
    /** Redraw on the next frame. */
    redraw() {
      if (renderer._map && !renderer._redrawRequest) {
        renderer._redrawRequest = L.Util.requestAnimFrame(renderer._redraw, renderer);
      }
    },
    /** Redraw now (a redraw asked for the next frame is then not needed). */
    drawNow() {
      if (!renderer._map) return;
      if (renderer._redrawRequest) {
        L.Util.cancelAnimFrame(renderer._redrawRequest);
        renderer._redrawRequest = null;
      }
      renderer._redraw();
    },
    /** The post names drawn last time. */
    postLabels: () => [...placed.posts],
    /** The campus's names drawn last time (buildings, areas, exits, assembly points). */
    campusLabels: () => [...placed.campus],
    /** START, FINISH and the distance markers drawn last time: [{text, point}] in the map's pixels. */
    courseLabels: () => placed.course,
  };
}

/** What names must keep clear of besides markers and groups: the desk's incident pins, help
 * rings and found items' glyphs. */
export function deskObstacles(map, { pinLatLngs, ringLatLngs, bagLatLngs }) {
  const obstacles = [];
  for (const latlng of pinLatLngs) {
    const { x, y } = map.latLngToLayerPoint(latlng);
    obstacles.push({ x1: x - 24, y1: y - 54, x2: x + 24, y2: y - 4, owner: "incident" }); // above its tip
  }
  for (const latlng of ringLatLngs) { // the ring and its "HELP · name" tag under it
    const { x, y } = map.latLngToLayerPoint(latlng);
    obstacles.push({ x1: x - 90, y1: y + 36, x2: x + 90, y2: y + 62, owner: "help" });
  }
  for (const latlng of bagLatLngs) { // the 28 px glyph (found-item-map.js), centred on its point
    const { x, y } = map.latLngToLayerPoint(latlng);
    obstacles.push({ x1: x - 14, y1: y - 14, x2: x + 14, y2: y + 14, owner: "found-item" });
  }
  return obstacles;
}
