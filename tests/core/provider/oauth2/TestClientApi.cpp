// rest.php/oauth2/client (register, list own) and /oauth2/client/{key}/reset_secret on a whole
// LocalProvider over real HTTP, logged in through api.php clientlogin as a browser would
// (reference/mediawiki-oauth.md section 1.5; MediaWiki core 1.39's REST error shapes).

#include "../server/ProviderTestSupport.h"
#include "common/Clock.h"
#include "common/Random.h"
#include "jose/Jwks.h"
#include "jose/Jws.h"
#include "jose/Jwt.h"
#include "provider/LocalProvider.h"
#include "provider/oauth2/AccessTokens.h"

#include <QJsonArray>
#include <QRegularExpression>
#include <QSqlQuery>
#include <QTest>

using namespace mwauth;
using namespace mwauth::provider;
using namespace mwauth::provider::testing;

namespace {

// One list entry as Extension:OAuth answered it on MediaWiki 1.39.17 (the reference's
// observed GET /oauth2/client, section 1.5): the structure every entry must have.
const char kObservedListEntry[]
    = "{\"email\":\"admin@example.invalid\",\"name\":\"Test OAuth2 Conf\",\"version\":\"1.0\","
      "\"callback_url\":\"http://127.0.0.1:8766/"
      "callback\",\"description\":\"x\",\"client_key\":\"795286f8795286f8795286f8795286f8\","
      "\"owner_only\":false,\"stage\":1,\"oauth_version\":2,\"registration_formatted\":\"03:33, 23 November "
      "2026\","
      "\"allowed_grants\":[\"authorization_code\",\"refresh_token\",\"client_credentials\"],\"scopes\":["
      "\"basic\",\"editpage\"]}";

const QRegularExpression kHex32(QStringLiteral("^[0-9a-f]{32}$"));
const QRegularExpression kHex40(QStringLiteral("^[0-9a-f]{40}$"));

QString enc(const QString &value)
{
    return QString::fromLatin1(QUrl::toPercentEncoding(value));
}

QStringList sortedKeys(const QJsonObject &object)
{
    QStringList keys = object.keys();
    keys.sort();
    return keys;
}

} // namespace

class TestClientApi : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void cleanupTestCase();

    void registerRefused_data();
    void registerRefused();
    void registerProposedForm();
    void registerJsonBody();
    void registerOwnerOnlyGetsAToken();
    void sameNameAndVersionIsRefused();
    void anonymousIsNobody_data();
    void anonymousIsNobody();
    void unconfirmedEmail();
    void listOwnNewestFirst();
    void listMatchesTheObservedShape();
    void listFiltersAndPages_data();
    void listFiltersAndPages();
    void listRefused_data();
    void listRefused();
    void resetSecret();
    void resetSecretOwnerOnlyReplacesTheToken();
    void resetSecretRefused_data();
    void resetSecretRefused();
    void methodsAndPaths_data();
    void methodsAndPaths();
    void bearerToken();

private:
    struct Browser
    {
        QByteArray cookie;
    };
    Reply send(Browser *browser, const QByteArray &method, const QString &pathAndQuery,
               const QByteArray &body = {},
               const QByteArray &contentType = "application/x-www-form-urlencoded",
               QList<std::pair<QByteArray, QByteArray>> headers = {});
    Browser login(const QString &user, const QString &password);
    Reply registerForm(Browser *browser, const QString &body);
    static QString aliceForm(const QString &name, const QString &extra = {});
    jose::Jwks publishedKeys();
    qint64 userId(const QString &name) const;

    FixedClock m_clock {1763868000}; // 2025-11-23 03:20:00 UTC
    SystemRandom m_random;
    std::unique_ptr<LocalProvider> m_provider;
    std::unique_ptr<TestHttpClient> m_http;
    Browser m_alice;
    Browser m_erin; // no e-mail address
    Browser m_frank;
};

Reply TestClientApi::send(Browser *browser, const QByteArray &method, const QString &pathAndQuery,
                          const QByteArray &body, const QByteArray &contentType,
                          QList<std::pair<QByteArray, QByteArray>> headers)
{
    if (browser && !browser->cookie.isEmpty())
        headers.append({"Cookie", "mwauthwiki_session=" + browser->cookie});
    Reply reply = m_http->send(method, url(*m_provider->server(), u"/w"_qs + pathAndQuery), body, contentType,
                               headers);
    const QList<QByteArray> cookies = reply.header("Set-Cookie").split('\n');
    for (const QByteArray &cookie : cookies) {
        if (browser && cookie.startsWith("mwauthwiki_session="))
            browser->cookie = cookie.mid(19, cookie.indexOf(';') - 19);
    }
    return reply;
}

