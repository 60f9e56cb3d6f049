#include "workbench/KeyMaterial.h"

#include <QCoreApplication>
#include <QJsonDocument>
#include <QJsonObject>
#include <QJsonParseError>

namespace mwauth::ui::KeyMaterial {

namespace {
QString tr(const char *text)
{
    return QCoreApplication::translate("mwauth::ui::KeyMaterial", text);
}

bool looksLikePem(const QString &trimmed)
{
    return trimmed.startsWith(u"-----BEGIN ");
}

bool looksLikeJson(const QString &trimmed)
{
    return trimmed.startsWith(u'{');
}

Result<jose::Jwks> parseJson(const QString &trimmed)
{
    if (looksLikePem(trimmed))
        return fail(ErrorCode::MalformedKey, tr("This is a PEM key, not JSON: choose the \"PEM\" key type."));
    QJsonParseError parseError;
    const QJsonDocument doc = QJsonDocument::fromJson(trimmed.toUtf8(), &parseError);
    if (parseError.error != QJsonParseError::NoError)
        return fail(ErrorCode::MalformedJson,
                    tr("The key is not valid JSON: %1 at character %2.")
                        .arg(parseError.errorString())
                        .arg(parseError.offset));
    if (!doc.isObject())
        return fail(ErrorCode::MalformedJson,
                    tr("The key must be a JSON object: a JWK, or a JWKS with a \"keys\" array."));
    const QJsonObject object = doc.object();
    if (object.contains(u"keys")) {
        Result<jose::Jwks> set = jose::Jwks::fromJson(object);
        if (!set)
            return set.error().prefixed(tr("JWKS"));
        if (set->isEmpty()) {
            QString reason = tr("The JWKS has no key this console can use.");
            if (!set->skipped().isEmpty())
                reason += QLatin1Char(' ') + set->skipped().join(QLatin1Char(' '));
            return fail(ErrorCode::NoMatchingKey, reason);
        }
        return set;
    }
    Result<jose::Jwk> key = jose::Jwk::fromJson(object);
    if (!key)
        return key.error().prefixed(tr("JWK"));
    return jose::Jwks({*key});
}
} // namespace

Result<jose::Jwks> parse(KeyMode mode, const QString &text)
{
    const QString trimmed = text.trimmed();
    if (trimmed.isEmpty())
        return fail(ErrorCode::InvalidInput, tr("No key yet: paste one to verify the signature."));
    switch (mode) {
    case KeyMode::JwksOrJwk:
        return parseJson(trimmed);
    case KeyMode::Pem: {
        if (looksLikeJson(trimmed))
            return fail(ErrorCode::MalformedKey,
                        tr("This is JSON, not PEM: choose the \"JWKS / JWK\" key type."));
        Result<jose::Jwk> key = jose::Jwk::fromPem(trimmed.toUtf8());
        if (!key)
            return key.error().prefixed(tr("PEM"));
        return jose::Jwks({key->publicKey()});
    }
    case KeyMode::Secret:
        return jose::Jwks({jose::Jwk::fromSecret(trimmed.toUtf8())});
    }
    return fail(ErrorCode::Internal, tr("Unknown key type."));
}

KeyMode detect(const QString &text, KeyMode current)
{
    if (current == KeyMode::Secret)
        return current;
    const QString trimmed = text.trimmed();
    if (looksLikePem(trimmed))
        return KeyMode::Pem;
    if (looksLikeJson(trimmed))
        return KeyMode::JwksOrJwk;
    return current;
}

} // namespace mwauth::ui::KeyMaterial
