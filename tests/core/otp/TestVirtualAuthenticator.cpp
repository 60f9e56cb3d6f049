#include "otp/VirtualAuthenticator.h"
#include "otp/WebAuthnRequestOptions.h"

#include "jose/Jws.h"
#include "jose/KeyGenerator.h"

#include <QCryptographicHash>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTest>

using namespace mwauth;
using namespace mwauth::otp;

// The authenticator (client) side: the credential it keeps, the JSON it answers with, and
// what it refuses to answer.
namespace {

const QString rpId = QStringLiteral("127.0.0.1");
const QString origin = QStringLiteral("http://127.0.0.1:8089");
// 32 bytes: FixedRandom repeats it, so the credential id is exactly this.
const QByteArray idPattern
    = QByteArray::fromHex("a0a1a2a3a4a5a6a7a8a9aaabacadaeafb0b1b2b3b4b5b6b7b8b9babbbcbdbebf");
const QByteArray challenge
    = QByteArray::fromHex("5f4dcc3b5aa765d61d8327deb882cf99a1b2c3d4e5f60718293a4b5c6d7e8f90");

QByteArray sha256(QByteArrayView data)
{
    return QCryptographicHash::hash(data, QCryptographicHash::Sha256);
}

QJsonObject object(const QByteArray &json)
{
    return QJsonDocument::fromJson(json).object();
}

// auth_info written the way OATHAuth's WebAuthn module sends it (padded base64 values).
QByteArray authInfo(const QByteArray &rest)
{
    return QByteArray(R"({"challenge":")") + challenge.toBase64() + "\"" + rest + "}";
}

QByteArray allowing(const QByteArray &id, const QByteArray &more = {})
{
    return QByteArray(R"(,"rpId":"127.0.0.1","allowCredentials":[{"type":"public-key","id":")")
        + id.toBase64() + "\"}]" + more;
}

VirtualAuthenticator makeAuthenticator(const QString &forRpId = rpId, const QByteArray &userHandle = "alice")
{
    FixedRandom random(idPattern);
    Result<VirtualAuthenticator> created = VirtualAuthenticator::create(random, forRpId, userHandle);
    if (!created)
        qFatal("create: %s", qPrintable(created.error().message()));
    return *created;
}

} // namespace

class TestVirtualAuthenticator : public QObject
{
    Q_OBJECT

private slots:
    void create()
    {
        const VirtualAuthenticator device = makeAuthenticator();
        QCOMPARE(device.credentialId(), idPattern);
        QCOMPARE(device.rpId(), rpId);
        QCOMPARE(device.userHandle(), QByteArray("alice"));
        QCOMPARE(device.signCount(), 0u);

        FixedRandom random(idPattern);
        Result<VirtualAuthenticator> noRpId = VirtualAuthenticator::create(random, QString(), "alice");
        QVERIFY(!noRpId.ok());
        QCOMPARE(noRpId.error().code(), ErrorCode::InvalidInput);
        QVERIFY(noRpId.error().message().contains(QLatin1String("rpId")));
    }