TestClientApi::Browser TestClientApi::login(const QString &user, const QString &password)
{
    Browser browser;
    const Reply tokens
        = send(&browser, "GET", u"/api.php?action=query&meta=tokens&type=login&format=json"_qs);
    const QString token = tokens.json()[u"query"_qs][u"tokens"_qs][u"logintoken"_qs].toString();
    const Reply reply = send(&browser, "POST", u"/api.php?action=clientlogin&format=json&formatversion=2"_qs,
                             (u"username="_qs + enc(user) + u"&password="_qs + enc(password)
                              + u"&loginreturnurl=http%3A%2F%2F127.0.0.1%2F&logintoken="_qs + enc(token))
                                 .toUtf8());
    if (reply.json()[u"clientlogin"_qs][u"status"_qs].toString() != u"PASS")
        qWarning() << "login of" << user << "failed:" << reply.body;
    return browser;
}

Reply TestClientApi::registerForm(Browser *browser, const QString &body)
{
    return send(browser, "POST", u"/rest.php/oauth2/client"_qs, body.toUtf8());
}

QString TestClientApi::aliceForm(const QString &name, const QString &extra)
{
    return u"name="_qs + enc(name)
        + u"&description=A+test+app&email=alice%40demo.invalid&is_confidential=1"
          "&callback_url=https%3A%2F%2Fapp.example%2Fcb&grant_types=authorization_code%7Crefresh_token"
          "&scopes=editpage"_qs
        + extra;
}

jose::Jwks TestClientApi::publishedKeys()
{
    const Reply reply = send(nullptr, "GET", u"/rest.php/oauth2/jwks"_qs);
    const auto keys = jose::Jwks::fromJson(reply.body);
    return keys ? *keys : jose::Jwks();
}

qint64 TestClientApi::userId(const QString &name) const
{
    const auto user = m_provider->users()->findUser(name);
    return user ? user->id : 0;
}

void TestClientApi::initTestCase()
{
    m_provider = std::make_unique<LocalProvider>(m_clock, m_random);
    LocalProviderOptions options;
    options.demo = true; // Alice: no second factor, alice@demo.invalid
    options.passwordIterations = 1000;
    const Result<void> started = m_provider->start(options);
    QVERIFY2(started.ok(), started.ok() ? "" : qPrintable(started.error().toString()));
    QVERIFY(m_provider->users()->createUser(u"Erin"_qs, u"Erin-pass-test"_qs).ok());
    QVERIFY(
        m_provider->users()->createUser(u"Frank"_qs, u"Frank-pass-test"_qs, u"frank@example.org"_qs).ok());
    m_http = std::make_unique<TestHttpClient>();
    m_alice = login(u"Alice"_qs, u"Alice-pass-demo"_qs);
    m_erin = login(u"Erin"_qs, u"Erin-pass-test"_qs);
    m_frank = login(u"Frank"_qs, u"Frank-pass-test"_qs);
    QVERIFY(!m_alice.cookie.isEmpty() && !m_erin.cookie.isEmpty() && !m_frank.cookie.isEmpty());
}

void TestClientApi::cleanupTestCase()
{
    m_http.reset();
    m_provider.reset();
}

