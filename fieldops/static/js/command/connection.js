// The command stream of one event, on the shared stream (shared/stream.js: join, a snapshot or
// a replay of what was missed, envelopes in seq order, a gap → rejoin), and what the header and
// the banner over the map say about it. The rest of the page sees only three callbacks:
// onSnapshot(snapshot) after a join that needed one, onEnvelope(envelope) in seq order, and
// onState(name, message) when the connection's state changes.

import { openStream } from "../shared/stream.js";
import { $, formatAgo, setText } from "./format.js";

const RESYNC_MIN_GAP_MS = 3000; // at most one re-join for unknown officers per this long

const LABELS = {
  connecting: "Connecting…",
  live: "Live",
  reconnecting: "Reconnecting…",
  offline: "Offline",
  error: "Not live",
  idle: "No event",
};

export function createConnection({ onSnapshot, onEnvelope, onState = () => {} }) {
  const conn = { state: "connecting", message: "" };
  const sync = {
    resyncTimer: null,
    lastJoinAt: 0,
    joins: 0, // joins answered (a snapshot or a replay)
    lastUpdate: null, // local ms of the last snapshot or envelope
  };

  function setConnection(name, message = "") {
    conn.state = name;
    conn.message = message;
    render();
    onState(name, message);
  }

  function render() {
    const box = $("#connection");
    box.dataset.state = conn.state;
    setText($(".conn-label", box), LABELS[conn.state]);
    const age = sync.lastUpdate ? (Date.now() - sync.lastUpdate) / 1000 : null;
    const quiet = conn.state === "live" && age != null && age < 10;
    setText($(".conn-age", box), age == null || quiet ? "" : `updated ${formatAgo(age)}`);
    renderBanner(age);
  }

  // Over the map, whenever the picture is not live: what is wrong and how old the picture is.
  function renderBanner(age) {
    const banner = $("#map-banner");
    const live = conn.state === "live" || (conn.state === "connecting" && age == null);
    banner.hidden = live;
    banner.dataset.state = conn.state;
    if (live) return;
    const main = $(".banner-main", banner);
    const what = LABELS[conn.state].replace("…", "");
    setText(main, conn.message ? `${what}: ${conn.message}` : what);
    const old = age == null ? "" : `The picture is ${formatAgo(age).replace(" ago", "")} old.`;
    setText($(".banner-age", banner), old);
    const signIn = conn.message.startsWith("Signed out");
    if (signIn && !main.querySelector("a")) {
      const link = document.createElement("a");
      link.href = `/login?next=${encodeURIComponent(location.pathname + location.search)}`;
      link.textContent = "Sign in again";
      main.append(" ", link);
    }
  }

  let stream = null; // shared/stream.js: join, replay or snapshot, seq order, gap → rejoin

  function onStreamState(name, detail) {
    if (name === "connecting") setConnection(sync.lastUpdate ? "reconnecting" : "connecting");
    else if (name === "joined") {
      sync.joins += 1;
      sync.lastJoinAt = Date.now();
      sync.lastUpdate = Date.now();
      setConnection("live");
    } else if (name === "disconnected") {
      if (detail.reason !== "io client disconnect") setConnection("reconnecting", "lost the server.");
    } else if (name === "connect_error") connectError(detail.retrying);
    else if (name === "refused") {
      const error = detail.error || {};
      if (error.code === "unauthorized") setConnection("offline", "Signed out.");
      else setConnection("error", `cannot watch this event (${error.message || "the server refused to join"}).`);
    }
  }

  function connectError(retrying) {
    if (retrying) {
      setConnection(navigator.onLine ? "reconnecting" : "offline",
        navigator.onLine ? "cannot reach the server." : "this computer is offline.");
      return;
    }
    // The server refused us: usually an ended session (the stream tries again later).
    fetch("/api/v1/auth/me", { credentials: "same-origin" }).then((response) => {
      setConnection("offline", response.status === 401 ? "Signed out." : "refused by the server.");
    }, () => setConnection("offline", "cannot reach the server."));
  }

  window.addEventListener("offline", () => {
    if (stream && !stream.socket.connected) setConnection("offline", "this computer is offline.");
  });

  return {
    /** Watch this event's stream (the first, or another: a fresh snapshot of it). */
    watch(eventId) {
      sync.lastUpdate = null;
      setConnection("connecting");
      if (stream) {
        stream.switchTo(eventId);
        return;
      }
      stream = openStream({
        eventId,
        onSnapshot: (snapshot) => {
          sync.lastUpdate = Date.now();
          onSnapshot(snapshot);
        },
        onEnvelope: (envelope) => {
          sync.lastUpdate = Date.now();
          onEnvelope(envelope);
        },
        onState: onStreamState,
        ioOptions: { reconnectionDelay: 1000, reconnectionDelayMax: 5000 },
        retryAfterMs: 3000,
      });
    },
    /** No event to watch: say why. */
    idle(message) {
      setConnection("idle", message);
    },
    /** A fresh snapshot soon (an officer we do not know yet), at most one per few seconds. */
    resync() {
      if (sync.resyncTimer) return;
      const wait = Math.max(300, sync.lastJoinAt + RESYNC_MIN_GAP_MS - Date.now());
      sync.resyncTimer = setTimeout(() => {
        sync.resyncTimer = null;
        stream?.rejoin("an officer we do not know yet", { fresh: true });
      }, wait);
    },
    /** Local ms of the last snapshot or envelope of this event, or null. */
    lastUpdate: () => sync.lastUpdate,
    /** Once a second: the ages in the header and the banner. */
    render,
    seq: () => stream?.seq() ?? null,
    joins: () => sync.joins,
  };
}
