#pragma once

#include "common/Result.h"
#include "provider/server/ProviderRequest.h"
#include "provider/server/ProviderResponse.h"

#include <QHash>
#include <QJsonValue>
#include <QString>
#include <QStringList>

#include <optional>

namespace mwauth::provider {

// MediaWiki's REST error bodies (includes/Rest/ResponseFactory.php of 1.39):
//   {"messageTranslations": {"en": text}, "httpCode": N, "httpReason": reason, ...extra}
// `errorKey` (the message key) is added when not empty, as MediaWiki >= 1.41 does.
RestResponse restError(int status, const QString &errorKey, const QString &message,
                       const QJsonObject &extra = {});
// 405 rest-wrong-method with an Allow header listing `allowed` ("GET", "POST").
RestResponse restWrongMethod(const QByteArray &method, const QStringList &allowed);
// 404 rest-no-match, as the server answers a path nothing handles.
RestResponse restNoMatch(const QString &routePath);
// "HH:mm, d MMMM yyyy" in English (MediaWiki's default date format) of a MediaWiki
// timestamp "YYYYMMDDHHMMSS" (UTC); the timestamp itself when it does not parse.
QString formattedTimestamp(const QString &mwTimestamp);

// What a parameter check found wrong, as MediaWiki's ParamValidator reports it.
struct ParamFailure
{
    QString name;
    QJsonValue value; // null when the parameter was missing
    QString code; // missingparam, badvalue, badbool, badinteger, outofrange
    QJsonValue data; // failureData (null for most codes)
    QString message; // English, paramvalidator-<code>[-suffix]

    // 400 {"error": "parameter-validation-failed", "name", "value", "failureCode",
    // "failureData", "messageTranslations", "httpCode", "httpReason"}.
    RestResponse response() const;
};

// The parameters of one REST request with MediaWiki's typed getters. Values come from the
// query string (GET), a form body, or a JSON object body. Each getter checks one parameter;
// the first failure is kept (failure()) and later getters return their fallbacks, so a
// handler reads its parameters in declaration order and then checks failure() once, which
// reports the first bad parameter as MediaWiki's Validator does.
class RestParams
{
public:
    // The query string's fields (last one wins, as PHP's $_GET).
    static RestParams fromQuery(const HttpRequest &request);
    // The body: JSON when the Content-Type is application/json (a body that is not a JSON
    // object is an error: rest-json-body-parse-error), otherwise the form fields.
    static Result<RestParams> fromBody(const HttpRequest &request);

    bool has(const QString &name) const { return m_values.contains(name); }

    // StringDef: missing, or "" when required -> missingparam. Scalars of a JSON body are
    // taken as text; an array is badvalue.
    QString string(const QString &name, bool required, const QString &fallback = {});
    // BooleanDef: true/t/yes/y/on/1, false/f/no/n/off/0/"" (any case); JSON booleans.
    bool boolean(const QString &name, bool required = false);
    // EnumDef: one of `allowed`; absent -> `fallback`, or missingparam when it is null.
    QString enumValue(const QString &name, const QStringList &allowed, const QString &fallback = {});
    // A multi-value ("a|b", "\x1fa\x1fb", or a JSON array of strings); `allowed` empty = any
    // string. Duplicates are dropped; the order is kept.
    QStringList multi(const QString &name, bool required, const QStringList &allowed = {});
    // IntegerDef with a range: badinteger, outofrange.
    int integer(const QString &name, int fallback, int min, int max);

    const std::optional<ParamFailure> &failure() const { return m_failure; }

private:
    void setFailure(ParamFailure failure);
    bool failed() const { return m_failure.has_value(); }

    QHash<QString, QJsonValue> m_values;
    std::optional<ParamFailure> m_failure;
};

} // namespace mwauth::provider