void TestClientApi::registerRefused_data()
{
    QTest::addColumn<QByteArray>("contentType");
    QTest::addColumn<QString>("body");
    QTest::addColumn<QString>("error"); // "parameter-validation-failed" or the errorKey
    QTest::addColumn<QString>("param"); // the parameter named (validation failures)
    QTest::addColumn<QString>("failureCode");

    const QByteArray form = "application/x-www-form-urlencoded";
    const QString pvf = u"parameter-validation-failed"_qs;
    const QString full = aliceForm(u"Refused"_qs);
    const auto without = [&](const QString &field) {
        QStringList parts = full.split(u'&');
        parts.erase(std::remove_if(parts.begin(), parts.end(),
                                   [&](const QString &part) { return part.startsWith(field + u'='); }),
                    parts.end());
        return parts.join(u'&');
    };
    QTest::newRow("no name") << form << without(u"name"_qs) << pvf << u"name"_qs << u"missingparam"_qs;
    QTest::newRow("empty name") << form << QString(full).replace(u"name=Refused"_qs, u"name="_qs) << pvf
                                << u"name"_qs << u"missingparam"_qs;
    QTest::newRow("version not 1.0 or 2.0")
        << form << aliceForm(u"Refused"_qs, u"&version=3.0"_qs) << pvf << u"version"_qs << u"badvalue"_qs;
    QTest::newRow("no description") << form << without(u"description"_qs) << pvf << u"description"_qs
                                    << u"missingparam"_qs;
    QTest::newRow("owner_only not a boolean") << form << aliceForm(u"Refused"_qs, u"&owner_only=maybe"_qs)
                                              << pvf << u"owner_only"_qs << u"badbool"_qs;
    QTest::newRow("no email") << form << without(u"email"_qs) << pvf << u"email"_qs << u"missingparam"_qs;
    QTest::newRow("no is_confidential")
        << form << without(u"is_confidential"_qs) << pvf << u"is_confidential"_qs << u"missingparam"_qs;
    QTest::newRow("no grant_types") << form << without(u"grant_types"_qs) << pvf << u"grant_types"_qs
                                    << u"missingparam"_qs;
    QTest::newRow("no scopes") << form << without(u"scopes"_qs) << pvf << u"scopes"_qs << u"missingparam"_qs;
    QTest::newRow("an unknown scope")
        << form << aliceForm(u"Refused"_qs).replace(u"scopes=editpage"_qs, u"scopes=editpage%7Cfrobnicate"_qs)
        << pvf << u"scopes"_qs << u"badvalue"_qs;
    QTest::newRow("the first bad parameter is reported")
        << form << without(u"name"_qs) + u"&version=9"_qs << pvf << u"name"_qs << u"missingparam"_qs;
    QTest::newRow("email not the user's")
        << form << aliceForm(u"Refused"_qs).replace(u"alice%40demo.invalid"_qs, u"mallory%40example.org"_qs)
        << u"mwoauth-consumer-email-mismatched"_qs << QString() << QString();
    QTest::newRow("no callback for a normal client")
        << form << without(u"callback_url"_qs) << u"mwoauth-invalid-field-callbackUrl"_qs << QString()
        << QString();
    QTest::newRow("plain http callback off loopback")
        << form
        << aliceForm(u"Refused"_qs).replace(u"https%3A%2F%2Fapp.example"_qs, u"http%3A%2F%2Fapp.example"_qs)
        << u"mwoauth-invalid-field-callbackUrl"_qs << QString() << QString();
    QTest::newRow("an unknown grant type")
        << form << aliceForm(u"Refused"_qs).replace(u"authorization_code%7Crefresh_token"_qs, u"password"_qs)
        << u"mwoauth-invalid-field-oauth2GrantTypes"_qs << QString() << QString();
    QTest::newRow("owner-only with authorization_code")
        << form << aliceForm(u"Refused"_qs, u"&owner_only=1"_qs)
        << u"mwoauth-invalid-field-oauth2GrantTypes"_qs << QString() << QString();
    QTest::newRow("public client with client_credentials")
        << form
        << aliceForm(u"Refused"_qs)
               .replace(u"is_confidential=1"_qs, u"is_confidential=0"_qs)
               .replace(u"authorization_code%7Crefresh_token"_qs, u"client_credentials"_qs)
        << u"mwoauth-invalid-field-oauth2GrantTypes"_qs << QString() << QString();
    QTest::newRow("JSON that does not parse") << QByteArray("application/json") << u"{\"name\": "_qs
                                              << u"rest-json-body-parse-error"_qs << QString() << QString();
    QTest::newRow("JSON without a name")
        << QByteArray("application/json")
        << u"{\"description\":\"d\",\"email\":\"alice@demo.invalid\",\"is_confidential\":true,"
           "\"grant_types\":[\"client_credentials\"],\"scopes\":[\"basic\"]}"_qs
        << pvf << u"name"_qs << u"missingparam"_qs;
    QTest::newRow("JSON scopes with an unknown grant")
        << QByteArray("application/json")
        << u"{\"name\":\"J\",\"description\":\"d\",\"email\":\"alice@demo.invalid\",\"is_confidential\":true,"
           "\"grant_types\":[\"client_credentials\"],\"scopes\":[\"basic\",\"root\"]}"_qs
        << pvf << u"scopes"_qs << u"badvalue"_qs;
}

void TestClientApi::registerRefused()
{
    QFETCH(QByteArray, contentType);
    QFETCH(QString, body);
    QFETCH(QString, error);
    QFETCH(QString, param);
    QFETCH(QString, failureCode);
    const int before = int(m_provider->clients()->listByOwner(userId(u"Alice"_qs))->size());
    const Reply reply = send(&m_alice, "POST", u"/rest.php/oauth2/client"_qs, body.toUtf8(), contentType);
    QCOMPARE(reply.status, 400);
    QVERIFY(reply.header("Content-Type").startsWith("application/json"));
    const QJsonObject json = reply.json();
    QCOMPARE(json[u"httpCode"_qs].toInt(), 400);
    QCOMPARE(json[u"httpReason"_qs].toString(), u"Bad Request"_qs);
    const QString message = json[u"messageTranslations"_qs][u"en"_qs].toString();
    QVERIFY2(message.size() > 20, qPrintable(message));
    if (error == u"parameter-validation-failed") {
        // MediaWiki's Validator::validateParams body.
        QCOMPARE(sortedKeys(json),
                 (QStringList {u"error"_qs, u"failureCode"_qs, u"failureData"_qs, u"httpCode"_qs,
                               u"httpReason"_qs, u"messageTranslations"_qs, u"name"_qs, u"value"_qs}));
        QCOMPARE(json[u"error"_qs].toString(), error);
        QCOMPARE(json[u"name"_qs].toString(), param);
        QCOMPARE(json[u"failureCode"_qs].toString(), failureCode);
        QVERIFY2(message.contains(u'"' + param + u'"'), qPrintable(message));
    } else {
        QCOMPARE(json[u"errorKey"_qs].toString(), error);
    }
    QCOMPARE(int(m_provider->clients()->listByOwner(userId(u"Alice"_qs))->size()), before);
}

