// Offline after the first visit: every file of this build is cached at
// install under a name made of this copy's scope and the build's content
// hash; activating a new build deletes this scope's older caches only (two
// copies on one origin, say staging and production, keep theirs), except the
// worker's start-up snapshot of the runtime this build still uses. The new
// build takes over when no tab runs the old one, so a page never mixes two
// builds. Install fetches revalidate with the server (a new build must not
// cache the old build's files from the HTTP cache). What is cached is what
// fetch() gives: the decoded body, whichever encoding the server chose, so a
// file is looked up whatever its Vary says.
// The build fills in the cache name, the file list and the runtime id.
const PREFIX = `upstream-tls ${self.registration.scope} `;
const CACHE = PREFIX + BUILD_VERSION;
const SNAPSHOT_CACHE = PREFIX + "snapshot " + RUNTIME_ID;
const FILES = BUILD_FILES;

self.addEventListener("install", (event) => {
  event.waitUntil(caches.open(CACHE).then((cache) =>
    cache.addAll(FILES.map((file) => new Request(file, { cache: "no-cache" })))));
});

self.addEventListener("activate", (event) => {
  event.waitUntil(caches.keys().then((names) => Promise.all(names
    .filter((name) => name.startsWith(PREFIX) && name !== CACHE && name !== SNAPSHOT_CACHE)
    .map((name) => caches.delete(name)))));
});

self.addEventListener("fetch", (event) => {
  const request = event.request;
  if (request.method !== "GET" || new URL(request.url).origin !== self.location.origin) return;
  event.respondWith(caches.open(CACHE).then(async (cache) =>
    (await cache.match(request, { ignoreSearch: request.mode === "navigate", ignoreVary: true })) ?? fetch(request)));
});
