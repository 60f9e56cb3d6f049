#!/usr/bin/python3
"""WebAuthn peer for TestWebAuthnPeer: python3-cryptography checks our assertions and makes its own.

Reads JSON from stdin:
    {"verify": [{"name", "credential" (the credential JSON text), "publicCredential" (our
                 publicCredentialJson() text), "challenge" (base64), "origin", "rpId"}],
     "sign":   [{"name", "challenge" (base64), "origin", "rpId", "signCount", "flags"}]}
Writes JSON to stdout:
    {"cryptography": "<version>",
     "verified": [{"name", "signature_valid", "rp_id_hash_ok", "flags", "sign_count",
                   "client_type", "challenge_ok", "origin_ok", "id_matches_raw_id",
                   "tampered_signature_valid", "error"}],
     "signed":   [{"name", "credential", "tampered", "publicKey" (JWK), "coseKey" (hex)}]}

Everything is done from the W3C WebAuthn Level 2 text, independently of the C++ code:
authenticatorData = SHA-256(rpId) || flags || signCount (big-endian), clientDataJSON as a
browser writes it, signature = ECDSA P-256 SHA-256 over authenticatorData ||
SHA-256(clientDataJSON), DER-encoded. The credential JSON uses OATHAuth's encodings: id,
authenticatorData and clientDataJSON base64url without padding; rawId, signature and
userHandle standard base64 with padding.

Exit status 2 with a message on stderr when python3-cryptography cannot be imported.
"""

import base64
import hashlib
import json
import struct
import sys

try:
    import cryptography
    from cryptography.exceptions import InvalidSignature
    from cryptography.hazmat.primitives import hashes
    from cryptography.hazmat.primitives.asymmetric import ec
except ImportError as error:
    sys.stderr.write("python3-cryptography is not importable by %s: %s\n" % (sys.executable, error))
    sys.exit(2)


def b64url_decode(text):
    if "=" in text:
        raise ValueError("base64url with padding: %r" % text)
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def b64url_encode(data):
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def b64_decode_padded(text):
    if len(text) % 4 != 0:
        raise ValueError("standard base64 without padding: %r" % text)
    return base64.b64decode(text, validate=True)


def jwk_int(value):
    return int.from_bytes(b64url_decode(value), "big")


def public_key_from_jwk(jwk):
    if jwk.get("kty") != "EC" or jwk.get("crv") != "P-256":
        raise ValueError("not an EC P-256 JWK: %r" % jwk)
    numbers = ec.EllipticCurvePublicNumbers(jwk_int(jwk["x"]), jwk_int(jwk["y"]), ec.SECP256R1())
    return numbers.public_key()


def signature_valid(key, signature, signed):
    try:
        key.verify(signature, signed, ec.ECDSA(hashes.SHA256()))
        return True
    except InvalidSignature:
        return False


def verify_case(case):
    result = {"name": case["name"], "error": None}
    try:
        credential = json.loads(case["credential"])
        stored = json.loads(case["publicCredential"])
        response = credential["response"]
        credential_id = b64url_decode(credential["id"])
        raw_id = b64_decode_padded(credential["rawId"])
        auth_data = b64url_decode(response["authenticatorData"])
        client_data_json = b64url_decode(response["clientDataJSON"])
        signature = b64_decode_padded(response["signature"])
        client = json.loads(client_data_json.decode("utf-8"))
        key = public_key_from_jwk(stored["publicKey"])

        signed = auth_data + hashlib.sha256(client_data_json).digest()
        result["signature_valid"] = signature_valid(key, signature, signed)
        tampered = bytearray(signature)
        tampered[-1] ^= 0x01
        result["tampered_signature_valid"] = signature_valid(key, bytes(tampered), signed)
        result["id_matches_raw_id"] = credential_id == raw_id and credential_id == b64url_decode(stored["credentialId"])
        result["rp_id_hash_ok"] = auth_data[:32] == hashlib.sha256(case["rpId"].encode("utf-8")).digest()
        result["flags"] = auth_data[32]
        result["sign_count"] = struct.unpack(">I", auth_data[33:37])[0]
        result["client_type"] = client["type"]
        result["challenge_ok"] = b64url_decode(client["challenge"]) == base64.b64decode(case["challenge"])
        result["origin_ok"] = client["origin"] == case["origin"] and client.get("crossOrigin") is False
        result["type"] = credential["type"]
    except Exception as error:  # reported to the C++ side, which fails the row
        result["error"] = "%s: %s" % (type(error).__name__, error)
    return result


def sign_case(case):
    private = ec.generate_private_key(ec.SECP256R1())
    numbers = private.public_key().public_numbers()
    jwk = {
        "kty": "EC",
        "crv": "P-256",
        "x": b64url_encode(numbers.x.to_bytes(32, "big")),
        "y": b64url_encode(numbers.y.to_bytes(32, "big")),
    }
    credential_id = hashlib.sha256(case["name"].encode("utf-8")).digest()[:16]
    auth_data = (hashlib.sha256(case["rpId"].encode("utf-8")).digest()
                 + bytes([case["flags"]]) + struct.pack(">I", case["signCount"]))
    client_data_json = json.dumps({
        "type": "webauthn.get",
        "challenge": b64url_encode(base64.b64decode(case["challenge"])),
        "origin": case["origin"],
        "crossOrigin": False,
    }, separators=(",", ":")).encode("utf-8")
    signature = private.sign(auth_data + hashlib.sha256(client_data_json).digest(), ec.ECDSA(hashes.SHA256()))

    def credential_json(sig):
        return json.dumps({
            "id": b64url_encode(credential_id),
            "type": "public-key",
            "rawId": base64.b64encode(credential_id).decode("ascii"),
            "response": {
                "authenticatorData": b64url_encode(auth_data),
                "clientDataJSON": b64url_encode(client_data_json),
                "signature": base64.b64encode(sig).decode("ascii"),
                "userHandle": base64.b64encode(b"peer-user").decode("ascii"),
            },
        })

    tampered = bytearray(signature)
    tampered[-1] ^= 0x01
    # COSE_Key (RFC 9052/9053) as a registration would carry it, CBOR heads written by hand:
    # map(5) {1: 2 (EC2), 3: -7 (ES256), -1: 1 (P-256), -2: bstr(32) x, -3: bstr(32) y}.
    cose = (bytes([0xA5, 0x01, 0x02, 0x03, 0x26, 0x20, 0x01, 0x21, 0x58, 0x20]) + numbers.x.to_bytes(32, "big")
            + bytes([0x22, 0x58, 0x20]) + numbers.y.to_bytes(32, "big"))
    return {"name": case["name"], "credential": credential_json(signature),
            "tampered": credential_json(bytes(tampered)), "publicKey": jwk, "coseKey": cose.hex()}


def main():
    request = json.load(sys.stdin)
    answer = {
        "cryptography": cryptography.__version__,
        "verified": [verify_case(case) for case in request.get("verify", [])],
        "signed": [sign_case(case) for case in request.get("sign", [])],
    }
    json.dump(answer, sys.stdout)


if __name__ == "__main__":
    main()
