/* Shared by the officer-*.js modules: labels, a persistent outbox, small maps, the alarm.
 *
 * The page itself (officer.js) exposes window.FieldopsOfficer and announces, as DOM events
 * on document: fieldops:main (main screen shown), fieldops:joined (live link up: re-read),
 * fieldops:envelope (incident/alert/message), fieldops:fix, fieldops:ended (left the event).
 */
(() => {
  "use strict";

  const TYPES = {
    medical: "Medical",
    crowd: "Crowd",
    traffic: "Traffic",
    suspicious: "Suspicious person / package",
    fight: "Fight / disturbance",
    lost_person: "Lost person",
    hazard: "Hazard",
    other: "Other",
    officer_help: "Officer needs help",
  };
  const SEVERITIES = { low: "Low", medium: "Medium", high: "High", critical: "Critical" };
  const STATUSES = {
    reported: "Reported",
    acknowledged: "Acknowledged",
    dispatched: "Dispatched",
    en_route: "En route",
    on_scene: "On scene",
    resolved: "Resolved",
    cancelled: "Cancelled",
  };
  const RETRY_MS = 3000;
  const KEEP_DONE = 30; // finished items kept, to show them as sent

  function uuid() {
    if (window.crypto && crypto.randomUUID) return crypto.randomUUID();
    const bytes = new Uint8Array(16);
    crypto.getRandomValues(bytes); // randomUUID needs a secure context; this does not
    bytes[6] = (bytes[6] & 0x0f) | 0x40;
    bytes[8] = (bytes[8] & 0x3f) | 0x80;
    const hex = [...bytes].map((b) => b.toString(16).padStart(2, "0")).join("");
    return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
  }

  function distanceLabel(m) {
    if (m === null || m === undefined) return "";
    return m < 1000 ? `${Math.round(m / 10) * 10} m` : `${(m / 1000).toFixed(1)} km`;
  }

  function icon(type) {
    const svg = document.createElementNS("http://www.w3.org/2000/svg", "svg");
    svg.setAttribute("class", "type-icon");
    svg.setAttribute("aria-hidden", "true");
    const use = document.createElementNS("http://www.w3.org/2000/svg", "use");
    use.setAttribute("href", `#icon-${TYPES[type] ? type : "other"}`);
    svg.append(use);
    return svg;
  }

  function el(tag, attrs = {}, ...children) {
    const node = document.createElement(tag);
    for (const [name, value] of Object.entries(attrs)) {
      if (value === null || value === undefined || value === false) continue;
      if (name === "class") node.className = value;
      else if (name === "text") node.textContent = value;
      else node.setAttribute(name, value === true ? "" : value);
    }
    node.append(...children.filter((c) => c !== null && c !== undefined));
    return node;
  }

  /** A list kept in localStorage, sent item by item until the server has it. send(item)
   * marks the item `done` itself and answers "retry" to stop for now (no signal, 5xx). */
  class Outbox {
    /** Items not yet accepted by the server, over every outbox (leaving the event loses them). */
    static unsent() {
      return Outbox.all.reduce((n, box) => n + box.items().filter((item) => !item.done).length, 0);
    }

    constructor(key, send) {
      Outbox.all.push(this);
      this.key = key;
      this.send = send;
      this.busy = false;
      setInterval(() => this.drain(), RETRY_MS);
      window.addEventListener("online", () => this.drain());
      document.addEventListener("fieldops:joined", () => this.drain());
      document.addEventListener("fieldops:ended", () => localStorage.removeItem(this.key));
    }

    items() {
      try {
        const items = JSON.parse(localStorage.getItem(this.key) || "[]");
        return Array.isArray(items) ? items : [];
      } catch (_err) {
        return [];
      }
    }

    save(items) {
      const done = items.filter((item) => item.done);
      const drop = new Set(done.slice(0, Math.max(0, done.length - KEEP_DONE)));
      localStorage.setItem(this.key, JSON.stringify(items.filter((item) => !drop.has(item))));
    }

    add(item) {
      this.save([...this.items(), item]);
      this.drain();
    }

    update(id, patch) {
      this.save(this.items().map((item) => (item.id === id ? { ...item, ...patch } : item)));
    }

    remove(id) {
      this.save(this.items().filter((item) => item.id !== id));
    }

    pending() {
      return this.items().filter((item) => !item.done);
    }

    async drain() {
      const officer = window.FieldopsOfficer;
      if (this.busy || !officer || !officer.session() || !officer.online()) return; // as officer.js
      this.busy = true;
      try {
        for (const item of this.pending()) {
          const result = await this.send(item).catch(() => "retry"); // fetch throws offline
          if (result === "retry") break; // keep the order: the rest waits too
        }
      } finally {
        this.busy = false;
      }
    }
  }

  /** What the server lists for this event under `what` (messages, incidents, alerts), for the
   * modules that read again after a load or a join; [] without signal or on a refusal (the
   * envelopes and the next join bring it). */
  async function eventList(what) {
    const session = FieldopsOfficer.session();
    if (!session) return [];
    try {
      const res = await FieldopsOfficer.request("GET", `/api/v1/events/${session.eventId}/${what}`);
      return res.ok && Array.isArray(res.data[what]) ? res.data[what] : [];
    } catch (_err) {
      return [];
    }
  }

  /** HTTP status → what an outbox does with the item. */
  function outcome(res) {
    if (res.ok) return "done";
    if (res.status >= 500 || res.status === 429 || res.status === 401 || res.status === 0) {
      return "retry";
    }
    return "drop";
  }

  // --- small maps: no tiles needed; the course, the posts, the pins and lines carry the meaning --
  const maps = []; // every small map, to redraw the ground when the event's view changes

  function smallMap(container, options = {}) {
    const tiles = FieldopsOfficer.mapConfig;
    const map = L.map(container, { zoomControl: false, attributionControl: false, ...options }).setView([0, 0], 2);
    if (tiles.tile_url) {
      L.tileLayer(tiles.tile_url, { maxZoom: tiles.max_zoom || 19 }).addTo(map);
    }
    showCredit(map.getContainer());
    map.fieldopsGround = { layer: L.layerGroup().addTo(map), key: null };
    maps.push(map);
    drawGround(map);
    return map;
  }

  /** The map credit goes under the map, as plain text: on a small map an overlay would hide
   * a quarter of it, and an operator's tile attribution is not trusted as HTML. */
  function showCredit(container) {
    const caption = container.parentElement.querySelector("[data-map-credit]");
    if (!caption) return;
    const tiles = FieldopsOfficer.mapConfig;
    const html = tiles.tile_url ? tiles.attribution || "" : "";
    const text = new DOMParser().parseFromString(`<p>${html}</p>`, "text/html").body.textContent.trim();
    caption.textContent = text ? `Map: ${text}` : "";
    caption.hidden = !text;
  }

  /** The course (black casing, yellow line) and every post (grey; the officer's own yellow),
   * under the pins: enough to find one's way with no base map. */
  function drawGround(map) {
    const view = FieldopsOfficer.view() || {};
    const mine = FieldopsOfficer.post();
    const key = JSON.stringify([view.course && view.course.length_m, (view.posts || []).map((p) => p.id), mine && mine.id]);
    const ground = map.fieldopsGround;
    if (ground.key === key) return;
    ground.key = key;
    ground.layer.clearLayers();
    const quiet = { interactive: false, lineJoin: "round", lineCap: "round" };
    for (const post of view.posts || []) {
      const own = mine && post.id === mine.id;
      const style = own
        ? { ...quiet, color: "#000", weight: 3, fillColor: "#ffd60a", fillOpacity: 0.45 }
        : { ...quiet, color: "#333a42", weight: 2, dashArray: "5 4", fillColor: "#ffffff", fillOpacity: 0.3 };
      const shape = Array.isArray(post.polygon) && post.polygon.length >= 3
        ? L.polygon(post.polygon, style)
        : L.circle([post.lat, post.lon], { ...style, radius: post.radius_m || 50 });
      shape.addTo(ground.layer);
    }
    for (const points of (view.course && view.course.lines) || []) {
      L.polyline(points, { ...quiet, color: "#000", weight: 9, opacity: 0.7 }).addTo(ground.layer);
      L.polyline(points, { ...quiet, color: "#ffd60a", weight: 4, opacity: 1 }).addTo(ground.layer);
    }
    for (const marker of (view.course && view.course.markers) || []) {
      L.marker([marker.lat, marker.lon], {
        interactive: false,
        keyboard: false,
        icon: L.divIcon({ className: "km-label", html: el("span", { text: marker.label }), iconSize: null }),
      }).addTo(ground.layer);
    }
  }

  document.addEventListener("fieldops:view", () => maps.forEach(drawGround));

  function pinIcon(kind) {
    return L.divIcon({ className: `pin pin-${kind}`, iconSize: [36, 48], iconAnchor: [18, 46] });
  }

  function meMarker(at) {
    return L.circleMarker(at, { radius: 10, color: "#fff", weight: 4, fillColor: "#0a59d6", fillOpacity: 1 });
  }

  /** A link that opens the phone's own maps app with directions to a place. */
  function navigateUrl(lat, lon, label) {
    const at = `${lat.toFixed(6)},${lon.toFixed(6)}`;
    const ua = navigator.userAgent || "";
    if (/iPhone|iPad|iPod/.test(ua)) return `https://maps.apple.com/?daddr=${at}&dirflg=w`;
    if (/Android/.test(ua)) return `geo:${at}?q=${at}(${encodeURIComponent(label || "Incident")})`;
    return `https://www.google.com/maps/dir/?api=1&destination=${at}`;
  }

  // --- the alarm: sound and vibration --------------------------------------------------------
  let audio = null;
  let hiding = false;
  const Context = window.AudioContext || window.webkitAudioContext;

  // Until the page is touched, a dispatch would only vibrate: a banner says so (after a reload
  // the officer may not have touched the page at all).
  function renderSoundState() {
    const button = document.getElementById("sound-unlock");
    const ready = !Context || (audio !== null && audio.state === "running");
    if (!button || button.hidden === ready || (ready && hiding)) return;
    if (!ready) {
      button.hidden = false;
      return;
    }
    // The tap that unlocked sound is still going on: let its click land where it was aimed
    // before the banner leaves and moves everything up.
    hiding = true;
    const hide = () => {
      hiding = false;
      clearTimeout(fallback);
      document.removeEventListener("click", later, true);
      button.hidden = true;
    };
    const later = () => setTimeout(hide, 0);
    const fallback = setTimeout(hide, 1500);
    document.addEventListener("click", later, { capture: true, once: true });
  }

  function unlockAudio() {
    if (!Context) return;
    if (!audio) {
      audio = new Context();
      audio.addEventListener("statechange", renderSoundState);
    }
    if (audio.state === "suspended") audio.resume().then(renderSoundState, () => {});
    renderSoundState();
  }
  // Phones allow sound only after a touch: the first tap anywhere unlocks it for later alarms.
  document.addEventListener("pointerdown", unlockAudio, { capture: true });
  document.addEventListener("keydown", unlockAudio, { capture: true });
  document.addEventListener("DOMContentLoaded", renderSoundState);

  function alarm(beeps = 3) {
    if (navigator.vibrate) navigator.vibrate([400, 150, 400, 150, 400]);
    unlockAudio();
    if (!audio) return;
    const start = audio.currentTime + 0.05;
    for (let i = 0; i < beeps; i += 1) {
      const osc = audio.createOscillator();
      const gain = audio.createGain();
      osc.type = "square";
      osc.frequency.value = i % 2 ? 660 : 990;
      gain.gain.value = 0.25;
      osc.connect(gain).connect(audio.destination);
      osc.start(start + i * 0.3);
      osc.stop(start + i * 0.3 + 0.2);
    }
  }

  Outbox.all = [];

  window.FieldopsKit = { TYPES, SEVERITIES, STATUSES, uuid, distanceLabel, icon, el, Outbox, outcome, eventList, smallMap, drawGround, pinIcon, meMarker, navigateUrl, alarm };
})();
