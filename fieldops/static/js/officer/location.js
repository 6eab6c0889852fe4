// The phone's position: watch it, restart a watch gone quiet, pick the fixes worth sending
// (battery: one per 5 s moving, a keepalive standing still, a jump of 20 m at once) and put
// them in the outbox.

import { distanceM } from "../shared/format.js";

const MIN_INTERVAL_MS = 5000; // at most one fix per 5 s ...
const MOVE_M = 20; // ... unless moved more than this (then at most one per second)
const KEEPALIVE_MS = 30000; // standing still: one fix per 30 s keeps the marker fresh ...
export const NO_FIX_MS = 30000; // no position for this long: loud warning
const POLL_MS = 15000; // watchPosition quiet this long: restart it (... or sooner, below)
const FRESH_FIX_MS = 120000; // check-in/out carries lat/lon if the fix is this recent

function finite(value, min, max) {
  return typeof value === "number" && Number.isFinite(value) && value >= min && value <= max ? value : null;
}

export function createLocation({ active, staleAfterMs, queueFix, onFix, onChange }) {
  const state = { watchId: null, watchStartedAt: 0, lastFix: null, lastFixAt: 0, lastQueued: null, geoError: null, battery: null };

  /** Standing still, a fix well inside what command counts as stale: silence is never only stillness. */
  const keepaliveMs = () => Math.min(KEEPALIVE_MS, staleAfterMs() / 3);

  function start() {
    if (!navigator.geolocation) {
      state.geoError = "unsupported";
      return;
    }
    if (state.watchId !== null) return;
    state.watchStartedAt = Date.now();
    state.watchId = navigator.geolocation.watchPosition(onPosition, onGeoError, {
      enableHighAccuracy: true,
      maximumAge: 0,
      timeout: NO_FIX_MS,
    });
  }

  function stop() {
    if (state.watchId !== null && navigator.geolocation) navigator.geolocation.clearWatch(state.watchId);
    state.watchId = null;
    state.lastQueued = null;
  }

  /** Some phones go quiet while standing still: restarting the watch asks for a fresh fix. */
  function poll() {
    if (!active() || state.watchId === null || state.geoError) return;
    const now = Date.now();
    if (now - Math.max(state.lastFixAt, state.watchStartedAt) < Math.min(POLL_MS, keepaliveMs())) return;
    navigator.geolocation.clearWatch(state.watchId);
    state.watchId = null;
    start();
  }

  function onGeoError(error) {
    if (error.code === 1) state.geoError = "denied"; // PERMISSION_DENIED: will not recover alone
    onChange();
  }

  /** Location allowed again in the settings: start over without a reload. */
  function watchPermission() {
    if (!navigator.permissions || !navigator.permissions.query) return;
    navigator.permissions.query({ name: "geolocation" }).then((status) => {
      status.addEventListener("change", () => {
        if (status.state === "denied" || !active()) return;
        if (state.watchId !== null) navigator.geolocation.clearWatch(state.watchId);
        Object.assign(state, { watchId: null, geoError: null });
        start();
        onChange();
      });
    }, () => {});
  }

  function watchBattery() {
    if (!navigator.getBattery) return;
    navigator.getBattery().then((battery) => {
      state.battery = battery;
    }, () => {});
  }

  function toFix(position) {
    const c = position.coords;
    const stamp = position.timestamp > 1e12 ? position.timestamp : Date.now();
    const fix = {
      lat: c.latitude,
      lon: c.longitude,
      accuracy: finite(c.accuracy, 0, 1e7),
      heading: finite(c.heading, 0, 360),
      speed: finite(c.speed, 0, 200),
      battery: state.battery ? Math.round(state.battery.level * 100) : null,
      recorded_at: new Date(stamp).toISOString(),
    };
    const altitude = finite(c.altitude, -500, 10000);
    if (altitude !== null) fix.altitude = altitude;
    return fix;
  }

  function onPosition(position) {
    const fix = toFix(position);
    state.geoError = null;
    state.lastFix = fix;
    state.lastFixAt = Date.now();
    if (active() && worthSending(fix) && queueFix(fix)) state.lastQueued = fix;
    onFix(fix);
  }

  function worthSending(fix) {
    const last = state.lastQueued;
    if (!last) return true;
    const dt = Date.parse(fix.recorded_at) - Date.parse(last.recorded_at);
    if (dt <= 0) return false;
    if (distanceM(last, fix) > MOVE_M) return dt >= 1000;
    const sharper = fix.accuracy !== null && last.accuracy !== null && fix.accuracy < last.accuracy / 2;
    if (sharper) return dt >= MIN_INTERVAL_MS;
    return dt >= keepaliveMs() || (dt >= MIN_INTERVAL_MS && distanceM(last, fix) > 5);
  }

  /** {lat, lon} for an action, when the last fix is recent enough to say where it happened. */
  function freshPosition() {
    if (!state.lastFix || Date.now() - state.lastFixAt > FRESH_FIX_MS) return {};
    return { lat: state.lastFix.lat, lon: state.lastFix.lon };
  }

  return {
    start,
    stop,
    poll,
    watchPermission,
    watchBattery,
    freshPosition,
    lastFix: () => state.lastFix,
    lastFixAt: () => state.lastFixAt,
    watchStartedAt: () => state.watchStartedAt,
    geoError: () => state.geoError,
  };
}