    // The secret form keeps everything (the private key too); the public form has no
    // private member, and both name the same key.
    void jsonForms()
    {
        VirtualAuthenticator device = makeAuthenticator();
        QVERIFY(device.answer(authInfo(allowing(idPattern)), origin).ok());
        const QJsonObject secret = object(device.toJson());
        QVERIFY(secret.value(QLatin1String("privateKey")).toObject().contains(QLatin1String("d")));
        QCOMPARE(secret.value(QLatin1String("signCount")).toInt(), 1);

        const QJsonObject pub = object(device.publicCredentialJson());
        const QJsonObject jwk = pub.value(QLatin1String("publicKey")).toObject();
        QVERIFY(!jwk.contains(QLatin1String("d")));
        QCOMPARE(jwk.value(QLatin1String("kty")).toString(), QStringLiteral("EC"));
        QCOMPARE(jwk.value(QLatin1String("crv")).toString(), QStringLiteral("P-256"));
        QCOMPARE(pub.value(QLatin1String("rpId")).toString(), rpId);
        QCOMPARE(pub.value(QLatin1String("credentialId")).toString().toLatin1(),
                 idPattern.toBase64(QByteArray::Base64UrlEncoding | QByteArray::OmitTrailingEquals));

        Result<VirtualAuthenticator> restored = VirtualAuthenticator::fromJson(device.toJson());
        QVERIFY2(restored.ok(), qPrintable(restored.error().message()));
        QCOMPARE(restored->credentialId(), device.credentialId());
        QCOMPARE(restored->rpId(), device.rpId());
        QCOMPARE(restored->userHandle(), device.userHandle());
        QCOMPARE(restored->signCount(), 1u);
        QCOMPARE(restored->publicCredentialJson(), device.publicCredentialJson());
        // The restored copy signs with the same key: its answer verifies with the stored key.
        Result<QByteArray> answer = restored->answer(authInfo(allowing(idPattern)), origin);
        QVERIFY(answer.ok());
        Result<WebAuthnPublicCredential> stored
            = WebAuthnPublicCredential::fromJson(device.publicCredentialJson());
        QVERIFY(stored.ok());
        Result<quint32> count
            = WebAuthnAssertion::verify(*answer, challenge, origin, rpId, stored->publicKey, 1, true);
        QVERIFY2(count.ok(), qPrintable(count.error().message()));
        QCOMPARE(*count, 2u);
    }

    void fromJsonRejected_data()
    {
        QTest::addColumn<QByteArray>("json");
        QTest::addColumn<ErrorCode>("code");
        QTest::addColumn<QString>("fragment");
        VirtualAuthenticator device = makeAuthenticator();
        const QJsonObject good = object(device.toJson());
        auto with = [&good](const char *member, const QJsonValue &value) {
            QJsonObject changed = good;
            if (value.isUndefined())
                changed.remove(QLatin1String(member));
            else
                changed.insert(QLatin1String(member), value);
            return QJsonDocument(changed).toJson(QJsonDocument::Compact);
        };
        const QString needs = QStringLiteral("needs \"credentialId\"");
        QTest::newRow("not JSON") << QByteArray("nope") << ErrorCode::MalformedJson
                                  << QStringLiteral("not a JSON object");
        QTest::newRow("no credentialId")
            << with("credentialId", QJsonValue::Undefined) << ErrorCode::MalformedJson << needs;
        QTest::newRow("no privateKey")
            << with("privateKey", QJsonValue::Undefined) << ErrorCode::MalformedJson << needs;
        QTest::newRow("signCount a string")
            << with("signCount", QStringLiteral("1")) << ErrorCode::MalformedJson << needs;
        QTest::newRow("signCount negative")
            << with("signCount", -1) << ErrorCode::MalformedJson << QStringLiteral("32-bit unsigned");
        QTest::newRow("signCount fraction")
            << with("signCount", 1.5) << ErrorCode::MalformedJson << QStringLiteral("32-bit unsigned");
        QTest::newRow("signCount too big") << with("signCount", 4294967296.0) << ErrorCode::MalformedJson
                                           << QStringLiteral("32-bit unsigned");
        QTest::newRow("empty rpId") << with("rpId", QString()) << ErrorCode::MalformedJson
                                    << QStringLiteral("empty rpId");
        QTest::newRow("credentialId padded")
            << with("credentialId", QStringLiteral("AAAA=")) << ErrorCode::MalformedBase64
            << QStringLiteral("credentialId is not valid base64url");
        QTest::newRow("empty credentialId") << with("credentialId", QString()) << ErrorCode::MalformedJson
                                            << QStringLiteral("empty credentialId");
        QTest::newRow("public key only")
            << with("privateKey", device.publicCredential().publicKey.toPublicJson())
            << ErrorCode::MissingPrivateKey << QStringLiteral("no private part");
        QJsonObject broken = good.value(QLatin1String("privateKey")).toObject();
        broken.insert(QLatin1String("x"), QStringLiteral("AAAA"));
        QTest::newRow("key not on the curve") << with("privateKey", broken) << ErrorCode::MalformedKey
                                              << QStringLiteral("The virtual authenticator's key");
        Result<jose::Jwk> p384 = jose::KeyGenerator::generate(jose::JwsAlgorithm::ES384);
        QTest::newRow("P-384 key") << with("privateKey", p384->toPrivateJson())
                                   << ErrorCode::AlgorithmKeyMismatch << QStringLiteral("ES256");
    }
    void fromJsonRejected()
    {
        QFETCH(QByteArray, json);
        QFETCH(ErrorCode, code);
        QFETCH(QString, fragment);
        Result<VirtualAuthenticator> restored = VirtualAuthenticator::fromJson(json);
        QVERIFY(!restored.ok());
        QVERIFY2(restored.error().code() == code,
                 qPrintable(restored.error().codeName() + QStringLiteral(": ") + restored.error().message()));
        QVERIFY2(restored.error().message().contains(fragment), qPrintable(restored.error().message()));
    }

