#pragma once

// The provider stack the page tests run against: an in-memory database and its users, a
// session store, the login API and the login pages on a ProviderServer at a free port, with
// the default layout ("/w" script path, wiki id "mwauthwiki"). And a small "browser" that
// keeps cookies, sends forms and reads the pages' hidden fields.
//
//   PagesTestProvider provider(clock, random);
//   QCOMPARE(provider.open(), QString());    // database and users
//   provider.users()->createUser(...);       // the test's accounts
//   QCOMPARE(provider.start(), QString());   // server, API and pages

#include "ProviderTestSupport.h"
#include "common/Clock.h"
#include "common/Random.h"
#include "http/FormCodec.h"
#include "provider/accounts/PasswordHasher.h"
#include "provider/accounts/UserStore.h"
#include "provider/db/ProviderDatabase.h"
#include "provider/login/LoginApi.h"
#include "provider/login/LoginService.h"
#include "provider/pages/LoginPages.h"
#include "provider/server/ProviderServer.h"
#include "provider/server/SessionStore.h"

#include <QRegularExpression>
#include <memory>

namespace mwauth::provider::testing {

class PagesTestProvider
{
public:
    PagesTestProvider(const Clock &clock, Random &random)
        : m_clock(clock)
        , m_random(random)
        , m_hasher(random, 1000) // cheap hashes: the tests log in often
    { }

    QString open()
    {
        auto db = ProviderDatabase::open(QStringLiteral(":memory:"));
        if (!db)
            return db.error().toString();
        m_db = std::move(*db);
        m_users = std::make_unique<UserStore>(*m_db, m_hasher, m_clock);
        return {};
    }

    QString start()
    {
        m_server = std::make_unique<ProviderServer>(&m_random);
        m_server->setSessionStore(&m_sessions);
        m_login
            = std::make_unique<LoginService>(*m_users, *m_db, m_clock, m_random, QStringLiteral("127.0.0.1"));
        m_api = std::make_unique<LoginApi>(*m_login, *m_users, m_clock, m_random);
        m_api->install(*m_server);
        m_pages = std::make_unique<LoginPages>(*m_login, *m_users, m_clock, m_random);
        m_pages->install(*m_server);
        const Result<void> started = m_server->start(0);
        return started ? QString() : started.error().toString();
    }

    UserStore *users() const { return m_users.get(); }
    ProviderServer *server() const { return m_server.get(); }
    InMemorySessionStore &sessions() { return m_sessions; }

private:
    // Declared so that destruction runs server, pages, API, login service, sessions, users.
    const Clock &m_clock;
    Random &m_random;
    PasswordHasher m_hasher;
    std::unique_ptr<ProviderDatabase> m_db;
    std::unique_ptr<UserStore> m_users;
    InMemorySessionStore m_sessions;
    std::unique_ptr<LoginService> m_login;
    std::unique_ptr<LoginApi> m_api;
    std::unique_ptr<LoginPages> m_pages;
    std::unique_ptr<ProviderServer> m_server;
};

// A browser without JavaScript: keeps the cookies the server sets (and drops expired ones),
// sends them back, and posts forms.
class TestBrowser
{
public:
    explicit TestBrowser(const ProviderServer &server)
        : m_server(server)
    {
        m_nam.setCookieJar(nullptr); // the cookies are kept here, explicitly
    }

    Reply get(const QString &pathAndQuery) { return send("GET", pathAndQuery, {}); }
    Reply post(const QString &pathAndQuery, const http::FormFields &fields)
    {
        return send("POST", pathAndQuery, http::encodeForm(fields, true));
    }

    Reply send(const QByteArray &method, const QString &pathAndQuery, const QByteArray &body)
    {
        QList<std::pair<QByteArray, QByteArray>> headers;
        QByteArrayList pairs;
        for (auto it = m_cookies.cbegin(); it != m_cookies.cend(); ++it)
            pairs.append(it.key() + '=' + it.value());
        if (!pairs.isEmpty())
            headers.append({"Cookie", pairs.join("; ")});
        Reply reply = sendRequest(method, url(m_server, pathAndQuery), body, headers);
        const QList<QByteArray> cookies = reply.header("Set-Cookie").split('\n');
        for (const QByteArray &cookie : cookies) {
            const qsizetype eq = cookie.indexOf('=');
            if (eq <= 0)
                continue;
            const QByteArray name = cookie.first(eq);
            const QByteArray value = cookie.mid(eq + 1, cookie.indexOf(';') - eq - 1);
            if (cookie.contains("Max-Age=0"))
                m_cookies.remove(name);
            else
                m_cookies.insert(name, value);
        }
        return reply;
    }

    QByteArray sessionId() const { return m_cookies.value(m_server.sessionCookieName()); }
    void setSessionId(const QByteArray &id) { m_cookies.insert(m_server.sessionCookieName(), id); }
    QMap<QByteArray, QByteArray> &cookies() { return m_cookies; }

    // The logged-in user's name according to api.php meta=userinfo ("" when anonymous).
    QString apiUserName()
    {
        const Reply reply = get(u"/w/api.php?action=query&meta=userinfo&format=json&formatversion=2"_qs);
        const QJsonObject info = reply.json()[u"query"_qs][u"userinfo"_qs].toObject();
        return info.value(u"anon"_qs).toBool() ? QString() : info.value(u"name"_qs).toString();
    }

private:
    // Like TestHttpClient::send, but redirects are not followed: the tests read the 302s.
    Reply sendRequest(const QByteArray &method, const QUrl &target, const QByteArray &body,
                      const QList<std::pair<QByteArray, QByteArray>> &headers)
    {
        QNetworkRequest request(target);
        request.setAttribute(QNetworkRequest::RedirectPolicyAttribute, QNetworkRequest::ManualRedirectPolicy);
        if (method == "POST")
            request.setHeader(QNetworkRequest::ContentTypeHeader,
                              QByteArray("application/x-www-form-urlencoded"));
        for (const auto &[name, value] : headers)
            request.setRawHeader(name, value);
        QNetworkReply *reply = m_nam.sendCustomRequest(request, method, body);
        QSignalSpy finished(reply, &QNetworkReply::finished);
        Reply result;
        if (!finished.wait(10000) && !reply->isFinished()) {
            result.error = QNetworkReply::TimeoutError;
        } else {
            result.status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
            result.error = reply->error();
            result.body = reply->readAll();
            result.headers = reply->rawHeaderPairs();
        }
        reply->deleteLater();
        return result;
    }

    const ProviderServer &m_server;
    QNetworkAccessManager m_nam;
    QMap<QByteArray, QByteArray> m_cookies;
};

// HTML character references back to text (the five the pages write).
inline QString htmlUnescape(QString text)
{
    text.replace(u"&lt;"_qs, u"<"_qs).replace(u"&gt;"_qs, u">"_qs).replace(u"&quot;"_qs, u"\""_qs);
    text.replace(u"&#39;"_qs, u"'"_qs);
    return text.replace(u"&amp;"_qs, u"&"_qs);
}

// The value of the first hidden field `name` in a page, or a null QString.
inline QString hiddenValue(const QByteArray &page, const QString &name)
{
    const QRegularExpression re(u"<input type=\"hidden\" name=\""_qs + QRegularExpression::escape(name)
                                + u"\" value=\"([^\"]*)\">"_qs);
    const QRegularExpressionMatch match = re.match(QString::fromUtf8(page));
    return match.hasMatch() ? htmlUnescape(match.captured(1)) : QString();
}

} // namespace mwauth::provider::testing
