// Offline after the first visit: every file of this build is cached under a
// versioned name at install; a new build (new name) replaces the old cache.
// The build fills in BUILD_VERSION and BUILD_FILES. Install fetches bypass
// the HTTP cache: otherwise a new build could cache the old build's files.
const CACHE = "upstream-tls-" + BUILD_VERSION;
const FILES = BUILD_FILES;

self.addEventListener("install", (event) => {
  event.waitUntil(caches.open(CACHE).then((cache) => cache.addAll(FILES.map((file) => new Request(file, { cache: "reload" })))).then(() => self.skipWaiting()));
});

self.addEventListener("activate", (event) => {
  event.waitUntil(caches.keys()
    .then((names) => Promise.all(names.filter((name) => name.startsWith("upstream-tls-") && name !== CACHE)
      .map((name) => caches.delete(name))))
    .then(() => self.clients.claim()));
});

self.addEventListener("fetch", (event) => {
  const request = event.request;
  if (request.method !== "GET" || new URL(request.url).origin !== self.location.origin) return;
  event.respondWith(caches.open(CACHE).then(async (cache) =>
    (await cache.match(request, { ignoreSearch: request.mode === "navigate" })) ?? fetch(request)));
});