    // The answer's bytes, checked against the spec's layout written out here.
    void answerShape()
    {
        VirtualAuthenticator device = makeAuthenticator();
        Result<QByteArray> answer = device.answer(
            authInfo(allowing(idPattern, R"(,"userVerification":"preferred","timeout":60000)")), origin);
        QVERIFY2(answer.ok(), qPrintable(answer.error().message()));
        const QJsonObject credential = object(*answer);
        QCOMPARE(credential.keys(),
                 (QStringList {QStringLiteral("id"), QStringLiteral("rawId"), QStringLiteral("response"),
                               QStringLiteral("type")}));
        QCOMPARE(credential.value(QLatin1String("type")).toString(), QStringLiteral("public-key"));
        QCOMPARE(credential.value(QLatin1String("id")).toString().toLatin1(),
                 idPattern.toBase64(QByteArray::Base64UrlEncoding | QByteArray::OmitTrailingEquals));
        QCOMPARE(credential.value(QLatin1String("rawId")).toString().toLatin1(), idPattern.toBase64());
        QVERIFY(credential.value(QLatin1String("rawId")).toString().endsWith(QLatin1Char('='))); // padded

        const QJsonObject response = credential.value(QLatin1String("response")).toObject();
        const QByteArray clientData
            = QByteArray::fromBase64(response.value(QLatin1String("clientDataJSON")).toString().toLatin1(),
                                     QByteArray::Base64UrlEncoding);
        // (No raw string with the origin here: moc reads its "//" as a comment.)
        const QByteArray expectedClientData = QByteArray(R"({"type":"webauthn.get","challenge":")")
            + challenge.toBase64(QByteArray::Base64UrlEncoding | QByteArray::OmitTrailingEquals)
            + "\",\"origin\":\"" + origin.toUtf8() + "\",\"crossOrigin\":false}";
        QCOMPARE(clientData, expectedClientData);
        const QString authDataText = response.value(QLatin1String("authenticatorData")).toString();
        QVERIFY(!authDataText.contains(QLatin1Char('=')));
        const QByteArray authData
            = QByteArray::fromBase64(authDataText.toLatin1(), QByteArray::Base64UrlEncoding);
        QCOMPARE(authData.toHex(),
                 QByteArray(sha256("127.0.0.1") + QByteArray::fromHex("0500000001")).toHex());
        const QByteArray signature
            = QByteArray::fromBase64(response.value(QLatin1String("signature")).toString().toLatin1());
        QCOMPARE(signature.toBase64(),
                 response.value(QLatin1String("signature")).toString().toLatin1()); // padded base64
        QCOMPARE(static_cast<quint8>(signature.at(0)), quint8(0x30)); // DER SEQUENCE
        QVERIFY(signature.size() >= 8 && signature.size() <= 72);
        QCOMPARE(response.value(QLatin1String("userHandle")).toString().toLatin1(),
                 QByteArray("alice").toBase64());
        QCOMPARE(device.signCount(), 1u);

        // Without a user handle the member is null.
        VirtualAuthenticator anonymous = makeAuthenticator(rpId, QByteArray());
        Result<QByteArray> second = anonymous.answer(authInfo(allowing(idPattern)), origin);
        QVERIFY(second.ok());
        QVERIFY(object(*second)
                    .value(QLatin1String("response"))
                    .toObject()
                    .value(QLatin1String("userHandle"))
                    .isNull());
    }

