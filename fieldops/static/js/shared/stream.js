// One socket stream: connect to /live, `join {event_id, since}`, apply the join ack (a snapshot,
// or a replay of what was missed since `since`), then the envelopes in `seq` order.
//
// - Envelopes that arrive before the join ack wait, and are applied after it if their seq is
//   greater than the ack's.
// - An envelope with seq <= the one applied last is a late or repeated copy: dropped.
// - One ahead of a missing seq waits a moment (with several servers deliveries can cross);
//   if the gap does not fill, the stream re-joins with `since` = the last seq applied (and the
//   `epoch` of the last ack: one server life), and the server answers with a replay (its
//   bounded log still holds what was missed) or a fresh snapshot. A reconnect does the same.
// - onState(state, detail) tells the page what to show in its connection banner:
//   "connecting", "joined", "disconnected" {reason}, "connect_error" {error, retrying},
//   "refused" {error} (the join ack said no).

// A join is answered unless the connection is gone, and socket.io says so (a closed socket, a
// missed ping) long before this. So this only catches a stuck server, and must outlast a busy
// one: after a restart every phone and screen joins at once, answers take 10-15 s at 2,000
// clients, and a page that gave up at 10 s and started over asked again and again while the
// server still built the snapshots of the joins it had abandoned (bench/reconnect_storm.py:
// 14-837 of 2,000 back in a minute at 10 s, all 2,000 in 28 s at 60 s).
const JOIN_TIMEOUT_MS = 60000;
const GAP_GRACE_MS = 1000;
const MAX_WAITING = 50; // envelopes held ahead of a gap before giving up and re-joining

