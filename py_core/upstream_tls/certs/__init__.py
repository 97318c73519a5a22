"""The upstream's certificate chain: names, validity, issuer links, the
proxy_ssl_verify_depth it needs and the trust anchor for
proxy_ssl_trusted_certificate.

Input is what people have at hand: `openssl s_client -showcerts` output (PEM
blocks with noise around them), a PEM file, or a DER file. asn1crypto is used
because it is pure Python (it runs in Pyodide); it parses but cannot check
signatures, so issuer links follow names and key identifiers — what OpenSSL
itself uses to pick an issuer before it checks the signature.
"""
from __future__ import annotations

from .certificate import CertInfo
from .chain import Chain, ChainError
from .reading import DER_NOTE, read_chain

__all__ = ["DER_NOTE", "CertInfo", "Chain", "ChainError", "read_chain"]
