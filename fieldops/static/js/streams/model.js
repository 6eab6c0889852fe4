// What a screen knows of its stream: the join snapshot with every envelope after it applied.
// Pure (no DOM), so the pages keep their state here and tests/js/apply-stream.mjs runs the
// very same rules under Node to prove snapshot + envelopes = a fresh snapshot for every action.
//
// The rules, per envelope type (each envelope carries its resource whole):
// - officer: replaces the officer, keeping a newer fix than the one it carries;
// - positions: moves each officer whose fix is newer than the one known;
// - incident: replaces the incident unless the known copy is newer (updated_at); the
//   officer's copy's `dispatch` flag is a cue for the phone, not state, and is not kept;
// - alert: the command stream keeps only open alarms (an acknowledged or called-off one leaves);
//   an officer's stream keeps every help call it is told of, to show how it ended; a copy that
//   would reopen a closed alarm is an older one (pushes of concurrent writes can cross);
// - message: replaces the message, keeping every acknowledgement either copy knows of;
// - device_request: the command stream keeps only the phones still waiting;
// - setup: the event's details, posts and campus replace the snapshot's (and an officer's own
//   post);
//   an officer's own post follows the post their `officer` record names;
// - found_item, lost_report, match (command streams): replace the record unless the known copy
//   is newer (updated_at); a rejected match leaves;
// - lost_person: replaces the record unless the known copy is newer (updated_at); an
//   officer's stream keeps only the open ones (`open`);
// - drill: replaces the drill unless the known copy is newer (updated_at);
// - a closed incident, item, report, lost person or drill leaves once older than the
//   snapshot's `kept_closed_…` rule says.

export const COLLECTIONS = [
  "officers", "incidents", "alerts", "messages", "device_requests",
  "found_items", "lost_reports", "matches", "lost_persons", "drills",
];
const TYPE_COLLECTION = {
  officer: "officers",
  incident: "incidents",
  alert: "alerts",
  message: "messages",
  device_request: "device_requests",
  found_item: "found_items",
  lost_report: "lost_reports",
  match: "matches",
  lost_person: "lost_persons",
  drill: "drills",
};
// Records replaced whole, the newer copy (by updated_at) winning.
const NEWER_WINS = new Set(["found_items", "lost_reports", "matches", "drills"]);
// The snapshot's rule for how long a closed record of each collection stays.
// collection -> the snapshot's rule for how long a closed one stays ({statuses?, for_s}; a rule
// without statuses means "no longer `open`").
const KEPT_CLOSED = {
  incidents: "kept_closed_incidents",
  found_items: "kept_closed_found_items",
  lost_reports: "kept_closed_lost_reports",
  lost_persons: "kept_closed_lost_persons",
  drills: "kept_closed_drills",
};

// The server's times ("2026-12-01T22:50:09.123456Z") share their first 19 characters with the
// one before far more often than not (a positions envelope holds thousands): that second's ms is
// kept, and only the fraction is read. Anything else goes to Date.parse, whose result this
// equals (tests/js/model.test.mjs).
const lastSecond = { text: "", ms: 0 };

function parseIso(value) {
  const n = value.length;
  if (n < 20 || value.charCodeAt(n - 1) !== 90 /* Z */ || value.charCodeAt(10) !== 84 /* T */) return Date.parse(value);
  if (n > 20 && value.charCodeAt(19) !== 46 /* . */) return Date.parse(value);
  if (!lastSecond.text || !value.startsWith(lastSecond.text)) {
    const text = value.slice(0, 19);
    const ms = Date.parse(`${text}Z`);
    if (Number.isNaN(ms)) return Date.parse(value);
    lastSecond.text = text;
    lastSecond.ms = ms;
  }
  let fraction = 0;
  let digits = 0;
  for (let i = 20; i < n - 1; i += 1) {
    const digit = value.charCodeAt(i) - 48;
    if (digit < 0 || digit > 9) return Date.parse(value);
    if (digits < 3) {
      fraction = fraction * 10 + digit;
      digits += 1;
    }
  }
  if (n > 20 && !digits) return Date.parse(value);
  for (; digits < 3; digits += 1) fraction *= 10;
  return lastSecond.ms + fraction;
}

