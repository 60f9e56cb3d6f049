#include "JoseTestUtil.h"
#include "JoseVectors.h"

#include "jose/Base64Url.h"
#include "jose/Jwt.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QTest>

using namespace mwauth;
using namespace mwauth::jose;

// Malformed tokens, keys and key sets: each gives its specific ErrorCode and a message
// that says what is wrong, never a crash.
namespace {

QByteArray b64(const QByteArray &data)
{
    return Base64Url::encode(data);
}

// A token whose header is `headerJson`, with a dummy payload and signature.
QByteArray withHeader(const QByteArray &headerJson)
{
    return b64(headerJson) + '.' + b64("{}") + '.' + b64("signature-bytes");
}

QByteArray replaced(const char *json, const QByteArray &from, const QByteArray &to)
{
    QByteArray out(json);
    out.replace(from, to);
    return out;
}

QByteArray rsaJwk(const QByteArray &n)
{
    return R"({"kty":"RSA","n":")" + b64(n) + R"(","e":"AQAB"})";
}

} // namespace

class TestJoseBadInput : public QObject
{
    Q_OBJECT
private slots:
    void tokens_data()
    {
        QTest::addColumn<QByteArray>("token");
        QTest::addColumn<ErrorCode>("code");
        QTest::addColumn<QString>("messagePart");
        const QByteArray hs = b64(R"({"alg":"HS256"})");
        const QByteArray rs = b64(R"({"alg":"RS256"})");
        QTest::newRow("empty") << QByteArray() << ErrorCode::MalformedToken << QStringLiteral("empty");
        QTest::newRow("one part") << hs << ErrorCode::MalformedToken << QStringLiteral("1 part ");
        QTest::newRow("two parts") << hs + ".e30" << ErrorCode::MalformedToken << QStringLiteral("2 parts");
        QTest::newRow("four parts") << hs + ".e30.AAAA.AAAA" << ErrorCode::MalformedToken
                                    << QStringLiteral("4 parts");
        QTest::newRow("five parts (JWE)")
            << hs + ".AAAA.AAAA.AAAA.AAAA" << ErrorCode::MalformedToken << QStringLiteral("JWE");
        QTest::newRow("empty header")
            << QByteArray(".e30.AAAA") << ErrorCode::MalformedToken << QStringLiteral("header part is empty");
        QTest::newRow("empty signature RS256")
            << rs + ".e30." << ErrorCode::MalformedToken << QStringLiteral("signature part is empty");
        QTest::newRow("bad char in header")
            << hs + "!.e30.AAAA" << ErrorCode::MalformedBase64 << QStringLiteral("header");
        QTest::newRow("padding in payload")
            << hs + ".e30=.AAAA" << ErrorCode::MalformedBase64 << QStringLiteral("no padding");
        QTest::newRow("std base64 in signature")
            << hs + ".e30.ab+/" << ErrorCode::MalformedBase64 << QStringLiteral("signature");
        QTest::newRow("space in signature")
            << hs + ".e30.AA A" << ErrorCode::MalformedBase64 << QStringLiteral("0x20");
        QTest::newRow("header not JSON")
            << withHeader("alg=HS256") << ErrorCode::MalformedToken << QStringLiteral("not valid JSON");
        QTest::newRow("header JSON array") << withHeader(R"(["alg","HS256"])") << ErrorCode::MalformedToken
                                           << QStringLiteral("not an object");
        QTest::newRow("header trailing garbage")
            << withHeader(R"({"alg":"HS256"}x)") << ErrorCode::MalformedToken
            << QStringLiteral("not valid JSON");
        QTest::newRow("alg none") << withHeader(R"({"alg":"none"})") << ErrorCode::UnsupportedAlgorithm
                                  << QStringLiteral("\"none\"");
        QTest::newRow("alg NONE") << withHeader(R"({"alg":"NONE"})") << ErrorCode::UnsupportedAlgorithm
                                  << QStringLiteral("\"NONE\" is not supported");
        QTest::newRow("alg lowercase hs256")
            << withHeader(R"({"alg":"hs256"})") << ErrorCode::UnsupportedAlgorithm
            << QStringLiteral("case-sensitive");
        QTest::newRow("alg ES512") << withHeader(R"({"alg":"ES512"})") << ErrorCode::UnsupportedAlgorithm
                                   << QStringLiteral("\"ES512\"");
        QTest::newRow("alg missing") << withHeader(R"({"typ":"JWT"})") << ErrorCode::UnsupportedAlgorithm
                                     << QStringLiteral("no \"alg\"");
        QTest::newRow("alg empty") << withHeader(R"({"alg":""})") << ErrorCode::UnsupportedAlgorithm
                                   << QStringLiteral("empty");
        QTest::newRow("alg not a string") << withHeader(R"({"alg":256})") << ErrorCode::UnsupportedAlgorithm
                                          << QStringLiteral("not a string");
        QTest::newRow("crit") << withHeader(R"({"alg":"HS256","crit":["exp"],"exp":1})")
                              << ErrorCode::MalformedToken << QStringLiteral("\"crit\"");
        QTest::newRow("crit with b64") << withHeader(R"({"alg":"HS256","b64":false,"crit":["b64"]})")
                                       << ErrorCode::MalformedToken << QStringLiteral("\"crit\"");
        QTest::newRow("duplicate alg")
            << withHeader(R"({"alg":"HS256","alg":"none"})") << ErrorCode::MalformedToken
            << QStringLiteral("\"alg\" more than once");
        QTest::newRow("duplicate alg, escaped")
            << withHeader(R"({"alg":"RS256","\u0061lg":"HS256"})") << ErrorCode::MalformedToken
            << QStringLiteral("\"alg\" more than once");
        QTest::newRow("duplicate kid, spaced")
            << withHeader("{\"alg\":\"HS256\", \"kid\" :\"a\",\n\"kid\"\t: \"b\"}")
            << ErrorCode::MalformedToken << QStringLiteral("\"kid\" more than once");
        QTest::newRow("oversized") << QByteArray(Jws::maxCompactSize + 1, 'A') << ErrorCode::MalformedToken
                                   << QStringLiteral("refused");
    }
    void tokens()
    {
        QFETCH(QByteArray, token);
        QFETCH(ErrorCode, code);
        QFETCH(QString, messagePart);
        Result<JwsParts> parts = Jws::parse(token);
        QVERIFY(!parts.ok());
        QCOMPARE(parts.error().code(), code);
        QVERIFY2(parts.error().message().contains(messagePart), qPrintable(parts.error().message()));
        // Jwt::decode and the validator report the same error.
        Result<Jwt> jwt = Jwt::decode(token);
        QVERIFY(!jwt.ok());
        QCOMPARE(jwt.error().code(), code);
        const JwtVerdict verdict = JwtValidator().validate(token, Jwk::fromSecret(QByteArray(32, 'x')));
        QVERIFY(!verdict.valid);
        QCOMPARE(verdict.error.code(), code);
    }

