#include "ExchangeRedaction.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QUrl>

namespace mwauth::trace {

namespace {

bool secretName(const QString &name)
{
    return Redactor::isSecretName(name) || name.compare(u"credential", Qt::CaseInsensitive) == 0
        || name.compare(u"RecoveryCode", Qt::CaseInsensitive) == 0;
}

QString decodeComponent(QByteArray raw)
{
    raw.replace('+', ' ');
    return QUrl::fromPercentEncoding(raw);
}

HeaderList redactedHeaders(const HeaderList &headers, const Redactor &redactor)
{
    HeaderList out;
    for (const auto &header : headers) {
        const QString name = QString::fromLatin1(header.first);
        out.append({header.first, redactor.header(name, QString::fromUtf8(header.second)).toUtf8()});
    }
    return out;
}

} // namespace

QByteArray redactedForm(const QByteArray &encoded, const Redactor &redactor)
{
    QByteArrayList pairs = encoded.split('&');
    for (QByteArray &pair : pairs) {
        const qsizetype eq = pair.indexOf('=');
        const QByteArray rawName = eq < 0 ? pair : pair.left(eq);
        const QByteArray rawValue = eq < 0 ? QByteArray() : pair.mid(eq + 1);
        const QString name = decodeComponent(rawName);
        const QString value = decodeComponent(rawValue);
        if (eq >= 0 && !rawValue.isEmpty() && (secretName(name) || redactor.text(value) != value))
            pair = rawName + '=' + Redactor::mask.toUtf8();
        else if (redactor.text(name) != name)
            pair = Redactor::mask.toUtf8() + (eq < 0 ? QByteArray() : '=' + rawValue);
    }
    return pairs.join('&');
}

QUrl redactedUrl(const QUrl &url, const Redactor &redactor)
{
    QUrl out = url;
    if (!out.userInfo().isEmpty())
        out.setUserInfo(Redactor::mask);
    if (out.hasQuery())
        out.setQuery(QString::fromLatin1(redactedForm(out.query(QUrl::FullyEncoded).toLatin1(), redactor)),
                     QUrl::TolerantMode);
    if (out.hasFragment())
        out.setFragment(
            QString::fromLatin1(redactedForm(out.fragment(QUrl::FullyEncoded).toLatin1(), redactor)),
            QUrl::TolerantMode);
    const QString path = out.path();
    if (redactor.text(path) != path)
        out.setPath(redactor.text(path));
    return out;
}

QByteArray redactedBody(const QByteArray &body, const QByteArray &contentType, const Redactor &redactor)
{
    if (body.isEmpty())
        return body;
    const QByteArray type = contentType.toLower();
    if (type.contains("x-www-form-urlencoded"))
        return redactedForm(body, redactor);
    if (type.contains("json") || body.trimmed().startsWith('{') || body.trimmed().startsWith('[')) {
        QJsonParseError error;
        const QJsonDocument document = QJsonDocument::fromJson(body, &error);
        if (error.error == QJsonParseError::NoError) {
            const QJsonValue masked = redactor.json(document.isObject() ? QJsonValue(document.object())
                                                                        : QJsonValue(document.array()));
            return masked.isObject() ? QJsonDocument(masked.toObject()).toJson(QJsonDocument::Compact)
                                     : QJsonDocument(masked.toArray()).toJson(QJsonDocument::Compact);
        }
    }
    return redactor.text(QString::fromUtf8(body)).toUtf8();
}

Exchange redactedExchange(const Exchange &exchange, const Redactor &redactor)
{
    Exchange out = exchange;
    out.url = redactedUrl(exchange.url, redactor);
    out.requestHeaders = redactedHeaders(exchange.requestHeaders, redactor);
    out.responseHeaders = redactedHeaders(exchange.responseHeaders, redactor);
    out.requestBody = redactedBody(exchange.requestBody, exchange.requestHeader("Content-Type"), redactor);
    out.responseBody = redactedBody(exchange.responseBody, exchange.responseHeader("Content-Type"), redactor);
    QList<QUrl> from;
    for (const QUrl &url : exchange.redirectedFrom)
        from.append(redactedUrl(url, redactor));
    out.redirectedFrom = from;
    out.error = redactor.text(exchange.error);
    out.note = redactor.text(exchange.note);
    return out;
}

} // namespace mwauth::trace