export function timeMs(value) {
  if (!value) return null;
  const ms = typeof value === "string" ? parseIso(value) : Date.parse(value);
  return Number.isNaN(ms) ? null : ms;
}

/** Whether a time `a` (ms, or null when unknown) is newer than `b`: the rule every merge uses. */
export function newerMs(a, b) {
  return a != null && (b == null || a > b);
}

function newer(a, b) {
  return newerMs(timeMs(a), timeMs(b));
}

/** The fix to keep when `incoming` (an officer or a positions entry) meets what is known. */
export function latestFix(known, incoming) {
  if (!known) return incoming || null;
  if (!incoming) return known;
  return newer(known.recorded_at, incoming.recorded_at) ? known : incoming;
}

export function mergeOfficer(known, incoming) {
  return { ...incoming, fix: latestFix(known?.fix, incoming.fix) };
}

export function mergeAlert(known, incoming) {
  if (known && ((known.cancelled_at && !incoming.cancelled_at) || (known.acknowledged_at && !incoming.acknowledged_at))) {
    return known;
  }
  return incoming;
}

export function mergeMessage(known, incoming) {
  if (!known) return incoming;
  const merged = { ...incoming };
  if ("acknowledged_at" in incoming) merged.acknowledged_at = incoming.acknowledged_at || known.acknowledged_at || null;
  if (incoming.recipients && known.recipients) {
    const acked = new Map(known.recipients.map((r) => [r.officer_id, r.acknowledged_at]));
    merged.recipients = incoming.recipients.map((r) => ({ ...r, acknowledged_at: r.acknowledged_at || acked.get(r.officer_id) || null }));
  }
  return merged;
}

export function mergeIncident(known, incoming) {
  const { dispatch: _cue, ...incident } = incoming;
  if (known && newer(known.updated_at, incident.updated_at)) return known;
  return incident;
}

export function mergeLostPerson(known, incoming) {
  if (known && newer(known.updated_at, incoming.updated_at)) return known;
  return incoming;
}

/** False when the item no longer belongs on this stream's screen. */
export function kept(kind, collection, item) {
  if (kind !== "command") return collection !== "lost_persons" || item.open;
  if (collection === "alerts") return !item.acknowledged_at && !item.cancelled_at;
  if (collection === "device_requests") return item.status === "pending";
  if (collection === "matches") return item.status !== "rejected";
  return true;
}

