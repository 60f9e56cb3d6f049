#!/usr/bin/python3
"""OAuth 1.0a peer for TestOAuthlibPeer: python3-oauthlib signs the requests it is given.

Reads JSON from stdin:
    {"cases": [{"name", "method", "uri", "body" (form string or null), "consumer_key",
                "consumer_secret", "token", "token_secret", "signature_method",
                "rsa_key" (PEM, RSA-SHA1 only), "nonce", "timestamp", "callback", "verifier"}]}
Writes JSON to stdout:
    {"oauthlib": "<version>", "results": [{"name", "base_string", "signature",
                                            "authorization", "error"}]}

The base string is rebuilt from the signed request the way an oauthlib server would
(collect_parameters over query, Authorization header and body), and for HMAC-SHA1 and
RSA-SHA1 it is also captured from the client while it signs; the two must agree.

Exit status 2 with a message on stderr when oauthlib (or, for RSA-SHA1, python3-jwt and
python3-cryptography) cannot be imported.
"""

import json
import sys

try:
    import oauthlib
    from oauthlib.oauth1 import rfc5849
    from oauthlib.oauth1.rfc5849 import signature as oauth_signature
    from oauthlib.oauth1.rfc5849 import utils as oauth_utils
except ImportError as error:
    sys.stderr.write("python3-oauthlib is not importable by %s: %s\n" % (sys.executable, error))
    sys.exit(2)

from urllib.parse import urlparse

FORM = "application/x-www-form-urlencoded"


class RecordingClient(rfc5849.Client):
    """A Client that remembers the base string it signed (HMAC-SHA1 and RSA-SHA1)."""

    SIGNATURE_METHODS = dict(rfc5849.Client.SIGNATURE_METHODS)
    recorded = None

    @classmethod
    def _wrap(cls, method):
        original = cls.SIGNATURE_METHODS[method]

        def recorder(base_string, client):
            client.recorded = base_string
            return original(base_string, client)

        cls.SIGNATURE_METHODS[method] = recorder


RecordingClient._wrap(rfc5849.SIGNATURE_HMAC_SHA1)
RecordingClient._wrap(rfc5849.SIGNATURE_RSA_SHA1)


def rebuilt_base_string(method, uri, headers, body):
    """What a server computes from the request as sent."""
    params = oauth_signature.collect_parameters(
        uri_query=urlparse(uri).query, body=body, headers=headers)
    normalized = oauth_signature.normalize_parameters(params)
    return oauth_signature.signature_base_string(
        method.upper(), oauth_signature.base_string_uri(uri), normalized)


def sign_case(case):
    method = case["signature_method"]
    if method == rfc5849.SIGNATURE_RSA_SHA1:
        try:
            import jwt  # noqa: F401  (oauthlib's RSA-SHA1 needs python3-jwt)
            import cryptography  # noqa: F401  (and python3-cryptography)
        except ImportError as error:
            sys.stderr.write("RSA-SHA1 in oauthlib needs python3-jwt and python3-cryptography: %s\n" % error)
            sys.exit(2)
    client = RecordingClient(
        case["consumer_key"],
        client_secret=case.get("consumer_secret") or None,
        resource_owner_key=case.get("token") or None,
        resource_owner_secret=case.get("token_secret") or None,
        callback_uri=case.get("callback") or None,
        verifier=case.get("verifier") or None,
        signature_method=method,
        rsa_key=case.get("rsa_key") or None,
        nonce=case["nonce"],
        timestamp=str(case["timestamp"]),
    )
    body = case.get("body")
    headers = {"Content-Type": FORM} if body is not None else {}
    uri, signed_headers, signed_body = client.sign(
        case["uri"], http_method=case["method"], body=body, headers=headers)

    authorization = signed_headers["Authorization"]
    pairs = dict(oauth_utils.parse_authorization_header(authorization))
    base_string = rebuilt_base_string(case["method"], uri, signed_headers, signed_body)
    if client.recorded is not None and client.recorded != base_string:
        raise RuntimeError("oauthlib signed %r but a server would rebuild %r" % (client.recorded, base_string))
    return {
        "name": case["name"],
        "base_string": base_string,
        "signature": oauth_utils.unescape(pairs["oauth_signature"]),
        "authorization": authorization,
        "error": None,
    }


def main():
    request = json.load(sys.stdin)
    results = []
    for case in request["cases"]:
        try:
            results.append(sign_case(case))
        except (ValueError, KeyError, RuntimeError, TypeError) as error:
            results.append({"name": case.get("name"), "error": "%s: %s" % (type(error).__name__, error)})
    json.dump({"oauthlib": oauthlib.__version__, "results": results}, sys.stdout)
    return 0


if __name__ == "__main__":
    sys.exit(main())
