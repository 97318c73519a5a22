// The module Web Worker that runs the Python core in Pyodide. It only moves
// JSON between the page and upstream_tls.bridge; every decision is Python's.
// Protocol (v: PROTOCOL from protocol.js; the payloads and results are in
// bridge.schema.json): request {v, id, type, payload, latest?} -> reply
// {v, id, ok, result|error}; progress {v, type:"status", phase, detail?}
// (phase ready: detail "restored" from the start-up snapshot or "started")
// and, while the runtime downloads, {v, type:"progress", loaded, total} in
// bytes on the wire.
// A request marked `latest` that a newer one of its type follows in the queue
// is answered {stale: true} without running.
//
// Start: Pyodide takes this build's python_stdlib.zip as its standard
// library; it holds the modules the core imports and the core with its
// dependencies, as bytecode, so nothing is installed or compiled here. Once
// started, and before any request runs (so it holds no input), the worker
// keeps a memory snapshot of the started core in Cache Storage; the next
// visit restores it instead of starting Python. A snapshot that does not fit
// this runtime is refused: Python starts normally and no snapshot is tried
// again for this runtime.
import { loadPyodide } from "./pyodide/pyodide.mjs";
import { PROTOCOL } from "./protocol.js";

// Filled in by the build: the id of this runtime (Pyodide, zip, this file)
// and the size of each file the start downloads, {identity, br} per path.
const RUNTIME = RUNTIME_ID;
const DOWNLOADS = DOWNLOAD_SIZES;
const SITE = new URL("./", self.location.href).href;
const INDEX_URL = SITE + "pyodide/";
const SNAPSHOT_CACHE = `upstream-tls ${SITE} snapshot ${RUNTIME}`;
const SNAPSHOT_URL = SITE + "pyodide/startup-snapshot";
const OPTIONS = {
  indexURL: INDEX_URL,
  stdLibURL: INDEX_URL + "python_stdlib.zip",
  lockFileURL: INDEX_URL + "pyodide-lock.json",
  stdout: () => {},
  stderr: () => {},
};

const post = (message) => self.postMessage({ v: PROTOCOL, ...message });
const status = (phase, detail) => post({ type: "status", phase, detail });

// Counts the start's downloads as they arrive by reading a clone of each
// response, so Pyodide still gets the response itself (and compiles the wasm
// while it streams). Returns a function that stops counting.
function watchDownloads() {
  const files = new Map(Object.entries(DOWNLOADS).map(([path, size]) =>
    [SITE + path, { wire: size.br ?? size.identity, size: size.identity, received: 0 }]));
  let timer = null;
  const report = () => {
    timer = null;
    let loaded = 0;
    let total = 0;
    for (const file of files.values()) {
      total += file.wire;
      loaded += Math.min(1, file.received / file.size) * file.wire;
    }
    post({ type: "progress", loaded: Math.round(loaded), total });
  };
  const count = async (file, response) => {
    const encoded = response.headers.get("content-encoding") ? Number(response.headers.get("content-length")) : 0;
    file.wire = encoded || file.size;
    const reader = response.body.getReader();
    for (let chunk = await reader.read(); !chunk.done; chunk = await reader.read()) {
      file.received += chunk.value.length;
      timer ??= setTimeout(report, 100);
    }
    timer ??= setTimeout(report, 0);
  };
  const fetchAsBefore = self.fetch;
  self.fetch = async (input, init) => {
    const response = await fetchAsBefore(input, init);
    const file = files.get(new URL(input instanceof Request ? input.url : input, self.location.href).href);
    if (file && response.ok && response.body) count(file, response.clone()).catch(() => {});
    return response;
  };
  return () => {
    self.fetch = fetchAsBefore;
  };
}

async function storedSnapshot() {
  if (!self.caches) return null;
  try {
    const response = await caches.match(SNAPSHOT_URL, { cacheName: SNAPSHOT_CACHE });
    if (!response) return null;
    if (response.headers.get("x-refused")) return "refused";
    const snapshot = new Uint8Array(await response.arrayBuffer());
    return snapshot.length === Number(response.headers.get("x-length")) ? snapshot : null;
  } catch {
    return null;
  }
}

