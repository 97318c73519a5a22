// The verdict card at the top of the results, and the one sentence a screen
// reader hears when a new result is drawn. The words come from the core
// (bridge `page.verdict`); this only lays them out.
import { el, inlineCode } from "./dom.js";
import { $ } from "./elements.js";
import { lineLink } from "./items.js";

// card: {kind, headline, side, side_text, sure, basis, steps, cause, where}
export function renderVerdict(card, { goToLine }) {
  const box = $("verdict");
  box.dataset.kind = card.kind;
  box.dataset.side = card.side ?? "";
  if (card.cause) box.dataset.cause = card.cause;
  else delete box.dataset.cause;
  $("verdict-headline").replaceChildren(...inlineCode(card.headline));
  const where = card.where;
  $("verdict-meta").replaceChildren(...[
    card.side_text ? el("span", { className: `chip side-${card.side}`, text: card.side_text }) : null,
    card.sure ? el("span", { className: "chip sure", text: card.sure }) : null,
    card.basis ? el("span", { className: "basis", text: card.basis }) : null,
    where ? lineLink(where, goToLine) : null,
  ].filter(Boolean));
  $("verdict-steps").replaceChildren(...card.steps.map((step) => el("li", {}, inlineCode(step))));
}

// Shown while the last good result stays on screen for inputs that cannot
// be used yet (a half-typed option): the card and the lists are kept.
export function markStale(stale) {
  $("stale-note").hidden = !stale;
  document.querySelector(".results").toggleAttribute("data-stale", stale);
}

// One polite announcement per drawn result: the verdict and the counts.
export function announce(card, counts) {
  const parts = [card.headline.replace(/`/g, "")];
  if (counts.causes) parts.push(`${counts.causes} cause${counts.causes === 1 ? "" : "s"}`);
  if (counts.findings) parts.push(`${counts.findings} finding${counts.findings === 1 ? "" : "s"}`);
  $("announce").textContent = parts.join(" · ");
}