    void flags_data()
    {
        QTest::addColumn<QByteArray>("uvMember");
        QTest::addColumn<int>("flags");
        QTest::newRow("required") << QByteArray(R"(,"userVerification":"required")") << 0x05;
        QTest::newRow("preferred") << QByteArray(R"(,"userVerification":"preferred")") << 0x05;
        QTest::newRow("absent (spec default: preferred)") << QByteArray() << 0x05;
        QTest::newRow("discouraged") << QByteArray(R"(,"userVerification":"discouraged")") << 0x01;
    }
    void flags()
    {
        QFETCH(QByteArray, uvMember);
        QFETCH(int, flags);
        VirtualAuthenticator device = makeAuthenticator();
        Result<QByteArray> answer = device.answer(authInfo(allowing(idPattern, uvMember)), origin);
        QVERIFY2(answer.ok(), qPrintable(answer.error().message()));
        Result<WebAuthnAssertion> parsed = WebAuthnAssertion::parse(*answer);
        QVERIFY(parsed.ok());
        QCOMPARE(int(static_cast<quint8>(parsed->authenticatorData.at(32))), flags);
    }

    // Requests the authenticator answers besides the plain one.
    void accepted_data()
    {
        QTest::addColumn<QString>("credentialRpId");
        QTest::addColumn<QByteArray>("info");
        QTest::addColumn<QString>("at");
        const QByteArray other = QByteArray(32, '\x07');
        QTest::newRow("no allowCredentials (any credential)")
            << rpId << authInfo(R"(,"rpId":"127.0.0.1")") << origin;
        QTest::newRow("empty allowCredentials")
            << rpId << authInfo(R"(,"rpId":"127.0.0.1","allowCredentials":[])") << origin;
        QTest::newRow("no rpId: the origin's host") << rpId << authInfo(QByteArray()) << origin;
        QTest::newRow("ours among others")
            << rpId
            << authInfo(QByteArray(R"(,"rpId":"127.0.0.1","allowCredentials":[{"type":"public-key","id":")")
                        + other.toBase64() + R"("},{"type":"public-key","id":")" + idPattern.toBase64()
                        + "\"}]")
            << origin;
        QTest::newRow("subdomain origin") << QStringLiteral("wiki.example")
                                          << authInfo(R"(,"rpId":"wiki.example","extensions":{},"hints":[])")
                                          << QStringLiteral("https://login.wiki.example");
    }
    void accepted()
    {
        QFETCH(QString, credentialRpId);
        QFETCH(QByteArray, info);
        QFETCH(QString, at);
        VirtualAuthenticator device = makeAuthenticator(credentialRpId);
        Result<QByteArray> answer = device.answer(info, at);
        QVERIFY2(answer.ok(), qPrintable(answer.error().message()));
        Result<quint32> count = WebAuthnAssertion::verify(*answer, challenge, at, credentialRpId,
                                                          device.publicCredential().publicKey, 0, false);
        QVERIFY2(count.ok(), qPrintable(count.error().message()));
    }

