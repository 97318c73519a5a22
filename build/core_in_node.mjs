// Runs the page's Python core, upstream_tls.bridge.handle(type, payload), in
// the pinned Pyodide under Node, on the requests in a JSON file
// ([[type, payload_json], ...]), and writes the replies to another
// ([reply_json, ...]). With the build's python_stdlib.zip as the standard
// library it answers as the page does; with --full-stdlib the npm package's
// own standard library comes first and the zip only supplies the packages.
// tests/unit/test_stdlib_trim.py compares the two: the trimmed standard
// library must answer every request exactly as the full one does.
//
//   node build/core_in_node.mjs ZIP REQUESTS.json REPLIES.json [--full-stdlib]
import { readFileSync, writeFileSync } from "node:fs";
import { loadPyodide } from "./node_modules/pyodide/pyodide.mjs";

const [zip, requestsFile, repliesFile, mode] = process.argv.slice(2);
const full = mode === "--full-stdlib";
const pyodide = await loadPyodide({
  indexURL: new URL("./node_modules/pyodide/", import.meta.url).pathname,
  stdLibURL: full ? undefined : zip,
  env: { PYTHONHASHSEED: "0" }, // the same set order in both runs
});
if (full) {
  pyodide.FS.writeFile("/lib/packages.zip", new Uint8Array(readFileSync(zip)));
  pyodide.runPython("import sys\nsys.path.append('/lib/packages.zip')");
}
const handle = pyodide.pyimport("upstream_tls.bridge").handle;
const requests = JSON.parse(readFileSync(requestsFile, "utf8"));
writeFileSync(repliesFile, JSON.stringify(requests.map(([type, payload]) => handle(type, payload))));
