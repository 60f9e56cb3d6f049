#pragma once

// The login tests' client of the provider's api.php: each ApiSession is one browser with its
// own session cookie (oathwiki_session, as LoginTestProvider lays out the wiki) and the login
// token of its current login; ApiLoginClient sends for a session and keeps its cookie.
//
//   ApiLoginClient api(*provider.server(), password);
//   ApiSession browser;
//   QJsonObject step = api.begin(browser, u"Bob"_qs);             // token + clientlogin
//   step = api.continueWith(browser, u"OATHToken=123456"_qs);     // logincontinue
//   requestIds(step), requestById(step, id)                       // the "requests" array

#include "ProviderTestSupport.h"

#include <QJsonArray>
#include <QJsonObject>
#include <QUrl>

namespace mwauth::provider::testing {

struct ApiSession
{
    QByteArray session; // the oathwiki_session cookie's value; empty until the server sets one
    QString loginToken; // set by ApiLoginClient::begin()
};

inline QString percentEncoded(const QString &value)
{
    return QString::fromLatin1(QUrl::toPercentEncoding(value));
}

// The "id" of each entry of a clientlogin answer's "requests", in order.
inline QStringList requestIds(const QJsonObject &result)
{
    QStringList ids;
    const QJsonArray requests = result.value(u"requests"_qs).toArray();
    for (const QJsonValue &request : requests)
        ids.append(request[u"id"_qs].toString());
    return ids;
}

// The entry of a clientlogin answer's "requests" with that "id"; empty if there is none.
inline QJsonObject requestById(const QJsonObject &result, const QString &id)
{
    const QJsonArray requests = result.value(u"requests"_qs).toArray();
    for (const QJsonValue &request : requests) {
        if (request[u"id"_qs].toString() == id)
            return request.toObject();
    }
    return {};
}

class ApiLoginClient
{
public:
    // `password`: the one begin() logs in with (the tests give every user the same).
    explicit ApiLoginClient(const ProviderServer &server, const QString &password = {})
        : m_server(server)
        , m_password(password)
    { }

    // GET /api.php?<query>.
    Reply get(ApiSession &session, const QString &query)
    {
        return send(session, "GET", u"/api.php?"_qs + query, {}, {});
    }

    // POST /api.php (?<query> when there is one) with a form-encoded body.
    Reply post(ApiSession &session, const QString &query, const QString &body)
    {
        return send(session, "POST", u"/api.php"_qs + (query.isEmpty() ? QString() : u"?"_qs + query),
                    body.toUtf8(), "application/x-www-form-urlencoded");
    }

    // Fetches a login token and starts a clientlogin (formatversion 2) with the password;
    // the answer's "clientlogin" object.
    QJsonObject begin(ApiSession &session, const QString &user)
    {
        const Reply tokens
            = get(session, u"action=query&meta=tokens&type=login&format=json&formatversion=2"_qs);
        session.loginToken = tokens.json()[u"query"_qs][u"tokens"_qs][u"logintoken"_qs].toString();
        const Reply reply = post(session, u"action=clientlogin&format=json&formatversion=2"_qs,
                                 u"username="_qs + user + u"&password="_qs + percentEncoded(m_password)
                                     + u"&loginreturnurl=http%3A%2F%2F127.0.0.1%2F&logintoken="_qs
                                     + percentEncoded(session.loginToken));
        return reply.json().value(u"clientlogin"_qs).toObject();
    }

    // A logincontinue with `fields` ("name=value&..."); the answer's "clientlogin" object.
    QJsonObject continueWith(ApiSession &session, const QString &fields)
    {
        const Reply reply
            = post(session, u"action=clientlogin&format=json&formatversion=2"_qs,
                   u"logincontinue=1&"_qs + fields + u"&logintoken="_qs + percentEncoded(session.loginToken));
        return reply.json().value(u"clientlogin"_qs).toObject();
    }

private:
    Reply send(ApiSession &session, const QByteArray &method, const QString &pathAndQuery,
               const QByteArray &body, const QByteArray &contentType)
    {
        QList<std::pair<QByteArray, QByteArray>> headers;
        if (!session.session.isEmpty())
            headers.append({"Cookie", "oathwiki_session=" + session.session});
        Reply reply = m_http.send(method, url(m_server, pathAndQuery), body, contentType, headers);
        const QList<QByteArray> cookies = reply.header("Set-Cookie").split('\n');
        for (const QByteArray &cookie : cookies) {
            if (cookie.startsWith("oathwiki_session="))
                session.session = cookie.mid(17, cookie.indexOf(';') - 17);
        }
        return reply;
    }

    const ProviderServer &m_server;
    const QString m_password;
    TestHttpClient m_http;
};

} // namespace mwauth::provider::testing