void TestClientApi::registerProposedForm()
{
    const Reply reply = registerForm(&m_alice, aliceForm(u"Form app"_qs, u"&version=2.0"_qs));
    QCOMPARE(reply.status, 200);
    const QJsonObject json = reply.json();
    // RequestClient's answer: exactly these three (no access_token for a normal client).
    QCOMPARE(sortedKeys(json), (QStringList {u"client_key"_qs, u"name"_qs, u"secret"_qs}));
    QCOMPARE(json[u"name"_qs].toString(), u"Form app"_qs);
    QVERIFY(kHex32.match(json[u"client_key"_qs].toString()).hasMatch());
    QVERIFY(kHex40.match(json[u"secret"_qs].toString()).hasMatch());

    const auto client = m_provider->clients()->findByKey(json[u"client_key"_qs].toString());
    QVERIFY(client.ok());
    QCOMPARE(client->stage, ClientStage::Proposed); // waits for an admin
    QCOMPARE(client->userId, userId(u"Alice"_qs));
    QCOMPARE(client->oauthVersion, 2);
    QCOMPARE(client->version, u"2.0"_qs);
    QCOMPARE(client->email, u"alice@demo.invalid"_qs);
    QCOMPARE(client->callbackUrl, u"https://app.example/cb"_qs);
    QCOMPARE(client->wiki, u"*"_qs);
    QCOMPARE(client->grants, (QStringList {u"basic"_qs, u"editpage"_qs})); // basic added
    QCOMPARE(client->oauth2GrantTypes, (QStringList {u"authorization_code"_qs, u"refresh_token"_qs}));
    QVERIFY(client->oauth2IsConfidential);
    QVERIFY(!client->ownerOnly);
    QVERIFY(client->developerAgreement);
    QVERIFY(m_provider->clients()->verifySecret(*client, json[u"secret"_qs].toString().toLatin1()));
}

void TestClientApi::registerJsonBody()
{
    const QByteArray body
        = "{\"name\":\"Json app\",\"description\":\"From JSON\",\"email\":\"alice@demo.invalid\","
          "\"is_confidential\":false,\"callback_url\":\"http://127.0.0.1:8766/"
          "cb\",\"callback_is_prefix\":true,"
          "\"grant_types\":[\"authorization_code\",\"refresh_token\"],\"scopes\":[\"mwoauth-authonly\"]}";
    const Reply reply = send(&m_alice, "POST", u"/rest.php/oauth2/client"_qs, body, "application/json");
    QCOMPARE(reply.status, 200);
    const auto client = m_provider->clients()->findByKey(reply.json()[u"client_key"_qs].toString());
    QVERIFY(client.ok());
    QVERIFY(!client->oauth2IsConfidential);
    QVERIFY(client->callbackIsPrefix);
    QCOMPARE(client->grants, QStringList {u"mwoauth-authonly"_qs}); // auth-only stands alone
    QCOMPARE(client->version, u"1.0"_qs); // the default
}

void TestClientApi::registerOwnerOnlyGetsAToken()
{
    const Reply reply = registerForm(
        &m_alice,
        u"name=Owner+bot&description=Mine&email=alice%40demo.invalid&is_confidential=true"
        "&owner_only=1&grant_types=client_credentials&scopes=editpage%7Coauthmanageownclient"_qs);
    QCOMPARE(reply.status, 200);
    const QJsonObject json = reply.json();
    QCOMPARE(sortedKeys(json),
             (QStringList {u"access_token"_qs, u"client_key"_qs, u"name"_qs, u"secret"_qs}));
    const auto client = m_provider->clients()->findByKey(json[u"client_key"_qs].toString());
    QVERIFY(client.ok());
    QCOMPARE(client->stage, ClientStage::Approved); // owner-only: approved at once
    QVERIFY(client->ownerOnly);

    const QByteArray jwt = json[u"access_token"_qs].toString().toLatin1();
    const auto parts = jose::Jws::parse(jwt);
    QVERIFY(parts.ok());
    QVERIFY(jose::Jws::verify(*parts, publishedKeys()).ok());
    const auto decoded = jose::Jwt::decode(jwt);
    QVERIFY(decoded.ok());
    const QJsonObject claims = decoded->claims();
    QCOMPARE(claims[u"aud"_qs].toString(), client->consumerKey);
    QCOMPARE(claims[u"sub"_qs].toString(), QString::number(userId(u"Alice"_qs)));
    QCOMPARE(claims[u"iss"_qs].toString(), m_provider->issuer().toString());
    QCOMPARE(claims[u"scopes"_qs].toArray(),
             (QJsonArray {u"basic"_qs, u"editpage"_qs, u"oauthmanageownclient"_qs}));
    // exp: one thousand calendar years after iat (2025-11-23 -> 3025-11-23), as MediaWiki.
    const QDateTime expires = QDateTime::fromSecsSinceEpoch(qint64(claims[u"exp"_qs].toDouble()), Qt::UTC);
    QCOMPARE(expires.date(), QDate(3025, 11, 23));
    QCOMPARE(qint64(claims[u"iat"_qs].toDouble()), qint64(m_clock.nowSeconds()));
    // Recorded, so revocation works.
    AccessTokens tokens(*m_provider->database(), m_clock, m_random, m_provider->issuer().toString());
    QCOMPARE(*tokens.state(claims[u"jti"_qs].toString()), AccessTokenState::Active);
}

