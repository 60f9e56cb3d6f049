#!/usr/bin/python3
"""Peer for the JOSE interoperability test (TestJwcryptoPeer): python3-jwcrypto.

Reads one JSON request on stdin, writes one JSON answer on stdout.

  {"command": "versions"}
      -> {"jwcrypto": "1.1", "cryptography": "38.0.4"}
  {"command": "verify", "cases": [{"alg": "RS256", "jwk": {...}, "token": "..."}]}
      -> {"results": [{"ok": true, "payload": "...", "thumbprint": "..."} |
                      {"ok": false, "error": "...", "thumbprint": "..."}]}
     Verifies each compact token with the given (public or oct) JWK, allowing only
     the named alg, and reports jwcrypto's RFC 7638 thumbprint of that JWK.
  {"command": "sign", "cases": [{"alg": "ES256", "payload": "..."}]}
      -> {"results": [{"alg": "ES256", "jwk": {...}, "thumbprint": "...", "token": "..."}]}
     Generates a key that fits the alg, signs the payload with header
     {"alg": alg, "kid": thumbprint} and returns the key (public members only,
     except for oct keys, which have no public form).

Exit status 0 on success; 2 with a message on stderr if the request is bad or a
module is missing.
"""

import json
import sys
from importlib import metadata

try:
    import cryptography
    from jwcrypto import jwk, jws
except ImportError as error:  # the C++ test turns this into a clear failure
    sys.stderr.write("jwcrypto_peer: %s (install python3-jwcrypto)\n" % error)
    sys.exit(2)


KEY_PARAMS = {
    "HS256": {"kty": "oct", "size": 256},
    "HS384": {"kty": "oct", "size": 384},
    "HS512": {"kty": "oct", "size": 512},
    "RS256": {"kty": "RSA", "size": 2048},
    "RS384": {"kty": "RSA", "size": 2048},
    "RS512": {"kty": "RSA", "size": 2048},
    "PS256": {"kty": "RSA", "size": 2048},
    "ES256": {"kty": "EC", "crv": "P-256"},
    "ES384": {"kty": "EC", "crv": "P-384"},
    "EdDSA": {"kty": "OKP", "crv": "Ed25519"},
}


def verify(case):
    key = jwk.JWK(**case["jwk"])
    result = {"thumbprint": key.thumbprint()}
    token = jws.JWS()
    try:
        token.deserialize(case["token"])
        header = token.jose_header
        if header.get("alg") != case["alg"]:
            raise ValueError("header alg %r is not %r" % (header.get("alg"), case["alg"]))
        token.allowed_algs = [case["alg"]]
        token.verify(key, alg=case["alg"])
        result["ok"] = True
        result["payload"] = token.payload.decode("utf-8")
    except Exception as error:  # any refusal is an answer, not a crash
        result["ok"] = False
        result["error"] = "%s: %s" % (type(error).__name__, error)
    return result


def sign(case):
    alg = case["alg"]
    key = jwk.JWK.generate(**KEY_PARAMS[alg])
    thumbprint = key.thumbprint()
    token = jws.JWS(case["payload"].encode("utf-8"))
    token.allowed_algs = [alg]
    token.add_signature(key, alg=None,
                        protected=json.dumps({"alg": alg, "kid": thumbprint}))
    if key["kty"] == "oct":
        exported = json.loads(key.export(private_key=True))
    else:
        exported = json.loads(key.export_public())
    return {"alg": alg, "jwk": exported, "thumbprint": thumbprint,
            "token": token.serialize(compact=True)}


def main():
    try:
        request = json.load(sys.stdin)
    except ValueError as error:
        sys.stderr.write("jwcrypto_peer: the request is not JSON: %s\n" % error)
        return 2
    command = request.get("command")
    if command == "versions":
        answer = {"jwcrypto": metadata.version("jwcrypto"),
                  "cryptography": cryptography.__version__}
    elif command == "verify":
        answer = {"results": [verify(case) for case in request["cases"]]}
    elif command == "sign":
        answer = {"results": [sign(case) for case in request["cases"]]}
    else:
        sys.stderr.write("jwcrypto_peer: unknown command %r\n" % command)
        return 2
    json.dump(answer, sys.stdout)
    return 0


if __name__ == "__main__":
    sys.exit(main())