// Taken before any request runs; stored without waiting for it, in place of
// other runtimes' snapshots (the service worker deletes those too, when it
// runs; this covers a browser that blocks service workers).
function keepSnapshot(pyodide) {
  let snapshot;
  try {
    snapshot = pyodide.makeMemorySnapshot();
  } catch {
    return;
  }
  const headers = { "content-type": "application/octet-stream", "x-length": String(snapshot.length) };
  const others = SNAPSHOT_CACHE.slice(0, -RUNTIME.length);
  caches.keys()
    .then((names) => Promise.all(names.filter((name) => name.startsWith(others) && name !== SNAPSHOT_CACHE)
      .map((name) => caches.delete(name))))
    .then(() => caches.open(SNAPSHOT_CACHE))
    .then((cache) => cache.put(SNAPSHOT_URL, new Response(snapshot, { headers })))
    .catch(() => {});
}

function refuseSnapshots(reason) {
  console.info(`upstream-tls: the stored start-up snapshot does not fit this runtime (${reason}); starting normally`);
  caches.open(SNAPSHOT_CACHE).then((cache) => cache.put(SNAPSHOT_URL, new Response("", { headers: { "x-refused": "1" } })))
    .catch(() => {});
}

// A restored core shares the snapshot's random state: reseed it.
async function restore(snapshot) {
  status("runtime");
  const pyodide = await loadPyodide({ ...OPTIONS, _loadSnapshot: snapshot });
  pyodide.runPython("import random\nrandom.seed()");
  return pyodide.pyimport("upstream_tls.bridge").handle;
}

async function start(snapshots) {
  status("runtime");
  const pyodide = await loadPyodide({ ...OPTIONS, _makeSnapshot: snapshots });
  status("packages");
  const handle = pyodide.pyimport("upstream_tls.bridge").handle;
  if (snapshots) keepSnapshot(pyodide);
  return handle;
}

async function startPython() {
  const stopWatching = watchDownloads();
  try {
    const snapshot = await storedSnapshot();
    if (snapshot instanceof Uint8Array) {
      try {
        const handle = await restore(snapshot);
        status("ready", "restored");
        return handle;
      } catch (error) {
        refuseSnapshots(error && error.message ? error.message.split("\n")[0] : String(error));
      }
    }
    const handle = await start(Boolean(self.caches) && snapshot === null);
    status("ready", "started");
    return handle;
  } finally {
    stopWatching();
  }
}

const python = startPython();
python.catch((error) => status("error", String(error && error.message ? error.message : error)));

const queue = [];
let draining = false;

async function drain() {
  draining = true;
  const handle = await python.catch(() => null);
  while (queue.length) {
    const request = queue.shift();
    if (request.latest && queue.some((later) => later.type === request.type)) {
      post({ id: request.id, ok: false, stale: true, error: "superseded by a newer request" });
      continue;
    }
    if (!handle) {
      post({ id: request.id, ok: false, error: "the Python runtime did not start; reload the page" });
      continue;
    }
    let reply;
    try {
      reply = JSON.parse(handle(request.type, JSON.stringify(request.payload ?? {})));
    } catch (error) {
      reply = { ok: false, error: `${request.type}: ${error && error.message ? error.message : error}` };
    }
    post({ id: request.id, ok: reply.ok, result: reply.result, error: reply.error });
    // Let messages that arrived meanwhile join the queue before the next run.
    await new Promise((resolve) => setTimeout(resolve, 0));
  }
  draining = false;
}

self.onmessage = (event) => {
  const request = event.data;
  if (!request || request.v !== PROTOCOL || typeof request.type !== "string") {
    post({ id: request && request.id, ok: false, error: `bad request: expected {v:${PROTOCOL}, id, type, payload}` });
    return;
  }
  queue.push(request);
  if (!draining) drain();
};
