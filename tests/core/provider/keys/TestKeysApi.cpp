#include "provider/keys/KeysApi.h"

#include "jose/Jws.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QSqlQuery>
#include <QTest>

#include "../server/ProviderTestSupport.h"

#include <memory>

using namespace mwauth;
using namespace mwauth::provider;
using namespace mwauth::provider::testing;
using namespace Qt::StringLiterals;

// The JWKS route over real HTTP: a ProviderServer on 127.0.0.1 with KeysApi installed on a
// SigningKeyStore in an in-memory database.
class TestKeysApi : public QObject
{
    Q_OBJECT

private slots:
    void init();
    void cleanup();

    void servesPublishedKeys();
    void headers();
    void scriptPaths_data();
    void scriptPaths();
    void otherMethods_data();
    void otherMethods();
    void rotationOverHttp();
    void databaseFailure();

private:
    Reply getJwks(const QByteArray &method = "GET");
    Result<jose::Jwk> verifyWithServedJwks(const QByteArray &token);
    QByteArray signToken(const QString &subject);

    FixedClock m_clock {1700000000};
    SystemRandom m_random;
    ProviderSecret m_secret = ProviderSecret::generate(m_random);
    std::unique_ptr<ProviderDatabase> m_db;
    std::unique_ptr<SigningKeyStore> m_store;
    std::unique_ptr<KeysApi> m_api;
    std::unique_ptr<ProviderServer> m_server;
    TestHttpClient m_http;
};

void TestKeysApi::init()
{
    m_clock.set(1700000000);
    auto db = ProviderDatabase::open(u":memory:"_s);
    QVERIFY2(db.ok(), qPrintable(db.error().toString()));
    m_db = std::move(*db);
    m_store = std::make_unique<SigningKeyStore>(*m_db, m_secret, m_clock, m_random);
    QVERIFY(m_store->ensureKeys(jose::JwsAlgorithm::ES256).ok());
    m_api = std::make_unique<KeysApi>(*m_store);
    m_server = std::make_unique<ProviderServer>(&m_random);
    m_api->install(*m_server);
    const Result<void> started = m_server->start();
    QVERIFY2(started.ok(), qPrintable(started.error().toString()));
}

void TestKeysApi::cleanup()
{
    m_server.reset();
    m_api.reset();
    m_store.reset();
    m_db.reset();
}

Reply TestKeysApi::getJwks(const QByteArray &method)
{
    return m_http.send(method, url(*m_server, m_server->scriptPath() + u"/rest.php/oauth2/jwks"_s));
}

QByteArray TestKeysApi::signToken(const QString &subject)
{
    const Result<jose::Jwk> key = m_store->currentKey();
    if (!key)
        return {};
    const QJsonObject header {{u"alg"_s, key->alg()}, {u"kid"_s, key->kid()}};
    const Result<QByteArray> token = jose::Jws::sign(
        header, QJsonDocument(QJsonObject {{u"sub"_s, subject}}).toJson(QJsonDocument::Compact), *key);
    return token ? *token : QByteArray();
}

Result<jose::Jwk> TestKeysApi::verifyWithServedJwks(const QByteArray &token)
{
    const Reply reply = getJwks();
    if (reply.status != 200)
        return fail(ErrorCode::Network, u"JWKS status %1"_s.arg(reply.status));
    const Result<jose::Jwks> jwks = jose::Jwks::fromJson(reply.body);
    if (!jwks)
        return jwks.error();
    const Result<jose::JwsParts> parts = jose::Jws::parse(token);
    if (!parts)
        return parts.error();
    return jose::Jws::verify(*parts, *jwks);
}

void TestKeysApi::servesPublishedKeys()
{
    const Reply reply = getJwks();
    QCOMPARE(reply.status, 200);
    const QJsonObject body = reply.json();
    QCOMPARE(body, *m_store->publishedJwks());
    const QJsonArray keys = body.value(u"keys"_s).toArray();
    QCOMPARE(keys.size(), 2);
    QCOMPARE(keys.at(0).toObject().value(u"kid"_s).toString(), m_store->currentKey()->kid());
    for (const QJsonValue &key : keys) {
        QCOMPARE(key.toObject().value(u"use"_s).toString(), u"sig"_s);
        QCOMPARE(key.toObject().value(u"alg"_s).toString(), u"ES256"_s);
        QVERIFY(!key.toObject().contains(u"d"_s));
    }
    QVERIFY(!reply.body.contains("\"d\""));
    const Result<jose::Jwk> verified = verifyWithServedJwks(signToken(u"Alice"_s));
    QVERIFY2(verified.ok(), qPrintable(verified.error().toString()));
}