void TestClientApi::sameNameAndVersionIsRefused()
{
    QCOMPARE(registerForm(&m_alice, aliceForm(u"Twice"_qs)).status, 200);
    const Reply again = registerForm(&m_alice, aliceForm(u"Twice"_qs));
    QCOMPARE(again.status, 400);
    QCOMPARE(again.json()[u"errorKey"_qs].toString(), u"mwoauth-consumer-alreadyexists"_qs);
    // Another version of the same name is a new client.
    QCOMPARE(registerForm(&m_alice, aliceForm(u"Twice"_qs, u"&version=2.0"_qs)).status, 200);
}

void TestClientApi::anonymousIsNobody_data()
{
    QTest::addColumn<QByteArray>("method");
    QTest::addColumn<QString>("path");
    QTest::newRow("list") << QByteArray("GET") << u"/rest.php/oauth2/client"_qs;
    QTest::newRow("register") << QByteArray("POST") << u"/rest.php/oauth2/client"_qs;
    QTest::newRow("reset_secret") << QByteArray(
        "POST") << u"/rest.php/oauth2/client/0123456789abcdef0123456789abcdef/reset_secret"_qs;
}

void TestClientApi::anonymousIsNobody()
{
    QFETCH(QByteArray, method);
    QFETCH(QString, path);
    const int before = int(m_provider->clients()->listAll()->size());
    const QByteArray body = method == "POST" ? aliceForm(u"Anon"_qs).toUtf8() : QByteArray();
    const Reply reply = send(nullptr, method, path, body);
    QCOMPARE(reply.status, 404);
    QCOMPARE(reply.json()[u"errorKey"_qs].toString(), u"rest-nonexistent-user"_qs);
    QCOMPARE(reply.json()[u"messageTranslations"_qs][u"en"_qs].toString(),
             u"The specified user (127.0.0.1) does not exist"_qs);
    QCOMPARE(int(m_provider->clients()->listAll()->size()), before);
}

void TestClientApi::unconfirmedEmail()
{
    const Reply reply = registerForm(
        &m_erin, aliceForm(u"Erin app"_qs).replace(u"alice%40demo.invalid"_qs, u"erin%40example.org"_qs));
    QCOMPARE(reply.status, 400);
    QCOMPARE(reply.json()[u"errorKey"_qs].toString(), u"mwoauth-consumer-email-unconfirmed"_qs);
}

void TestClientApi::listOwnNewestFirst()
{
    const Reply first = registerForm(
        &m_frank, aliceForm(u"Frank one"_qs).replace(u"alice%40demo.invalid"_qs, u"frank%40example.org"_qs));
    const Reply second = registerForm(
        &m_frank, aliceForm(u"Frank two"_qs).replace(u"alice%40demo.invalid"_qs, u"frank%40example.org"_qs));
    QCOMPARE(first.status, 200);
    QCOMPARE(second.status, 200);
    const Reply reply = send(&m_frank, "GET", u"/rest.php/oauth2/client"_qs);
    QCOMPARE(reply.status, 200);
    const QJsonObject json = reply.json();
    QCOMPARE(sortedKeys(json), (QStringList {u"clients"_qs, u"total"_qs}));
    QCOMPARE(json[u"total"_qs].toInt(), 2);
    const QJsonArray clients = json[u"clients"_qs].toArray();
    QCOMPARE(clients.size(), 2);
    QCOMPARE(clients.at(0)[u"client_key"_qs].toString(), second.json()[u"client_key"_qs].toString());
    QCOMPARE(clients.at(1)[u"client_key"_qs].toString(), first.json()[u"client_key"_qs].toString());
    const QJsonObject entry = clients.at(0).toObject();
    QCOMPARE(entry[u"name"_qs].toString(), u"Frank two"_qs);
    QCOMPARE(entry[u"email"_qs].toString(), u"frank@example.org"_qs);
    QCOMPARE(entry[u"stage"_qs].toInt(), 0);
    QCOMPARE(entry[u"oauth_version"_qs].toInt(), 2);
    QCOMPARE(entry[u"owner_only"_qs].toBool(), false);
    QCOMPARE(entry[u"callback_url"_qs].toString(), u"https://app.example/cb"_qs);
    QCOMPARE(entry[u"registration_formatted"_qs].toString(), u"03:20, 23 November 2025"_qs);
    QCOMPARE(entry[u"allowed_grants"_qs].toArray(),
             (QJsonArray {u"authorization_code"_qs, u"refresh_token"_qs}));
    QCOMPARE(entry[u"scopes"_qs].toArray(), (QJsonArray {u"basic"_qs, u"editpage"_qs}));
    // Never a secret.
    QVERIFY(!reply.body.contains("secret"));
}

