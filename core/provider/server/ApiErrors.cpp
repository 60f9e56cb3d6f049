#include "ApiErrors.h"

#include <QStringList>

namespace mwauth::provider {

ApiFormatVersion apiFormatVersion(const ApiRequest &request)
{
    const QString version = request.param(QStringLiteral("formatversion"));
    if (version == u"2" || version == u"latest")
        return ApiFormatVersion::V2;
    return ApiFormatVersion::V1;
}

QString apiDocRef(const QString &apiUrl)
{
    return u"See " % apiUrl
        % u" for API usage. Subscribe to the mediawiki-api-announce mailing list at "
          u"&lt;https://lists.wikimedia.org/postorius/lists/mediawiki-api-announce.lists.wikimedia.org/&gt; "
          u"for notice of API deprecations and breaking changes.";
}

QJsonObject apiErrorObject(ApiFormatVersion version, const QString &code, const QString &info,
                           const QString &docRef)
{
    QJsonObject error {
        {QStringLiteral("code"), code},
        {QStringLiteral("info"), info},
    };
    error.insert(version == ApiFormatVersion::V2 ? QStringLiteral("docref") : QStringLiteral("*"), docRef);
    return QJsonObject {{QStringLiteral("error"), error}};
}

ApiResponse apiError(ApiFormatVersion version, const QString &apiUrl, const QString &code,
                     const QString &info)
{
    ApiResponse response = ProviderResponse::json(apiErrorObject(version, code, info, apiDocRef(apiUrl)));
    response.addHeader("MediaWiki-API-Error", code.toUtf8());
    addApiHeaders(response);
    return response;
}

ApiResponse apiError(const ApiRequest &request, const QString &code, const QString &info)
{
    return apiError(apiFormatVersion(request), request.apiUrl(), code, info);
}

void addApiHeaders(ApiResponse &response)
{
    const std::pair<QByteArray, QByteArray> defaults[] = {
        {"X-Content-Type-Options", "nosniff"},
        {"X-Frame-Options", "DENY"},
        {"Content-Disposition", "inline; filename=api-result.json"},
        {"Cache-Control", "private, must-revalidate, max-age=0"},
    };
    for (const auto &[name, value] : defaults) {
        if (!response.hasHeader(name))
            response.addHeader(name, value);
    }
}

namespace apimessages {

QString unrecognizedValue(const QString &param, const QString &value)
{
    return u"Unrecognized value for parameter \"" % param % u"\": " % value % u'.';
}

QString badUtf8(const QString &param)
{
    return u"The value passed for \"" % param
        % u"\" contains invalid or non-normalized data. Textual data should be valid, NFC-normalized Unicode "
          u"without C0 control characters other than HT (\\t), LF (\\n), and CR (\\r).";
}

QString mustPostParams(const QStringList &params)
{
    const QString head = params.size() == 1 ? QStringLiteral("The following parameter was")
                                            : QStringLiteral("The following parameters were");
    return head % u" found in the query string, but must be in the POST body: " % params.join(u", ") % u'.';
}

} // namespace apimessages

} // namespace mwauth::provider
