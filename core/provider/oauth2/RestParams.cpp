#include "RestParams.h"

#include <QDateTime>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QJsonParseError>
#include <QLocale>
#include <QTimeZone>

namespace mwauth::provider {

namespace {

QString reasonPhrase(int status)
{
    switch (status) {
    case 400:
        return QStringLiteral("Bad Request");
    case 401:
        return QStringLiteral("Unauthorized");
    case 403:
        return QStringLiteral("Forbidden");
    case 404:
        return QStringLiteral("Not Found");
    case 405:
        return QStringLiteral("Method Not Allowed");
    case 409:
        return QStringLiteral("Conflict");
    default:
        return status >= 500 ? QStringLiteral("Internal Server Error") : QStringLiteral("Error");
    }
}

// Language::listToText in English: "a", "a and b", "a, b and c".
QString listText(const QStringList &items)
{
    if (items.size() < 2)
        return items.join(QString());
    return items.first(items.size() - 1).join(QStringLiteral(", ")) + QStringLiteral(" and ") + items.last();
}

QStringList quotedAll(const QStringList &items)
{
    QStringList quoted;
    for (const QString &item : items)
        quoted << u'"' + item + u'"';
    return quoted;
}

const QStringList &trueValues()
{
    static const QStringList values = {QStringLiteral("true"), QStringLiteral("t"),  QStringLiteral("yes"),
                                       QStringLiteral("y"),    QStringLiteral("on"), QStringLiteral("1")};
    return values;
}

const QStringList &falseValues()
{
    static const QStringList values = {QStringLiteral("false"), QStringLiteral("f"),   QStringLiteral("no"),
                                       QStringLiteral("n"),     QStringLiteral("off"), QStringLiteral("0")};
    return values;
}

// A JSON scalar as PHP would see it in a string parameter.
QString scalarText(const QJsonValue &value)
{
    if (value.isString())
        return value.toString();
    if (value.isBool())
        return value.toBool() ? QStringLiteral("1") : QString();
    if (value.isDouble())
        return QString::number(value.toDouble(), 'g', 17);
    return QString();
}

} // namespace

RestResponse restError(int status, const QString &errorKey, const QString &message, const QJsonObject &extra)
{
    QJsonObject body = extra;
    if (!errorKey.isEmpty())
        body.insert(QStringLiteral("errorKey"), errorKey);
    body.insert(QStringLiteral("messageTranslations"), QJsonObject {{QStringLiteral("en"), message}});
    body.insert(QStringLiteral("httpCode"), status);
    body.insert(QStringLiteral("httpReason"), reasonPhrase(status));
    return RestResponse::json(body, status);
}

RestResponse restWrongMethod(const QByteArray &method, const QStringList &allowed)
{
    const QString text = allowed.size() == 1
        ? QStringLiteral("The request method (%1) was not the allowed method for this path (%2)")
        : QStringLiteral("The request method (%1) was not one of the allowed methods for this path (%2)");
    RestResponse response
        = restError(405, QStringLiteral("rest-wrong-method"),
                    text.arg(QString::fromLatin1(method), allowed.join(QStringLiteral(", "))));
    response.addHeader("Allow", allowed.join(QStringLiteral(", ")).toLatin1());
    return response;
}

RestResponse restNoMatch(const QString &routePath)
{
    return restError(
        404, QStringLiteral("rest-no-match"),
        QStringLiteral("The requested relative path (%1) did not match any known handler").arg(routePath));
}

QString formattedTimestamp(const QString &mwTimestamp)
{
    QDateTime time = QDateTime::fromString(mwTimestamp, QStringLiteral("yyyyMMddHHmmss"));
    if (!time.isValid())
        return mwTimestamp;
    time.setTimeZone(QTimeZone::utc());
    return QLocale::c().toString(time, QStringLiteral("HH:mm, d MMMM yyyy"));
}

RestResponse ParamFailure::response() const
{
    return restError(400, QString(), message,
                     QJsonObject {{QStringLiteral("error"), QStringLiteral("parameter-validation-failed")},
                                  {QStringLiteral("name"), name},
                                  {QStringLiteral("value"), value},
                                  {QStringLiteral("failureCode"), code},
                                  {QStringLiteral("failureData"), data}});
}

RestParams RestParams::fromQuery(const HttpRequest &request)
{
    RestParams params;
    for (const auto &[key, value] : request.query)
        params.m_values.insert(QString::fromUtf8(key), QString::fromUtf8(value));
    return params;
}

Result<RestParams> RestParams::fromBody(const HttpRequest &request)
{
    RestParams params;
    const QByteArray type = request.header("Content-Type").split(';').first().trimmed().toLower();
    if (type == "application/json") {
        QJsonParseError error;
        const QJsonDocument document = QJsonDocument::fromJson(request.body, &error);
        if (error.error != QJsonParseError::NoError)
            return fail(ErrorCode::MalformedJson, error.errorString());
        if (!document.isObject())
            return fail(ErrorCode::MalformedJson, QStringLiteral("the body is not a JSON object"));
        const QJsonObject object = document.object();
        for (auto it = object.begin(); it != object.end(); ++it) {
            if (!it.value().isNull())
                params.m_values.insert(it.key(), it.value());
        }
        return params;
    }
    for (const auto &[key, value] : request.form)
        params.m_values.insert(QString::fromUtf8(key), QString::fromUtf8(value));
    return params;
}

void RestParams::setFailure(ParamFailure failure)
{
    if (!m_failure)
        m_failure = std::move(failure);
}

QString RestParams::string(const QString &name, bool required, const QString &fallback)
{
    if (failed())
        return fallback;
    const auto it = m_values.constFind(name);
    if (it != m_values.cend() && (it->isArray() || it->isObject())) {
        const QJsonDocument document
            = it->isArray() ? QJsonDocument(it->toArray()) : QJsonDocument(it->toObject());
        const QString text = QString::fromUtf8(document.toJson(QJsonDocument::Compact));
        setFailure({name, *it, QStringLiteral("badvalue"), QJsonValue(),
                    QStringLiteral("Unrecognized value for parameter \"%1\": %2.").arg(name, text)});
        return fallback;
    }
    if (it == m_values.cend() || (required && scalarText(*it).isEmpty())) {
        if (required) {
            setFailure({name, it == m_values.cend() ? QJsonValue() : *it, QStringLiteral("missingparam"),
                        QJsonValue(), QStringLiteral("The \"%1\" parameter must be set.").arg(name)});
        }
        return fallback;
    }
    return scalarText(*it);
}

bool RestParams::boolean(const QString &name, bool required)
{
    if (failed())
        return false;
    const auto it = m_values.constFind(name);
    if (it == m_values.cend()) {
        if (required) {
            setFailure({name, QJsonValue(), QStringLiteral("missingparam"), QJsonValue(),
                        QStringLiteral("The \"%1\" parameter must be set.").arg(name)});
        }
        return false;
    }
    if (it->isBool())
        return it->toBool();
    const QString text = scalarText(*it).toLower();
    if (!it->isArray() && !it->isObject()) {
        if (trueValues().contains(text))
            return true;
        if (text.isEmpty() || falseValues().contains(text))
            return false;
    }
    setFailure(
        {name, it->isString() ? *it : QJsonValue(text), QStringLiteral("badbool"), QJsonValue(),
         QStringLiteral("Invalid value \"%1\" for boolean parameter \"%2\". Pass %3 for true, or %4 for "
                        "false.")
             .arg(scalarText(*it), name, listText(quotedAll(trueValues())),
                  listText(quotedAll(falseValues()) << QStringLiteral("the empty string")))});
    return false;
}

QString RestParams::enumValue(const QString &name, const QStringList &allowed, const QString &fallback)
{
    if (failed())
        return fallback;
    const auto it = m_values.constFind(name);
    if (it == m_values.cend()) {
        if (fallback.isNull()) {
            setFailure({name, QJsonValue(), QStringLiteral("missingparam"), QJsonValue(),
                        QStringLiteral("The \"%1\" parameter must be set.").arg(name)});
        }
        return fallback;
    }
    const QString text = scalarText(*it);
    if (!it->isArray() && !it->isObject() && allowed.contains(text))
        return text;
    setFailure({name, text, QStringLiteral("badvalue"), QJsonValue(),
                QStringLiteral("Unrecognized value for parameter \"%1\": %2.").arg(name, text)});
    return fallback;
}

QStringList RestParams::multi(const QString &name, bool required, const QStringList &allowed)
{
    if (failed())
        return {};
    const auto it = m_values.constFind(name);
    if (it == m_values.cend()) {
        if (required) {
            setFailure({name, QJsonValue(), QStringLiteral("missingparam"), QJsonValue(),
                        QStringLiteral("The \"%1\" parameter must be set.").arg(name)});
        }
        return {};
    }
    QStringList values;
    if (it->isArray()) {
        const QJsonArray array = it->toArray();
        for (const QJsonValue &element : array)
            values << scalarText(element);
    } else {
        // ParamValidator::explodeMultiValue: "\x1f"-separated when it starts with one, else "|".
        const QString text = scalarText(*it);
        if (text.startsWith(QChar(0x1f)))
            values = text.sliced(1).split(QChar(0x1f));
        else if (!text.isEmpty())
            values = text.split(u'|');
    }
    QStringList result;
    for (const QString &value : std::as_const(values)) {
        if (!allowed.isEmpty() && !allowed.contains(value)) {
            setFailure({name, value, QStringLiteral("badvalue"), QJsonValue(),
                        QStringLiteral("Invalid value \"%1\" for parameter \"%2\". Allowed values are %3.")
                            .arg(value, name, listText(allowed))});
            return {};
        }
        if (!result.contains(value))
            result << value;
    }
    return result;
}

int RestParams::integer(const QString &name, int fallback, int min, int max)
{
    if (failed())
        return fallback;
    const auto it = m_values.constFind(name);
    if (it == m_values.cend())
        return fallback;
    const QString text = scalarText(*it);
    bool ok = false;
    const qlonglong value = text.toLongLong(&ok);
    if (!ok || it->isArray() || it->isObject() || it->isBool()) {
        setFailure({name, text, QStringLiteral("badinteger"), QJsonValue(),
                    QStringLiteral("Invalid value \"%1\" for integer parameter \"%2\".").arg(text, name)});
        return fallback;
    }
    if (value < min || value > max) {
        setFailure({name, text, QStringLiteral("outofrange"),
                    QJsonObject {{QStringLiteral("min"), min},
                                 {QStringLiteral("curmax"), max},
                                 {QStringLiteral("max"), max},
                                 {QStringLiteral("highmax"), max}},
                    QStringLiteral("The value \"%1\" for parameter \"%2\" must be between %3 and %4.")
                        .arg(text, name, QString::number(min), QString::number(max))});
        return fallback;
    }
    return int(value);
}

} // namespace mwauth::provider