export function openStream({
  eventId,
  auth,
  types, // envelope names to listen for; every event when left out
  onSnapshot = () => {},
  onEnvelope = () => {},
  onState = () => {},
  io = window.io,
  ioOptions = {},
  autoConnect = true,
  retryAfterMs = 15000, // the server refused or dropped us: socket.io will not retry by itself
  gapGraceMs = GAP_GRACE_MS,
  joinTimeoutMs = JOIN_TIMEOUT_MS,
}) {
  const socket = io("/live", { auth, transports: ["websocket"], autoConnect, ...ioOptions });
  const sync = { eventId, seq: null, epoch: null, joining: false, joined: false, attempt: 0, buffer: [], waiting: new Map(), gapTimer: null };
  let closed = false;

  // An officer's stream is theirs across events: another event's envelopes still count in its
  // seq (else they would look like gaps), but are not this page's to apply.
  function ofAnotherEvent(envelope) {
    const event = envelope.data?.event_id;
    return event != null && sync.eventId != null && event !== sync.eventId;
  }

  function deliver(envelope) {
    if (ofAnotherEvent(envelope)) return;
    try {
      onEnvelope(envelope);
    } catch (err) {
      console.error("fieldops: an envelope could not be applied", envelope, err); // the stream goes on
    }
  }

  function clearGap() {
    clearTimeout(sync.gapTimer);
    sync.gapTimer = null;
  }

  function join() {
    if (closed || !socket.connected || sync.eventId == null) return;
    sync.attempt += 1;
    const attempt = sync.attempt;
    sync.joining = true;
    sync.joined = false;
    clearGap();
    for (const envelope of sync.waiting.values()) sync.buffer.push(envelope); // the ack may cover them
    sync.waiting.clear();
    const payload = { event_id: sync.eventId };
    if (sync.seq !== null && sync.epoch) Object.assign(payload, { since: sync.seq, epoch: sync.epoch });
    socket.timeout(joinTimeoutMs).emit("join", payload, (error, ack) => {
      if (attempt !== sync.attempt || closed) return; // superseded
      if (error || !ack) {
        socket.disconnect().connect(); // no answer: start over
        return;
      }
      if (!ack.ok) {
        sync.joining = false;
        sync.buffer = [];
        onState("refused", { error: (ack && ack.error) || {} });
        return;
      }
      onJoined(ack);
    });
  }

  function onJoined(ack) {
    sync.epoch = ack.epoch || null;
    const replayed = Array.isArray(ack.replay) && sync.seq !== null;
    if (replayed) {
      for (const envelope of [...ack.replay].sort((a, b) => a.seq - b.seq)) {
        if (envelope.seq > sync.seq) {
          deliver(envelope);
          sync.seq = envelope.seq;
        }
      }
      sync.seq = Math.max(sync.seq, ack.seq);
    } else {
      sync.seq = ack.seq;
      onSnapshot(ack.snapshot || {}, ack.seq, ack);
    }
    sync.joining = false;
    sync.joined = true;
    const buffered = sync.buffer.sort((a, b) => a.seq - b.seq);
    sync.buffer = [];
    onState("joined", { replayed });
    for (const envelope of buffered) {
      consume(envelope);
      if (sync.joining) break; // a gap started a fresh join
    }
  }

  function consume(envelope) {
    if (envelope.seq <= sync.seq) return; // late, or a copy of one applied
    if (envelope.seq > sync.seq + 1) {
      sync.waiting.set(envelope.seq, envelope);
      if (sync.waiting.size > MAX_WAITING) rejoin("too many envelopes missing");
      else if (!sync.gapTimer) sync.gapTimer = setTimeout(onGapTimeout, gapGraceMs);
      return;
    }
    deliver(envelope);
    sync.seq = envelope.seq;
    while (sync.waiting.has(sync.seq + 1)) {
      const next = sync.waiting.get(sync.seq + 1);
      sync.waiting.delete(next.seq);
      deliver(next);
      sync.seq = next.seq;
    }
    if (!sync.waiting.size) clearGap();
  }

  function onGapTimeout() {
    sync.gapTimer = null;
    if (sync.waiting.size) rejoin(`missed envelope ${sync.seq + 1}`);
  }

  function onAnyEnvelope(type, envelope) {
    if (!envelope || typeof envelope !== "object" || !envelope.data) return;
    if (!envelope.type) envelope = { ...envelope, type };
    if (typeof envelope.seq !== "number") return deliver(envelope);
    if (sync.joining) return void sync.buffer.push(envelope);
    if (sync.seq === null) return; // not joined: the next join's snapshot covers it
    consume(envelope);
  }

  function retryLater() {
    setTimeout(() => {
      if (!closed && !socket.connected && navigator.onLine !== false) socket.connect();
    }, retryAfterMs);
  }

  /** Join again: with `since` (a replay when the server still has it), or `fresh` for a new
   * snapshot (the page suspects it holds less than the server knows). */
  function rejoin(reason, { fresh = false } = {}) {
    if (sync.joining || !socket.connected) return;
    console.info(`fieldops: re-joining (${reason})`);
    if (fresh) Object.assign(sync, { seq: null, epoch: null });
    join();
  }

  socket.on("connect", () => {
    onState("connecting", {});
    join();
  });
  socket.on("disconnect", (reason) => {
    sync.attempt += 1; // an ack still on its way belongs to the old connection
    sync.joining = false;
    sync.joined = false;
    clearGap();
    onState("disconnected", { reason });
    if (reason === "io server disconnect") retryLater();
  });
  socket.on("connect_error", (error) => {
    sync.joined = false;
    const retrying = socket.active;
    onState("connect_error", { error, retrying });
    if (!retrying) retryLater();
  });
  if (types) for (const type of types) socket.on(type, (envelope) => onAnyEnvelope(type, envelope));
  else socket.onAny(onAnyEnvelope);

  return {
    socket,
    joined: () => sync.joined,
    seq: () => sync.seq,
    rejoin,
    /** Watch another event: its stream starts from a fresh snapshot. */
    switchTo(id) {
      Object.assign(sync, { eventId: id, seq: null, epoch: null, buffer: [] });
      sync.waiting.clear();
      if (socket.connected) join();
      else if (!closed) socket.connect();
    },
    /** Emit with an ack: resolves {error} (no answer in time) or {ack}. */
    send(event, payload, timeoutMs = joinTimeoutMs) {
      return new Promise((resolve) => {
        socket.timeout(timeoutMs).emit(event, payload, (error, ack) => resolve(error ? { error } : { ack }));
      });
    },
    pause() {
      socket.disconnect(); // Chrome keeps a dead socket open otherwise
      sync.joined = false;
    },
    resume() {
      if (!closed && !socket.connected) socket.connect();
    },
    close() {
      closed = true;
      clearGap();
      socket.removeAllListeners();
      socket.offAny();
      socket.disconnect();
      sync.joined = false;
    },
  };
}
