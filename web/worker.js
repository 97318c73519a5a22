// The module Web Worker that runs the Python core in Pyodide. It only moves
// JSON between the page and upstream_tls.bridge; every decision is Python's.
// Protocol: request {v:1, id, type, payload, latest?} -> reply {v:1, id, ok, result|error};
// progress {v:1, type:"status", phase, detail?}. A request marked `latest`
// that a newer one of its type follows in the queue is answered {stale: true}
// without running.
import { loadPyodide } from "./pyodide/pyodide.mjs";

const PROTOCOL = 1;

const post = (message) => self.postMessage({ v: PROTOCOL, ...message });
const status = (phase, detail) => post({ type: "status", phase, detail });

async function startPython() {
  status("runtime");
  const indexURL = new URL("./pyodide/", self.location.href).href;
  const pyodide = await loadPyodide({
    indexURL,
    lockFileURL: indexURL + "pyodide-lock.json",
    stdout: () => {},
    stderr: () => {},
  });
  status("packages");
  const failures = [];
  await pyodide.loadPackage(["upstream-tls"], {
    messageCallback: () => {},
    errorCallback: (message) => failures.push(message),
  });
  if (failures.length) throw new Error(`packages failed to load: ${failures.join("; ")}`);
  const bridge = pyodide.pyimport("upstream_tls.bridge");
  const handle = bridge.handle;
  status("ready");
  return handle;
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
    post({ id: request && request.id, ok: false, error: "bad request: expected {v:1, id, type, payload}" });
    return;
  }
  queue.push(request);
  if (!draining) drain();
};
