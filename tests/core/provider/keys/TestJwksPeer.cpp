#include "provider/keys/KeysApi.h"

#include "jose/Jws.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QProcess>
#include <QSignalSpy>
#include <QTest>

#include "../server/ProviderTestSupport.h"

#include <memory>

Q_DECLARE_METATYPE(mwauth::jose::JwsAlgorithm)

using namespace mwauth;
using namespace mwauth::provider;
using namespace mwauth::provider::testing;
using namespace Qt::StringLiterals;

// An independent JWKS consumer: python3-jwcrypto (Debian's /usr/bin/python3, through
// jwks_peer.py) fetches the served JWKS with urllib and verifies tokens signed with
// SigningKeyStore::currentKey(), for every algorithm and across a rotation; a token of a
// retired key must not verify.
class TestJwksPeer : public QObject
{
    Q_OBJECT

private slots:
    void init();
    void cleanup();

    void verifiesCurrentKey_data();
    void verifiesCurrentKey();
    void acrossRotation();

private:
    // Runs the peer while the server keeps serving (the event loop runs in QSignalSpy::wait).
    QJsonObject runPeer(const QList<QByteArray> &tokens);
    QByteArray signToken(const QString &subject);

    FixedClock m_clock {1700000000};
    SystemRandom m_random;
    ProviderSecret m_secret = ProviderSecret::generate(m_random);
    std::unique_ptr<ProviderDatabase> m_db;
    std::unique_ptr<SigningKeyStore> m_store;
    std::unique_ptr<KeysApi> m_api;
    std::unique_ptr<ProviderServer> m_server;
};

void TestJwksPeer::init()
{
    m_clock.set(1700000000);
    auto db = ProviderDatabase::open(u":memory:"_s);
    QVERIFY2(db.ok(), qPrintable(db.error().toString()));
    m_db = std::move(*db);
    m_store = std::make_unique<SigningKeyStore>(*m_db, m_secret, m_clock, m_random);
    m_api = std::make_unique<KeysApi>(*m_store);
    m_server = std::make_unique<ProviderServer>(&m_random);
    m_api->install(*m_server);
    const Result<void> started = m_server->start();
    QVERIFY2(started.ok(), qPrintable(started.error().toString()));
}

void TestJwksPeer::cleanup()
{
    m_server.reset();
    m_api.reset();
    m_store.reset();
    m_db.reset();
}

QByteArray TestJwksPeer::signToken(const QString &subject)
{
    const Result<jose::Jwk> key = m_store->currentKey();
    if (!key) {
        qWarning() << key.error().toString();
        return {};
    }
    const QJsonObject header {{u"alg"_s, key->alg()}, {u"kid"_s, key->kid()}, {u"typ"_s, u"JWT"_s}};
    const Result<QByteArray> token = jose::Jws::sign(
        header, QJsonDocument(QJsonObject {{u"sub"_s, subject}}).toJson(QJsonDocument::Compact), *key);
    return token ? *token : QByteArray();
}

QJsonObject TestJwksPeer::runPeer(const QList<QByteArray> &tokens)
{
    QJsonArray tokenArray;
    for (const QByteArray &token : tokens)
        tokenArray.append(QString::fromLatin1(token));
    const QJsonObject request {
        {u"jwks_uri"_s, url(*m_server, u"/w/rest.php/oauth2/jwks"_s).toString()},
        {u"tokens"_s, tokenArray},
    };
    QProcess process;
    QSignalSpy finished(&process, &QProcess::finished);
    process.start(QStringLiteral(MWAUTH_PYTHON3),
                  {QStringLiteral(MWAUTH_SOURCE_DIR "/tests/core/provider/keys/jwks_peer.py")});
    if (!process.waitForStarted(30000)) {
        qWarning() << "the peer did not start:" << process.errorString();
        return {};
    }
    process.write(QJsonDocument(request).toJson(QJsonDocument::Compact));
    process.closeWriteChannel();
    if (!finished.wait(120000)) {
        process.kill();
        process.waitForFinished();
        qWarning() << "the peer did not finish";
        return {};
    }
    const QByteArray err = process.readAllStandardError();
    if (process.exitStatus() != QProcess::NormalExit || process.exitCode() != 0) {
        qWarning() << "the peer failed:" << err;
        return {};
    }
    return QJsonDocument::fromJson(process.readAllStandardOutput()).object();
}