export function createStreamModel(kind) {
  const maps = Object.fromEntries(COLLECTIONS.map((name) => [name, new Map()]));
  const listeners = new Set();
  let info = {}; // the snapshot's other keys: event, course, posts, stale_after, post, …

  function notify(change) {
    for (const listener of listeners) listener(change);
  }

  function put(collection, incoming) {
    const map = maps[collection];
    const previous = map.get(incoming.id) || null;
    let item = incoming;
    if (collection === "officers") item = mergeOfficer(previous, incoming);
    else if (collection === "incidents") item = mergeIncident(previous, incoming);
    else if (collection === "alerts") item = mergeAlert(previous, incoming);
    else if (collection === "messages") item = mergeMessage(previous, incoming);
    else if (NEWER_WINS.has(collection) && previous && newer(previous.updated_at, incoming.updated_at)) item = previous;
    else if (collection === "lost_persons") item = mergeLostPerson(previous, incoming);
    if (item === previous) return;
    if (kept(kind, collection, item)) map.set(item.id, item);
    else if (previous) map.delete(item.id);
    else return;
    if (kind === "officer" && collection === "officers") followOwnPost(item);
    notify({ collection, id: item.id, item: map.get(item.id) || null, previous, last: item });
    if (collection === "messages") keepNewestMessages();
  }

  // The snapshot says how much it keeps (`kept_messages`, `kept_closed_incidents`): the model
  // keeps no more, so a screen open all day holds what a fresh snapshot would.
  function keepNewestMessages() {
    const limit = info.kept_messages;
    if (!limit || maps.messages.size <= limit) return;
    const newestFirst = [...maps.messages.values()].sort((a, b) => (timeMs(b.sent_at) - timeMs(a.sent_at)) || b.id - a.id);
    for (const old of newestFirst.slice(limit)) {
      maps.messages.delete(old.id);
      notify({ collection: "messages", id: old.id, item: null, previous: old, last: old });
    }
  }

  function dropOldClosed(nowMs) {
    for (const [collection, key] of Object.entries(KEPT_CLOSED)) {
      const rule = info[key];
      if (!rule) continue;
      for (const item of [...maps[collection].values()]) {
        const closed = rule.statuses ? rule.statuses.includes(item.status) : !item.open;
        if (closed && timeMs(item.updated_at) < nowMs - rule.for_s * 1000) {
          maps[collection].delete(item.id);
          notify({ collection, id: item.id, item: null, previous: item, last: item });
        }
      }
    }
  }

  // An officer's own post (with its orders) is the post their record names, from the posts.
  function followOwnPost(officer) {
    const id = officer.post?.id;
    if (id == null) info.post = null;
    else if (info.post?.id !== id) info.post = (info.posts || []).find((p) => p.id === id) || info.post;
  }

  function applySetup({ event, posts, campus }) {
    info = { ...info, event, posts, campus };
    if (info.post) info.post = posts.find((p) => p.id === info.post.id) || info.post;
    notify({ setup: true });
  }

  function movePositions(fixes) {
    const moved = [];
    for (const { officer_id: id, ...fix } of fixes) {
      const officer = maps.officers.get(id);
      if (!officer) {
        moved.push({ id, fix, unknown: true });
        continue;
      }
      if (latestFix(officer.fix, fix) !== fix) continue;
      maps.officers.set(id, { ...officer, fix });
      moved.push({ id, fix });
    }
    if (moved.length) notify({ collection: "officers", positions: moved });
  }

  return {
    kind,
    applySnapshot(snapshot) {
      info = {};
      for (const [key, value] of Object.entries(snapshot)) {
        if (!COLLECTIONS.includes(key)) info[key] = value;
      }
      for (const name of COLLECTIONS) {
        maps[name].clear();
        for (const item of snapshot[name] || []) {
          const clean = name === "incidents" ? mergeIncident(null, item) : item;
          if (kept(kind, name, clean)) maps[name].set(clean.id, clean);
        }
      }
      notify({ reset: true });
    },
    /** Apply one envelope (in seq order: the stream module sees to that). */
    apply(envelope) {
      const data = envelope.data || {};
      if (envelope.type === "setup") applySetup(data);
      else if (envelope.type === "positions") movePositions(data.fixes || []);
      else if (TYPE_COLLECTION[envelope.type]) put(TYPE_COLLECTION[envelope.type], data);
    },
    /** Forget what a fresh snapshot taken at `nowMs` (server time) would no longer hold. */
    prune(nowMs) {
      dropOldClosed(nowMs);
      keepNewestMessages();
    },
    get: (collection, id) => maps[collection].get(id) || null,
    all: (collection) => [...maps[collection].values()],
    info: () => info,
    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    clear() {
      info = {};
      for (const map of Object.values(maps)) map.clear();
      notify({ reset: true });
    },
    /** What a fresh snapshot would hold: the collections as lists sorted by id, and the
     * event's set-up (event, posts, campus, an officer's own post). */
    toJSON() {
      const lists = Object.fromEntries(
        COLLECTIONS.map((name) => [name, [...maps[name].values()].sort((a, b) => a.id - b.id)]),
      );
      const setup = { event: info.event ?? null, posts: info.posts ?? [], campus: info.campus ?? [] };
      if (kind === "officer") setup.post = info.post ?? null;
      return { ...lists, ...setup };
    },
  };
}