void TestClientApi::listMatchesTheObservedShape()
{
    const QJsonObject observed = QJsonDocument::fromJson(kObservedListEntry).object();
    QVERIFY(!observed.isEmpty());
    const Reply reply = send(&m_alice, "GET", u"/rest.php/oauth2/client"_qs);
    QCOMPARE(reply.status, 200);
    const QJsonArray clients = reply.json()[u"clients"_qs].toArray();
    QVERIFY(!clients.isEmpty());
    for (const QJsonValue &value : clients) {
        const QJsonObject entry = value.toObject();
        QCOMPARE(sortedKeys(entry), sortedKeys(observed));
        for (auto it = observed.begin(); it != observed.end(); ++it)
            QVERIFY2(entry[it.key()].type() == it.value().type(), qPrintable(it.key()));
        static const QRegularExpression formatted(
            QStringLiteral("^\\d\\d:\\d\\d, \\d{1,2} [A-Z][a-z]+ \\d{4}$"));
        QVERIFY(formatted.match(entry[u"registration_formatted"_qs].toString()).hasMatch());
    }
}

void TestClientApi::listFiltersAndPages_data()
{
    QTest::addColumn<QString>("query");
    QTest::addColumn<int>("count");
    QTest::addColumn<int>("total");
    QTest::addColumn<QString>("firstName"); // empty: no entries
    // Frank has "Frank one", "Frank two" (OAuth 2) and "Frank v1" (OAuth 1), set up below.
    QTest::newRow("default: OAuth 2") << QString() << 2 << 2 << u"Frank two"_qs;
    QTest::newRow("limit 1") << u"?limit=1"_qs << 1 << 2 << u"Frank two"_qs;
    QTest::newRow("offset 1") << u"?offset=1"_qs << 1 << 2 << u"Frank one"_qs;
    QTest::newRow("offset past the end") << u"?offset=5"_qs << 0 << 2 << QString();
    QTest::newRow("OAuth 1") << u"?oauth_version=1"_qs << 1 << 1 << u"Frank v1"_qs;
}

void TestClientApi::listFiltersAndPages()
{
    QFETCH(QString, query);
    QFETCH(int, count);
    QFETCH(int, total);
    QFETCH(QString, firstName);
    bool hasV1 = false;
    const auto owned = m_provider->clients()->listByOwner(userId(u"Frank"_qs));
    QVERIFY(owned.ok());
    for (const OAuthClient &c : *owned)
        hasV1 = hasV1 || c.oauthVersion == 1;
    if (!hasV1) {
        ClientRegistration r;
        r.name = u"Frank v1"_qs;
        r.oauthVersion = 1;
        r.callbackUrl = u"https://app.example/oauth1"_qs;
        r.description = u"OAuth 1 tool"_qs;
        r.email = u"frank@example.org"_qs;
        r.ownerId = userId(u"Frank"_qs);
        r.grants = {u"editpage"_qs};
        m_clock.advance(-3600); // older than Frank's OAuth 2 clients
        const auto issued = m_provider->clients()->registerClient(r, u"Frank"_qs);
        m_clock.advance(3600);
        QVERIFY(issued.ok());
    }
    const Reply reply = send(&m_frank, "GET", u"/rest.php/oauth2/client"_qs + query);
    QCOMPARE(reply.status, 200);
    const QJsonArray clients = reply.json()[u"clients"_qs].toArray();
    QCOMPARE(clients.size(), count);
    QCOMPARE(reply.json()[u"total"_qs].toInt(), total);
    if (!firstName.isEmpty()) {
        QCOMPARE(clients.at(0)[u"name"_qs].toString(), firstName);
        // allowed_grants only for OAuth 2 clients.
        QCOMPARE(clients.at(0).toObject().contains(u"allowed_grants"_qs),
                 clients.at(0)[u"oauth_version"_qs].toInt() == 2);
    }
}

void TestClientApi::listRefused_data()
{
    QTest::addColumn<QString>("query");
    QTest::addColumn<QString>("param");
    QTest::addColumn<QString>("failureCode");
    QTest::newRow("limit 0") << u"limit=0"_qs << u"limit"_qs << u"outofrange"_qs;
    QTest::newRow("limit too high") << u"limit=101"_qs << u"limit"_qs << u"outofrange"_qs;
    QTest::newRow("limit not a number") << u"limit=ten"_qs << u"limit"_qs << u"badinteger"_qs;
    QTest::newRow("negative offset") << u"offset=-1"_qs << u"offset"_qs << u"outofrange"_qs;
    QTest::newRow("oauth_version 3") << u"oauth_version=3"_qs << u"oauth_version"_qs << u"badvalue"_qs;
}

void TestClientApi::listRefused()
{
    QFETCH(QString, query);
    QFETCH(QString, param);
    QFETCH(QString, failureCode);
    const Reply reply = send(&m_alice, "GET", u"/rest.php/oauth2/client?"_qs + query);
    QCOMPARE(reply.status, 400);
    const QJsonObject json = reply.json();
    QCOMPARE(json[u"error"_qs].toString(), u"parameter-validation-failed"_qs);
    QCOMPARE(json[u"name"_qs].toString(), param);
    QCOMPARE(json[u"failureCode"_qs].toString(), failureCode);
    QVERIFY(json[u"messageTranslations"_qs][u"en"_qs].toString().contains(param));
}

