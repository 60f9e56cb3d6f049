#include "CurlExporter.h"

#include "trace/ExchangeRedaction.h"

#include <QSaveFile>

namespace mwauth::trace {

QString CurlExporter::shellQuote(const QString &text)
{
    QString out = text;
    out.replace(u'\'', QStringLiteral("'\\''"));
    return u'\'' + out + u'\'';
}

QString CurlExporter::command(const Exchange &exchange)
{
    QStringList parts {QStringLiteral("curl"), QStringLiteral("-sS")};
    if (exchange.method != "GET" || !exchange.requestBody.isEmpty())
        parts << QStringLiteral("-X") << shellQuote(QString::fromLatin1(exchange.method));
    for (const auto &header : exchange.requestHeaders) {
        // curl computes these itself.
        if (header.first.compare("Content-Length", Qt::CaseInsensitive) == 0
            || header.first.compare("Host", Qt::CaseInsensitive) == 0)
            continue;
        parts << QStringLiteral("-H")
              << shellQuote(QString::fromLatin1(header.first) + u": " + QString::fromUtf8(header.second));
    }
    if (!exchange.requestBody.isEmpty())
        parts << QStringLiteral("--data-binary") << shellQuote(QString::fromUtf8(exchange.requestBody));
    parts << shellQuote(exchange.url.toString(QUrl::FullyEncoded));
    return parts.join(u' ');
}

QString CurlExporter::script(const Trace &trace, bool revealSecrets)
{
    QString out = QStringLiteral("#!/bin/sh\n# MWAuth Console trace as curl commands%1\n")
                      .arg(revealSecrets ? QString() : QStringLiteral(" (secrets redacted)"));
    for (const Exchange &raw : trace.exchanges()) {
        const Exchange exchange = revealSecrets ? raw : redactedExchange(raw, trace.redactor());
        QString line = QStringLiteral("\n# %1 %2: %3 %4 -> %5")
                           .arg(exchange.id)
                           .arg(exchange.step.isEmpty() ? QStringLiteral("-") : exchange.step,
                                QString::fromLatin1(exchange.method), exchange.url.toString(),
                                exchange.status ? QString::number(exchange.status) : exchange.error);
        line.replace(u'\r', u' ');
        out += line.replace(u'\n', u' ').prepend(u'\n') + u'\n' + command(exchange) + u'\n';
    }
    return out;
}

Result<void> CurlExporter::write(const Trace &trace, const QString &path, bool revealSecrets)
{
    QSaveFile file(path);
    if (!file.open(QIODevice::WriteOnly))
        return fail(ErrorCode::Io, QStringLiteral("cannot write %1: %2").arg(path, file.errorString()));
    file.write(script(trace, revealSecrets).toUtf8());
    if (!file.commit())
        return fail(ErrorCode::Io, QStringLiteral("cannot write %1: %2").arg(path, file.errorString()));
    return {};
}

} // namespace mwauth::trace
