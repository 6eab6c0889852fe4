// Who this phone is at which event: the session (device token) from joining, the event's
// view (post, orders, course, posts, campus) from the stream's join snapshot (from /me before the stream
// is up, and when the post changes), the server's record of the officer, and the server's clock. Verifies the session and ends it (leave, or the server says it has ended).

import { errorOf, updateCsrf } from "./http.js";
import { KEYS, forget, load, store } from "./storage.js";

export function createSession({ request, onView = () => {}, onOfficer = () => {}, onEnded = () => {} }) {
  // fromStream: the stream's join snapshot brought the view (and its envelopes keep the officer
  // current), so /me is read only when the post changes, never after a join.
  const state = { session: null, view: null, officer: null, clockOffsetMs: 0, leaving: false, fromStream: false };
  const path = (suffix) => `/api/v1/events/${state.session.eventId}/${suffix}`;

  function saveView() {
    if (state.view) store(KEYS.view, { ...state.view, officer: state.officer });
  }

  /** The page opened: what it knew last time. False when this phone has not joined. */
  function restore() {
    state.session = load(KEYS.session, null);
    if (!state.session || !state.session.token) {
      state.session = null;
      return false;
    }
    state.view = load(KEYS.view, null);
    state.officer = state.view ? state.view.officer : null;
    return true;
  }

  /** The join answer (201, or a device request approved): a new session. True when it is
   * another officer or event than before (what waits to be sent belongs to the old one). */
  function begin(data) {
    const previous = load(KEYS.session, null);
    const changed = !previous || previous.eventId !== data.event.id || previous.officerId !== data.officer.id;
    state.session = {
      eventId: data.event.id,
      eventName: data.event.name,
      token: data.device_token,
      qr: data.device_token_qr,
      officerId: data.officer.id,
    };
    store(KEYS.session, state.session);
    forget(KEYS.view);
    state.view = { event: data.event, officer: null, post: null, assignment: null, posts: [] };
    updateCsrf(data.csrf_token);
    return changed;
  }

  async function verify() {
    const asked = state.session;
    if (!asked || state.leaving) return;
    let res;
    try {
      res = await request("GET", "/api/v1/auth/me");
    } catch (_err) {
      return; // no signal: carry on with what is stored
    }
    if (state.session !== asked || state.leaving) return; // left or joined again meanwhile
    if (res.status === 401) return ended();
    if (res.ok) updateCsrf(res.data.csrf_token);
    if (!state.fromStream) refreshView(); // no live stream yet: /me is the way to learn the view
  }

  async function refreshView() {
    const asked = state.session;
    if (!asked || state.leaving) return;
    let res;
    try {
      res = await request("GET", path("me"));
    } catch (_err) {
      return;
    }
    if (state.session !== asked || state.leaving) return;
    if (res.status === 401) return ended();
    if (!res.ok) return;
    // The stream's copy of the officer is newer than an answer that may have crossed it.
    const officer = state.fromStream ? state.officer : res.data.officer || state.officer;
    setView({ ...res.data, officer });
  }

  function setView(view) {
    state.view = view;
    state.officer = view.officer || null;
    const serverTime = Date.parse(view.server_time || "");
    if (Number.isFinite(serverTime)) state.clockOffsetMs = serverTime - Date.now();
    saveView();
    onView();
  }

  /** A join snapshot of the officer's stream: the view /me would give, and the officer. */
  function applySnapshot(snapshot) {
    state.fromStream = true;
    const { event, post, assignment, posts, campus, course, stale_after, server_time } = snapshot;
    const officer = (snapshot.officers || []).find((o) => o.id === state.session?.officerId) || null;
    setView({ event, post, assignment, posts, campus, course, stale_after, server_time, officer });
    onOfficer();
  }

  /** The server's newest record of me (the join snapshot, an `officer` envelope, an answer). */
  function applyOfficer(officer, setup = null) {
    const postChanged = !state.officer || JSON.stringify(state.officer.post) !== JSON.stringify(officer.post);
    state.officer = officer;
    if (setup && state.view) {
      // The stream's model knows the post (with its orders) and the posts: no /me needed.
      state.view = {
        ...state.view, post: setup.post ?? null, posts: setup.posts ?? state.view.posts,
        campus: setup.campus ?? state.view.campus, event: setup.event ?? state.view.event,
      };
      saveView();
      onView();
    } else {
      saveView();
      if (postChanged) refreshView(); // the post's orders and area come with /me
    }
    onOfficer();
  }

  /** An admin changed the event or its posts (`setup`): the stream's model has them. */
  function applySetup(setup) {
    if (!state.view) return;
    state.view = { ...state.view, event: setup.event, posts: setup.posts, campus: setup.campus, post: setup.post ?? null };
    saveView();
    onView();
  }

  /** Show an answer at once; /me and the `officer` envelope confirm it shortly after. */
  function patchOfficer(patch) {
    if (state.officer) state.officer = { ...state.officer, ...patch };
  }

  function clear(notice) {
    for (const key of Object.values(KEYS)) forget(key);
    Object.assign(state, { session: null, view: null, officer: null, fromStream: false });
    onEnded(notice);
  }

  function ended() {
    if (!state.session || state.leaving) return;
    clear("This phone is no longer signed in to the event. Join again with the event code.");
  }

  async function leave() {
    // End the device token on the server too, so no copy of it works any more. Meanwhile the
    // server drops the socket, and what that makes the page ask must not end the session twice.
    state.leaving = true;
    let told = false;
    try {
      told = (await request("POST", "/api/v1/auth/logout")).ok;
    } catch (_err) {
      told = false;
    }
    state.leaving = false;
    clear(told ? "" : "This phone left the event but had no signal to tell the server. Tell command, so they end this phone's access.");
  }

  return {
    restore,
    begin,
    verify,
    refreshView,
    applySnapshot,
    applySetup,
    applyOfficer,
    patchOfficer,
    ended,
    leave,
    errorOf,
    current: () => state.session,
    token: () => state.session && state.session.token,
    officerId: () => state.session && state.session.officerId,
    eventPath: path,
    view: () => state.view,
    officer: () => state.officer,
    post: () => (state.view && state.view.post) || null,
    serverNow: () => Date.now() + state.clockOffsetMs,
    clockOffsetMs: () => state.clockOffsetMs,
    /** What command counts as stale (from /me; the server's default until it is known). */
    staleAfterMs: () => ((state.view && state.view.stale_after) || 120) * 1000,
  };
}