void TestClientApi::resetSecret()
{
    const Reply registered = registerForm(&m_alice, aliceForm(u"Reset me"_qs));
    QCOMPARE(registered.status, 200);
    const QString key = registered.json()[u"client_key"_qs].toString();
    const QByteArray oldSecret = registered.json()[u"secret"_qs].toString().toLatin1();
    const Reply reply
        = send(&m_alice, "POST", u"/rest.php/oauth2/client/"_qs + key + u"/reset_secret"_qs, "reason=leaked");
    QCOMPARE(reply.status, 200);
    const QJsonObject json = reply.json();
    QCOMPARE(sortedKeys(json), (QStringList {u"client_key"_qs, u"name"_qs, u"secret"_qs}));
    QCOMPARE(json[u"client_key"_qs].toString(), key);
    QCOMPARE(json[u"name"_qs].toString(), u"Reset me"_qs);
    const QByteArray newSecret = json[u"secret"_qs].toString().toLatin1();
    QVERIFY(kHex40.match(QString::fromLatin1(newSecret)).hasMatch());
    QVERIFY(newSecret != oldSecret);
    const auto client = m_provider->clients()->findByKey(key);
    QVERIFY(client.ok());
    QVERIFY(m_provider->clients()->verifySecret(*client, newSecret));
    QVERIFY(!m_provider->clients()->verifySecret(*client, oldSecret));
}

void TestClientApi::resetSecretOwnerOnlyReplacesTheToken()
{
    const Reply registered
        = registerForm(&m_alice,
                       u"name=Owner+reset&description=Mine&email=alice%40demo.invalid&is_confidential=1"
                       "&owner_only=1&grant_types=client_credentials&scopes=basic"_qs);
    QCOMPARE(registered.status, 200);
    const QString key = registered.json()[u"client_key"_qs].toString();
    const auto oldToken = jose::Jwt::decode(registered.json()[u"access_token"_qs].toString().toLatin1());
    QVERIFY(oldToken.ok());
    const Reply reply
        = send(&m_alice, "POST", u"/rest.php/oauth2/client/"_qs + key + u"/reset_secret"_qs, "");
    QCOMPARE(reply.status, 200);
    const auto newToken = jose::Jwt::decode(reply.json()[u"access_token"_qs].toString().toLatin1());
    QVERIFY(newToken.ok());
    AccessTokens tokens(*m_provider->database(), m_clock, m_random, m_provider->issuer().toString());
    QCOMPARE(*tokens.state(newToken->claims()[u"jti"_qs].toString()), AccessTokenState::Active);
    QVERIFY(*tokens.state(oldToken->claims()[u"jti"_qs].toString()) != AccessTokenState::Active);
}

void TestClientApi::resetSecretRefused_data()
{
    QTest::addColumn<QString>("who"); // alice or frank
    QTest::addColumn<QString>("key"); // "alice": one of Alice's clients; "suppressed": a suppressed one
    QTest::addColumn<int>("status");
    QTest::addColumn<QString>("errorKey");
    QTest::newRow("unknown key") << u"alice"_qs << u"0123456789abcdef0123456789abcdef"_qs << 400
                                 << u"mwoauth-invalid-consumer-key"_qs;
    QTest::newRow("not a key at all")
        << u"alice"_qs << u"nonsense"_qs << 400 << u"mwoauth-invalid-consumer-key"_qs;
    QTest::newRow("someone else's client")
        << u"frank"_qs << u"alice"_qs << 400 << u"mwoauth-consumer-user-mismatch"_qs;
    QTest::newRow("suppressed client")
        << u"alice"_qs << u"suppressed"_qs << 401 << u"mwoauth-consumer-deleted-error"_qs;
}

void TestClientApi::resetSecretRefused()
{
    QFETCH(QString, who);
    QFETCH(QString, key);
    QFETCH(int, status);
    QFETCH(QString, errorKey);
    if (key == u"alice" || key == u"suppressed") {
        const Reply registered = registerForm(&m_alice, aliceForm(u"Target "_qs + QTest::currentDataTag()));
        QCOMPARE(registered.status, 200);
        key = registered.json()[u"client_key"_qs].toString();
        if (QTest::currentDataTag() == QByteArray("suppressed client")) {
            QSqlQuery query(m_provider->database()->database());
            QVERIFY(query.prepare(
                u"UPDATE oauth_registered_consumer SET oarc_deleted = 1 WHERE oarc_consumer_key = ?"_qs));
            query.addBindValue(key);
            QVERIFY(query.exec());
        }
    }
    const auto before = m_provider->clients()->findByKey(key);
    Browser *browser = who == u"frank" ? &m_frank : &m_alice;
    const Reply reply
        = send(browser, "POST", u"/rest.php/oauth2/client/"_qs + key + u"/reset_secret"_qs, "reason=x");
    QCOMPARE(reply.status, status);
    QCOMPARE(reply.json()[u"errorKey"_qs].toString(), errorKey);
    QVERIFY(!reply.json()[u"messageTranslations"_qs][u"en"_qs].toString().isEmpty());
    if (before) { // the secret did not change
        const auto after = m_provider->clients()->findByKey(key);
        QCOMPARE(after->secretKey, before->secretKey);
    }
}

