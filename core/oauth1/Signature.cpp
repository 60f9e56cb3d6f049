#include "Signature.h"

#include "common/ConstantTime.h"
#include "oauth1/AuthorizationHeader.h"

#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>

#include <algorithm>
#include <memory>

namespace mwauth::oauth1 {

namespace {

using DigestContext = std::unique_ptr<EVP_MD_CTX, decltype(&EVP_MD_CTX_free)>;

const unsigned char *bytes(QByteArrayView data)
{
    return reinterpret_cast<const unsigned char *>(data.data());
}

QString openSslReason()
{
    const unsigned long code = ERR_get_error();
    ERR_clear_error();
    if (code == 0)
        return QStringLiteral("no reason given");
    char buffer[256] = {};
    ERR_error_string_n(code, buffer, sizeof buffer);
    return QString::fromLatin1(buffer);
}

// The key of HMAC-SHA1 and the value of PLAINTEXT (RFC 5849 sections 3.4.2 and 3.4.4).
QByteArray signingKey(QByteArrayView consumerSecret, QByteArrayView tokenSecret)
{
    return http::percentEncode(consumerSecret) + '&' + http::percentEncode(tokenSecret);
}

QByteArray hmacSha1(QByteArrayView key, QByteArrayView data)
{
    unsigned char mac[EVP_MAX_MD_SIZE];
    unsigned int macLength = 0;
    // An empty key is legal here (a consumer without secret signs with "&"), and HMAC()
    // copes with a null pointer only when the length is zero, which is what it gets.
    HMAC(EVP_sha1(), key.data(), static_cast<int>(key.size()), bytes(data), static_cast<size_t>(data.size()),
         mac, &macLength);
    return QByteArray(reinterpret_cast<const char *>(mac), static_cast<qsizetype>(macLength));
}

Result<void> checkRsaKey(const jose::Jwk &key, bool needPrivate)
{
    if (key.isNull() || !key.evpKey()) {
        return fail(
            ErrorCode::InvalidInput,
            needPrivate
                ? QStringLiteral("RSA-SHA1 signing needs the consumer's RSA private key; none was given.")
                : QStringLiteral(
                    "RSA-SHA1 verification needs the consumer's RSA public key; none was given."));
    }
    if (EVP_PKEY_get_base_id(key.evpKey()) != EVP_PKEY_RSA) {
        return fail(ErrorCode::AlgorithmKeyMismatch,
                    QStringLiteral("RSA-SHA1 needs an RSA key, but the key given is of type %1.")
                        .arg(key.typeName()));
    }
    if (needPrivate && !key.hasPrivate()) {
        return fail(ErrorCode::MissingPrivateKey,
                    QStringLiteral(
                        "RSA-SHA1 signing needs the RSA private key; the key given is only a public key."));
    }
    return {};
}

Result<QByteArray> rsaSha1Sign(const jose::Jwk &key, QByteArrayView data)
{
    if (Result<void> usable = checkRsaKey(key, true); !usable)
        return usable.error();
    DigestContext ctx(EVP_MD_CTX_new(), &EVP_MD_CTX_free);
    size_t length = 0;
    // RSA keys sign with PKCS#1 v1.5 padding unless told otherwise (RFC 5849 section 3.4.3).
    if (!ctx || EVP_DigestSignInit(ctx.get(), nullptr, EVP_sha1(), nullptr, key.evpKey()) != 1
        || EVP_DigestSign(ctx.get(), nullptr, &length, bytes(data), static_cast<size_t>(data.size())) != 1) {
        return fail(ErrorCode::Crypto, QStringLiteral("RSA-SHA1 signing failed: %1.").arg(openSslReason()));
    }
    QByteArray signature(static_cast<qsizetype>(length), Qt::Uninitialized);
    if (EVP_DigestSign(ctx.get(), reinterpret_cast<unsigned char *>(signature.data()), &length, bytes(data),
                       static_cast<size_t>(data.size()))
        != 1) {
        return fail(ErrorCode::Crypto, QStringLiteral("RSA-SHA1 signing failed: %1.").arg(openSslReason()));
    }
    signature.truncate(static_cast<qsizetype>(length));
    return signature;
}

Error badSignature(SignatureMethod method)
{
    return fail(
        ErrorCode::BadSignature,
        QStringLiteral("The %1 signature does not match the request.").arg(signatureMethodName(method)));
}

Result<void> rsaSha1Verify(const jose::Jwk &key, QByteArrayView data, QByteArrayView signatureBase64)
{
    if (Result<void> usable = checkRsaKey(key, false); !usable)
        return usable.error();
    const QByteArray::FromBase64Result decoded = QByteArray::fromBase64Encoding(
        signatureBase64.toByteArray(), QByteArray::AbortOnBase64DecodingErrors);
    if (!decoded || decoded.decoded.isEmpty()) {
        return fail(ErrorCode::BadSignature, QStringLiteral("The RSA-SHA1 signature is not valid base64."));
    }
    DigestContext ctx(EVP_MD_CTX_new(), &EVP_MD_CTX_free);
    if (!ctx || EVP_DigestVerifyInit(ctx.get(), nullptr, EVP_sha1(), nullptr, key.evpKey()) != 1)
        return fail(ErrorCode::Crypto,
                    QStringLiteral("RSA-SHA1 verification failed: %1.").arg(openSslReason()));
    const int verdict
        = EVP_DigestVerify(ctx.get(), bytes(decoded.decoded), static_cast<size_t>(decoded.decoded.size()),
                           bytes(data), static_cast<size_t>(data.size()));
    ERR_clear_error(); // a mismatch leaves reasons on the queue that belong to nobody
    if (verdict != 1)
        return badSignature(SignatureMethod::RsaSha1);
    return {};
}

void removeNamed(http::FormFields &fields, QByteArrayView name)
{
    fields.removeIf([name](const auto &field) { return field.first == name; });
}

} // namespace

QString signatureMethodName(SignatureMethod method)
{
    switch (method) {
    case SignatureMethod::HmacSha1:
        return QStringLiteral("HMAC-SHA1");
    case SignatureMethod::RsaSha1:
        return QStringLiteral("RSA-SHA1");
    case SignatureMethod::Plaintext:
        return QStringLiteral("PLAINTEXT");
    }
    return {};
}

Result<SignatureMethod> signatureMethodFromName(QStringView name)
{
    for (SignatureMethod method :
         {SignatureMethod::HmacSha1, SignatureMethod::RsaSha1, SignatureMethod::Plaintext}) {
        if (name == signatureMethodName(method))
            return method;
    }
    return fail(ErrorCode::UnsupportedAlgorithm,
                QStringLiteral("The OAuth 1.0a signature method '%1' is not supported; use HMAC-SHA1, "
                               "RSA-SHA1 or PLAINTEXT.")
                    .arg(name.left(40)));
}

Result<QByteArray> baseStringUri(const QUrl &url)
{
    if (!url.isValid() || url.isRelative()) {
        return fail(ErrorCode::InvalidInput,
                    QStringLiteral("The request URL must be an absolute http or https URL."));
    }
    const QString scheme = url.scheme().toLower();
    int defaultPort = 0;
    if (scheme == QLatin1String("http"))
        defaultPort = 80;
    else if (scheme == QLatin1String("https"))
        defaultPort = 443;
    else
        return fail(
            ErrorCode::InvalidInput,
            QStringLiteral("OAuth 1.0a signs http and https URLs only, not '%1'.").arg(scheme.left(20)));
    const QString host = url.host(QUrl::FullyEncoded).toLower();
    if (host.isEmpty())
        return fail(ErrorCode::InvalidInput, QStringLiteral("The request URL has no host name."));

    QByteArray out = scheme.toLatin1() + "://";
    // An IPv6 literal keeps its brackets in the authority.
    if (host.contains(QLatin1Char(':')))
        out += '[' + host.toLatin1() + ']';
    else
        out += host.toLatin1();
    const int port = url.port();
    if (port >= 0 && port != defaultPort)
        out += ':' + QByteArray::number(port);
    const QByteArray path = url.path(QUrl::FullyEncoded).toLatin1();
    out += path.isEmpty() ? QByteArray("/") : path;
    return out;
}

QByteArray normalizeParameters(http::FormFields parameters)
{
    for (auto &[name, value] : parameters) {
        name = http::percentEncode(name);
        value = http::percentEncode(value);
    }
    // Sorted by name, then value, in byte order of the encoded forms (section 3.4.1.3.2).
    std::sort(parameters.begin(), parameters.end());
    QByteArray out;
    for (const auto &[name, value] : parameters) {
        if (!out.isEmpty())
            out += '&';
        out += name + '=' + value;
    }
    return out;
}

Result<QByteArray> signatureBaseString(const Request &request, const http::FormFields &oauthParameters)
{
    Result<QByteArray> uri = baseStringUri(request.url);
    if (!uri)
        return uri.error();
    if (request.method.isEmpty())
        return fail(ErrorCode::InvalidInput, QStringLiteral("The request has no HTTP method."));

    http::FormFields parameters;
    if (request.url.hasQuery()) {
        Result<http::FormFields> query = http::decodeForm(request.url.query(QUrl::FullyEncoded).toLatin1());
        if (!query)
            return query.error().prefixed(QStringLiteral("The request URL's query cannot be signed"));
        parameters = std::move(*query);
    }
    parameters += request.bodyFields;
    http::FormFields oauth = oauthParameters;
    removeNamed(oauth, "realm");
    parameters += oauth;
    removeNamed(parameters, "oauth_signature");

    return QByteArray(request.method.toUpper() + '&' + http::percentEncode(*uri) + '&'
                      + http::percentEncode(normalizeParameters(std::move(parameters))));
}

Result<QByteArray> sign(const Credentials &credentials, QByteArrayView baseString)
{
    switch (credentials.method) {
    case SignatureMethod::HmacSha1:
        return hmacSha1(signingKey(credentials.consumerSecret, credentials.tokenSecret), baseString)
            .toBase64();
    case SignatureMethod::Plaintext:
        return signingKey(credentials.consumerSecret, credentials.tokenSecret);
    case SignatureMethod::RsaSha1: {
        Result<QByteArray> signature = rsaSha1Sign(credentials.rsaPrivateKey, baseString);
        if (!signature)
            return signature.error();
        return signature->toBase64();
    }
    }
    return fail(ErrorCode::UnsupportedAlgorithm, QStringLiteral("Unknown OAuth 1.0a signature method."));
}

Result<void> verify(SignatureMethod method, QByteArrayView baseString, QByteArrayView signature,
                    QByteArrayView consumerSecret, QByteArrayView tokenSecret, const jose::Jwk &rsaPublicKey)
{
    switch (method) {
    case SignatureMethod::HmacSha1: {
        const QByteArray expected = hmacSha1(signingKey(consumerSecret, tokenSecret), baseString).toBase64();
        if (!constantTimeEquals(expected, signature))
            return badSignature(method);
        return {};
    }
    case SignatureMethod::Plaintext:
        if (!constantTimeEquals(signingKey(consumerSecret, tokenSecret), signature))
            return badSignature(method);
        return {};
    case SignatureMethod::RsaSha1:
        return rsaSha1Verify(rsaPublicKey, baseString, signature);
    }
    return fail(ErrorCode::UnsupportedAlgorithm, QStringLiteral("Unknown OAuth 1.0a signature method."));
}

Result<SignedRequest> signRequest(const Request &request, const Credentials &credentials,
                                  const QByteArray &nonce, qint64 timestamp,
                                  const http::FormFields &extraOauth)
{
    if (credentials.consumerKey.isEmpty())
        return fail(ErrorCode::InvalidInput, QStringLiteral("An OAuth 1.0a request needs a consumer key."));
    if (nonce.isEmpty())
        return fail(ErrorCode::InvalidInput, QStringLiteral("An OAuth 1.0a request needs a nonce."));
    if (timestamp < 0)
        return fail(ErrorCode::InvalidInput, QStringLiteral("The OAuth 1.0a timestamp cannot be negative."));

    SignedRequest out;
    out.oauthParameters = {{"oauth_consumer_key", credentials.consumerKey}};
    if (!credentials.token.isEmpty())
        out.oauthParameters.append({"oauth_token", credentials.token});
    out.oauthParameters.append(
        {"oauth_signature_method", signatureMethodName(credentials.method).toLatin1()});
    out.oauthParameters.append({"oauth_timestamp", QByteArray::number(timestamp)});
    out.oauthParameters.append({"oauth_nonce", nonce});
    out.oauthParameters.append({QByteArray("oauth_version"), QByteArray("1.0")});
    for (const auto &extra : extraOauth) {
        const bool taken = std::any_of(out.oauthParameters.cbegin(), out.oauthParameters.cend(),
                                       [&extra](const auto &field) { return field.first == extra.first; });
        if (taken || extra.first == "oauth_signature" || extra.first == "realm") {
            return fail(
                ErrorCode::InvalidInput,
                QStringLiteral("The extra OAuth parameter '%1' would replace one the signer sets itself.")
                    .arg(QString::fromLatin1(extra.first.left(40))));
        }
        out.oauthParameters.append(extra);
    }

    Result<QByteArray> base = signatureBaseString(request, out.oauthParameters);
    if (!base)
        return base.error();
    Result<QByteArray> signature = sign(credentials, *base);
    if (!signature)
        return signature.error();

    out.baseString = std::move(*base);
    out.signature = std::move(*signature);
    out.oauthParameters.append({"oauth_signature", out.signature});
    out.authorizationHeader = AuthorizationHeader::encode(out.oauthParameters);
    return out;
}

} // namespace mwauth::oauth1
