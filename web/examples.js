// The examples gallery: one button per worked failure, each filling the
// config, the evidence and the options, so the verdict, the diagnosis, the
// fix, the CA bundle and the deploy steps can be seen before pasting
// anything of one's own.
import { el } from "./dom.js";
import { $ } from "./elements.js";
import { EXAMPLES } from "./example-data.js";

// load(inputs): puts {config, log, chain, options} into the page's inputs.
export function setupExamples(load) {
  const gallery = $("examples");
  gallery.append(...EXAMPLES.map((example) => el("button", {
    type: "button", className: "example", "data-example": example.id, title: example.hint,
    "aria-label": `Load the example: ${example.title} (${example.hint})`,
    onclick: () => load({ config: example.config, log: example.log, chain: example.chain, options: example.options }),
    text: example.title,
  })));
}
