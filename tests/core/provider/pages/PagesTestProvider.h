#pragma once

// What the page tests share: the provider stack (LoginTestProvider with the login pages, in
// ProviderServer's default layout: "/w" script path, wiki id "mwauthwiki"), a small
// "browser" that keeps cookies, sends forms and reads the pages' hidden fields, and the
// accounts and addresses both tests use.
//
//   PagesTestProvider provider(clock, random);
//   QCOMPARE(provider.open(), QString());    // database and users
//   provider.users()->createUser(...);       // the test's accounts
//   QCOMPARE(provider.start(), QString());   // server, API and pages

#include "../login/LoginTestProvider.h"
#include "ProviderTestSupport.h"
#include "http/FormCodec.h"
#include "otp/Base32.h"
#include "otp/Otp.h"

#include <QRegularExpression>
#include <memory>

namespace mwauth::provider::testing {

const QString kAlicePassword = QStringLiteral("Alice-pages-password");
const QString kBobPassword = QStringLiteral("Bob-pages-password");
const QByteArray kBobSecret = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP";
constexpr double kStartTime = 1763868000; // 2025-11-23T03:20:00Z
const QString kLogin = QStringLiteral("/w/index.php?title=Special:UserLogin");

class PagesTestProvider : public LoginTestProvider
{
public:
    PagesTestProvider(const Clock &clock, Random &random)
        : LoginTestProvider(clock, random, LoginTestProviderOptions::withPages())
    { }
};

// The TOTP code (SHA1, 6 digits, 30 s) of a base32 `secret` at `at`.
inline QString totpCodeAt(const QByteArray &secret, double at)
{
    otp::TotpParameters params;
    params.secret = *otp::Base32::decode(secret);
    return *otp::totp(params, at);
}

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
        return finishedReply(m_nam.sendCustomRequest(request, method, body));
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
