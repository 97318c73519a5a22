"""Ask an LLM about a config with the person's own key — without its
secrets leaving the machine, and without trusting the answer blindly.

    providers  the endpoints (OpenAI, Anthropic, any OpenAI-compatible URL) and their request shapes
    prompt     prepare(): the request from redacted text only; Prepared.preview() masks the key
    stream     parse_stream()/StreamDecoder for each wire format, parse_body(), error_message()
    answer     check_answer(): extract, restore, parse, run the rules, diff, flag what weakens TLS
    compare    the comparisons check_answer makes between the original and the answer

Pure Python and no network code, so the browser worker runs the same
module; the CLI sends through `transport`, which this package does not
import. Results hold data; `output.llm` turns them into the page's JSON.
"""
from .answer import AnswerCheck, check_answer, code_blocks
from .compare import Flag
from .prompt import PROMPT_VERSION, Prepared, mask_key, prepare, prompt_fingerprint
from .providers import PROVIDERS, LLMError, Provider, provider_named
from .stream import BodyDecoder, StreamDecoder, StreamResult, decoder_for, error_message, parse_body, parse_stream

__all__ = ["PROMPT_VERSION", "PROVIDERS", "AnswerCheck", "BodyDecoder", "Flag", "LLMError", "Prepared", "Provider",
           "StreamDecoder", "StreamResult", "check_answer", "code_blocks", "decoder_for", "error_message", "mask_key",
           "parse_body", "parse_stream", "prepare", "prompt_fingerprint", "provider_named"]
