"""The LLM endpoints a person can call with their own key, and how each one
wants its request: URL, headers, where the key goes, the JSON body.

    openai             Chat Completions, POST {base}/chat/completions, Authorization: Bearer KEY
    anthropic          Messages API, POST {base}/messages, x-api-key: KEY, anthropic-version,
                       and anthropic-dangerous-direct-browser-access (the browser calls it directly)
    openai-compatible  the OpenAI wire format at a base URL the person gives (Ollama, llama.cpp
                       server, vLLM, LM Studio); the key is optional

Default models are only defaults: the model name is free text.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from urllib.parse import urlsplit

ANTHROPIC_VERSION = "2023-06-01"
# The answer holds the whole pasted config; Anthropic needs a bound, OpenAI has a default.
ANTHROPIC_MAX_TOKENS = 8192


class LLMError(ValueError):
    """Bad input to the LLM functions (provider, URL, map), as one line."""


@dataclass(frozen=True)
class Provider:
    id: str
    label: str
    default_base_url: str | None
    path: str
    default_model: str
    key_header: str
    key_prefix: str
    key_env: str | None
    key_required: bool
    fixed_headers: dict[str, str] = field(default_factory=dict)

    @property
    def wire(self) -> str:
        """The wire format: "openai" or "anthropic"."""
        return "anthropic" if self.id == "anthropic" else "openai"

    def endpoint(self, base_url: str | None) -> str:
        base = (base_url or self.default_base_url or "").strip()
        if not base:
            raise LLMError(f"{self.id} needs a base URL (for example http://localhost:11434/v1)")
        try:
            parts = urlsplit(base)
            parts.port  # noqa: B018 — raises ValueError for a port that is not a number in range
        except ValueError:
            raise LLMError(f"base URL {base!r} is not a valid URL (check the host and port)") from None
        if parts.scheme not in ("http", "https") or not parts.hostname or "%" in parts.netloc:
            raise LLMError(f"base URL {base!r} is not an http:// or https:// URL")
        if parts.username or parts.password or parts.query or parts.fragment or any(c.isspace() for c in base):
            raise LLMError("the base URL must be scheme://host[:port]/path only: no credentials, query or fragment "
                           "(the key goes in its header, never in the URL)")
        return base.rstrip("/") + self.path

    def body(self, model: str, system: str, user: str) -> dict:
        """The request body; `stream` is always on (the answer is shown as it arrives)."""
        if self.wire == "anthropic":
            return {"model": model, "max_tokens": ANTHROPIC_MAX_TOKENS, "system": system,
                    "messages": [{"role": "user", "content": user}], "stream": True}
        return {"model": model, "messages": [{"role": "system", "content": system},
                                             {"role": "user", "content": user}], "stream": True}


PROVIDERS: dict[str, Provider] = {provider.id: provider for provider in (
    Provider("openai", "OpenAI", "https://api.openai.com/v1", "/chat/completions", "gpt-4.1-mini",
             "Authorization", "Bearer ", "OPENAI_API_KEY", True),
    Provider("anthropic", "Anthropic", "https://api.anthropic.com/v1", "/messages", "claude-sonnet-4-5",
             "x-api-key", "", "ANTHROPIC_API_KEY", True,
             {"anthropic-version": ANTHROPIC_VERSION, "anthropic-dangerous-direct-browser-access": "true"}),
    Provider("openai-compatible", "OpenAI-compatible server", None, "/chat/completions", "llama3.1",
             "Authorization", "Bearer ", None, False),
)}


def provider_named(name: str) -> Provider:
    try:
        return PROVIDERS[name]
    except KeyError:
        raise LLMError(f"unknown provider {name!r}: use {', '.join(PROVIDERS)}") from None


def provider_origins() -> tuple[str, ...]:
    """The origin (scheme://host[:port]) of each provider with a fixed URL:
    what the page's Content-Security-Policy lets it connect to."""
    return tuple(f"{parts.scheme}://{parts.netloc}" for parts in
                 (urlsplit(provider.default_base_url) for provider in PROVIDERS.values() if provider.default_base_url))
