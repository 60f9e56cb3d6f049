#include "JoseTestUtil.h"
#include "JoseVectors.h"

#include "jose/Jwks.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QTest>

using namespace mwauth;
using namespace mwauth::jose;

class TestJwks : public QObject
{
    Q_OBJECT
private slots:
    void rfc7517Sets()
    {
        Result<Jwks> pub = Jwks::fromJson(QByteArrayView(vectors::rfc7517A1));
        QVERIFY2(pub.ok(), testutil::why(pub));
        QCOMPARE(pub->keys().size(), 2);
        QVERIFY(pub->skipped().isEmpty());
        QCOMPARE(pub->toPublicJson(), QJsonDocument::fromJson(vectors::rfc7517A1).object());

        // The private set publishes exactly the public set.
        Result<Jwks> priv = Jwks::fromJson(QByteArrayView(vectors::rfc7517A2));
        QVERIFY2(priv.ok(), testutil::why(priv));
        QCOMPARE(priv->toPublicJson(), QJsonDocument::fromJson(vectors::rfc7517A1).object());
        const QByteArray published = QJsonDocument(priv->toPublicJson()).toJson();
        for (const char *member : {"\"d\"", "\"p\"", "\"q\"", "\"dp\"", "\"dq\"", "\"qi\""})
            QVERIFY2(!published.contains(member), member);

        // Symmetric keys are never published.
        Result<Jwks> sym = Jwks::fromJson(QByteArrayView(vectors::rfc7517A3));
        QVERIFY(sym.ok());
        QCOMPARE(sym->keys().size(), 2);
        QVERIFY(sym->toPublicJson().value(QStringLiteral("keys")).toArray().isEmpty());
    }

    void candidates()
    {
        Result<Jwks> set = Jwks::fromJson(QByteArrayView(vectors::rfc7517A1));
        QVERIFY(set.ok());
        // kid selects; the key must also fit the alg.
        QCOMPARE(set->candidates(QStringLiteral("2011-04-29"), JwsAlgorithm::RS256).size(), 1);
        QCOMPARE(set->candidates(QStringLiteral("2011-04-29"), JwsAlgorithm::RS512).size(),
                 0); // pinned RS256
        QCOMPARE(set->candidates(QStringLiteral("nope"), JwsAlgorithm::RS256).size(), 0);
        // Without kid: all that fit. The EC key is "use":"enc", so none for ES256.
        QCOMPARE(set->candidates(QString(), JwsAlgorithm::RS256).size(), 1);
        QCOMPARE(set->candidates(QString(), JwsAlgorithm::ES256).size(), 0);
        QCOMPARE(set->candidates(QString(), JwsAlgorithm::HS256).size(), 0);
    }

    // RFC 7517 section 5: keys we cannot use are skipped, with a reason, not fatal.
    void skipsUnusableKeys()
    {
        const QByteArray json = R"({"keys":[
            {"kty":"RSA","kid":"weak","n":"AQAB","e":"AQAB"},
            {"kty":"XYZ","kid":"alien"},
            {"kty":"EC","crv":"P-521","kid":"p521","x":"AA","y":"AA"},
            "not an object",
            {"kty":"OKP","crv":"Ed25519","kid":"good","x":"11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo"}]})";
        Result<Jwks> set = Jwks::fromJson(json);
        QVERIFY2(set.ok(), testutil::why(set));
        QCOMPARE(set->keys().size(), 1);
        QCOMPARE(set->keys().first().kid(), QStringLiteral("good"));
        QCOMPARE(set->skipped().size(), 4);
        QVERIFY2(set->skipped().at(0).contains(QStringLiteral("weak")), qPrintable(set->skipped().at(0)));
        QVERIFY2(set->skipped().at(0).contains(QStringLiteral("bits")), qPrintable(set->skipped().at(0)));
        QVERIFY2(set->skipped().at(1).contains(QStringLiteral("XYZ")), qPrintable(set->skipped().at(1)));
        QVERIFY2(set->skipped().at(2).contains(QStringLiteral("P-521")), qPrintable(set->skipped().at(2)));
        QVERIFY2(set->skipped().at(3).contains(QStringLiteral("not a JSON object")),
                 qPrintable(set->skipped().at(3)));
    }

    void rejects_data()
    {
        QTest::addColumn<QByteArray>("json");
        QTest::addColumn<ErrorCode>("code");
        QTest::addColumn<QString>("messagePart");
        QTest::newRow("not JSON") << QByteArray("{keys:") << ErrorCode::MalformedJson
                                  << QStringLiteral("not valid JSON");
        QTest::newRow("array") << QByteArray("[]") << ErrorCode::MalformedJson
                               << QStringLiteral("not an object");
        QTest::newRow("no keys") << QByteArray(R"({"kty":"RSA"})") << ErrorCode::MalformedJson
                                 << QStringLiteral("no \"keys\"");
        QTest::newRow("keys not array")
            << QByteArray(R"({"keys":{}})") << ErrorCode::MalformedJson << QStringLiteral("not an array");
        QTest::newRow("duplicate kid") << QByteArray(
            R"({"keys":[{"kty":"oct","kid":"a","k":"AAAA"},{"kty":"oct","kid":"a","k":"BBBB"}]})")
                                       << ErrorCode::MalformedKey << QStringLiteral("kid 'a'");
        QTest::newRow("duplicate member")
            << QByteArray(R"({"keys":[],"keys":[]})") << ErrorCode::MalformedJson
            << QStringLiteral("\"keys\" more than once");
        QByteArray many = R"({"keys":[)";
        for (int i = 0; i < 101; ++i)
            many += QByteArray(i ? "," : "") + R"({"kty":"oct","k":"AAAA"})";
        many += "]}";
        QTest::newRow("101 keys") << many << ErrorCode::MalformedJson << QStringLiteral("101 keys");
    }
    void rejects()
    {
        QFETCH(QByteArray, json);
        QFETCH(ErrorCode, code);
        QFETCH(QString, messagePart);
        Result<Jwks> set = Jwks::fromJson(json);
        QVERIFY(!set.ok());
        QCOMPARE(set.error().code(), code);
        QVERIFY2(set.error().message().contains(messagePart), qPrintable(set.error().message()));
    }

    void addAndPublish()
    {
        Jwks set;
        QVERIFY(set.isEmpty());
        set.add(testutil::key(vectors::rfc8037Private));
        set.add(Jwk::fromSecret("secret"));
        QCOMPARE(set.keys().size(), 2);
        const QJsonArray published = set.toPublicJson().value(QStringLiteral("keys")).toArray();
        QCOMPARE(published.size(), 1);
        QCOMPARE(published.first().toObject(), QJsonDocument::fromJson(vectors::rfc8037Public).object());
    }
};

QTEST_APPLESS_MAIN(TestJwks)
#include "TestJwks.moc"
