#pragma once

// What the MediaWiki peer test compares and how it talks to a wiki: the Step of one answer,
// a browser-like Conversation (its own cookie jar, form posts to api.php), Bob's TOTP codes,
// and the conversation documented for the real wiki in peers/mediawiki/README.md.

#include "LoginTestProvider.h"
#include "common/Clock.h"
#include "common/Random.h"
#include "otp/Base32.h"
#include "otp/Otp.h"
#include "provider/accounts/UserStore.h"
#include "provider/server/ProviderServer.h"

#include <QDateTime>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QNetworkAccessManager>
#include <QNetworkCookie>
#include <QNetworkCookieJar>
#include <QNetworkReply>
#include <QProcess>
#include <QProcessEnvironment>
#include <QSignalSpy>
#include <QTcpServer>
#include <QTcpSocket>
#include <QTemporaryDir>
#include <QTest>
#include <algorithm>
#include <cmath>
#include <functional>
#include <memory>

namespace mwauth::provider::testing::peer {

const QString kBobSecret = QStringLiteral("MJXWELLUN52HALLUMVZXILLTMVRXEZLU");
const QString kAlicePassword = QStringLiteral("Alice-pass-2fa-test");
const QString kBobPassword = QStringLiteral("Bob-pass-2fa-test");
const QString kTotpRequestId
    = QStringLiteral("MediaWiki\\Extension\\OATHAuth\\Auth\\TOTPAuthenticationRequest");
const QString kWrongPassword = QStringLiteral("not-the-password");
constexpr int kStartTimeoutMs = 300000;
constexpr int kMaintenanceTimeoutMs = 60000;

// What one answer (or one observation a scenario makes) is compared on.
struct Step
{
    // clientlogin status, "error:<code>" for an API error, "userinfo" for meta=userinfo, or
    // the name of a scenario's own observation ("new token")
    QString status;
    QString messageCode; // clientlogin messagecode; the user name for "userinfo"; the observation
    QStringList requestIds;
    QString info = {}; // an API error's text
    QString warnings = {}; // "<module>: <text>" per warning module, "; "-joined
    QString cookies = {}; // after a login: the cookie jar's names and lifetimes
    QString message = {}; // clientlogin message, where a scenario compares it (withMessage)

    bool operator==(const Step &other) const = default;
    QString describe() const
    {
        QString text = status + u' ' + (messageCode.isEmpty() ? u"-"_qs : messageCode) + u" ["_qs
            + requestIds.join(u',') + u']';
        if (!info.isEmpty())
            text += u" info=\""_qs + info + u'"';
        if (!warnings.isEmpty())
            text += u" warnings=\""_qs + warnings + u'"';
        if (!cookies.isEmpty())
            text += u" cookies=\""_qs + cookies + u'"';
        if (!message.isEmpty())
            text += u" message=\""_qs + message + u'"';
        return text;
    }
};

inline QString describe(const QList<Step> &steps)
{
    QStringList lines;
    for (qsizetype i = 0; i < steps.size(); ++i)
        lines.append(QString::number(i + 1) + u": "_qs + steps.at(i).describe());
    return lines.join(u"\n  "_qs);
}

inline QString bobCode(double at)
{
    otp::TotpParameters params;
    params.secret = *otp::Base32::decode(kBobSecret.toLatin1());
    return *otp::totp(params, at);
}

// A six-digit code that is valid for no step within +-6 of `at` (the wiki accepts +-4).
inline QString wrongBobCode(double at)
{
    QStringList valid;
    for (int step = -6; step <= 6; ++step)
        valid.append(bobCode(at + step * 30.0));
    for (int n = 0;; ++n) {
        const QString candidate = QStringLiteral("%1").arg(n, 6, 10, QLatin1Char('0'));
        if (!valid.contains(candidate))
            return candidate;
    }
}

inline QString encode(const QString &value)
{
    return QString::fromLatin1(QUrl::toPercentEncoding(value));
}

inline Step stepOf(const QJsonObject &answer)
{
    const QJsonObject login = answer[u"clientlogin"_qs].toObject();
    Step step {login[u"status"_qs].toString(), login[u"messagecode"_qs].toString(), {}};
    const QJsonArray requests = login[u"requests"_qs].toArray();
    for (const QJsonValue &request : requests)
        step.requestIds.append(request[u"id"_qs].toString());
    if (step.status.isEmpty()) { // an API error instead of a clientlogin answer
        step.status = u"error:"_qs + answer[u"error"_qs][u"code"_qs].toString();
        step.info = answer[u"error"_qs][u"info"_qs].toString();
    }
    QStringList warnings;
    const QJsonObject modules = answer[u"warnings"_qs].toObject();
    for (auto it = modules.begin(); it != modules.end(); ++it)
        warnings.append(it.key() + u": "_qs + it.value()[u"*"_qs].toString());
    step.warnings = warnings.join(u"; "_qs);
    return step;
}

// stepOf with the clientlogin message, for scenarios that compare the text as well.
inline Step withMessage(const QJsonObject &answer)
{
    Step step = stepOf(answer);
    step.message = answer[u"clientlogin"_qs][u"message"_qs].toString();
    return step;
}

// Our documented additions to meta=authmanagerinfo (LoginApi.h); MediaWiki has neither.
const QStringList kOurAuthManagerInfoKeys {QStringLiteral("x-mwauth-elevatedsecurityexpiry"),
                                           QStringLiteral("x-mwauth-elevatedsecurityremaining")};

// meta=authmanagerinfo as a step: "authmanagerinfo", the securitysensitiveoperationstatus,
// and in `info` its keys, sorted, without our additions; those go to `additions`.
inline Step authManagerInfoStep(const QJsonObject &answer, QJsonObject &additions)
{
    const QJsonObject info = answer[u"query"_qs][u"authmanagerinfo"_qs].toObject();
    QStringList keys;
    for (auto it = info.begin(); it != info.end(); ++it) {
        if (kOurAuthManagerInfoKeys.contains(it.key()))
            additions.insert(it.key(), it.value());
        else
            keys.append(it.key());
    }
    keys.sort();
    Step step = stepOf(answer);
    step.status = u"authmanagerinfo"_qs;
    step.messageCode = info[u"securitysensitiveoperationstatus"_qs].toString();
    step.info = keys.join(u',');
    return step;
}

// One browser-like conversation: a cookie jar of its own, form posts to api.php.
class Conversation
{
public:
    explicit Conversation(const QUrl &base)
        : m_base(base)
    {
        m_nam.setCookieJar(new QNetworkCookieJar(&m_nam));
    }

