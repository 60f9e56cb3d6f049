#include "HttpDownload.h"

#include "CommandContext.h"

#include "common/Redactor.h"

#include <QEventLoop>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QNetworkRequest>
#include <QTimer>

#include <memory>

using namespace Qt::StringLiterals;

namespace mwauth::cli::HttpDownload {

Result<QByteArray> get(QNetworkAccessManager &network, const QUrl &url, Limits limits)
{
    const QString shown = CommandContext::printable(Redactor().url(url.toString()));
    const QString scheme = url.scheme().toLower();
    if (scheme != u"http" && scheme != u"https")
        return fail(ErrorCode::MalformedUrl,
                    u"Only http and https URLs can be fetched, not %1."_s.arg(shown));

    QNetworkRequest request(url);
    request.setAttribute(QNetworkRequest::RedirectPolicyAttribute, QNetworkRequest::NoLessSafeRedirectPolicy);
    request.setMaximumRedirectsAllowed(5);
    request.setHeader(QNetworkRequest::UserAgentHeader, QByteArray("mwauth/" MWAUTH_VERSION));
    request.setRawHeader("Accept", "application/jwk-set+json, application/json");

    const std::unique_ptr<QNetworkReply> reply(network.get(request));
    bool timedOut = false;
    bool tooLarge = false;
    QEventLoop loop;
    QTimer deadline;
    deadline.setSingleShot(true);
    QObject::connect(&deadline, &QTimer::timeout, &loop, [&] {
        timedOut = true;
        reply->abort();
    });
    QObject::connect(reply.get(), &QNetworkReply::downloadProgress, &loop,
                     [&](qint64 received, qint64 total) {
                         if (received > limits.maxBytes || total > limits.maxBytes) {
                             tooLarge = true;
                             reply->abort();
                         }
                     });
    QObject::connect(reply.get(), &QNetworkReply::finished, &loop, &QEventLoop::quit);
    deadline.start(limits.timeoutMs);
    if (!reply->isFinished())
        loop.exec();
    deadline.stop();

    if (timedOut)
        return fail(ErrorCode::Timeout,
                    u"No complete answer from %1 within %2 seconds."_s.arg(
                        shown, QString::number(limits.timeoutMs / 1000.0)));
    if (tooLarge)
        return fail(ErrorCode::Network,
                    u"The answer from %1 is larger than %2 bytes; refused."_s.arg(
                        shown, QString::number(limits.maxBytes)));
    const int status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
    if (reply->error() != QNetworkReply::NoError && status == 0)
        return fail(ErrorCode::Network, u"Could not fetch %1: %2."_s.arg(shown, reply->errorString()));
    if (status != 200) {
        const QString reason = reply->attribute(QNetworkRequest::HttpReasonPhraseAttribute).toString();
        return fail(ErrorCode::Network,
                    u"The server answered HTTP %1%2 for %3; expected 200."_s.arg(
                        QString::number(status),
                        reason.isEmpty() ? QString() : u" ("_s + CommandContext::printable(reason, 60) + u')',
                        shown));
    }
    const QByteArray body = reply->readAll();
    if (body.size() > limits.maxBytes)
        return fail(ErrorCode::Network,
                    u"The answer from %1 is larger than %2 bytes; refused."_s.arg(
                        shown, QString::number(limits.maxBytes)));
    return body;
}

} // namespace mwauth::cli::HttpDownload