void TestKeysApi::headers()
{
    const Reply reply = getJwks();
    QCOMPARE(reply.status, 200);
    QCOMPARE(reply.header("Content-Type"), QByteArray("application/json"));
    QCOMPARE(reply.header("Cache-Control"), QByteArray("public, max-age=300"));
    QVERIFY(reply.header("Set-Cookie").isEmpty()); // no session for a public document

    const Reply head = getJwks("HEAD");
    QCOMPARE(head.status, 200);
    QCOMPARE(head.header("Cache-Control"), QByteArray("public, max-age=300"));
}

void TestKeysApi::scriptPaths_data()
{
    QTest::addColumn<QString>("scriptPath");
    QTest::newRow("/w") << u"/w"_s;
    QTest::newRow("root") << QString();
}

void TestKeysApi::scriptPaths()
{
    QFETCH(QString, scriptPath);
    m_server->setScriptPath(scriptPath);
    const Reply reply = m_http.send("GET", url(*m_server, scriptPath + u"/rest.php/oauth2/jwks"_s));
    QCOMPARE(reply.status, 200);
    QCOMPARE(reply.json().value(u"keys"_s).toArray().size(), 2);
    // Only the exact route: a path below it is not the JWKS.
    const Reply below = m_http.send("GET", url(*m_server, scriptPath + u"/rest.php/oauth2/jwks/x"_s));
    QCOMPARE(below.status, 404);
}

void TestKeysApi::otherMethods_data()
{
    QTest::addColumn<QByteArray>("method");
    QTest::newRow("POST") << QByteArray("POST");
    QTest::newRow("PUT") << QByteArray("PUT");
    QTest::newRow("DELETE") << QByteArray("DELETE");
}

void TestKeysApi::otherMethods()
{
    QFETCH(QByteArray, method);
    const Reply reply = getJwks(method);
    QCOMPARE(reply.status, 405);
    QCOMPARE(reply.header("Allow"), QByteArray("GET, HEAD"));
    const QJsonObject body = reply.json();
    QCOMPARE(body.value(u"httpCode"_s).toInt(), 405);
    QCOMPARE(body.value(u"httpReason"_s).toString(), u"Method Not Allowed"_s);
    QVERIFY(body.value(u"messageTranslations"_s)
                .toObject()
                .value(u"en"_s)
                .toString()
                .contains(QString::fromLatin1(method)));
    QVERIFY(!body.contains(u"keys"_s));
}

void TestKeysApi::rotationOverHttp()
{
    const QByteArray before = signToken(u"Before"_s);
    const QString oldKid = m_store->currentKey()->kid();
    const QString nextKid = m_store->list()->constLast().kid;
    QVERIFY(m_store->rotate(u"Admin"_s).ok());
    const QByteArray after = signToken(u"After"_s);
    QCOMPARE(m_store->currentKey()->kid(), nextKid);

    QCOMPARE(getJwks().json().value(u"keys"_s).toArray().size(), 3);
    QVERIFY(verifyWithServedJwks(before).ok());
    QVERIFY(verifyWithServedJwks(after).ok());

    m_clock.advance(SigningKeyStore::DefaultMaxTokenLifetime);
    QVERIFY(m_store->sweep()->contains(oldKid));
    const QJsonArray keys = getJwks().json().value(u"keys"_s).toArray();
    QCOMPARE(keys.size(), 2);
    for (const QJsonValue &key : keys)
        QVERIFY(key.toObject().value(u"kid"_s).toString() != oldKid);
    const Result<jose::Jwk> old = verifyWithServedJwks(before);
    QVERIFY(!old.ok());
    QCOMPARE(old.error().code(), ErrorCode::NoMatchingKey);
    QVERIFY(verifyWithServedJwks(after).ok());
}

void TestKeysApi::databaseFailure()
{
    QSqlQuery query(m_db->database());
    QVERIFY(query.exec(u"DROP TABLE signing_key"_s));
    const Reply reply = getJwks();
    QCOMPARE(reply.status, 500);
    QCOMPARE(reply.json().value(u"httpCode"_s).toInt(), 500);
    QVERIFY(reply.json()
                .value(u"messageTranslations"_s)
                .toObject()
                .value(u"en"_s)
                .toString()
                .contains(u"signing keys"_s));
    QVERIFY(!reply.body.contains("signing_key")); // no driver detail for the client
}

QTEST_GUILESS_MAIN(TestKeysApi)
#include "TestKeysApi.moc"
