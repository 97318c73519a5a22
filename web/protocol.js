// The version of the messages between the page and its worker, in one place:
// worker.js imports this file (shipped beside it), client.js is bundled with
// it, so the two sides cannot disagree. The payloads of each request type
// and their results are described in web/bridge.schema.json.
export const PROTOCOL = 1;