    void refused_data()
    {
        QTest::addColumn<QString>("credentialRpId");
        QTest::addColumn<QByteArray>("info");
        QTest::addColumn<QString>("at");
        QTest::addColumn<ErrorCode>("code");
        QTest::addColumn<QString>("fragment");
        const QByteArray other = QByteArray(32, '\x07');
        QTest::newRow("allowCredentials without our id")
            << rpId << authInfo(allowing(other)) << origin << ErrorCode::NoMatchingKey
            << QStringLiteral("not one of them");
        QTest::newRow("rpId of another site")
            << rpId << authInfo(R"(,"rpId":"wiki.example")") << QStringLiteral("https://wiki.example")
            << ErrorCode::InvalidInput << QStringLiteral("belongs to \"127.0.0.1\"");
        QTest::newRow("origin may not use the rpId")
            << rpId << authInfo(allowing(idPattern)) << QStringLiteral("https://evil.example")
            << ErrorCode::InvalidInput << QStringLiteral("may not use");
        QTest::newRow("suffix that is not a subdomain")
            << QStringLiteral("wiki.example") << authInfo(R"(,"rpId":"wiki.example")")
            << QStringLiteral("https://notwiki.example") << ErrorCode::InvalidInput
            << QStringLiteral("may not use");
        QTest::newRow("origin without scheme")
            << rpId << authInfo(allowing(idPattern)) << QStringLiteral("127.0.0.1") << ErrorCode::InvalidInput
            << QStringLiteral("not a web origin");
        QTest::newRow("origin with ftp")
            << rpId << authInfo(allowing(idPattern)) << QStringLiteral("ftp://127.0.0.1")
            << ErrorCode::InvalidInput << QStringLiteral("not a web origin");
        QTest::newRow("origin with a path")
            << rpId << authInfo(allowing(idPattern)) << QStringLiteral("http://127.0.0.1:8089/w/")
            << ErrorCode::InvalidInput << QStringLiteral("not a web origin");
        // auth_info that cannot be read.
        QTest::newRow("auth_info not JSON") << rpId << QByteArray("{") << origin << ErrorCode::MalformedJson
                                            << QStringLiteral("not valid JSON");
        QTest::newRow("auth_info an array") << rpId << QByteArray("[]") << origin << ErrorCode::MalformedJson
                                            << QStringLiteral("not a JSON object");
        QTest::newRow("no challenge") << rpId << QByteArray(R"({"rpId":"127.0.0.1"})") << origin
                                      << ErrorCode::MalformedJson << QStringLiteral("\"challenge\"");
        QTest::newRow("challenge base64url")
            << rpId
            << QByteArray(R"({"challenge":")") + challenge.toBase64(QByteArray::Base64UrlEncoding) + "\"}"
            << origin << ErrorCode::MalformedBase64 << QStringLiteral("challenge is not valid padded base64");
        QTest::newRow("empty challenge") << rpId << QByteArray(R"({"challenge":""})") << origin
                                         << ErrorCode::InvalidInput << QStringLiteral("challenge is empty");
        QTest::newRow("rpId a number") << rpId << authInfo(R"(,"rpId":5)") << origin
                                       << ErrorCode::MalformedJson << QStringLiteral("\"rpId\"");
        QTest::newRow("allowCredentials an object")
            << rpId << authInfo(R"(,"allowCredentials":{})") << origin << ErrorCode::MalformedJson
            << QStringLiteral("not a list");
        QTest::newRow("allowCredentials id missing")
            << rpId << authInfo(R"(,"allowCredentials":[{"type":"public-key"}])") << origin
            << ErrorCode::MalformedJson << QStringLiteral("entry 1");
        QTest::newRow("allowCredentials id unpadded")
            << rpId << authInfo(R"(,"allowCredentials":[{"type":"public-key","id":"AAAAAA"}])") << origin
            << ErrorCode::MalformedBase64 << QStringLiteral("allowCredentials id 1");
        QTest::newRow("allowCredentials wrong type")
            << rpId << authInfo(R"(,"allowCredentials":[{"type":"password","id":"AAAA"}])") << origin
            << ErrorCode::MalformedJson << QStringLiteral("not \"public-key\"");
        QTest::newRow("unknown userVerification")
            << rpId << authInfo(R"(,"userVerification":"always")") << origin << ErrorCode::MalformedJson
            << QStringLiteral("\"always\"");
        QTest::newRow("negative timeout") << rpId << authInfo(R"(,"timeout":-1)") << origin
                                          << ErrorCode::MalformedJson << QStringLiteral("timeout");
    }
    void refused()
    {
        QFETCH(QString, credentialRpId);
        QFETCH(QByteArray, info);
        QFETCH(QString, at);
        QFETCH(ErrorCode, code);
        QFETCH(QString, fragment);
        VirtualAuthenticator device = makeAuthenticator(credentialRpId);
        Result<QByteArray> answer = device.answer(info, at);
        QVERIFY2(!answer.ok(), "the authenticator answered");
        QVERIFY2(answer.error().code() == code,
                 qPrintable(answer.error().codeName() + QStringLiteral(": ") + answer.error().message()));
        QVERIFY2(answer.error().message().contains(fragment), qPrintable(answer.error().message()));
        QCOMPARE(device.signCount(), 0u); // a refused request does not use the counter
    }

