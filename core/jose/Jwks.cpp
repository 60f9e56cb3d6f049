#include "jose/Jwks.h"

#include "JsonStrict.h"

#include "common/Logging.h"

#include <QJsonArray>
#include <QSet>

namespace mwauth::jose {

namespace {

constexpr qsizetype maxKeys = 100;
constexpr qsizetype maxJwksJsonSize = 1024 * 1024;

} // namespace

Result<Jwks> Jwks::fromJson(QByteArrayView json)
{
    if (json.size() > maxJwksJsonSize) {
        return fail(ErrorCode::MalformedJson,
                    QStringLiteral("The JWKS is %1 bytes long; more than %2 are not accepted.")
                        .arg(json.size())
                        .arg(maxJwksJsonSize));
    }
    Result<QJsonObject> object
        = JsonStrict::parseObject(json, ErrorCode::MalformedJson, QStringLiteral("The JWKS"));
    if (!object)
        return object.error();
    return fromJson(*object);
}

Result<Jwks> Jwks::fromJson(const QJsonObject &object)
{
    const QJsonValue keysValue = object.value(QStringLiteral("keys"));
    if (keysValue.isUndefined()) {
        return fail(ErrorCode::MalformedJson,
                    QStringLiteral("The JWKS has no \"keys\" member (a JWK set is "
                                   "{\"keys\": [...]})."));
    }
    if (!keysValue.isArray()) {
        return fail(ErrorCode::MalformedJson, QStringLiteral("The JWKS member \"keys\" is not an array."));
    }
    const QJsonArray entries = keysValue.toArray();
    if (entries.size() > maxKeys) {
        return fail(ErrorCode::MalformedJson,
                    QStringLiteral("The JWKS has %1 keys; more than %2 are not accepted.")
                        .arg(entries.size())
                        .arg(maxKeys));
    }
    // Duplicate kids are checked over every entry, usable or not: a set in which one
    // kid names two keys is ambiguous whichever of them we could read.
    QSet<QString> kids;
    for (const QJsonValue &entry : entries) {
        const QJsonValue kid = entry.toObject().value(QStringLiteral("kid"));
        if (!kid.isString())
            continue;
        if (kids.contains(kid.toString())) {
            return fail(ErrorCode::MalformedKey,
                        QStringLiteral("The JWKS has more than one key with kid '%1'; a kid must "
                                       "name one key.")
                            .arg(kid.toString().left(80)));
        }
        kids.insert(kid.toString());
    }

    Jwks set;
    for (qsizetype i = 0; i < entries.size(); ++i) {
        const QJsonValue entry = entries.at(i);
        const QString label = entry.toObject().value(QStringLiteral("kid")).isString()
            ? QStringLiteral("key %1 (kid '%2')")
                  .arg(i + 1)
                  .arg(entry.toObject().value(QStringLiteral("kid")).toString().left(80))
            : QStringLiteral("key %1").arg(i + 1);
        if (!entry.isObject()) {
            set.m_skipped.append(label + QStringLiteral(": not a JSON object"));
            continue;
        }
        Result<Jwk> key = Jwk::fromJson(entry.toObject());
        if (!key) {
            set.m_skipped.append(label + QStringLiteral(": ") + key.error().message());
            qCDebug(log::jose).noquote() << "JWKS: skipped" << set.m_skipped.last();
            continue;
        }
        set.m_keys.append(std::move(key).value());
    }
    return set;
}

QList<Jwk> Jwks::candidates(const QString &kid, JwsAlgorithm alg) const
{
    QList<Jwk> out;
    for (const Jwk &key : m_keys) {
        if (!kid.isEmpty() && key.kid() != kid)
            continue;
        if (key.checkAlgorithm(alg))
            out.append(key);
    }
    return out;
}

QJsonObject Jwks::toPublicJson() const
{
    QJsonArray keys;
    for (const Jwk &key : m_keys) {
        const QJsonObject pub = key.toPublicJson();
        if (!pub.isEmpty())
            keys.append(pub);
    }
    QJsonObject object;
    object.insert(QStringLiteral("keys"), keys);
    return object;
}

} // namespace mwauth::jose
