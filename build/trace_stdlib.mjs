// Derives build/stdlib-modules.txt, the standard-library modules the page's
// Python needs, by running the unit test suite under the pinned Pyodide with
// the full standard library while build/import_trace.py watches imports.
// Tests that need what Pyodide lacks (subprocesses, sockets, threads) fail
// here, and so do the property tests (this Hypothesis needs its native part);
// that is expected: what they import before failing is still seen.
// Run it when the core's imports change (tests/unit/test_stdlib_trim.py says
// when the list is missing a module):
//
//   node build/trace_stdlib.mjs [PYTEST ARGS...]     (default: tests/unit)
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { loadPyodide } from "./node_modules/pyodide/pyodide.mjs";

const BUILD = dirname(fileURLToPath(import.meta.url));
const ROOT = dirname(BUILD);
const SITE = process.env.TRACE_SITE_PACKAGES ?? join(ROOT, ".venv/lib/python3.11/site-packages");
const args = process.argv.slice(2);

const pyodide = await loadPyodide({ indexURL: join(BUILD, "node_modules/pyodide/"), stdout: () => {}, stderr: () => {} });
const { FS } = pyodide;
FS.mkdirTree("/trace");
FS.writeFile("/trace/import_trace.py", readFileSync(join(BUILD, "import_trace.py")));
for (const [host, mount] of [[ROOT, "/repo"], [SITE, "/site"]]) {
  FS.mkdirTree(mount);
  FS.mount(FS.filesystems.NODEFS, { root: host }, mount);
}
const output = [];
mkdirSync(join(BUILD, "out"), { recursive: true });
pyodide.setStdout({ batched: (line) => output.push(line) });
pyodide.setStderr({ batched: (line) => output.push(line) });
const result = pyodide.runPython(`
import os, sys, zipfile
sys.dont_write_bytecode = True
sys.path.insert(0, "/trace")
import import_trace as trace
trace.install()
os.chdir("/repo")
sys.path[1:1] = ["/repo/py_core", "/repo/tests", "/repo/tests/unit"]
sys.path.append("/site")
import pytest
pytest.main(${JSON.stringify(args.length ? args : ["tests/unit"])} + ["-q", "-p", "no:cacheprovider", "-p", "no:hypothesispytest", "--continue-on-collection-errors", "-o", "addopts="])
stock = zipfile.ZipFile(sys.path[next(i for i, p in enumerate(sys.path) if p.endswith(".zip"))])
available = {name.removesuffix(".py").removesuffix("/__init__").replace("/", ".")
             for name in stock.namelist() if name.endswith(".py")}
"\\n".join(trace.page_modules(available))
`);
writeFileSync(join(BUILD, "stdlib-modules.txt"),
  "# The standard-library modules the page's Python imports, derived by build/trace_stdlib.mjs\n" +
  "# (the unit tests run under Pyodide, imports watched); regenerate, do not edit.\n" + result + "\n");
writeFileSync(join(BUILD, "out", "trace-stdlib.log"), output.join("\n") + "\n");
console.log(output.slice(-1).join("\n") + " (the run's output: build/out/trace-stdlib.log)");
console.log(`wrote build/stdlib-modules.txt (${result.split("\n").length} modules)`);
