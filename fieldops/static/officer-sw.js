/* Service worker for the officer page (/officer): the page opens with no signal.
 *
 * - The page and the app's own CSS/JS/manifest: network first, so page and script never
 *   come from different releases while there is signal; the cached copy after
 *   NET_TIMEOUT_MS (weak signal) or when the network fails.
 * - Vendored libraries and icons (they change only with a version bump): served from the
 *   cache at once and refreshed in the background (stale-while-revalidate).
 * - Everything else (the API, the socket, map tiles) is left alone: the page has its own
 *   outbox for what it sends.
 * The page is ES modules: every module it imports is in SHELL, or the page would not start
 * offline. Change VERSION when the list of shell files changes; old caches are deleted on
 * activate.
 */
const VERSION = "officer-shell-v12";
const PAGE = "/officer";
const SHELL = [
  PAGE,
  "/static/css/base.css",
  "/static/css/officer.css",
  "/static/css/officer-ops.css",
  "/static/js/officer/alarm.js",
  "/static/js/officer/confirm.js",
  "/static/js/officer/dispatch.js",
  "/static/js/officer/drill.js",
  "/static/js/officer/dom.js",
  "/static/js/officer/help-button.js",
  "/static/js/officer/help-calls.js",
  "/static/js/officer/http.js",
  "/static/js/officer/incidents.js",
  "/static/js/officer/index.js",
  "/static/js/officer/join.js",
  "/static/js/officer/location.js",
  "/static/js/officer/lost-person.js",
  "/static/js/officer/maps.js",
  "/static/js/officer/messages.js",
  "/static/js/officer/migrate.js",
  "/static/js/officer/outbox.js",
  "/static/js/officer/photos.js",
  "/static/js/officer/post-map.js",
  "/static/js/officer/proactive.js",
  "/static/js/officer/record-sender.js",
  "/static/js/officer/place-words.js",
  "/static/js/officer/found-items.js",
  "/static/js/officer/report.js",
  "/static/js/officer/screens.js",
  "/static/js/officer/sending.js",
  "/static/js/officer/session.js",
  "/static/js/officer/shift.js",
  "/static/js/officer/status-panel.js",
  "/static/js/officer/storage.js",
  "/static/js/officer/waiting.js",
  "/static/js/map/campus.js",
  "/static/js/shared/drill.js",
  "/static/js/shared/format.js",
  "/static/js/shared/html.js",
  "/static/js/shared/idb.js",
  "/static/js/shared/outbox.js",
  "/static/js/shared/stream.js",
  "/static/js/shared/vocabulary.js",
  "/static/js/streams/model.js",
  "/static/vendor/leaflet/leaflet.css",
  "/static/vendor/leaflet/leaflet.js",
  "/static/vendor/socket.io/socket.io.min.js",
  "/static/icons/icon-192.png",
  "/static/icons/icon-512.png",
  "/manifest.webmanifest",
];
const NET_TIMEOUT_MS = 4000;

self.addEventListener("install", (event) => {
  event.waitUntil(precache().then(() => self.skipWaiting()));
});

self.addEventListener("activate", (event) => {
  event.waitUntil(dropOldCaches().then(() => self.clients.claim()));
});

self.addEventListener("fetch", (event) => {
  const request = event.request;
  if (request.method !== "GET") return;
  const url = new URL(request.url);
  if (url.origin !== self.location.origin) return;
  if (request.mode === "navigate" && url.pathname === PAGE) {
    event.respondWith(networkFirst(request, PAGE));
  } else if (url.pathname.startsWith("/static/vendor/") || url.pathname.startsWith("/static/icons/")) {
    event.respondWith(staleWhileRevalidate(event, request));
  } else if (url.pathname.startsWith("/static/") || url.pathname === "/manifest.webmanifest") {
    event.respondWith(networkFirst(request, url.pathname));
  }
});

async function precache() {
  const cache = await caches.open(VERSION);
  // One missing file must not stop the rest (and the page) from being cached.
  await Promise.all(
    SHELL.map((path) =>
      cache.add(new Request(path, { cache: "reload", credentials: "same-origin" })).catch(() => {}),
    ),
  );
}

async function dropOldCaches() {
  const names = await caches.keys();
  await Promise.all(names.filter((name) => name !== VERSION).map((name) => caches.delete(name)));
}

function cacheable(response) {
  return response && response.ok && response.type === "basic";
}

async function putInCache(key, response) {
  if (!cacheable(response)) return;
  const cache = await caches.open(VERSION);
  await cache.put(key, response);
}

async function networkFirst(request, key) {
  const network = fetch(request).then(async (response) => {
    await putInCache(key, response.clone());
    return response;
  });
  network.catch(() => {}); // a late failure after the timeout is not an error
  const timeout = new Promise((resolve) => setTimeout(resolve, NET_TIMEOUT_MS, null));
  try {
    const first = await Promise.race([network, timeout]);
    if (first && first.status < 500) return first;
  } catch (_err) {
    /* no network: fall through to the cached copy */
  }
  const cached = await caches.match(key, { ignoreSearch: key === PAGE });
  if (cached) return cached;
  return network; // nothing cached: the network's answer after all, whatever it is
}

async function staleWhileRevalidate(event, request) {
  const cached = await caches.match(request);
  const refresh = fetch(request)
    .then(async (response) => {
      await putInCache(request, response.clone());
      return response;
    })
    .catch(() => null);
  if (cached) {
    event.waitUntil(refresh);
    return cached;
  }
  const fresh = await refresh;
  return fresh || Response.error();
}