    QJsonObject get(const QString &query) { return send(query, QByteArray(), false); }
    QJsonObject post(const QString &body, const QString &query = QString())
    {
        return send(query, body.toUtf8(), true);
    }

    QString loginToken()
    {
        return get(u"action=query&meta=tokens&type=login&format=json"_qs)[u"query"_qs][u"tokens"_qs]
                                                                         [u"logintoken"_qs]
                                                                             .toString();
    }

    // The first clientlogin request's parameters, without the token.
    QString loginParams(const QString &user, const QString &password) const
    {
        return u"action=clientlogin&format=json&username="_qs + encode(user) + u"&password="_qs
            + encode(password) + u"&loginreturnurl="_qs + encode(m_base.toString() + u'/');
    }

    QJsonObject login(const QString &user, const QString &password, const QString &token,
                      const QString &extra = QString())
    {
        return post(loginParams(user, password) + u"&logintoken="_qs + encode(token) + extra);
    }

    QJsonObject continueWith(const QString &code, const QString &token)
    {
        return post(u"action=clientlogin&format=json&logincontinue=1&OATHToken="_qs + encode(code)
                    + u"&logintoken="_qs + encode(token));
    }

    Step userInfo()
    {
        const QJsonObject answer = get(u"action=query&meta=userinfo&format=json"_qs);
        return {u"userinfo"_qs, answer[u"query"_qs][u"userinfo"_qs][u"name"_qs].toString(), {}};
    }

    // "<name> <lifetime>" per cookie the jar would send, sorted: "session" for a session
    // cookie, "<n>d" (rounded days from now) for a persistent one.
    QString cookieSummary() const
    {
        const QList<QNetworkCookie> cookies = m_nam.cookieJar()->cookiesForUrl(m_base);
        const QDateTime now = QDateTime::currentDateTimeUtc();
        QStringList lines;
        for (const QNetworkCookie &cookie : cookies) {
            const QString lifetime = cookie.isSessionCookie()
                ? u"session"_qs
                : QString::number(qRound(double(now.secsTo(cookie.expirationDate())) / 86400.0)) + u'd';
            lines.append(QString::fromUtf8(cookie.name()) + u' ' + lifetime);
        }
        lines.sort();
        return lines.join(u", "_qs);
    }

    QString lastError() const { return m_lastError; }

private:
    QJsonObject send(const QString &query, const QByteArray &body, bool isPost)
    {
        QUrl url(m_base.toString() + u"/api.php"_qs);
        if (!query.isEmpty())
            url.setQuery(query);
        QNetworkRequest request(url);
        QNetworkReply *reply = nullptr;
        if (isPost) {
            request.setHeader(QNetworkRequest::ContentTypeHeader, "application/x-www-form-urlencoded");
            reply = m_nam.post(request, body);
        } else {
            reply = m_nam.get(request);
        }
        QSignalSpy finished(reply, &QNetworkReply::finished);
        if (!reply->isFinished() && !finished.wait(30000))
            m_lastError = u"no answer from "_qs + url.toString();
        else if (reply->error() != QNetworkReply::NoError)
            m_lastError = reply->errorString();
        const QJsonObject json = QJsonDocument::fromJson(reply->readAll()).object();
        reply->deleteLater();
        return json;
    }

    QUrl m_base;
    QNetworkAccessManager m_nam;
    QString m_lastError;
};

// The sequence MediaWiki answered in peers/mediawiki/README.md ("Observed outcomes").
inline QList<Step> documentedSteps()
{
    return {
        {u"PASS"_qs, {}, {}},
        {u"FAIL"_qs, u"wrongpassword"_qs, {}},
        {u"UI"_qs, u"oathauth-auth-ui"_qs, {kTotpRequestId}},
        {u"UI"_qs, u"oathauth-login-failed"_qs, {kTotpRequestId}},
        {u"PASS"_qs, {}, {}},
        {u"FAIL"_qs,
         u"authmanager-authn-not-in-progress"_qs,
         {},
         {},
         u"main: Unrecognized parameter: OATHToken."_qs},
    };
}

using Scenario = std::function<QList<Step>(const QUrl &base)>;

} // namespace mwauth::provider::testing::peer
