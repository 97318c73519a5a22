// Starts the Python worker while the page is still being parsed — a classic
// script in <head>, before the editor bundle (app.js) is fetched and
// compiled — so Pyodide's downloads begin at once. Messages that arrive
// before the page takes the worker over are kept for it. Until the runtime
// has arrived, #load-progress shows how many of its bytes have (the worker
// reports them; a visit served from the offline cache is over before the
// first report, so it shows nothing).
(() => {
  // Framed by another site (a host that cannot send frame-ancestors): refuse
  // to run, so no button of ours can be clicked through someone else's page.
  if (window.top !== window.self) {
    document.documentElement.dataset.framed = "";
    return;
  }
  const worker = new Worker(new URL("worker.js", document.currentScript.src), { type: "module" });
  const early = [];
  worker.onmessage = (event) => event.data?.type !== "progress" && early.push(event.data);
  worker.onerror = (event) => early.push({ v: 1, type: "status", phase: "error", detail: event.message || "the worker could not start" });

  const megabytes = (bytes) => (bytes / 1e6).toFixed(1);
  let bar = null;
  let label = null;
  function showProgress(loaded, total) {
    const box = document.getElementById("load-progress");
    if (!box) return;
    if (!bar) {
      bar = Object.assign(document.createElement("progress"), { max: 1, value: 0 });
      bar.setAttribute("aria-label", "Python runtime downloaded");
      label = document.createElement("span");
      box.replaceChildren(bar, label);
    }
    bar.value = total ? loaded / total : 0;
    label.textContent = `${megabytes(loaded)} of ${megabytes(total)} MB`;
    box.hidden = loaded >= total;
  }
  function hideProgress() {
    const box = document.getElementById("load-progress");
    if (box) box.hidden = true;
  }
  worker.addEventListener("message", (event) => {
    const message = event.data;
    if (message?.type === "progress") showProgress(message.loaded, message.total);
    else if (message?.type === "status" && (message.phase === "ready" || message.phase === "error")) hideProgress();
  });
  window.upstreamTlsBoot = { worker, early };
})();
