// Starts the Python worker while the page is still being parsed — a classic
// script in <head>, before the editor bundle (app.js, ~400 KB) is fetched and
// compiled — so Pyodide's downloads begin at once. Messages that arrive
// before the page takes the worker over are kept for it.
(() => {
  // Framed by another site (a host that cannot send frame-ancestors): refuse
  // to run, so no button of ours can be clicked through someone else's page.
  if (window.top !== window.self) {
    document.documentElement.dataset.framed = "";
    return;
  }
  const worker = new Worker(new URL("worker.js", document.currentScript.src), { type: "module" });
  const early = [];
  worker.onmessage = (event) => early.push(event.data);
  worker.onerror = (event) => early.push({ v: 1, type: "status", phase: "error", detail: event.message || "the worker could not start" });
  window.upstreamTlsBoot = { worker, early };
})();
