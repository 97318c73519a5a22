// Share links carry what the receiver needs to see the same verdict — the
// *redacted* config and error.log lines, the chain (its certificates are
// public; the core drops anything secret around them), the mode and the fix
// options — as compressed JSON in the URL fragment (#share2=…), which
// browsers never send to a server. Older links (#share=…) carry the
// redacted config alone and still open.
import { OPTION_FIELDS } from "./elements.js";

const PREFIX = "#share2=";
const CONFIG_ONLY_PREFIX = "#share=";
// A link is opened by someone else: a hostile one must not inflate without end.
const MAX_SHARED_BYTES = 4 * 1024 * 1024;

async function pipe(bytes, stream, limit = Infinity) {
  const reader = new Blob([bytes]).stream().pipeThrough(stream).getReader();
  const parts = [];
  let size = 0;
  for (;;) {
    const { value, done } = await reader.read();
    if (done) break;
    size += value.length;
    if (size > limit) {
      await reader.cancel();
      throw new RangeError("shared text too large");
    }
    parts.push(value);
  }
  return new Uint8Array(await new Blob(parts).arrayBuffer());
}

function toBase64Url(bytes) {
  let binary = "";
  for (const byte of bytes) binary += String.fromCharCode(byte);
  return btoa(binary).replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "");
}

function fromBase64Url(text) {
  const binary = atob(text.replace(/-/g, "+").replace(/_/g, "/"));
  return Uint8Array.from(binary, (char) => char.charCodeAt(0));
}

async function unpack(encoded) {
  const bytes = await pipe(fromBase64Url(encoded), new DecompressionStream("deflate-raw"), MAX_SHARED_BYTES);
  return new TextDecoder().decode(bytes);
}

// inputs: {config, log, chain, options} already redacted by the core.
export async function shareLink(inputs) {
  const options = Object.fromEntries(Object.keys(OPTION_FIELDS).map((key) => [key, String(inputs.options?.[key] ?? "")]));
  const body = JSON.stringify({ v: 2, config: inputs.config, log: inputs.log, chain: inputs.chain, options });
  const packed = await pipe(new TextEncoder().encode(body), new CompressionStream("deflate-raw"));
  const url = new URL(location.href);
  url.hash = PREFIX.slice(1) + toBase64Url(packed);
  return url.href;
}

// Only strings, only the known fields: a link is someone else's input.
function checked(shared) {
  if (!shared || shared.v !== 2 || typeof shared.config !== "string") throw new TypeError("not a share");
  const text = (value) => (typeof value === "string" ? value : "");
  const options = Object.fromEntries(Object.keys(OPTION_FIELDS).map((key) => [key, text(shared.options?.[key])]));
  return { config: shared.config, log: text(shared.log), chain: text(shared.chain), options };
}

// {inputs} from a share link, {error} when the link is damaged or too
// large, null when the fragment holds no share at all.
export async function readShared(hash) {
  try {
    if (hash.startsWith(PREFIX)) return { inputs: checked(JSON.parse(await unpack(hash.slice(PREFIX.length)))) };
    if (hash.startsWith(CONFIG_ONLY_PREFIX)) {
      return { inputs: { config: await unpack(hash.slice(CONFIG_ONLY_PREFIX.length)), log: "", chain: "", options: {} } };
    }
  } catch {
    return { error: `This share link is damaged (cut short when copied?) or holds more than ${MAX_SHARED_BYTES / 1024 / 1024} MB: nothing was loaded from it.` };
  }
  return null;
}