    // Nested duplicates are not duplicates at the top level; they are still refused.
    void duplicateDetectionIsPerObject()
    {
        Result<JwsParts> nested
            = Jws::parse(withHeader(R"({"alg":"HS256","jwk":{"kty":"oct","kty":"RSA"}})"));
        QCOMPARE(nested.error().code(), ErrorCode::MalformedToken);
        QVERIFY2(nested.error().message().contains(QStringLiteral("\"kty\"")),
                 qPrintable(nested.error().message()));
        // The same name in sibling objects, or as a value, is fine.
        Result<JwsParts> siblings = Jws::parse(
            withHeader(R"({"alg":"HS256","a":{"x":1},"b":{"x":2},"c":["alg","alg"],"d":"alg"})"));
        QVERIFY2(siblings.ok(), testutil::why(siblings));
        // A quote or brace inside a string does not confuse the scan. (No raw string
        // here: moc in Qt 6.4 misreads backslashes and "//" inside raw strings.)
        Result<JwsParts> tricky
            = Jws::parse(withHeader("{\"alg\":\"HS256\",\"x\":\"\\\"alg\\\":{\",\"y\":\"}\"}"));
        QVERIFY2(tricky.ok(), testutil::why(tricky));
    }

    void keys_data()
    {
        QTest::addColumn<QByteArray>("json");
        QTest::addColumn<ErrorCode>("code");
        QTest::addColumn<QString>("messagePart");
        QByteArray rsa1024(128, '\xff');
        QByteArray even2048(256, '\xff');
        even2048[255] = '\xfe';
        QTest::newRow("not JSON") << QByteArray("{kty:RSA}") << ErrorCode::MalformedJson
                                  << QStringLiteral("not valid JSON");
        QTest::newRow("array") << QByteArray("[]") << ErrorCode::MalformedJson
                               << QStringLiteral("not an object");
        QTest::newRow("duplicate member")
            << QByteArray(R"({"kty":"oct","k":"AAAA","k":"BBBB"})") << ErrorCode::MalformedJson
            << QStringLiteral("\"k\" more than once");
        QTest::newRow("kty missing") << QByteArray(R"({"n":"AQAB"})") << ErrorCode::MalformedKey
                                     << QStringLiteral("no \"kty\"");
        QTest::newRow("kty number") << QByteArray(R"({"kty":1})") << ErrorCode::MalformedKey
                                    << QStringLiteral("\"kty\" must be a string");
        QTest::newRow("unknown kty") << QByteArray(R"({"kty":"XYZ"})") << ErrorCode::MalformedKey
                                     << QStringLiteral("\"XYZ\" is not supported");
        QTest::newRow("RSA 1024") << rsaJwk(rsa1024) << ErrorCode::WeakKey << QStringLiteral("1024 bits");
        QTest::newRow("RSA 8200 bits") << rsaJwk(QByteArray(1025, '\xff')) << ErrorCode::MalformedKey
                                       << QStringLiteral("more than 8192");
        QTest::newRow("RSA even modulus")
            << rsaJwk(even2048) << ErrorCode::MalformedKey << QStringLiteral("even");
        QTest::newRow("RSA missing n") << QByteArray(R"({"kty":"RSA","e":"AQAB"})") << ErrorCode::MalformedKey
                                       << QStringLiteral("no \"n\"");
        QTest::newRow("RSA missing e") << replaced(vectors::rfc7515A2Key, R"("e":"AQAB",)", "")
                                       << ErrorCode::MalformedKey << QStringLiteral("no \"e\"");
        QTest::newRow("RSA e padded") << replaced(vectors::rfc7515A2Key, R"("e":"AQAB")", R"("e":"AQAB==")")
                                      << ErrorCode::MalformedKey << QStringLiteral("base64url");
        QTest::newRow("RSA n not string") << QByteArray(R"({"kty":"RSA","n":12345,"e":"AQAB"})")
                                          << ErrorCode::MalformedKey << QStringLiteral("\"n\" must be");
        QTest::newRow("RSA e = 1") << replaced(vectors::rfc7515A2Key, R"("e":"AQAB")", R"("e":"AQ")")
                                   << ErrorCode::MalformedKey << QStringLiteral("exponent");
        QTest::newRow("RSA partial CRT") << replaced(vectors::rfc7515A2Key, R"("qi":)", R"("xx":)")
                                         << ErrorCode::MalformedKey << QStringLiteral("lacks qi");
        QTest::newRow("RSA CRT without d") << replaced(vectors::rfc7515A2Key, R"("d":)", R"("xx":)")
                                           << ErrorCode::MalformedKey << QStringLiteral("no \"d\"");
        QTest::newRow("RSA multi-prime")
            << replaced(vectors::rfc7515A2Key, R"("e":"AQAB",)", R"("e":"AQAB","oth":[],)")
            << ErrorCode::MalformedKey << QStringLiteral("oth");
        QTest::newRow("RSA p wrong") << replaced(vectors::rfc7515A2Key, "\"p\":\"4Bz", "\"p\":\"4Bx")
                                     << ErrorCode::MalformedKey << QStringLiteral("do not match");
        QTest::newRow("RSA d wrong, no CRT")
            << QByteArray(R"({"kty":"RSA","n":")"
                          + QJsonDocument::fromJson(vectors::rfc7515A2Key)
                                .object()
                                .value(QStringLiteral("n"))
                                .toString()
                                .toLatin1()
                          + R"(","e":"AQAB","d":")"
                          + QJsonDocument::fromJson(vectors::rfc7520RsaPrivate)
                                .object()
                                .value(QStringLiteral("d"))
                                .toString()
                                .toLatin1()
                          + R"("})")
            << ErrorCode::MalformedKey << QStringLiteral("do not match");
        QTest::newRow("EC point off curve")
            << replaced(vectors::rfc7515A3Key, "x_FEzRu9", "x_FEzRu8") << ErrorCode::MalformedKey
            << QStringLiteral("not on the curve P-256");
        QTest::newRow("EC x short") << replaced(
            vectors::rfc7515A3Key, "f83OJ3D2xF1Bg8vub9tLe1gHMzV76e8Tus9uPHvRVEU", b64(QByteArray(31, '\x01')))
                                    << ErrorCode::MalformedKey << QStringLiteral("exactly 32");
        QTest::newRow("EC missing y")
            << QByteArray(R"({"kty":"EC","crv":"P-256","x":"f83OJ3D2xF1Bg8vub9tLe1gHMzV76e8Tus9uPHvRVEU"})")
            << ErrorCode::MalformedKey << QStringLiteral("no \"y\"");
        QTest::newRow("EC P-521") << replaced(vectors::rfc7515A3Key, "P-256", "P-521")
                                  << ErrorCode::MalformedKey << QStringLiteral("\"P-521\" is not supported");
        QTest::newRow("EC no crv") << replaced(vectors::rfc7515A3Key, R"("crv":"P-256",)", "")
                                   << ErrorCode::MalformedKey << QStringLiteral("no \"crv\"");
        QTest::newRow("EC d of another key")
            << replaced(vectors::rfc7515A3Key, "jpsQnnGQmL-YBIffH1136cspYG6-0iY7X1fCE9-E9LI",
                        "870MB6gfuTJ4HtUnUvYMyJpr5eUZNP4Bk43bVdj3eAE")
            << ErrorCode::MalformedKey << QStringLiteral("does not belong");
        QTest::newRow("OKP X25519") << replaced(vectors::rfc8037Public, "Ed25519", "X25519")
                                    << ErrorCode::MalformedKey
                                    << QStringLiteral("\"X25519\" is not supported");
        QTest::newRow("OKP x short") << QByteArray(R"({"kty":"OKP","crv":"Ed25519","x":"AAAA"})")
                                     << ErrorCode::MalformedKey << QStringLiteral("must have 32");
        QTest::newRow("OKP d of another key")
            << replaced(vectors::rfc8037Private, "nWGxne_9WmC6hEr0kuwsxERJxWl7MmkZcDusAxyuf2A",
                        "870MB6gfuTJ4HtUnUvYMyJpr5eUZNP4Bk43bVdj3eAE")
            << ErrorCode::MalformedKey << QStringLiteral("does not belong");
        QTest::newRow("oct empty k") << QByteArray(R"({"kty":"oct","k":""})") << ErrorCode::MalformedKey
                                     << QStringLiteral("empty");
        QTest::newRow("oct no k") << QByteArray(R"({"kty":"oct"})") << ErrorCode::MalformedKey
                                  << QStringLiteral("no \"k\"");
        QTest::newRow("kid not string")
            << QByteArray(R"({"kty":"oct","k":"AAAA","kid":7})") << ErrorCode::MalformedKey
            << QStringLiteral("\"kid\" must be a string");
    }
    void keys()
    {
        QFETCH(QByteArray, json);
        QFETCH(ErrorCode, code);
        QFETCH(QString, messagePart);
        Result<Jwk> key = Jwk::fromJson(json);
        QVERIFY2(!key.ok(), "the key was accepted");
        QCOMPARE(key.error().code(), code);
        QVERIFY2(key.error().message().contains(messagePart), qPrintable(key.error().message()));
    }

    void keySets_data()
    {
        QTest::addColumn<QByteArray>("json");
        QTest::addColumn<ErrorCode>("code");
        QTest::addColumn<QString>("messagePart");
        QTest::newRow("without keys") << QByteArray(R"({"kty":"RSA","n":"AQAB","e":"AQAB"})")
                                      << ErrorCode::MalformedJson << QStringLiteral("no \"keys\"");
        QTest::newRow("duplicate kid")
            << QByteArray(R"({"keys":[)" + QByteArray(vectors::rfc8037Public).replace("}", R"(,"kid":"k"})")
                          + "," + QByteArray(vectors::rfc8037Public).replace("}", R"(,"kid":"k"})") + "]}")
            << ErrorCode::MalformedKey << QStringLiteral("kid 'k'");
        QTest::newRow("not JSON") << QByteArray("keys") << ErrorCode::MalformedJson
                                  << QStringLiteral("not valid JSON");
    }
    void keySets()
    {
        QFETCH(QByteArray, json);
        QFETCH(ErrorCode, code);
        QFETCH(QString, messagePart);
        Result<Jwks> set = Jwks::fromJson(json);
        QVERIFY(!set.ok());
        QCOMPARE(set.error().code(), code);
        QVERIFY2(set.error().message().contains(messagePart), qPrintable(set.error().message()));
    }

    // Verification with a key that does not fit the token's alg.
    void misfits_data()
    {
        QTest::addColumn<QByteArray>("keyJson");
        QTest::addColumn<QString>("alg");
        QTest::addColumn<ErrorCode>("code");
        QTest::addColumn<QString>("messagePart");
        const QByteArray rsaPublic = QJsonDocument(QJsonDocument::fromJson(vectors::rfc7517A1)
                                                       .object()
                                                       .value(QStringLiteral("keys"))
                                                       .toArray()
                                                       .at(1)
                                                       .toObject())
                                         .toJson();
        QTest::newRow("HS256 with RSA public key")
            << QByteArray(vectors::rfc7515A2Key) << QStringLiteral("HS256") << ErrorCode::AlgorithmKeyMismatch
            << QStringLiteral("confusion");
        QTest::newRow("RS256 with EC key") << QByteArray(vectors::rfc7515A3Key) << QStringLiteral("RS256")
                                           << ErrorCode::AlgorithmKeyMismatch << QStringLiteral("RSA key");
        QTest::newRow("ES384 with P-256 key") << QByteArray(vectors::rfc7515A3Key) << QStringLiteral("ES384")
                                              << ErrorCode::AlgorithmKeyMismatch << QStringLiteral("P-384");
        QTest::newRow("EdDSA with oct key") << QByteArray(vectors::rfc7515A1Key) << QStringLiteral("EdDSA")
                                            << ErrorCode::AlgorithmKeyMismatch << QStringLiteral("Ed25519");
        QTest::newRow("PS256 with key pinned to RS256")
            << rsaPublic << QStringLiteral("PS256") << ErrorCode::AlgorithmKeyMismatch
            << QStringLiteral("pinned");
    }
    void misfits()
    {
        QFETCH(QByteArray, keyJson);
        QFETCH(QString, alg);
        QFETCH(ErrorCode, code);
        QFETCH(QString, messagePart);
        Result<Jwk> key = Jwk::fromJson(keyJson);
        QVERIFY2(key.ok(), testutil::why(key));
        const QByteArray token = withHeader("{\"alg\":\"" + alg.toLatin1() + "\"}");
        Result<JwsParts> parts = Jws::parse(token);
        QVERIFY(parts.ok());
        Result<void> verified = Jws::verify(*parts, key->publicKey());
        QVERIFY(!verified.ok());
        QCOMPARE(verified.error().code(), code);
        QVERIFY2(verified.error().message().contains(messagePart), qPrintable(verified.error().message()));
    }
};

QTEST_APPLESS_MAIN(TestJoseBadInput)
#include "TestJoseBadInput.moc"
