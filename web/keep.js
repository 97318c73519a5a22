// "Keep my input in this browser": off unless the person ticks it. Then the
// inputs of each drawn result go to this origin's localStorage — the
// redacted config, log and chain (secrets replaced by placeholders) unless
// "keep the original text" is ticked too. Unticking or "Forget" deletes it.
import { $ } from "./elements.js";

const SLOT = "upstream-tls:kept-input";

function read() {
  try {
    const kept = JSON.parse(localStorage.getItem(SLOT));
    return kept && kept.v === 1 && typeof kept.inputs?.config === "string" ? kept : null;
  } catch {
    return null;
  }
}

function describe(kept, problem) {
  const note = $("keep-note");
  note.classList.toggle("error", Boolean(problem));
  if (problem) note.textContent = problem;
  else if (!kept) note.textContent = "Off: nothing is stored, and a reload starts empty.";
  else {
    note.textContent = `Kept in this browser's localStorage for ${location.origin} (every page of that origin can read it): `
      + (kept.original ? "the original text, secrets included." : "the redacted text only — secrets are placeholders, so put them back before you deploy a fix made from it.");
  }
}

function sync(kept) {
  $("keep-input").checked = Boolean(kept);
  $("keep-original").disabled = !kept;
  $("keep-original").checked = Boolean(kept?.original);
  $("keep-clear").disabled = !kept;
  describe(kept);
}

// latest(): {inputs, redacted} of the last drawn result — the inputs as
// typed and as redacted by the core — or null before the first one.
export function setupKeep({ latest }) {
  function save() {
    const shown = latest();
    if (!$("keep-input").checked || !shown) return false;
    const original = $("keep-original").checked;
    const kept = { v: 1, original, inputs: original ? shown.inputs : shown.redacted };
    try {
      localStorage.setItem(SLOT, JSON.stringify(kept));
      describe(kept);
      return true;
    } catch {
      localStorage.removeItem(SLOT);
      describe(null, "Too large to keep in this browser's storage: nothing is kept.");
      return false;
    }
  }
  function forget() {
    localStorage.removeItem(SLOT);
    sync(null);
  }
  $("keep-input").addEventListener("change", () => {
    if (!$("keep-input").checked) return forget();
    $("keep-original").disabled = false;
    $("keep-clear").disabled = false;
    if (!save() && !$("keep-note").classList.contains("error")) {
      $("keep-note").textContent = "On: nothing is stored yet — the input is kept once the page has checked it.";
    }
  });
  $("keep-original").addEventListener("change", save);
  $("keep-clear").addEventListener("click", forget);
  const kept = read();
  if (!kept) localStorage.removeItem(SLOT);
  sync(kept);
  // restored: the inputs kept by an earlier visit, or null.
  return { save, restored: kept?.inputs ?? null };
}
