"""Everything the person reads, one module per format: `text` (the CLI's
lines), `json` (`--format json` and the page's payloads), `llm` (the LLM
exchange as the page shows it), `sarif` (code-scanning UIs) and `docs`
(markdown from the templates). The domain classes hold data; nothing here
decides anything, so every face words the same result the same way."""
