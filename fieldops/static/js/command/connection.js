// The command stream of one event over Socket.IO: connect, join (a snapshot and its seq),
// envelopes applied in seq order, a gap that does not fill → join again; and what the header
// and the banner over the map say about it. The rest of the page sees only three callbacks:
// onSnapshot(snapshot) after every join, onEnvelope(envelope) in seq order, and
// onState(name, message) when the connection's state changes.

import { $, formatAgo, setText } from "./format.js";

const JOIN_TIMEOUT_MS = 10000;
const GAP_GRACE_MS = 1000; // wait this long for a missing seq (several servers) before re-joining
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
    eventId: null,
    seq: null,
    joining: false,
    attempt: 0,
    buffer: [], // envelopes that arrived before the join ack
    pending: new Map(), // seq -> envelope that arrived ahead of a missing one
    gapTimer: null,
    resyncTimer: null,
    lastJoinAt: 0,
    joins: 0, // snapshots applied
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

  const socket = io("/live", {
    transports: ["websocket"],
    autoConnect: false,
    reconnectionDelay: 1000,
    reconnectionDelayMax: 5000,
  });

  socket.on("connect", () => {
    setConnection(sync.lastUpdate ? "reconnecting" : "connecting");
    join();
  });

  socket.on("disconnect", (reason) => {
    cancelJoin();
    if (reason === "io client disconnect") return; // we did it (switching events)
    setConnection("reconnecting", "lost the server.");
    if (reason === "io server disconnect") setTimeout(() => socket.connect(), 2000);
  });

  socket.on("connect_error", (error) => {
    if (socket.active) {
      setConnection(navigator.onLine ? "reconnecting" : "offline",
        navigator.onLine ? "cannot reach the server." : "this computer is offline.");
      return;
    }
    // The server refused us: usually an expired session.
    fetch("/api/v1/auth/me", { credentials: "same-origin" }).then((response) => {
      if (response.status === 401) {
        setConnection("offline", "Signed out.");
      } else {
        setConnection("offline", `refused (${error.message}).`);
        setTimeout(() => socket.connect(), 5000);
      }
    }, () => {
      setConnection("offline", "cannot reach the server.");
      setTimeout(() => socket.connect(), 5000);
    });
  });

  socket.onAny(receive);
  window.addEventListener("offline", () => {
    if (!socket.connected) setConnection("offline", "this computer is offline.");
  });

  function cancelJoin() {
    sync.attempt += 1;
    sync.joining = false;
    sync.seq = null;
    sync.buffer = [];
    sync.pending.clear();
    clearTimeout(sync.gapTimer);
    sync.gapTimer = null;
  }

  function join() {
    if (!socket.connected || sync.eventId == null) return;
    cancelJoin();
    const attempt = sync.attempt;
    const eventId = sync.eventId;
    sync.joining = true;
    sync.lastJoinAt = Date.now();
    socket.timeout(JOIN_TIMEOUT_MS).emit("join", { event_id: eventId }, (error, ack) => {
      if (attempt !== sync.attempt || eventId !== sync.eventId) return; // superseded
      if (error) {
        join(); // no answer in time: ask again
        return;
      }
      if (!ack || !ack.ok) {
        cancelJoin();
        const message = ack?.error?.message || "the server refused to join";
        setConnection(ack?.error?.code === "unauthorized" ? "offline" : "error",
          ack?.error?.code === "unauthorized" ? "Signed out." : `cannot watch this event (${message}).`);
        return;
      }
      joined(ack);
    });
  }

  function joined(ack) {
    sync.joins += 1;
    sync.lastUpdate = Date.now();
    onSnapshot(ack.snapshot);
    sync.seq = ack.seq;
    sync.joining = false;
    const buffered = sync.buffer.sort((a, b) => a.seq - b.seq);
    sync.buffer = [];
    for (const envelope of buffered) {
      consume(envelope);
      if (sync.joining) break; // a gap started a fresh join
    }
    setConnection("live");
  }

  function rejoin(reason) {
    if (sync.joining || !socket.connected) return;
    console.info(`fieldops: re-joining (${reason})`);
    join();
  }

  function receive(type, envelope) {
    if (!envelope || typeof envelope !== "object" || typeof envelope.seq !== "number") {
      if (type === "error") console.warn("fieldops: server error", envelope);
      return;
    }
    const eventId = envelope.data?.event_id;
    if (eventId != null && eventId !== sync.eventId) return; // another event's stream
    if (sync.joining) {
      sync.buffer.push(envelope);
      return;
    }
    if (sync.seq === null) return;
    consume(envelope);
  }

  function apply(envelope) {
    sync.lastUpdate = Date.now();
    onEnvelope(envelope);
  }

  // Apply envelopes in seq order. One that arrives ahead of a missing seq waits a moment (with
  // several servers, deliveries can cross); if the gap does not fill, re-join for a snapshot.
  function consume(envelope) {
    if (envelope.seq <= sync.seq) return;
    if (envelope.seq > sync.seq + 1) {
      sync.pending.set(envelope.seq, envelope);
      if (sync.pending.size > 50) rejoin("too many envelopes missing");
      else if (!sync.gapTimer) sync.gapTimer = setTimeout(onGapTimeout, GAP_GRACE_MS);
      return;
    }
    apply(envelope);
    sync.seq = envelope.seq;
    while (sync.pending.has(sync.seq + 1)) {
      const next = sync.pending.get(sync.seq + 1);
      sync.pending.delete(next.seq);
      apply(next);
      sync.seq = next.seq;
    }
    if (!sync.pending.size && sync.gapTimer) {
      clearTimeout(sync.gapTimer);
      sync.gapTimer = null;
    }
  }

  function onGapTimeout() {
    sync.gapTimer = null;
    if (sync.pending.size) rejoin(`missed envelope ${sync.seq + 1}`);
  }

  return {
    /** Watch this event's stream (the first, or another: leaves the old event's room). */
    watch(eventId) {
      sync.eventId = eventId;
      sync.lastUpdate = null;
      cancelJoin();
      if (socket.connected) socket.disconnect(); // leaves the old event's room
      setConnection("connecting");
      socket.connect();
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
        rejoin("an officer we do not know yet");
      }, wait);
    },
    /** Local ms of the last snapshot or envelope of this event, or null. */
    lastUpdate: () => sync.lastUpdate,
    /** Once a second: the ages in the header and the banner. */
    render,
    seq: () => sync.seq,
    joins: () => sync.joins,
  };
}
