/* The officer's phone page: join an event, check in and out, set status, share location.
 *
 * Every fix and every action (check-in, check-out, status) goes into a persistent outbox
 * (localStorage) and leaves it only when the server acknowledged it: a socket ack
 * {"ok": true} or HTTP 2xx. So what is recorded without signal is sent later, once.
 * Location is sent over the /live socket when it is joined, else over HTTP.
 * Plain ES2020, no build step.
 */
(() => {
  "use strict";

  // --- settings -------------------------------------------------------------------------
  const KEYS = {
    session: "fieldops.officer.session.v1", // {eventId, eventName, token, qr, officerId}
    view: "fieldops.officer.view.v1", // the last /me answer, so the page opens offline
    outbox: "fieldops.officer.outbox.v1", // {fixes: [...], actions: [...]}
  };
  const MAX_FIXES = 2000; // outbox keeps the newest this many
  const BATCH = 100; // fixes per send when flushing
  const MIN_INTERVAL_MS = 5000; // at most one fix per 5 s ...
  const MOVE_M = 20; // ... unless moved more than this (then at most one per second)
  const KEEPALIVE_MS = 30000; // standing still: one fix per 30 s keeps the marker fresh ...
  const NO_FIX_MS = 30000; // no position for this long: loud warning
  const POLL_MS = 15000; // watchPosition quiet this long: restart it (... or sooner, below)
  const SEND_TIMEOUT_MS = 10000;
  const FAILING_MS = 20000; // sends failing this long while online: loud warning
  const CONFIRM_MS = 5000; // second tap window for check-out and leave
  const FRESH_FIX_MS = 120000; // check-in/out carries lat/lon if the fix is this recent
  const STATUS_LABELS = { on_post: "On post", responding: "Responding", on_break: "On break" };
  const ACTION_PATHS = { check_in: "shift/check-in", check_out: "shift/check-out", status: "status" };

  const config = JSON.parse(document.getElementById("officer-config").textContent);
  const $ = (id) => document.getElementById(id);

  const state = {
    session: null,
    view: null, // /me: {event, officer, post, assignment, posts}
    officer: null, // the server's OFFICER for me
    socket: null,
    joined: false,
    seq: 0,
    watchId: null,
    watchStartedAt: 0,
    lastFix: null, // the newest position, sent or not
    lastFixAt: 0, // when it arrived (local clock)
    lastQueued: null, // the newest fix put into the outbox
    lastSentAt: 0,
    geoError: null, // "denied" | "unsupported" | null
    failures: 0,
    failingSince: 0,
    failure: "",
    nextRetryAt: 0,
    rejection: "",
    flushing: false,
    battery: null,
    map: null,
    confirming: null, // {what, until}
    returnTo: "screen-main",
    clockOffsetMs: 0, // the server's clock minus ours (from /me)
  };

  // --- storage --------------------------------------------------------------------------
  function load(key, fallback) {
    try {
      const raw = localStorage.getItem(key);
      return raw ? JSON.parse(raw) : fallback;
    } catch (_err) {
      return fallback;
    }
  }

  function store(key, value) {
    try {
      localStorage.setItem(key, JSON.stringify(value));
      return true;
    } catch (_err) {
      return false; // quota: the caller trims and tries again
    }
  }

  function forget(key) {
    try {
      localStorage.removeItem(key);
    } catch (_err) {
      /* nothing to do */
    }
  }

  // --- outbox: read, change, write back each time (another tab may share it) -------------
  const outbox = {
    cache: null, // parsed once; another tab's change (a "storage" event) drops it
    read() {
      if (this.cache) return this.cache;
      const data = load(KEYS.outbox, null);
      this.cache =
        data && Array.isArray(data.fixes) && Array.isArray(data.actions)
          ? data
          : { fixes: [], actions: [] };
      return this.cache;
    },
    write(data) {
      while (!store(KEYS.outbox, data) && data.fixes.length > 0) {
        data.fixes.splice(0, Math.ceil(data.fixes.length / 10)); // full: drop the oldest tenth
      }
      this.cache = data;
    },
    addFix(fix) {
      const data = this.read();
      if (data.fixes.some((f) => f.recorded_at === fix.recorded_at)) return false;
      data.fixes.push(fix);
      data.fixes.sort((a, b) => (a.recorded_at < b.recorded_at ? -1 : 1));
      if (data.fixes.length > MAX_FIXES) data.fixes.splice(0, data.fixes.length - MAX_FIXES);
      this.write(data);
      return true;
    },
    removeFixes(sent) {
      const keys = new Set(sent.map((f) => f.recorded_at));
      const data = this.read();
      data.fixes = data.fixes.filter((f) => !keys.has(f.recorded_at));
      this.write(data);
    },
    addAction(kind, body) {
      const data = this.read();
      const last = data.actions[data.actions.length - 1];
      if (kind === "status" && last && last.kind === "status") data.actions.pop(); // newest wins
      const id = `${Date.now()}-${Math.random().toString(36).slice(2, 8)}`;
      data.actions.push({ id, kind, body, queued_at: new Date().toISOString() });
      this.write(data);
    },
    removeAction(id) {
      const data = this.read();
      data.actions = data.actions.filter((a) => a.id !== id);
      this.write(data);
    },
    clear() {
      forget(KEYS.outbox);
      this.cache = null;
    },
  };

  // --- small helpers --------------------------------------------------------------------
  function show(el, visible) {
    el.hidden = !visible;
  }

  function setText(id, text) {
    const el = $(id);
    if (el.textContent !== text) el.textContent = text;
  }

  function plural(n, one, many) {
    return `${n} ${n === 1 ? one : many}`;
  }

  function ago(ms) {
    const s = Math.max(0, Math.round(ms / 1000));
    if (s < 90) return `${s} s ago`;
    if (s < 5400) return `${Math.round(s / 60)} min ago`;
    return `${Math.round(s / 3600)} h ago`;
  }

  function clock(iso) {
    if (!iso) return "";
    const d = new Date(iso);
    return d.toLocaleTimeString([], { hour: "2-digit", minute: "2-digit", hourCycle: "h23" });
  }

  function finite(value, min, max) {
    return typeof value === "number" && Number.isFinite(value) && value >= min && value <= max
      ? value
      : null;
  }

  function distanceM(a, b) {
    const rad = Math.PI / 180;
    const dLat = (b.lat - a.lat) * rad;
    const dLon = (b.lon - a.lon) * rad;
    const h =
      Math.sin(dLat / 2) ** 2 +
      Math.cos(a.lat * rad) * Math.cos(b.lat * rad) * Math.sin(dLon / 2) ** 2;
    return 2 * 6371008.8 * Math.asin(Math.sqrt(h));
  }

  function online() {
    return navigator.onLine !== false;
  }

  // --- HTTP -----------------------------------------------------------------------------
  async function request(method, path, body, { bearer = true } = {}) {
    const headers = { Accept: "application/json" };
    if (body !== undefined) headers["Content-Type"] = "application/json";
    if (bearer && state.session) headers.Authorization = `Bearer ${state.session.token}`;
    const csrf = document.querySelector('meta[name="csrf-token"]');
    if (csrf && csrf.content) headers["X-CSRF-Token"] = csrf.content;
    const init = { method, headers, credentials: "same-origin", cache: "no-store" };
    if (body !== undefined) init.body = JSON.stringify(body);
    if (typeof AbortSignal !== "undefined" && AbortSignal.timeout) {
      init.signal = AbortSignal.timeout(SEND_TIMEOUT_MS);
    }
    const response = await fetch(path, init); // throws when there is no network
    let data = null;
    try {
      data = await response.json();
    } catch (_err) {
      data = null;
    }
    return { status: response.status, ok: response.ok, data };
  }

  function errorOf(data) {
    return (data && data.error) || {};
  }

  function eventPath(suffix) {
    return `/api/v1/events/${state.session.eventId}/${suffix}`;
  }

  // --- screens --------------------------------------------------------------------------
  const SCREENS = ["screen-loading", "screen-join", "screen-joined", "screen-main", "help"];

  function showScreen(id) {
    for (const name of SCREENS) show($(name), name === id);
    show($("action-bar"), id === "screen-main"); // over the sheets too: they open from main
    window.scrollTo(0, 0);
    if (id === "screen-main") ensureMap();
  }

  /** The takeover stack (top) and the help dock (bottom) are fixed: the page and the sheets
   * keep clear of them through two CSS variables. */
  function watchFixedBars() {
    const root = document.documentElement.style;
    const measure = () => {
      root.setProperty("--takeover-h", `${$("takeover").offsetHeight}px`);
      root.setProperty("--dock-h", `${$("action-bar").hidden ? 0 : $("action-bar").offsetHeight}px`);
    };
    if (window.ResizeObserver) {
      const observer = new ResizeObserver(measure);
      observer.observe($("takeover"));
      observer.observe($("action-bar"));
    }
    new MutationObserver(measure).observe($("action-bar"), { attributes: true, attributeFilter: ["hidden"] });
    measure();
  }

  function currentScreen() {
    return SCREENS.find((name) => !$(name).hidden) || "screen-loading";
  }

  // --- join -----------------------------------------------------------------------------
  const JOIN_FIELDS = { code: "join-code", name: "join-name", badge: "join-badge" };
  const MISSING = {
    code: "Enter the event code.",
    name: "Enter your name.",
    badge: "Enter your badge number.",
  };

  function showJoin(notice) {
    const box = $("join-notice");
    box.textContent = notice || "";
    show(box, Boolean(notice));
    showScreen("screen-join");
  }

  function clearJoinError() {
    show($("join-error"), false);
    for (const id of Object.values(JOIN_FIELDS)) {
      $(id).removeAttribute("aria-invalid");
      $(id).removeAttribute("aria-describedby");
    }
  }

  function showJoinError(message, field) {
    const box = $("join-error");
    box.textContent = message;
    show(box, true);
    const input = field && $(JOIN_FIELDS[field]);
    if (input) {
      input.setAttribute("aria-invalid", "true");
      input.setAttribute("aria-describedby", "join-error");
      input.focus();
    }
  }

  function joinValues() {
    return {
      code: $("join-code").value.trim().toUpperCase(),
      name: $("join-name").value.trim(),
      badge: $("join-badge").value.trim(),
      pin: $("join-pin").value.trim(),
    };
  }

  function joinErrorMessage(status, error) {
    if (error.code === "invalid_code") {
      return "Wrong event code. No event has that code. Check it with your supervisor and type it again.";
    }
    if (status === 422 && error.field && MISSING[error.field] && /required/.test(error.message || "")) {
      return MISSING[error.field];
    }
    if (error.code === "too_many_requests") {
      return "Several phones are already waiting to join with this badge. Call command on the radio.";
    }
    if (status === 429) return "Too many tries. Wait a minute, then try again.";
    if (status >= 500) return "The server has a problem. Try again in a minute.";
    return error.message ? `Could not join: ${error.message}` : `Could not join (error ${status}).`;
  }

  async function submitJoin(event) {
    event.preventDefault();
    clearJoinError();
    const body = joinValues();
    $("join-code").value = body.code;
    if (!body.pin) delete body.pin;
    const missing = Object.keys(JOIN_FIELDS).find((field) => !body[field]);
    if (missing) return showJoinError(MISSING[missing], missing);
    const button = $("join-submit");
    button.disabled = true;
    button.textContent = "Joining…";
    try {
      const res = await request("POST", "/api/v1/join", body, { bearer: false });
      if (res.status === 201) return joined(res.data);
      if (res.status === 202) return window.FieldopsWaiting.begin(res.data, body, waitingHooks);
      const error = errorOf(res.data);
      showJoinError(joinErrorMessage(res.status, error), JOIN_FIELDS[error.field] ? error.field : null);
    } catch (_err) {
      showJoinError("No signal: cannot join right now. Move to a spot with signal and tap Join again.");
    } finally {
      button.disabled = false;
      button.textContent = "Join";
    }
  }

  // The wait for command's approval (officer-waiting.js) ends in joined() or back on the form.
  const waitingHooks = {
    request: (method, path, body) => request(method, path, body, { bearer: false }),
    joined: (data) => joined(data),
    back: (notice) => showJoin(notice),
  };

  function joined(data) {
    $("join-pin").value = "";
    const previous = load(KEYS.session, null);
    if (!previous || previous.eventId !== data.event.id || previous.officerId !== data.officer.id) {
      outbox.clear(); // an outbox belongs to one officer at one event
    }
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
    fillToken("joined-token", "joined-qr");
    setText("joined-event", data.event.name);
    showScreen("screen-joined");
    startTracking();
  }

  function updateCsrf(token) {
    const meta = document.querySelector('meta[name="csrf-token"]');
    if (meta && token) meta.content = token;
  }

  function fillToken(textId, imgId) {
    setText(textId, state.session.token);
    const svg = state.session.qr || "";
    $(imgId).src = svg ? `data:image/svg+xml;charset=utf-8,${encodeURIComponent(svg)}` : "";
    show($(imgId).parentElement, Boolean(svg));
  }

  function uppercaseCode() {
    const input = $("join-code");
    const { selectionStart, selectionEnd } = input;
    const upper = input.value.toUpperCase();
    if (upper !== input.value) {
      input.value = upper;
      input.setSelectionRange(selectionStart, selectionEnd);
    }
  }

  // --- session: start, verify, end ------------------------------------------------------
  function startTracking() {
    startGeolocation();
    connectSocket();
    verifySession();
    flush();
  }

  async function verifySession() {
    let res;
    try {
      res = await request("GET", "/api/v1/auth/me");
    } catch (_err) {
      return; // no signal: carry on with what is stored
    }
    if (res.status === 401) return sessionEnded();
    if (res.ok) updateCsrf(res.data.csrf_token);
    refreshView();
  }

  async function refreshView() {
    let res;
    try {
      res = await request("GET", eventPath("me"));
    } catch (_err) {
      return;
    }
    if (res.status === 401) return sessionEnded();
    if (!res.ok) return;
    state.view = res.data;
    if (res.data.officer) state.officer = res.data.officer;
    const serverTime = Date.parse(res.data.server_time || "");
    if (Number.isFinite(serverTime)) state.clockOffsetMs = serverTime - Date.now();
    saveView();
    announce("view");
    updateMap();
    render();
  }

  function saveView() {
    if (state.view) store(KEYS.view, { ...state.view, officer: state.officer });
  }

  function stopTracking() {
    if (state.watchId !== null && navigator.geolocation) {
      navigator.geolocation.clearWatch(state.watchId);
    }
    state.watchId = null;
    if (state.socket) {
      state.socket.removeAllListeners();
      state.socket.disconnect();
    }
    state.socket = null;
    state.joined = false;
  }

  function clearSession(notice) {
    stopTracking();
    for (const key of Object.values(KEYS)) forget(key);
    outbox.cache = null;
    Object.assign(state, { session: null, view: null, officer: null, lastQueued: null, lastSentAt: 0 });
    announce("ended");
    showJoin(notice);
  }

  function sessionEnded() {
    clearSession("This phone is no longer signed in to the event. Join again with the event code.");
  }

  async function leave() {
    if (!confirmTap("leave")) return;
    // End the device token on the server too, so no copy of it works any more.
    let told = false;
    try {
      told = (await request("POST", "/api/v1/auth/logout")).ok;
    } catch (_err) {
      told = false;
    }
    clearSession(told ? "" : "This phone left the event but had no signal to tell the server. Tell command, so they end this phone's access.");
  }

  // --- two taps for the actions that are hard to undo -------------------------------------
  function confirmTap(what) {
    const now = Date.now();
    if (state.confirming && state.confirming.what === what && now < state.confirming.until) {
      state.confirming = null;
      return true;
    }
    state.confirming = { what, until: now + CONFIRM_MS };
    render();
    setTimeout(render, CONFIRM_MS + 50);
    return false;
  }

  function confirmingNow(what) {
    return Boolean(state.confirming && state.confirming.what === what && Date.now() < state.confirming.until);
  }

  // --- a secure page ----------------------------------------------------------------------
  // Phones give a page location, the camera and offline use only over https:// (or localhost).
  const insecure = window.isSecureContext === false;

  function showSecureNotice() {
    if (!insecure) return;
    for (const box of document.querySelectorAll("[data-secure-notice]")) {
      box.textContent = "This page is not secure: the phone will not share its location here. ";
      if (config.secureUrl) {
        const link = Object.assign(document.createElement("a"), { href: config.secureUrl, textContent: config.secureUrl });
        box.append("Open ", link, " instead. If the phone warns about the certificate: Advanced, then Proceed.");
      } else {
        box.append("Open its https:// address instead: ask the command post for it.");
      }
      show(box, true);
    }
  }

  // --- geolocation ----------------------------------------------------------------------
  function startGeolocation() {
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

  /** Some phones go quiet while standing still: restarting the watch asks for a fresh fix. */
  function pollPosition() {
    if (!state.session || state.watchId === null || state.geoError) return;
    const now = Date.now();
    if (now - Math.max(state.lastFixAt, state.watchStartedAt) < Math.min(POLL_MS, keepaliveMs())) return;
    navigator.geolocation.clearWatch(state.watchId);
    state.watchId = null;
    startGeolocation();
  }

  function onGeoError(error) {
    if (error.code === 1) state.geoError = "denied"; // PERMISSION_DENIED: will not recover alone
    render();
  }

  /** Location allowed again in the settings: start over without a reload. */
  function watchPermission() {
    if (!navigator.permissions || !navigator.permissions.query) return;
    navigator.permissions.query({ name: "geolocation" }).then((status) => {
      status.addEventListener("change", () => {
        if (status.state === "denied" || !state.session) return;
        if (state.watchId !== null) navigator.geolocation.clearWatch(state.watchId);
        Object.assign(state, { watchId: null, geoError: null });
        startGeolocation();
        render();
      });
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
    if (state.session && worthSending(fix) && outbox.addFix(fix)) {
      state.lastQueued = fix;
      flush();
    }
    updateMap();
    render();
    announce("fix", fix);
  }

  /** Battery: one fix per 5 s when moving, one per 30 s standing still; a jump of 20 m
   * goes at once (at most one per second). */
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

  /** ... and always well inside what command counts as stale, so standing still never
   * looks like silence. */
  function keepaliveMs() {
    return Math.min(KEEPALIVE_MS, staleAfterMs() / 3);
  }

  /** What command counts as stale (from /me; the server's default until it is known). */
  function staleAfterMs() {
    return ((state.view && state.view.stale_after) || 120) * 1000;
  }

  function watchBattery() {
    if (navigator.getBattery) {
      navigator.getBattery().then((battery) => {
        state.battery = battery;
      }, () => {});
    }
  }

  // --- socket ---------------------------------------------------------------------------
  function connectSocket() {
    if (typeof window.io !== "function" || state.socket || !state.session) return;
    const socket = window.io("/live", {
      auth: { token: state.session.token },
      transports: ["websocket"],
      autoConnect: online(),
      reconnectionDelayMax: 10000,
    });
    socket.on("connect", joinLive);
    socket.on("disconnect", (reason) => {
      state.joined = false;
      if (reason === "io server disconnect") {
        verifySession(); // the server drops a socket whose token was revoked: are we still in?
        retrySocketLater(socket);
      }
      render();
    });
    socket.on("connect_error", onConnectError);
    socket.on("officer", onOfficerEnvelope);
    for (const type of ["incident", "alert", "message"]) socket.on(type, onStreamEnvelope);
    state.socket = socket;
  }

  function onConnectError(error) {
    state.joined = false;
    if (/token|authentication/i.test((error && error.message) || "")) verifySession();
    if (state.socket && !state.socket.active) retrySocketLater(state.socket);
    render();
  }

  /** The server refused or dropped us: socket.io will not retry by itself. HTTP carries
   * the fixes meanwhile; try the socket again in a while. */
  function retrySocketLater(socket) {
    setTimeout(() => {
      if (socket === state.socket && !socket.connected && online()) socket.connect();
    }, 15000);
  }

  function joinLive() {
    const socket = state.socket;
    socket.timeout(SEND_TIMEOUT_MS).emit("join", { event_id: state.session.eventId }, (err, ack) => {
      if (socket !== state.socket) return;
      if (err || !ack) return socket.disconnect().connect(); // no answer: start over
      if (!ack.ok) return onJoinRefused(ack);
      state.joined = true;
      state.seq = ack.seq;
      const me = (ack.snapshot.officers || []).find((o) => o.id === state.session.officerId);
      if (me) applyOfficer(me);
      noteSuccess();
      flush();
      announce("joined"); // the other modules re-read what they may have missed
    });
  }

  function onJoinRefused(ack) {
    const code = errorOf(ack).code;
    if (code === "unauthorized" || code === "forbidden") verifySession();
    render();
  }

  /** False for an envelope already covered by the join snapshot. A gap in `seq` means
   * something was missed: the modules re-read their lists. */
  function inSequence(envelope) {
    if (typeof envelope.seq !== "number") return true;
    if (envelope.seq <= state.seq) return false;
    const gap = state.joined && envelope.seq > state.seq + 1;
    state.seq = envelope.seq;
    if (gap) announce("joined");
    return true;
  }

  function onOfficerEnvelope(envelope) {
    if (!envelope || !envelope.data || envelope.data.id !== state.session.officerId) return;
    if (!inSequence(envelope)) return;
    applyOfficer(envelope.data);
  }

  /** incident, alert and message envelopes belong to the officer-*.js modules. */
  function onStreamEnvelope(envelope) {
    if (!envelope || !envelope.data || !inSequence(envelope)) return;
    announce("envelope", envelope);
  }

  /** The page's hooks for the officer-*.js modules: DOM events named fieldops:<name>. */
  function announce(name, detail) {
    document.dispatchEvent(new CustomEvent(`fieldops:${name}`, { detail }));
  }

  function applyOfficer(officer) {
    const postChanged = !state.officer || JSON.stringify(state.officer.post) !== JSON.stringify(officer.post);
    state.officer = officer;
    saveView();
    if (postChanged) refreshView(); // the post's orders and area come with /me
    render();
  }

  function goOffline() {
    if (state.socket) state.socket.disconnect(); // Chrome keeps a dead socket open otherwise
    state.joined = false;
    render();
  }

  function goOnline() {
    if (state.socket && !state.socket.connected) state.socket.connect();
    state.nextRetryAt = 0;
    flush();
    render();
  }

  // --- sending --------------------------------------------------------------------------
  function noteSuccess() {
    state.failures = 0;
    state.failingSince = 0;
    state.failure = "";
    state.nextRetryAt = 0;
  }

  function noteFailure(reason) {
    state.failures += 1;
    if (!state.failingSince) state.failingSince = Date.now();
    state.failure = reason;
    state.nextRetryAt = Date.now() + Math.min(60000, 2000 * 2 ** Math.min(state.failures, 5));
  }

  async function flush() {
    if (state.flushing || !state.session) return;
    state.flushing = true;
    try {
      if (navigator.locks) {
        await navigator.locks.request("fieldops-outbox", { ifAvailable: true }, (lock) =>
          lock ? drain() : null,
        );
      } else {
        await drain();
      }
    } finally {
      state.flushing = false;
      render();
    }
  }

  async function drain() {
    while (state.session && online() && Date.now() >= state.nextRetryAt) {
      const data = outbox.read();
      let progressed = false;
      if (data.actions.length) progressed = await sendAction(data.actions[0]);
      else if (data.fixes.length) progressed = await sendFixes(data.fixes.slice(0, BATCH));
      if (!progressed) return;
      render();
    }
  }

  async function sendAction(action) {
    let res;
    try {
      res = await request("POST", eventPath(ACTION_PATHS[action.kind]), action.body);
    } catch (_err) {
      noteFailure("no signal");
      return false;
    }
    if (res.status === 401) {
      sessionEnded();
      return false;
    }
    if (res.status >= 500 || res.status === 429) {
      noteFailure(`server error ${res.status}`);
      return false;
    }
    outbox.removeAction(action.id); // done, a duplicate (409), or refused for good
    noteSuccess();
    if (res.ok || res.status === 409) applyShiftResult(action.kind, res);
    else showActionError(action, errorOf(res.data));
    if (action.kind === "status" && res.ok && res.data) applyOfficer(res.data);
    if (action.kind !== "status" || !state.joined) refreshView();
    return true;
  }

  /** Show the answer at once; /me and the `officer` envelope confirm it shortly after.
   * A 409 means the server already had it that way (a check-in sent twice). */
  function applyShiftResult(kind, res) {
    if (!state.officer || kind === "status") return;
    const onShift = kind === "check_in";
    let shift = null;
    if (onShift) shift = res.ok && res.data ? res.data : state.officer.shift;
    state.officer = { ...state.officer, on_shift: onShift, shift };
  }

  function showActionError(action, error) {
    const what = { check_in: "Check-in", check_out: "Check-out", status: "Status change" }[action.kind];
    const box = $("action-error");
    box.textContent = `${what} not accepted: ${error.message || "refused by the server"}`;
    show(box, true);
  }

  async function sendFixes(batch) {
    const result = state.joined && state.socket ? await sendBySocket(batch) : await sendByHttp(batch);
    if (result.ok) {
      outbox.removeFixes(batch);
      state.lastSentAt = Date.now();
      state.rejection = "";
      noteSuccess();
      return true;
    }
    if (result.rejected) {
      dropRejected(batch, result.rejected);
      noteSuccess(); // the server answered; only that fix was bad
      return true;
    }
    if (result.unauthorized) {
      verifySession();
      return false;
    }
    noteFailure(result.reason || "sending failed");
    return false;
  }

  function dropRejected(batch, error) {
    const match = /^(\d+)\./.exec(error.field || "");
    const bad = match ? [batch[Number(match[1])]].filter(Boolean) : batch; // unindexed: all
    outbox.removeFixes(bad); // retrying a fix the server refused will not help
    state.rejection = error.message || "a position was refused";
  }

  function sendBySocket(batch) {
    const socket = state.socket;
    return new Promise((resolve) => {
      socket.timeout(SEND_TIMEOUT_MS).emit("position", batch, (err, ack) => {
        if (err || !ack) return resolve({ reason: "no answer from the server" });
        if (ack.ok) return resolve({ ok: true });
        resolve(socketFailure(errorOf(ack)));
      });
    });
  }

  function socketFailure(error) {
    if (error.code === "invalid") return { rejected: error };
    if (error.code === "unauthorized") return { unauthorized: true };
    if (error.code === "not_joined") {
      state.joined = false;
      joinLive();
    }
    return { reason: error.message || "refused" };
  }

  async function sendByHttp(batch) {
    let res;
    try {
      res = await request("POST", eventPath("positions"), batch);
    } catch (_err) {
      return { reason: "no signal" };
    }
    if (res.status === 202) return { ok: true };
    if (res.status === 422) return { rejected: errorOf(res.data) };
    if (res.status === 401) return { unauthorized: true };
    return { reason: `server answered ${res.status}` };
  }

  // --- actions from the buttons ---------------------------------------------------------
  function freshPosition() {
    if (!state.lastFix || Date.now() - state.lastFixAt > FRESH_FIX_MS) return {};
    return { lat: state.lastFix.lat, lon: state.lastFix.lon };
  }

  function onShiftButton() {
    show($("action-error"), false);
    const shift = displayedShift();
    if (shift.onShift) {
      if (!confirmTap("check_out")) return;
      outbox.addAction("check_out", freshPosition());
    } else {
      const body = freshPosition();
      const choice = $("post-select");
      if (!$("post-choice").hidden && choice.value) body.post_id = Number(choice.value);
      outbox.addAction("check_in", body);
    }
    render();
    flush();
  }

  function onStatusButton(event) {
    const button = event.target.closest("[data-status]");
    if (!button) return;
    show($("action-error"), false);
    outbox.addAction("status", { status: button.dataset.status });
    render();
    flush();
  }

  // --- what to show: the server's state with the waiting actions applied ------------------
  function displayedShift() {
    let onShift = Boolean(state.officer && state.officer.on_shift);
    let pending = false;
    for (const action of outbox.read().actions) {
      if (action.kind === "check_in") [onShift, pending] = [true, true];
      if (action.kind === "check_out") [onShift, pending] = [false, true];
    }
    return { onShift, pending };
  }

  function displayedStatus() {
    let status = state.officer ? state.officer.status : null;
    let pending = false;
    for (const action of outbox.read().actions) {
      if (action.kind === "status") [status, pending] = [action.body.status, true];
    }
    return { status, pending };
  }

  function locationHealth(now, waiting) {
    const reason = phoneProblem(now, waiting);
    const seen = commandSees(now);
    if (!seen || seen.level === "fresh") return reason;
    const told = `Your last position reached command ${ago(seen.ageMs)}.`;
    if (seen.level === "stale") {
      const why = reason.state === "ok" || reason.state === "starting" ? "Keep this page open, the screen on, under open sky." : reason.title;
      return { state: "stale", title: "Command sees you as STALE", detail: `${told} ${why}` };
    }
    const limit = `At ${Math.round(seen.staleMs / 1000)} s command shows you as STALE.`;
    if (reason.state === "ok" || reason.state === "starting") {
      return { state: "late", title: `Command's position of you is ${ago(seen.ageMs).replace(" ago", "")} old`, detail: limit };
    }
    return { state: reason.state === "bad" ? "bad" : "late", title: reason.title, detail: `${told} ${limit}` };
  }

  /** How old command's picture of me is: the last fix the server accepted from this phone,
   * or after a reload the server's own record, against what command counts as stale. */
  function commandSees(now) {
    const staleMs = staleAfterMs();
    let last = state.lastSentAt;
    const fix = state.officer && state.officer.fix;
    if (fix && fix.received_at) last = Math.max(last, Date.parse(fix.received_at) - state.clockOffsetMs);
    if (!last) return null;
    const ageMs = Math.max(0, now - last);
    const level = ageMs > staleMs ? "stale" : ageMs > staleMs / 2 ? "late" : "fresh";
    return { level, ageMs, staleMs };
  }

  /** What is wrong on this phone, if anything (location, signal, sending). */
  function phoneProblem(now, waiting) {
    if (insecure) {
      const where = config.secureUrl ? "open the https:// address above" : "ask the command post for the https:// address";
      return { state: "bad", title: "NOT SHARING: this page is not secure", detail: `Phones share location only with secure pages: ${where}.` };
    }
    if (state.geoError === "unsupported") {
      return { state: "bad", title: "NOT SHARING: this browser has no location", detail: "Open this page in Chrome or Safari." };
    }
    if (state.geoError === "denied") {
      return {
        state: "bad",
        title: "NOT SHARING: location is blocked",
        detail: "Allow location for this site (phone Settings → Location, and the browser's site settings), then reload.",
      };
    }
    const quiet = now - (state.lastFixAt || state.watchStartedAt || now);
    if (quiet > NO_FIX_MS) {
      return {
        state: "bad",
        title: state.lastFixAt ? `NO GPS FIX for ${Math.round(quiet / 1000)} s` : "NO GPS FIX yet",
        detail: "Command cannot see where you are. Step into the open and keep this page on screen.",
      };
    }
    if (!online()) {
      return {
        state: "offline",
        title: "OFFLINE: location saved, not sent",
        detail: `Command cannot see you right now. ${plural(waiting, "fix", "fixes")} saved; they go out when signal returns.`,
      };
    }
    if (state.failingSince && now - state.failingSince > FAILING_MS) {
      return {
        state: "bad",
        title: "NOT SHARING: sending fails",
        detail: `${state.failure || "No answer"}. ${plural(waiting, "fix", "fixes")} saved. Retrying…`,
      };
    }
    if (!state.lastFixAt) return { state: "starting", title: "Finding your location…", detail: "" };
    if (!state.lastSentAt) return { state: "starting", title: "Sending your location…", detail: "" };
    return { state: "ok", title: "Sharing location: command sees you", detail: "" };
  }

  function connectionText(waitingFixes, waitingActions) {
    const parts = [];
    if (waitingFixes) parts.push(`${plural(waitingFixes, "fix", "fixes")} waiting`);
    if (waitingActions) parts.push(`${plural(waitingActions, "change", "changes")} waiting`);
    const waiting = parts.join(", ");
    if (!online()) return { state: "offline", text: waiting ? `Offline — ${waiting}` : "Offline" };
    if (state.failures >= 2 || (state.failures > 0 && !state.joined)) {
      return { state: "offline", text: `No connection — ${waiting || "retrying"}` };
    }
    if (waiting) return { state: "sending", text: `Online — sending: ${waiting}` };
    return { state: "online", text: state.joined ? "Online" : "Online (no live link)" };
  }

  // --- render ---------------------------------------------------------------------------
  function render() {
    if (!state.session || currentScreen() !== "screen-main") return;
    const data = outbox.read();
    renderConnection(data);
    renderLocation(data);
    renderShift();
    renderStatus();
    renderPost();
    setText("leave", confirmingNow("leave") ? leaveWarning(data) : "Leave this event on this phone");
  }

  function leaveWarning(data) {
    const reports = window.FieldopsKit ? window.FieldopsKit.Outbox.unsent() : 0;
    const unsent = data.fixes.length + data.actions.length + reports;
    return unsent ? `Tap again to leave (${unsent} not sent, will be lost)` : "Tap again to leave";
  }

  function renderConnection(data) {
    const conn = connectionText(data.fixes.length, data.actions.length);
    const el = $("connection");
    el.dataset.state = conn.state;
    setText("connection", conn.text);
  }

  function renderLocation(data) {
    const now = Date.now();
    const health = locationHealth(now, data.fixes.length);
    $("location-panel").dataset.state = health.state;
    setText("location-state", health.title);
    const detail = state.rejection && health.state === "ok" ? `Last position refused: ${state.rejection}` : health.detail;
    setText("location-detail", detail);
    setText("last-sent", state.lastSentAt ? ago(now - state.lastSentAt) : "not yet");
    const accuracy = state.lastFix && state.lastFix.accuracy !== null ? `±${Math.round(state.lastFix.accuracy)} m` : "—";
    setText("accuracy", accuracy);
    setText("waiting", String(data.fixes.length));
  }

  function renderShift() {
    const shift = displayedShift();
    const officer = state.officer;
    let text = shift.onShift ? "ON SHIFT" : "OFF SHIFT";
    if (shift.onShift && !shift.pending && officer && officer.shift) {
      text += ` since ${clock(officer.shift.checked_in_at)}`;
    }
    if (shift.pending) text += online() ? " (sending…)" : " (saved, waiting for signal)";
    setText("shift-state", text);
    $("shift-state").dataset.on = String(shift.onShift);
    const button = $("shift-button");
    button.dataset.action = shift.onShift ? "check_out" : "check_in";
    const label = shift.onShift ? (confirmingNow("check_out") ? "Tap again to check out" : "Check out") : "Check in";
    setText("shift-button", label);
    renderPostChoice(shift.onShift);
  }

  function renderPostChoice(onShift) {
    const view = state.view || {};
    const needed = !onShift && !view.assignment && !(officerPost()) && (view.posts || []).length > 0;
    show($("post-choice"), needed);
    if (!needed) return;
    const select = $("post-select");
    const ids = view.posts.map((p) => String(p.id)).join(",");
    if (select.dataset.ids === ids) return;
    select.dataset.ids = ids;
    select.replaceChildren(...view.posts.map((p) => new Option(p.name, String(p.id))));
  }

  function renderStatus() {
    const { status, pending } = displayedStatus();
    const onShift = displayedShift().onShift;
    let current = status ? STATUS_LABELS[status] || status : "—";
    if (!onShift) current = status === "responding" ? "Off shift · sent to an incident" : "Off shift";
    setText("status-current", current);
    show($("status-note"), !onShift);
    for (const button of document.querySelectorAll("[data-status]")) {
      const now = onShift && button.dataset.status === status;
      button.disabled = !onShift;
      button.setAttribute("aria-pressed", String(now));
      button.dataset.pending = now && pending ? (online() ? "sending" : "waiting") : "false";
    }
  }

  function officerPost() {
    return state.officer && state.officer.post;
  }

  function renderPost() {
    const view = state.view || {};
    const post = view.post || officerPost();
    setText("post-name", post ? post.name : "No post assigned yet");
    const a = view.assignment;
    setText("post-window", a ? `Rostered ${clock(a.starts_at)}–${clock(a.ends_at)}` : "");
    const orders = (view.post && view.post.orders) || "";
    setText("post-orders", orders);
    show($("post-orders"), Boolean(orders));
    setText("event-name", (view.event && view.event.name) || state.session.eventName || "");
  }

  // --- map: my post, the course and the other posts (kit), me ------------------------------
  function ensureMap() {
    if (state.map || typeof window.L === "undefined" || !window.FieldopsKit) {
      if (state.map) state.map.leaflet.invalidateSize();
      return;
    }
    const leaflet = window.FieldopsKit.smallMap("map", {
      dragging: false,
      touchZoom: false,
      scrollWheelZoom: false,
      doubleClickZoom: false,
      boxZoom: false,
      keyboard: false,
    });
    state.map = { leaflet, me: null, halo: null, fittedTo: "" };
    updateMap();
  }

  function postBounds(post) {
    if (Array.isArray(post.polygon) && post.polygon.length >= 3) return window.L.latLngBounds(post.polygon);
    return window.L.latLng(post.lat, post.lon).toBounds(2 * (post.radius_m || 50));
  }

  function updateMeLayer(map) {
    const fix = state.lastFix;
    if (!fix) return;
    const at = [fix.lat, fix.lon];
    if (!map.me) {
      map.halo = window.L.circle(at, { radius: fix.accuracy || 0, color: "#0a59d6", weight: 1, fillOpacity: 0.15, interactive: false }).addTo(map.leaflet);
      map.me = window.L.circleMarker(at, { radius: 11, color: "#fff", weight: 4, fillColor: "#0a59d6", fillOpacity: 1 }).addTo(map.leaflet);
    }
    map.me.setLatLng(at);
    map.halo.setLatLng(at).setRadius(Math.min(fix.accuracy || 0, 500));
  }

  function fitMap(map) {
    const bounds = window.L.latLngBounds([]);
    const post = state.view && state.view.post;
    if (post) bounds.extend(postBounds(post));
    if (map.me) bounds.extend(map.me.getLatLng());
    if (!bounds.isValid()) return;
    map.leaflet.fitBounds(bounds.pad(0.6), { maxZoom: 17, animate: false });
  }

  function updateMap() {
    const map = state.map;
    if (!map) return;
    window.FieldopsKit.drawGround(map.leaflet);
    updateMeLayer(map);
    fitMap(map);
  }

  // --- help screen ----------------------------------------------------------------------
  function openHelp(event) {
    event.preventDefault();
    state.returnTo = currentScreen();
    for (const el of document.querySelectorAll("[data-origin]")) {
      el.textContent = `${location.origin}${el.dataset.origin}`;
    }
    showScreen("help");
  }

  function closeHelp() {
    showScreen(state.returnTo === "help" ? "screen-main" : state.returnTo);
    render();
  }

  // --- start ----------------------------------------------------------------------------
  function openMain() {
    fillToken("main-token", "main-qr");
    showScreen("screen-main");
    updateMap();
    render();
    announce("main");
  }

  function registerServiceWorker() {
    if (!("serviceWorker" in navigator) || !config.serviceWorker) return;
    navigator.serviceWorker.register(config.serviceWorker, { scope: "/officer" }).catch(() => {});
  }

  function tick() {
    pollPosition();
    if (state.session && online() && Date.now() >= state.nextRetryAt && !state.flushing) {
      const data = outbox.read();
      if (data.fixes.length || data.actions.length) flush();
    }
    render();
  }

  function bind() {
    $("join-form").addEventListener("submit", submitJoin);
    $("join-code").addEventListener("input", uppercaseCode);
    $("joined-continue").addEventListener("click", openMain);
    $("shift-button").addEventListener("click", onShiftButton);
    document.querySelector(".status-grid").addEventListener("click", onStatusButton);
    $("leave").addEventListener("click", leave);
    for (const link of document.querySelectorAll("[data-help-link]")) link.addEventListener("click", openHelp);
    $("help-back").addEventListener("click", closeHelp);
    window.addEventListener("offline", goOffline);
    window.addEventListener("online", goOnline);
    window.addEventListener("storage", (event) => {
      if (event.key === KEYS.outbox || event.key === null) outbox.cache = null;
    });
    document.addEventListener("visibilitychange", () => {
      if (document.visibilityState === "visible") tick();
    });
  }

  function start() {
    showSecureNotice();
    bind();
    watchFixedBars();
    registerServiceWorker();
    watchBattery();
    watchPermission();
    setInterval(tick, 1000);
    state.session = load(KEYS.session, null);
    if (!state.session || !state.session.token) {
      showJoin("");
      window.FieldopsWaiting.resume(waitingHooks); // a phone still waiting for command
      return;
    }
    state.view = load(KEYS.view, null);
    state.officer = state.view ? state.view.officer : null;
    openMain();
    startTracking();
  }

  /** What the officer-*.js modules may use. */
  window.FieldopsOfficer = {
    request,
    session: () => state.session,
    officer: () => state.officer,
    view: () => state.view,
    post: () => (state.view && state.view.post) || null,
    serverNow: () => Date.now() + state.clockOffsetMs,
    lastFix: () => state.lastFix,
    freshPosition,
    online,
    mapConfig: config.map || {},
    distanceM,
    clock,
  };

  start();
})();
