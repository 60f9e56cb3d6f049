#!/usr/bin/python3
"""Peer for TestJwksPeer: a JWKS consumer that shares no code with ours.

Reads one JSON request on stdin, writes one JSON answer on stdout:

  {"jwks_uri": "http://127.0.0.1:<port>/w/rest.php/oauth2/jwks",
   "tokens": ["<compact JWS>", ...]}
  -> {"status": 200, "content_type": "...", "cache_control": "...", "kids": ["...", ...],
      "results": [{"ok": true, "kid": "...", "alg": "...", "payload": "..."} |
                  {"ok": false, "kid": "...", "error": "..."}]}

The JWKS is fetched with urllib and parsed by python3-jwcrypto's JWKSet. Each token is
verified as a relying party would: the key is looked up by the header's kid, the header's
alg must equal the key's "alg" member, and only that alg is allowed.

Exit status 0 on success; 2 with a message on stderr when a module is missing or the
request is bad.
"""

import json
import sys
import urllib.request

try:
    from jwcrypto import jwk, jws
except ImportError as error:  # the C++ test turns this into a clear failure
    sys.stderr.write("jwks_peer: %s (install python3-jwcrypto)\n" % error)
    sys.exit(2)


def verify(keyset, token):
    parsed = jws.JWS()
    parsed.deserialize(token)
    header = parsed.jose_header
    result = {"kid": header.get("kid", "")}
    try:
        key = keyset.get_key(header.get("kid"))
        if key is None:
            raise ValueError("no key with kid %r in the JWKS" % header.get("kid"))
        key_alg = key.get("alg")
        if header.get("alg") != key_alg:
            raise ValueError("header alg %r is not the key's alg %r" % (header.get("alg"), key_alg))
        parsed.allowed_algs = [key_alg]
        parsed.verify(key, alg=key_alg)
        result.update(ok=True, alg=key_alg, payload=parsed.payload.decode("utf-8"))
    except Exception as error:  # jwcrypto raises several kinds; the test reads the text
        result.update(ok=False, error="%s: %s" % (type(error).__name__, error))
    return result


def main():
    try:
        request = json.load(sys.stdin)
        uri = request["jwks_uri"]
        tokens = request["tokens"]
    except (ValueError, KeyError) as error:
        sys.stderr.write("jwks_peer: bad request: %s\n" % error)
        return 2
    with urllib.request.urlopen(uri, timeout=30) as response:
        body = response.read()
        answer = {
            "status": response.status,
            "content_type": response.headers.get("Content-Type", ""),
            "cache_control": response.headers.get("Cache-Control", ""),
        }
    keyset = jwk.JWKSet.from_json(body)
    answer["kids"] = [key.get("kid") for key in keyset["keys"]]
    answer["results"] = [verify(keyset, token) for token in tokens]
    json.dump(answer, sys.stdout)
    return 0


if __name__ == "__main__":
    sys.exit(main())
