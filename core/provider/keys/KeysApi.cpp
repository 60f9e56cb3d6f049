#include "KeysApi.h"

#include "common/Logging.h"

#include <QJsonDocument>

using namespace Qt::StringLiterals;

namespace mwauth::provider {

namespace {

// MediaWiki's REST error body, as the server's own REST errors.
RestResponse restError(int status, const QString &reason, const QString &message)
{
    return ProviderResponse::json(
        QJsonObject {
            {u"messageTranslations"_s, QJsonObject {{u"en"_s, message}}},
            {u"httpCode"_s, status},
            {u"httpReason"_s, reason},
        },
        status);
}

} // namespace

KeysApi::KeysApi(SigningKeyStore &keys)
    : m_keys(keys)
{ }

void KeysApi::install(ProviderServer &server)
{
    server.setRestRoute(QString::fromLatin1(Route),
                        [this](const RestRequest &request) { return jwks(request); });
}

RestResponse KeysApi::jwks(const RestRequest &request)
{
    if (request.method != "GET" && request.method != "HEAD") {
        RestResponse response = restError(
            405, u"Method Not Allowed"_s,
            u"The JWKS is read with GET; %1 is not allowed."_s.arg(QString::fromLatin1(request.method)));
        response.addHeader("Allow", "GET, HEAD");
        return response;
    }
    const Result<QJsonObject> keys = m_keys.publishedJwks();
    if (!keys) {
        qCWarning(log::providerServer) << "JWKS:" << keys.error().toString();
        return restError(500, u"Internal Server Error"_s,
                         u"The provider's signing keys could not be read."_s);
    }
    RestResponse response;
    response.contentType = "application/json";
    if (m_servedBody.isEmpty() || *keys != m_servedKeys) {
        m_servedKeys = *keys;
        m_servedBody = QJsonDocument(*keys).toJson(QJsonDocument::Compact);
    }
    response.body = m_servedBody;
    response.addHeader("Cache-Control", "public, max-age=" + QByteArray::number(CacheMaxAge));
    return response;
}

} // namespace mwauth::provider
