// The admin's campus editor: draw buildings and areas (polygons), place exits and assembly
// points (Leaflet-Geoman, vendored), name each, delete one, or import a GeoJSON file. Every
// change is saved at once through the campus API, which tells every screen at the event.

import { api } from "./desk/api.js";
import { campusBounds, drawCampus } from "./map/campus.js";
import { drawPosts, isPolygon } from "./map/posts.js";
import { escapeHtml } from "./shared/html.js";

const config = JSON.parse(document.getElementById("campus-config").textContent);
const eventId = config.event.id;
const KIND_LABELS = { building: "Building", area: "Area", exit: "Exit", assembly: "Assembly point" };
const SHAPE = { building: "Polygon", area: "Polygon", exit: "CircleMarker", assembly: "CircleMarker" };

const map = L.map("map", { zoomSnap: 0.5, maxZoom: config.map.max_zoom || 20 }).setView([39.5, -98.35], 4);
if (config.map.tile_url) L.tileLayer(config.map.tile_url, { maxZoom: config.map.max_zoom || 19 }).addTo(map);
else map.attributionControl.addAttribution("No base map: overlays only");
drawPosts(L.layerGroup().addTo(map), config.posts); // the event's posts, to draw around
const shown = L.layerGroup().addTo(map);
let features = config.features;
let drawing = null; // the kind being drawn
let pending = null; // {kind, layer}: drawn, waiting for its name

const say = (text, tone = "ok") => {
  const node = document.getElementById("ce-say");
  node.textContent = text;
  node.dataset.tone = tone;
};

function render() {
  shown.clearLayers();
  drawCampus(shown, features, { theme: "dark" });
  for (const f of features) {
    L.tooltip({ permanent: true, direction: f.polygon ? "center" : "right", className: "ce-label" })
      .setLatLng([f.lat, f.lon]).setContent(escapeHtml(f.name)).addTo(shown);
  }
  document.getElementById("ce-count").textContent = `(${features.length})`;
  document.getElementById("ce-list").innerHTML = features.map((f) => `
    <li data-feature-id="${f.id}" data-testid="campus-feature"><span class="ce-kind">${KIND_LABELS[f.kind]}</span>
      <span class="ce-feature-name">${escapeHtml(f.name)}</span>
      <button type="button" class="ce-delete" data-delete="${f.id}" data-testid="campus-delete">Delete</button></li>`).join("");
}

async function reload() {
  const answer = await api("GET", `/api/v1/events/${eventId}/campus`);
  if (answer.ok) features = answer.data.features;
  render();
}

function setTool(kind) {
  drawing = kind;
  for (const b of document.querySelectorAll("[data-draw]")) b.setAttribute("aria-pressed", String(b.dataset.draw === kind));
  map.pm.disableDraw();
  if (kind) map.pm.enableDraw(SHAPE[kind], { snappable: false, continueDrawing: false }); // corners where clicked
}

document.querySelector(".ce-tools").addEventListener("click", (e) => {
  const button = e.target.closest("[data-draw]");
  if (!button) return;
  discard();
  setTool(drawing === button.dataset.draw ? null : button.dataset.draw);
});

map.on("pm:create", ({ layer }) => {
  pending = { kind: drawing, layer };
  setTool(null);
  const form = document.getElementById("ce-name");
  document.getElementById("ce-name-label").textContent = `Name this ${KIND_LABELS[pending.kind].toLowerCase()}`;
  form.hidden = false;
  document.getElementById("ce-name-input").value = "";
  document.getElementById("ce-name-input").focus();
});

function discard() {
  if (pending) pending.layer.remove();
  pending = null;
  document.getElementById("ce-name").hidden = true;
}

document.querySelector('[data-action="discard"]').addEventListener("click", discard);
document.getElementById("ce-name").addEventListener("submit", async (e) => {
  e.preventDefault();
  if (!pending) return;
  const body = { kind: pending.kind, name: document.getElementById("ce-name-input").value.trim() };
  if (pending.layer.getLatLngs) body.polygon = pending.layer.getLatLngs()[0].map((p) => [p.lat, p.lng]);
  else Object.assign(body, { lat: pending.layer.getLatLng().lat, lon: pending.layer.getLatLng().lng });
  const answer = await api("POST", `/api/v1/events/${eventId}/campus/features`, body);
  if (!answer.ok) return say(`Not saved: ${answer.message}`, "bad");
  say(`${KIND_LABELS[body.kind]} “${answer.data.name}” saved`);
  discard();
  await reload();
});

document.getElementById("ce-list").addEventListener("click", async (e) => {
  const button = e.target.closest("[data-delete]");
  if (!button) return;
  const answer = await api("DELETE", `/api/v1/campus/features/${button.dataset.delete}`);
  if (!answer.ok && answer.status !== 204) return say(`Not deleted: ${answer.message}`, "bad");
  say("Deleted");
  await reload();
});

document.getElementById("ce-import").addEventListener("change", async (e) => {
  const file = e.target.files[0];
  if (!file) return;
  let collection;
  try {
    collection = JSON.parse(await file.text());
  } catch (_err) {
    return say(`${file.name} is not a JSON file`, "bad");
  }
  const answer = await api("PUT", `/api/v1/events/${eventId}/campus`, collection);
  e.target.value = "";
  if (!answer.ok) return say(`Not imported: ${answer.message}`, "bad");
  features = answer.data.features;
  say(`Imported ${features.length} features from ${file.name}`);
  render();
  fit();
});

function fit() {
  const bounds = campusBounds(features);
  for (const post of config.posts) bounds.extend(isPolygon(post) ? post.polygon : [post.lat, post.lon]);
  if (bounds.isValid()) map.fitBounds(bounds, { padding: [40, 40], maxZoom: 18 });
}

render();
fit();
window.fieldopsCampus = Object.freeze({ map, features: () => features });
