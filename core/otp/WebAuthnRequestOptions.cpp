#include "WebAuthnRequestOptions.h"

#include "jose/Base64Url.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>

namespace mwauth::otp {

QString userVerificationName(UserVerification uv)
{
    switch (uv) {
    case UserVerification::Required:
        return QStringLiteral("required");
    case UserVerification::Preferred:
        return QStringLiteral("preferred");
    case UserVerification::Discouraged:
        return QStringLiteral("discouraged");
    }
    return QStringLiteral("preferred");
}

namespace WebAuthnBase64 {

QByteArray encodePadded(QByteArrayView data)
{
    return QByteArray(data.data(), data.size()).toBase64();
}

Result<QByteArray> decodePadded(QByteArrayView text, const QString &what)
{
    auto bad = [&what](const QString &why) {
        return fail(ErrorCode::MalformedBase64,
                    QStringLiteral("%1 is not valid padded base64: %2").arg(what, why));
    };
    if (text.size() % 4 != 0)
        return bad(QStringLiteral("its length %1 is not a multiple of 4.").arg(text.size()));
    qsizetype padding = 0;
    while (padding < 2 && padding < text.size() && text[text.size() - 1 - padding] == '=')
        ++padding;
    QByteArray body(text.data(), text.size() - padding);
    for (qsizetype i = 0; i < body.size(); ++i) {
        const char c = body[i];
        if (c == '-' || c == '_' || c == '=') {
            return bad(QStringLiteral("character '%1' at position %2 is not allowed; only A-Z, a-z, "
                                      "0-9, '+', '/' and final '=' padding are.")
                           .arg(QLatin1Char(c))
                           .arg(i + 1));
        }
        if (c == '+')
            body[i] = '-';
        else if (c == '/')
            body[i] = '_';
    }
    const qsizetype needed = body.size() % 4 == 0 ? 0 : 4 - body.size() % 4;
    if (needed == 3 || needed != padding)
        return bad(QStringLiteral("the '=' padding does not fit its length."));
    Result<QByteArray> decoded = jose::Base64Url::decode(body);
    if (!decoded)
        return bad(jose::Base64Url::reason(decoded.error()));
    return decoded;
}

Result<QByteArray> decodeUnpadded(QByteArrayView text, const QString &what)
{
    Result<QByteArray> decoded = jose::Base64Url::decode(text);
    if (!decoded) {
        return fail(ErrorCode::MalformedBase64,
                    QStringLiteral("%1 is not valid base64url: %2")
                        .arg(what, jose::Base64Url::reason(decoded.error())));
    }
    return decoded;
}

} // namespace WebAuthnBase64

namespace {

Error malformed(const QString &why)
{
    return fail(ErrorCode::MalformedJson,
                QStringLiteral("The WebAuthn request options (auth_info) %1").arg(why));
}

} // namespace

Result<WebAuthnRequestOptions> WebAuthnRequestOptions::fromJson(QByteArrayView json)
{
    QJsonParseError parseError;
    const QJsonDocument document = QJsonDocument::fromJson(QByteArray(json.data(), json.size()), &parseError);
    if (parseError.error != QJsonParseError::NoError)
        return malformed(QStringLiteral("are not valid JSON: %1.").arg(parseError.errorString()));
    if (!document.isObject())
        return malformed(QStringLiteral("are not a JSON object."));
    const QJsonObject object = document.object();

    WebAuthnRequestOptions options;
    const QJsonValue challenge = object.value(QLatin1String("challenge"));
    if (!challenge.isString())
        return malformed(QStringLiteral("have no \"challenge\" string."));
    Result<QByteArray> challengeBytes = WebAuthnBase64::decodePadded(
        challenge.toString().toLatin1(), QStringLiteral("The auth_info challenge"));
    if (!challengeBytes)
        return challengeBytes.error();
    if (challengeBytes->isEmpty())
        return fail(ErrorCode::InvalidInput, QStringLiteral("The auth_info challenge is empty."));
    options.challenge = *challengeBytes;

    if (object.contains(QLatin1String("rpId"))) {
        const QJsonValue rpId = object.value(QLatin1String("rpId"));
        if (!rpId.isString())
            return malformed(QStringLiteral("have an \"rpId\" that is not a string."));
        options.rpId = rpId.toString();
    }

    if (object.contains(QLatin1String("allowCredentials"))) {
        const QJsonValue list = object.value(QLatin1String("allowCredentials"));
        if (!list.isArray())
            return malformed(QStringLiteral("have an \"allowCredentials\" that is not a list."));
        const QJsonArray entries = list.toArray();
        for (qsizetype i = 0; i < entries.size(); ++i) {
            const QJsonObject entry = entries.at(i).toObject();
            const QJsonValue id = entry.value(QLatin1String("id"));
            if (!entries.at(i).isObject() || !id.isString())
                return malformed(
                    QStringLiteral("have an allowCredentials entry %1 without an \"id\" string.").arg(i + 1));
            const QJsonValue type = entry.value(QLatin1String("type"));
            if (!type.isUndefined() && type.toString() != QLatin1String("public-key")) {
                return malformed(
                    QStringLiteral("have an allowCredentials entry %1 whose type is not \"public-key\".")
                        .arg(i + 1));
            }
            Result<QByteArray> idBytes = WebAuthnBase64::decodePadded(
                id.toString().toLatin1(), QStringLiteral("The auth_info allowCredentials id %1").arg(i + 1));
            if (!idBytes)
                return idBytes.error();
            options.allowCredentials.append(*idBytes);
        }
    }

    if (object.contains(QLatin1String("userVerification"))) {
        const QString uv = object.value(QLatin1String("userVerification")).toString();
        if (uv == QLatin1String("required"))
            options.userVerification = UserVerification::Required;
        else if (uv == QLatin1String("preferred"))
            options.userVerification = UserVerification::Preferred;
        else if (uv == QLatin1String("discouraged"))
            options.userVerification = UserVerification::Discouraged;
        else
            return malformed(QStringLiteral("have an unknown userVerification \"%1\".").arg(uv));
    }

    if (object.contains(QLatin1String("timeout"))) {
        const QJsonValue timeout = object.value(QLatin1String("timeout"));
        const double ms = timeout.toDouble(-1);
        if (!timeout.isDouble() || ms < 0 || ms > 2147483647.0)
            return malformed(QStringLiteral("have a \"timeout\" that is not a number of milliseconds."));
        options.timeoutMs = static_cast<int>(ms);
    }
    return options;
}

QByteArray WebAuthnRequestOptions::toJson() const
{
    QJsonObject object;
    object.insert(QLatin1String("challenge"), QString::fromLatin1(WebAuthnBase64::encodePadded(challenge)));
    if (!rpId.isEmpty())
        object.insert(QLatin1String("rpId"), rpId);
    QJsonArray list;
    for (const QByteArray &id : allowCredentials) {
        list.append(
            QJsonObject {{QLatin1String("type"), QStringLiteral("public-key")},
                         {QLatin1String("id"), QString::fromLatin1(WebAuthnBase64::encodePadded(id))}});
    }
    object.insert(QLatin1String("allowCredentials"), list);
    object.insert(QLatin1String("userVerification"), userVerificationName(userVerification));
    if (timeoutMs)
        object.insert(QLatin1String("timeout"), *timeoutMs);
    return QJsonDocument(object).toJson(QJsonDocument::Compact);
}

} // namespace mwauth::otp
