// Builds the zip the page's Pyodide uses as its standard library: the
// standard-library modules listed in MODULES (from the stock zip) and every
// package in the WHEELs, all as bytecode of the pinned Pyodide's own Python
// (this runs that Python under Node, because the bytecode format is that
// version's), data files (templates) as they are. The .pyc files sit where
// their sources would, without them, so zipimport loads them and never
// compiles; they are "unchecked-hash" (PEP 552), so the output is
// reproducible. Entries are sorted, dated 1980 and stored uncompressed: the
// server's brotli compresses the whole file far better than per-entry deflate.
//
//   node build/python_zip.mjs OUT.zip STDLIB.zip MODULES.txt WHEEL...
import { readFileSync, writeFileSync } from "node:fs";
import { loadPyodide } from "./node_modules/pyodide/pyodide.mjs";

const BUILD_ZIP = `
import importlib.util, io, zipfile
from importlib._bootstrap_external import _code_to_hash_pyc

EPOCH = (1980, 1, 1, 0, 0, 0)

def bytecode(name, source):
    code = compile(source, name, "exec", dont_inherit=True)
    return _code_to_hash_pyc(code, importlib.util.source_hash(source), checked=False)

def build_zip(stdlib, modules, wheels):
    entries = {}
    stock = zipfile.ZipFile(io.BytesIO(stdlib.to_bytes()))
    names = set(stock.namelist())
    for module in modules:
        path = module.replace(".", "/")
        source = next((name for name in (f"{path}/__init__.py", f"{path}.py") if name in names), None)
        if source is None:
            raise ValueError(f"{module} is not in this Pyodide's standard library: rerun build/trace_stdlib.mjs")
        entries[source + "c"] = bytecode(source, stock.read(source))
    for wheel in wheels:
        archive = zipfile.ZipFile(io.BytesIO(wheel.to_bytes()))
        for name in archive.namelist():
            if name.endswith("/") or ".dist-info/" in name or "/__pycache__/" in name:
                continue
            data = archive.read(name)
            if name.endswith(".py"):
                entries[name + "c"] = bytecode(name, data)
            else:
                entries[name] = data
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_STORED) as result:
        for name in sorted(entries):
            result.writestr(zipfile.ZipInfo(name, EPOCH), entries[name])
    return out.getvalue()
`;

const [target, stdlib, modules, ...wheels] = process.argv.slice(2);
const pyodide = await loadPyodide({ indexURL: new URL("./node_modules/pyodide/", import.meta.url).pathname });
pyodide.runPython(BUILD_ZIP);
const buildZip = pyodide.globals.get("build_zip");
const names = readFileSync(modules, "utf8").split("\n").filter(Boolean);
try {
  const result = buildZip(new Uint8Array(readFileSync(stdlib)), names, wheels.map((wheel) => new Uint8Array(readFileSync(wheel))));
  writeFileSync(target, result.toJs());
} catch (error) {
  console.error(error.message); // the Python traceback, not the minified runtime
  process.exit(1);
}