    // A copy is a clone with its own counter: once the original has been used, the clone's
    // next assertion does not raise the stored counter and is refused.
    void cloneIsCaughtByCounter()
    {
        VirtualAuthenticator original = makeAuthenticator();
        VirtualAuthenticator clone = original;
        const jose::Jwk key = original.publicCredential().publicKey;
        Result<QByteArray> first = original.answer(authInfo(allowing(idPattern)), origin);
        Result<QByteArray> second = original.answer(authInfo(allowing(idPattern)), origin);
        Result<QByteArray> cloned = clone.answer(authInfo(allowing(idPattern)), origin);
        QVERIFY(first.ok() && second.ok() && cloned.ok());
        Result<quint32> stored = WebAuthnAssertion::verify(*first, challenge, origin, rpId, key, 0, false);
        QVERIFY(stored.ok());
        stored = WebAuthnAssertion::verify(*second, challenge, origin, rpId, key, *stored, false);
        QVERIFY(stored.ok());
        QCOMPARE(*stored, 2u);
        Result<quint32> refused
            = WebAuthnAssertion::verify(*cloned, challenge, origin, rpId, key, *stored, false);
        QVERIFY(!refused.ok());
        QCOMPARE(refused.error().code(), ErrorCode::Replayed);
        QVERIFY2(refused.error().message().contains(QLatin1String("possible cloned authenticator")),
                 qPrintable(refused.error().message()));
    }

    // auth_info emitted by the provider reads back the same.
    void requestOptionsRoundTrip()
    {
        WebAuthnRequestOptions options;
        options.challenge = challenge;
        options.rpId = rpId;
        options.allowCredentials = {idPattern, QByteArray(16, '\x01')};
        options.userVerification = UserVerification::Discouraged;
        options.timeoutMs = 60000;
        const QJsonObject json = object(options.toJson());
        QCOMPARE(json.value(QLatin1String("challenge")).toString().toLatin1(), challenge.toBase64());
        QCOMPARE(json.value(QLatin1String("userVerification")).toString(), QStringLiteral("discouraged"));
        Result<WebAuthnRequestOptions> back = WebAuthnRequestOptions::fromJson(options.toJson());
        QVERIFY2(back.ok(), qPrintable(back.error().message()));
        QCOMPARE(back->challenge, options.challenge);
        QCOMPARE(back->rpId, options.rpId);
        QCOMPARE(back->allowCredentials, options.allowCredentials);
        QCOMPARE(back->userVerification, options.userVerification);
        QCOMPARE(back->timeoutMs, options.timeoutMs);
    }
};

QTEST_GUILESS_MAIN(TestVirtualAuthenticator)
#include "TestVirtualAuthenticator.moc"
