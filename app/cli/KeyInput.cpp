#include "KeyInput.h"

#include "HttpDownload.h"

#include "common/Redactor.h"

#include <QJsonDocument>
#include <QJsonObject>
#include <QUrl>

using namespace Qt::StringLiterals;

namespace mwauth::cli::KeyInput {

namespace {

Result<QJsonObject> parseObject(const QByteArray &data, const QString &what)
{
    QJsonParseError parseError;
    const QJsonDocument document = QJsonDocument::fromJson(data, &parseError);
    if (parseError.error != QJsonParseError::NoError)
        return fail(ErrorCode::MalformedJson,
                    u"The %1 is not valid JSON (%2 at offset %3)."_s.arg(what, parseError.errorString(),
                                                                         QString::number(parseError.offset)));
    if (!document.isObject())
        return fail(ErrorCode::MalformedJson, u"The %1 is JSON, but not a JSON object."_s.arg(what));
    return document.object();
}

} // namespace

Result<jose::Jwk> parseKey(const QByteArray &data)
{
    const QByteArray trimmed = data.trimmed();
    if (trimmed.startsWith('{')) {
        Result<QJsonObject> object = parseObject(trimmed, u"key"_s);
        if (!object)
            return object.error();
        if (!object->contains(u"kty"_s))
            return fail(ErrorCode::MalformedKey,
                        u"The key is a JSON object but not a JWK: it has no \"kty\" member."_s);
        return jose::Jwk::fromJson(*object);
    }
    if (trimmed.startsWith("-----BEGIN "))
        return jose::Jwk::fromPem(trimmed);
    if (trimmed.isEmpty())
        return fail(ErrorCode::MalformedKey, u"The key is empty."_s);
    return fail(ErrorCode::MalformedKey,
                u"The key is neither a JWK (a JSON object) nor a PEM key (\"-----BEGIN ...\")."_s);
}

Result<jose::Jwks> parseKeySet(const QByteArray &data)
{
    Result<QJsonObject> object = parseObject(data.trimmed(), u"key set"_s);
    if (!object)
        return object.error();
    if (object->contains(u"keys"_s))
        return jose::Jwks::fromJson(*object);
    if (object->contains(u"kty"_s)) {
        Result<jose::Jwk> key = jose::Jwk::fromJson(*object);
        if (!key)
            return key.error();
        return jose::Jwks({*key});
    }
    return fail(ErrorCode::MalformedKey,
                u"The JSON object is neither a JWK Set (no \"keys\" member) nor a JWK (no \"kty\")."_s);
}

bool isUrl(const QString &source)
{
    return source.startsWith(u"http://"_s, Qt::CaseInsensitive)
        || source.startsWith(u"https://"_s, Qt::CaseInsensitive);
}

Result<jose::Jwks> loadKeySet(CommandContext &context, const QString &source, int timeoutMs)
{
    QByteArray data;
    QString origin;
    if (isUrl(source)) {
        const QUrl url(source, QUrl::StrictMode);
        origin = Redactor().url(source);
        if (!url.isValid() || url.host().isEmpty())
            return fail(ErrorCode::MalformedUrl,
                        u"The JWKS URL %1 is not a valid URL."_s.arg(CommandContext::printable(origin)));
        Result<QByteArray> body
            = HttpDownload::get(context.network(), url, {timeoutMs, CommandContext::maxInputSize});
        if (!body)
            return body.error();
        data = *body;
    } else {
        origin = source == u"-" ? u"standard input"_s : CommandContext::printable(source);
        Result<QByteArray> content = context.readInput(source);
        if (!content)
            return content.error();
        data = *content;
    }
    Result<jose::Jwks> keys = parseKeySet(data);
    if (!keys)
        return keys.error().prefixed(u"JWKS from %1"_s.arg(origin));
    return keys;
}

} // namespace mwauth::cli::KeyInput
