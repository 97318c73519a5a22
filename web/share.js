// Share links carry only the *redacted* config, compressed, in the URL
// fragment (#share=…), which browsers never send to a server.
const PREFIX = "#share=";
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

export async function shareLink(redactedText) {
  const packed = await pipe(new TextEncoder().encode(redactedText), new CompressionStream("deflate-raw"));
  const url = new URL(location.href);
  url.hash = PREFIX.slice(1) + toBase64Url(packed);
  return url.href;
}

// {text} from a share link, {error} when the link is damaged or too large,
// null when the fragment holds no share at all.
export async function readShared(hash) {
  if (!hash.startsWith(PREFIX)) return null;
  try {
    const bytes = await pipe(fromBase64Url(hash.slice(PREFIX.length)), new DecompressionStream("deflate-raw"),
      MAX_SHARED_BYTES);
    return { text: new TextDecoder().decode(bytes) };
  } catch {
    return { error: `This share link is damaged (cut short when copied?) or holds more than ${MAX_SHARED_BYTES / 1024 / 1024} MB: nothing was loaded from it.` };
  }
}
