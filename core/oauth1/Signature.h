#pragma once

#include "http/FormCodec.h"
#include "jose/Jwk.h"

#include <QByteArray>
#include <QUrl>

namespace mwauth::oauth1 {

// OAuth 1.0a signatures (RFC 5849 section 3.4) as MediaWiki's Extension:OAuth checks them.
enum class SignatureMethod { HmacSha1, RsaSha1, Plaintext };
QString signatureMethodName(SignatureMethod method); // "HMAC-SHA1", "RSA-SHA1", "PLAINTEXT"
Result<SignatureMethod> signatureMethodFromName(QStringView name);

// RFC 5849 section 3.4.1.2: scheme and host lower-cased, the port only when it is not
// the scheme's default (80 for http, 443 for https), the path (or "/"), no query or
// fragment. InvalidInput for a URL without scheme/host or with a scheme other than http(s).
Result<QByteArray> baseStringUri(const QUrl &url);

// RFC 5849 section 3.4.1.3.2: every pair percent-encoded, sorted by name then value,
// joined as name=value with "&". `oauth_signature` and `realm` must already be removed.
QByteArray normalizeParameters(http::FormFields parameters);

// What is signed. The URL's query (e.g. MediaWiki's title=Special:OAuth/initiate) is part
// of the parameters; `bodyFields` only when the body is application/x-www-form-urlencoded.
struct Request
{
    QByteArray method = "GET";
    QUrl url;
    http::FormFields bodyFields;
};

// The whole base string: METHOD&enc(base string URI)&enc(normalized parameters), where the
// parameters are the URL query + body fields + `oauthParameters` (oauth_signature excluded).
Result<QByteArray> signatureBaseString(const Request &request, const http::FormFields &oauthParameters);

// Who signs: the consumer (and, after the first leg, a token).
struct Credentials
{
    QByteArray consumerKey;
    QByteArray consumerSecret; // HMAC-SHA1 and PLAINTEXT
    jose::Jwk rsaPrivateKey; // RSA-SHA1 (an RSA key with its private part)
    QByteArray token; // empty for initiate
    QByteArray tokenSecret;
    SignatureMethod method = SignatureMethod::HmacSha1;
};

// The signature value (before percent-encoding): base64 for HMAC-SHA1 and RSA-SHA1; for
// PLAINTEXT enc(consumerSecret)&enc(tokenSecret). The HMAC key is
// enc(consumerSecret)&enc(tokenSecret) (section 3.4.2).
Result<QByteArray> sign(const Credentials &credentials, QByteArrayView baseString);

// Checks a received signature: HMAC-SHA1 and PLAINTEXT compare in constant time;
// RSA-SHA1 verifies with `rsaPublicKey`. ErrorCode::BadSignature when it does not match.
Result<void> verify(SignatureMethod method, QByteArrayView baseString, QByteArrayView signature,
                    QByteArrayView consumerSecret, QByteArrayView tokenSecret,
                    const jose::Jwk &rsaPublicKey = {});

// Everything needed to send a signed request and to show how it was signed.
struct SignedRequest
{
    http::FormFields oauthParameters; // including oauth_signature
    QByteArray baseString;
    QByteArray signature;
    QByteArray authorizationHeader; // the value: OAuth oauth_consumer_key="...", ...
};

// Adds oauth_consumer_key, oauth_token (if any), oauth_signature_method, oauth_timestamp,
// oauth_nonce, oauth_version="1.0" and any `extraOauth` (oauth_callback, oauth_verifier),
// builds the base string, signs, and encodes the header.
Result<SignedRequest> signRequest(const Request &request, const Credentials &credentials,
                                  const QByteArray &nonce, qint64 timestamp,
                                  const http::FormFields &extraOauth = {});

} // namespace mwauth::oauth1