void TestJwksPeer::verifiesCurrentKey_data()
{
    QTest::addColumn<jose::JwsAlgorithm>("alg");
    QTest::newRow("RS256") << jose::JwsAlgorithm::RS256;
    QTest::newRow("ES256") << jose::JwsAlgorithm::ES256;
    QTest::newRow("EdDSA") << jose::JwsAlgorithm::EdDSA;
}

void TestJwksPeer::verifiesCurrentKey()
{
    QFETCH(jose::JwsAlgorithm, alg);
    QVERIFY(m_store->ensureKeys(alg).ok());
    const QString kid = m_store->currentKey()->kid();
    const QByteArray token = signToken(u"Alice"_s);
    QVERIFY(!token.isEmpty());
    // A token whose signature was changed must fail with the same key.
    QByteArray tampered = token;
    tampered[tampered.size() - 2] = tampered.at(tampered.size() - 2) == 'A' ? 'B' : 'A';

    const QJsonObject answer = runPeer({token, tampered});
    QVERIFY(!answer.isEmpty());
    QCOMPARE(answer.value(u"status"_s).toInt(), 200);
    QCOMPARE(answer.value(u"content_type"_s).toString(), u"application/json"_s);
    QCOMPARE(answer.value(u"cache_control"_s).toString(), u"public, max-age=300"_s);
    QCOMPARE(answer.value(u"kids"_s).toArray().size(), 2);
    QVERIFY(answer.value(u"kids"_s).toArray().contains(kid)); // jwcrypto's JWKSet keeps no order
    const QJsonArray results = answer.value(u"results"_s).toArray();
    QCOMPARE(results.size(), 2);
    const QJsonObject good = results.at(0).toObject();
    QVERIFY2(good.value(u"ok"_s).toBool(), qPrintable(good.value(u"error"_s).toString()));
    QCOMPARE(good.value(u"kid"_s).toString(), kid);
    QCOMPARE(good.value(u"alg"_s).toString(), jose::algorithmName(alg));
    QCOMPARE(QJsonDocument::fromJson(good.value(u"payload"_s).toString().toUtf8()).object().value(u"sub"_s),
             QJsonValue(u"Alice"_s));
    QVERIFY(!results.at(1).toObject().value(u"ok"_s).toBool());
}

void TestJwksPeer::acrossRotation()
{
    QVERIFY(m_store->ensureKeys(jose::JwsAlgorithm::RS256).ok());
    const QString oldKid = m_store->currentKey()->kid();
    const QByteArray before = signToken(u"Before"_s);
    QVERIFY(m_store->rotate(u"Admin"_s).ok());
    const QByteArray after = signToken(u"After"_s);

    QJsonObject answer = runPeer({before, after});
    QJsonArray results = answer.value(u"results"_s).toArray();
    QCOMPARE(results.size(), 2);
    QVERIFY2(results.at(0).toObject().value(u"ok"_s).toBool(),
             qPrintable(results.at(0).toObject().value(u"error"_s).toString()));
    QVERIFY(results.at(1).toObject().value(u"ok"_s).toBool());
    QCOMPARE(answer.value(u"kids"_s).toArray().size(), 3);

    m_clock.advance(SigningKeyStore::DefaultMaxTokenLifetime);
    QCOMPARE(*m_store->sweep(), QStringList {oldKid});
    answer = runPeer({before, after});
    results = answer.value(u"results"_s).toArray();
    QCOMPARE(results.size(), 2);
    const QJsonObject retired = results.at(0).toObject();
    QVERIFY(!retired.value(u"ok"_s).toBool());
    QVERIFY2(retired.value(u"error"_s).toString().contains(u"no key with kid"_s),
             qPrintable(retired.value(u"error"_s).toString()));
    QVERIFY(results.at(1).toObject().value(u"ok"_s).toBool());
    QVERIFY(!answer.value(u"kids"_s).toArray().contains(oldKid));
}

QTEST_GUILESS_MAIN(TestJwksPeer)
#include "TestJwksPeer.moc"
