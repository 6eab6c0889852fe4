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

// A canvas marker: stamps its look's sprite and queues its name for the label pass; skipped
// while its officer is counted in a group.
const OfficerMarker = L.CircleMarker.extend({
  initialize(latlng, options) {
    L.CircleMarker.prototype.initialize.call(this, latlng, options);
    this.look = options.look;
    this.clustered = false;
  },

  _updateBounds() {
    const pad = SPRITE_HALF + this._clickTolerance();
    this._pxBounds = L.bounds(this._point.subtract([pad, pad]), this._point.add([pad, pad]));
  },

  _updatePath() {
    const canvas = this._renderer;
    if (!canvas._drawing || this._empty() || this.clustered) return;
    const { x, y } = this._point;
    const size = 2 * SPRITE_HALF;
    canvas._ctx.drawImage(spriteFor(this.look), Math.round(x - SPRITE_HALF), Math.round(y - SPRITE_HALF), size, size);
    const r = RADIUS + 4;
    canvas._obstacles.push({ x1: x - r, y1: y - r, x2: x + r, y2: y + r, owner: this.officerId });
    if (this.look.selected || this._map.getZoom() >= LABEL_ZOOM) {
      canvas._labels.push({
        text: this.look.label,
        kind: "officer",
        spots: [[x + this._radius + 8, y]],
        priority: labelPriority(this.look),
        stale: this.look.stale,
        owner: this.officerId,
      });
    }
  },
});

/**
 * decorate(ctx, obstacles, labels): after the markers, draw what else belongs on this canvas
 * (the groups) and add what names must keep clear of and the other names to place.
 */
export function createOfficerCanvas({ map, decorate }) {
  const placed = { posts: [], campus: [], course: [] }; // what the last redraw found room for

  const OfficerCanvas = L.Canvas.extend({
    _extendRedrawBounds() {},

    _draw() {
      this._labels = [];
      this._obstacles = [];
      this._ctx.globalAlpha = 1;
      L.Canvas.prototype._draw.call(this);
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
    redraw() {
      if (renderer._map && !renderer._redrawRequest) {
        renderer._redrawRequest = L.Util.requestAnimFrame(renderer._redraw, renderer);
      }
    },
    createMarker(latlng, look, officerId) {
      const marker = new OfficerMarker(latlng, {
        renderer, radius: RADIUS, weight: 2, look, interactive: false,
      });
      marker.officerId = officerId;
      return marker;
    },
    /** The post names drawn last time. */
    postLabels: () => [...placed.posts],
    /** The campus's names drawn last time (buildings, areas, exits, assembly points). */
    campusLabels: () => [...placed.campus],
    /** START, FINISH and the distance markers drawn last time: [{text, point}] in the map's pixels. */
    courseLabels: () => placed.course,
  };
}

/** What names must keep clear of besides markers and groups: the desk's incident pins and help rings. */
export function deskObstacles(map, { pinLatLngs, ringLatLngs }) {
  const obstacles = [];
  for (const latlng of pinLatLngs) {
    const { x, y } = map.latLngToLayerPoint(latlng);
    obstacles.push({ x1: x - 24, y1: y - 54, x2: x + 24, y2: y - 4, owner: "incident" }); // above its tip
  }
  for (const latlng of ringLatLngs) { // the ring and its "HELP · name" tag under it
    const { x, y } = map.latLngToLayerPoint(latlng);
    obstacles.push({ x1: x - 90, y1: y + 36, x2: x + 90, y2: y + 62, owner: "help" });
  }
  return obstacles;
}