void TestClientApi::methodsAndPaths_data()
{
    QTest::addColumn<QByteArray>("method");
    QTest::addColumn<QString>("path");
    QTest::addColumn<int>("status");
    QTest::addColumn<QByteArray>("allow");
    QTest::addColumn<QString>("errorKey");
    const QString reset = u"/rest.php/oauth2/client/0123456789abcdef0123456789abcdef/reset_secret"_qs;
    QTest::newRow("PUT client") << QByteArray("PUT") << u"/rest.php/oauth2/client"_qs << 405
                                << QByteArray("GET, POST") << u"rest-wrong-method"_qs;
    QTest::newRow("DELETE client") << QByteArray("DELETE") << u"/rest.php/oauth2/client"_qs << 405
                                   << QByteArray("GET, POST") << u"rest-wrong-method"_qs;
    QTest::newRow("GET reset_secret")
        << QByteArray("GET") << reset << 405 << QByteArray("POST") << u"rest-wrong-method"_qs;
    QTest::newRow("a key without an action")
        << QByteArray("POST") << u"/rest.php/oauth2/client/0123456789abcdef0123456789abcdef"_qs << 404
        << QByteArray() << u"rest-no-match"_qs;
    QTest::newRow("another action") << QByteArray("POST")
                                    << u"/rest.php/oauth2/client/0123456789abcdef0123456789abcdef/delete"_qs
                                    << 404 << QByteArray() << u"rest-no-match"_qs;
    QTest::newRow("no key") << QByteArray("POST") << u"/rest.php/oauth2/client//reset_secret"_qs << 404
                            << QByteArray() << u"rest-no-match"_qs;
}

void TestClientApi::methodsAndPaths()
{
    QFETCH(QByteArray, method);
    QFETCH(QString, path);
    QFETCH(int, status);
    QFETCH(QByteArray, allow);
    QFETCH(QString, errorKey);
    const Reply reply
        = send(&m_alice, method, path, method == "POST" ? QByteArray("reason=x") : QByteArray());
    QCOMPARE(reply.status, status);
    QCOMPARE(reply.header("Allow"), allow);
    QCOMPARE(reply.json()[u"errorKey"_qs].toString(), errorKey);
    QCOMPARE(reply.json()[u"httpCode"_qs].toInt(), status);
}

void TestClientApi::bearerToken()
{
    // An owner-only client with oauthmanageownclient: its token manages Alice's clients.
    const Reply manager
        = registerForm(&m_alice,
                       u"name=Manager&description=Manages&email=alice%40demo.invalid&is_confidential=1"
                       "&owner_only=1&grant_types=client_credentials&scopes=oauthmanageownclient"_qs);
    QCOMPARE(manager.status, 200);
    const QByteArray token = manager.json()[u"access_token"_qs].toString().toLatin1();
    const Reply list = send(nullptr, "GET", u"/rest.php/oauth2/client?limit=100"_qs, {}, {},
                            {{"Authorization", "Bearer " + token}});
    QCOMPARE(list.status, 200);
    bool found = false;
    const QJsonArray clients = list.json()[u"clients"_qs].toArray();
    for (const QJsonValue &c : clients)
        found = found || c[u"client_key"_qs].toString() == manager.json()[u"client_key"_qs].toString();
    QVERIFY(found);
    const Reply made
        = send(nullptr, "POST", u"/rest.php/oauth2/client"_qs, aliceForm(u"Via bearer"_qs).toUtf8(),
               "application/x-www-form-urlencoded", {{"Authorization", "Bearer " + token}});
    QCOMPARE(made.status, 200);
    QCOMPARE(m_provider->clients()->findByKey(made.json()[u"client_key"_qs].toString())->userId,
             userId(u"Alice"_qs));

    // Without the grant: refused, even with a valid cookie session alongside.
    const Reply plain
        = registerForm(&m_alice,
                       u"name=Plain+bot&description=Mine&email=alice%40demo.invalid&is_confidential=1"
                       "&owner_only=1&grant_types=client_credentials&scopes=editpage"_qs);
    QCOMPARE(plain.status, 200);
    const Reply denied
        = send(&m_alice, "GET", u"/rest.php/oauth2/client"_qs, {}, {},
               {{"Authorization", "Bearer " + plain.json()[u"access_token"_qs].toString().toLatin1()}});
    QCOMPARE(denied.status, 403);
    QCOMPARE(denied.json()[u"errorKey"_qs].toString(), u"rest-permission-denied"_qs);

    // A token that does not verify.
    QByteArray forged = token;
    forged[forged.size() - 2] = forged.at(forged.size() - 2) == 'A' ? 'B' : 'A';
    const Reply bad = send(&m_alice, "GET", u"/rest.php/oauth2/client"_qs, {}, {},
                           {{"Authorization", "Bearer " + forged}});
    QCOMPARE(bad.status, 401);
    QVERIFY(!bad.body.contains("clients"));
}

QTEST_GUILESS_MAIN(TestClientApi)
#include "TestClientApi.moc"
