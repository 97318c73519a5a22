// Adds bytecode for Pyodide's own Python to each wheel, so the browser does
// not compile our modules at every cold start. Runs that Python under Node
// (the same pinned pyodide package the site ships), because the bytecode
// format is that version's. The .pyc files are "unchecked-hash" (PEP 552):
// tied to the source by hash, not by mtime, so the output is reproducible
// and the extracted sources are never re-read to validate them.
//
//   node build/precompile.mjs OUT_DIR WHEEL...
import { readFileSync, writeFileSync } from "node:fs";
import { basename, join } from "node:path";
import { loadPyodide } from "./node_modules/pyodide/pyodide.mjs";

const ADD_BYTECODE = `
import base64, hashlib, importlib.util, io, zipfile
from importlib._bootstrap_external import _code_to_hash_pyc

TAG = importlib.util.cache_from_source("m.py").rsplit("/", 1)[-1].split(".")[1]
EPOCH = (1980, 1, 1, 0, 0, 0)

def digest(data):
    return "sha256=" + base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b"=").decode()

def add_bytecode(wheel):
    source = zipfile.ZipFile(io.BytesIO(wheel))
    added = {}
    for name in source.namelist():
        if name.endswith(".py") and ".dist-info/" not in name:
            text = source.read(name)
            code = compile(text, name, "exec", dont_inherit=True)
            folder, _, module = name.rpartition("/")
            target = (folder + "/" if folder else "") + f"__pycache__/{module[:-3]}.{TAG}.pyc"
            added[target] = _code_to_hash_pyc(code, importlib.util.source_hash(text), checked=False)
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as result:
        for info in source.infolist():
            data = source.read(info)
            if info.filename.endswith(".dist-info/RECORD"):
                data += "".join(f"{name},{digest(pyc)},{len(pyc)}\\n" for name, pyc in added.items()).encode()
            result.writestr(info, data)
        for name, pyc in added.items():
            info = zipfile.ZipInfo(name, EPOCH)
            info.compress_type = zipfile.ZIP_DEFLATED
            result.writestr(info, pyc)
    return out.getvalue()
`;

const [outDir, ...wheels] = process.argv.slice(2);
const pyodide = await loadPyodide({ indexURL: new URL("./node_modules/pyodide/", import.meta.url).pathname });
pyodide.runPython(ADD_BYTECODE);
const addBytecode = pyodide.globals.get("add_bytecode");
for (const wheel of wheels) {
  const result = addBytecode(pyodide.toPy(new Uint8Array(readFileSync(wheel))));
  writeFileSync(join(outDir, basename(wheel)), result.toJs());
  result.destroy();
}
addBytecode.destroy();
