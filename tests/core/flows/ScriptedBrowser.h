#pragma once

// A browser for the flow tests: a BrowserLauncher that, from the event loop, follows the
// redirects over HTTP with a cookie jar, fills in the login form (Special:UserLogin) and
// accepts the consent form (mw-mwoauth-authorize-form), until the redirect leaves for the
// loopback listener, which it then calls like a browser does. `tamper` may change that last
// URL (a forged state).

#include "flows/BrowserLauncher.h"

#include <QEventLoop>
#include <QNetworkAccessManager>
#include <QNetworkCookieJar>
#include <QNetworkReply>
#include <QRegularExpression>
#include <QTimer>
#include <QUrlQuery>

#include <functional>

namespace mwauth::flows::testing {

class ScriptedBrowser : public BrowserLauncher
{
public:
    ScriptedBrowser(QString user, QString password)
        : m_user(std::move(user))
        , m_password(std::move(password))
    {
        m_nam.setCookieJar(new QNetworkCookieJar(&m_nam));
    }

    Result<void> open(const QUrl &url) override
    {
        opened.append(url);
        QTimer::singleShot(0, &m_nam, [this, url] { browse(url); });
        return {};
    }

    std::function<QUrl(QUrl)> tamper; // applied to the callback URL before it is called
    QList<QUrl> opened;
    QList<int> callbackStatuses; // what the listener answered
    QString failure; // set when the browser got stuck

private:
    struct Page
    {
        int status = 0;
        QByteArray location;
        QByteArray body;
    };

    Page fetch(const QUrl &url, const QByteArray &postBody = {})
    {
        QNetworkRequest request(url);
        request.setAttribute(QNetworkRequest::RedirectPolicyAttribute, QNetworkRequest::ManualRedirectPolicy);
        QNetworkReply *reply;
        if (postBody.isNull()) {
            reply = m_nam.get(request);
        } else {
            request.setHeader(QNetworkRequest::ContentTypeHeader,
                              QByteArray("application/x-www-form-urlencoded"));
            reply = m_nam.post(request, postBody);
        }
        QEventLoop loop; // a test helper; the listener keeps serving in this loop
        QObject::connect(reply, &QNetworkReply::finished, &loop, &QEventLoop::quit);
        loop.exec();
        Page page {reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt(),
                   reply->rawHeader("Location"), reply->readAll()};
        reply->deleteLater();
        return page;
    }

    static QString unescape(QString text)
    {
        return text.replace(u"&quot;"_qs, u"\""_qs)
            .replace(u"&#39;"_qs, u"'"_qs)
            .replace(u"&lt;"_qs, u"<"_qs)
            .replace(u"&gt;"_qs, u">"_qs)
            .replace(u"&amp;"_qs, u"&"_qs);
    }

    void browse(QUrl url)
    {
        for (int hops = 0; hops < 20; ++hops) {
            if (url.host() == u"127.0.0.1" && url.port() != m_providerPort && m_providerPort != 0) {
                if (tamper)
                    url = tamper(url);
                callbackStatuses.append(fetch(url).status);
                return;
            }
            if (m_providerPort == 0)
                m_providerPort = url.port();
            const Page page = fetch(url);
            if (page.status >= 300 && page.status < 400) {
                url = url.resolved(QUrl::fromEncoded(page.location));
                continue;
            }
            const QString html = QString::fromUtf8(page.body);
            static const QRegularExpression formRe(u"<form[^>]*action=\"([^\"]*)\""_qs);
            static const QRegularExpression hiddenRe(
                u"<input type=\"hidden\" name=\"([^\"]*)\" value=\"([^\"]*)\""_qs);
            const QRegularExpressionMatch form = formRe.match(html);
            if (page.status != 200 || !form.hasMatch()) {
                failure = u"stuck at HTTP %1 %3: %2"_qs.arg(page.status)
                              .arg(html.mid(html.indexOf(u"<body"_qs), 700), url.toString());
                return;
            }
            QList<std::pair<QString, QString>> fields;
            for (auto it = hiddenRe.globalMatch(html); it.hasNext();) {
                const QRegularExpressionMatch m = it.next();
                fields.append({unescape(m.captured(1)), unescape(m.captured(2))});
            }
            if (html.contains(u"wpLoginToken"_qs)) {
                fields.append({u"wpName"_qs, m_user});
                fields.append({u"wpPassword"_qs, m_password});
            } else {
                fields.append({u"accept"_qs, u"1"_qs});
            }
            QByteArray body;
            for (const auto &[name, value] : std::as_const(fields))
                body += (body.isEmpty() ? "" : "&") + QUrl::toPercentEncoding(name) + '='
                    + QUrl::toPercentEncoding(value);
            const Page posted = fetch(url.resolved(QUrl(unescape(form.captured(1)))), body);
            if (posted.status < 300 || posted.status >= 400) {
                failure = u"form answered HTTP %1: %2"_qs.arg(posted.status)
                              .arg(QString::fromUtf8(posted.body.left(300)));
                return;
            }
            url = url.resolved(QUrl::fromEncoded(posted.location));
        }
        failure = u"too many hops"_qs;
    }

    QString m_user;
    QString m_password;
    QNetworkAccessManager m_nam;
    int m_providerPort = 0;
};

} // namespace mwauth::flows::testing
