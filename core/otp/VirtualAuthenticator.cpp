#include "VirtualAuthenticator.h"

#include "WebAuthnRequestOptions.h"

#include "jose/Base64Url.h"
#include "jose/Jws.h"
#include "jose/KeyGenerator.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QUrl>

#include <limits>

namespace mwauth::otp {

namespace {

constexpr int credentialIdBytes = 32;

// A JSON string literal for `text`, escaped the way QJsonDocument escapes strings.
QByteArray jsonString(const QString &text)
{
    const QByteArray array = QJsonDocument(QJsonArray {text}).toJson(QJsonDocument::Compact);
    return array.mid(1, array.size() - 2); // strip [ ]
}

// clientDataJSON in the member order browsers use (section 5.8.1.1's serialization).
QByteArray clientDataJson(QByteArrayView challenge, const QString &origin)
{
    return QByteArray("{\"type\":\"webauthn.get\",\"challenge\":\"") + jose::Base64Url::encode(challenge)
        + QByteArray("\",\"origin\":") + jsonString(origin) + QByteArray(",\"crossOrigin\":false}");
}

} // namespace

Result<VirtualAuthenticator> VirtualAuthenticator::create(Random &random, const QString &rpId,
                                                          const QByteArray &userHandle)
{
    if (rpId.isEmpty())
        return fail(ErrorCode::InvalidInput,
                    QStringLiteral("A WebAuthn credential needs an rpId (a host name)."));
    Result<jose::Jwk> key = jose::KeyGenerator::generate(jose::JwsAlgorithm::ES256);
    if (!key)
        return key.error();
    VirtualAuthenticator authenticator;
    authenticator.m_credentialId = random.bytes(credentialIdBytes);
    authenticator.m_privateKey = *key;
    authenticator.m_rpId = rpId;
    authenticator.m_userHandle = userHandle;
    return authenticator;
}

QByteArray VirtualAuthenticator::toJson() const
{
    const QJsonObject object {
        {QLatin1String("credentialId"), QString::fromLatin1(jose::Base64Url::encode(m_credentialId))},
        {QLatin1String("rpId"), m_rpId},
        {QLatin1String("userHandle"), QString::fromLatin1(jose::Base64Url::encode(m_userHandle))},
        {QLatin1String("signCount"), static_cast<qint64>(m_signCount)},
        {QLatin1String("privateKey"), m_privateKey.toPrivateJson()},
    };
    return QJsonDocument(object).toJson(QJsonDocument::Compact);
}

Result<VirtualAuthenticator> VirtualAuthenticator::fromJson(QByteArrayView json)
{
    auto bad = [](const QString &why) {
        return fail(ErrorCode::MalformedJson,
                    QStringLiteral("The virtual authenticator's credential %1").arg(why));
    };
    const QJsonDocument document = QJsonDocument::fromJson(QByteArray(json.data(), json.size()));
    if (!document.isObject())
        return bad(QStringLiteral("is not a JSON object."));
    const QJsonObject object = document.object();
    const QJsonValue id = object.value(QLatin1String("credentialId"));
    const QJsonValue rpId = object.value(QLatin1String("rpId"));
    const QJsonValue userHandle = object.value(QLatin1String("userHandle"));
    const QJsonValue signCount = object.value(QLatin1String("signCount"));
    const QJsonValue key = object.value(QLatin1String("privateKey"));
    if (!id.isString() || !rpId.isString() || !userHandle.isString() || !signCount.isDouble()
        || !key.isObject()) {
        return bad(QStringLiteral("needs \"credentialId\", \"rpId\" and \"userHandle\" strings, a "
                                  "\"signCount\" number and a \"privateKey\" object."));
    }
    const double count = signCount.toDouble();
    if (count < 0 || count > std::numeric_limits<quint32>::max()
        || count != static_cast<double>(static_cast<quint32>(count)))
        return bad(QStringLiteral("has a signCount that is not a 32-bit unsigned integer."));
    if (rpId.toString().isEmpty())
        return bad(QStringLiteral("has an empty rpId."));

    VirtualAuthenticator authenticator;
    Result<QByteArray> idBytes
        = WebAuthnBase64::decodeUnpadded(id.toString().toLatin1(), QStringLiteral("The stored credentialId"));
    if (!idBytes)
        return idBytes.error();
    if (idBytes->isEmpty())
        return bad(QStringLiteral("has an empty credentialId."));
    Result<QByteArray> handle = WebAuthnBase64::decodeUnpadded(userHandle.toString().toLatin1(),
                                                               QStringLiteral("The stored userHandle"));
    if (!handle)
        return handle.error();
    Result<jose::Jwk> jwk = jose::Jwk::fromJson(key.toObject());
    if (!jwk)
        return jwk.error().prefixed(QStringLiteral("The virtual authenticator's key"));
    if (Result<void> fits = jwk->checkAlgorithm(jose::JwsAlgorithm::ES256); !fits)
        return fits.error();
    if (!jwk->hasPrivate()) {
        return fail(
            ErrorCode::MissingPrivateKey,
            QStringLiteral("The virtual authenticator's key has no private part, so it cannot sign."));
    }
    authenticator.m_credentialId = *idBytes;
    authenticator.m_privateKey = *jwk;
    authenticator.m_rpId = rpId.toString();
    authenticator.m_userHandle = *handle;
    authenticator.m_signCount = static_cast<quint32>(count);
    return authenticator;
}

WebAuthnPublicCredential VirtualAuthenticator::publicCredential() const
{
    return {m_credentialId, m_rpId, m_privateKey.publicKey()};
}

QByteArray VirtualAuthenticator::publicCredentialJson() const
{
    return publicCredential().toJson();
}

Result<QByteArray> VirtualAuthenticator::answer(const QByteArray &authInfoJson, const QString &origin)
{
    Result<WebAuthnRequestOptions> options = WebAuthnRequestOptions::fromJson(authInfoJson);
    if (!options)
        return options.error();

    const QUrl url(origin);
    const QString host = url.host();
    if (!url.isValid() || (url.scheme() != QLatin1String("https") && url.scheme() != QLatin1String("http"))
        || host.isEmpty() || !url.path().isEmpty()) {
        return fail(ErrorCode::InvalidInput,
                    QStringLiteral("\"%1\" is not a web origin (scheme://host[:port]).").arg(origin));
    }
    const QString rpId = options->rpId.isEmpty() ? host : options->rpId;
    if (host != rpId && !host.endsWith(QLatin1Char('.') + rpId)) {
        return fail(
            ErrorCode::InvalidInput,
            QStringLiteral("The server asks for the rpId \"%1\", which the origin \"%2\" may not use.")
                .arg(rpId, origin));
    }
    if (rpId != m_rpId) {
        return fail(ErrorCode::InvalidInput,
                    QStringLiteral("The server asks for a credential of \"%1\", but this authenticator's "
                                   "credential belongs to \"%2\".")
                        .arg(rpId, m_rpId));
    }
    if (!options->allowCredentials.isEmpty() && !options->allowCredentials.contains(m_credentialId)) {
        return fail(ErrorCode::NoMatchingKey,
                    QStringLiteral("The server allows %1 credential(s), and this authenticator's credential "
                                   "is not one of them (it was registered elsewhere or removed).")
                        .arg(options->allowCredentials.size()));
    }
    if (m_signCount == std::numeric_limits<quint32>::max()) {
        return fail(ErrorCode::InvalidInput,
                    QStringLiteral("The authenticator's signature counter is exhausted."));
    }
    ++m_signCount;

    quint8 flags = AuthenticatorFlag::UserPresent;
    if (options->userVerification != UserVerification::Discouraged)
        flags |= AuthenticatorFlag::UserVerified;

    WebAuthnAssertion assertion;
    assertion.credentialId = m_credentialId;
    assertion.authenticatorData = AuthenticatorData::build(m_rpId, flags, m_signCount);
    assertion.clientDataJson = clientDataJson(options->challenge, origin);
    if (!m_userHandle.isEmpty())
        assertion.userHandle = m_userHandle;
    Result<QByteArray> raw
        = jose::Signature::sign(jose::JwsAlgorithm::ES256, m_privateKey,
                                webAuthnSignedData(assertion.authenticatorData, assertion.clientDataJson));
    if (!raw)
        return raw.error();
    assertion.signature = EcdsaDer::fromRaw(*raw);
    return assertion.toJson();
}

} // namespace mwauth::otp
