#include "otp/VirtualAuthenticator.h"
#include "otp/WebAuthnAssertion.h"
#include "otp/WebAuthnRequestOptions.h"

#include "jose/Jws.h"
#include "jose/KeyGenerator.h"

#include <QCryptographicHash>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTest>

#include <functional>

using namespace mwauth;
using namespace mwauth::otp;

// The relying party's side: every check of WebAuthnAssertion::verify, in its order, each
// with a credential that passes every earlier check and fails exactly that one.
namespace {

const QString rpId = QStringLiteral("127.0.0.1");
const QString origin = QStringLiteral("http://127.0.0.1:8089");
const QByteArray challenge
    = QByteArray::fromHex("8c1f0b6d2e4a97c3b5d1e0f2a3c4b5d6e7f8091a2b3c4d5e6f708192a3b4c5d6");

QByteArray sha256(QByteArrayView data)
{
    return QCryptographicHash::hash(data, QCryptographicHash::Sha256);
}

QByteArray b64url(const QByteArray &data)
{
    return data.toBase64(QByteArray::Base64UrlEncoding | QByteArray::OmitTrailingEquals);
}

QByteArray authInfo(const QByteArray &forChallenge, const QByteArray &credentialId, const char *uv)
{
    return QByteArray(R"({"challenge":")") + forChallenge.toBase64() + R"(","rpId":"127.0.0.1",)"
        + R"("allowCredentials":[{"type":"public-key","id":")" + credentialId.toBase64()
        + R"("}],"userVerification":")" + uv + R"(","timeout":60000})";
}

// authenticatorData written out by hand (section 6.1), independent of AuthenticatorData::build.
QByteArray authData(const QString &forRpId, quint8 flags, quint32 count)
{
    QByteArray out = sha256(forRpId.toUtf8());
    out.append(static_cast<char>(flags));
    out.append(static_cast<char>(count >> 24));
    out.append(static_cast<char>((count >> 16) & 0xff));
    out.append(static_cast<char>((count >> 8) & 0xff));
    out.append(static_cast<char>(count & 0xff));
    return out;
}

QByteArray clientData(const char *type, const QByteArray &forChallenge, const QString &forOrigin)
{
    return QByteArray(R"({"type":")") + type + R"(","challenge":")" + b64url(forChallenge) + R"(","origin":")"
        + forOrigin.toUtf8() + R"(","crossOrigin":false})";
}

QJsonObject parseObject(const QByteArray &json)
{
    return QJsonDocument::fromJson(json).object();
}

QByteArray edit(const QByteArray &json, const std::function<void(QJsonObject &, QJsonObject &)> &change)
{
    QJsonObject object = parseObject(json);
    QJsonObject response = object.value(QLatin1String("response")).toObject();
    change(object, response);
    if (!response.isEmpty())
        object.insert(QLatin1String("response"), response);
    return QJsonDocument(object).toJson(QJsonDocument::Compact);
}

} // namespace

class TestWebAuthnAssertion : public QObject
{
    Q_OBJECT

    std::optional<VirtualAuthenticator> m_alice;
    jose::Jwk m_aliceKey; // private, for forging
    jose::Jwk m_alicePublic;
    jose::Jwk m_otherPublic;

    VirtualAuthenticator alice() const { return *m_alice; }

    // A credential built by hand and signed with Alice's key over `data` || SHA-256(`client`).
    QByteArray forge(const QByteArray &data, const QByteArray &client) const
    {
        Result<QByteArray> raw
            = jose::Signature::sign(jose::JwsAlgorithm::ES256, m_aliceKey, QByteArray(data + sha256(client)));
        if (!raw)
            qFatal("forge: %s", qPrintable(raw.error().message()));
        const QJsonObject response {
            {QLatin1String("authenticatorData"), QString::fromLatin1(b64url(data))},
            {QLatin1String("clientDataJSON"), QString::fromLatin1(b64url(client))},
            {QLatin1String("signature"), QString::fromLatin1(EcdsaDer::fromRaw(*raw).toBase64())},
            {QLatin1String("userHandle"), QJsonValue::Null},
        };
        const QJsonObject object {
            {QLatin1String("id"), QString::fromLatin1(b64url(m_alice->credentialId()))},
            {QLatin1String("type"), QStringLiteral("public-key")},
            {QLatin1String("rawId"), QString::fromLatin1(m_alice->credentialId().toBase64())},
            {QLatin1String("response"), response},
        };
        return QJsonDocument(object).toJson(QJsonDocument::Compact);
    }

    QByteArray answer(const QByteArray &info, const QString &at = origin) const
    {
        VirtualAuthenticator copy = alice();
        Result<QByteArray> credential = copy.answer(info, at);
        if (!credential)
            qFatal("answer: %s", qPrintable(credential.error().message()));
        return *credential;
    }

private slots:
    void initTestCase()
    {
        SystemRandom random;
        Result<VirtualAuthenticator> created
            = VirtualAuthenticator::create(random, rpId, "alice-user-handle");
        QVERIFY2(created.ok(), qPrintable(created.error().message()));
        m_alice = *created;
        const QJsonObject whole = parseObject(m_alice->toJson());
        Result<jose::Jwk> key = jose::Jwk::fromJson(whole.value(QLatin1String("privateKey")).toObject());
        QVERIFY(key.ok());
        m_aliceKey = *key;
        Result<WebAuthnPublicCredential> stored
            = WebAuthnPublicCredential::fromJson(m_alice->publicCredentialJson());
        QVERIFY2(stored.ok(), qPrintable(stored.error().message()));
        QVERIFY(!stored->publicKey.hasPrivate());
        m_alicePublic = stored->publicKey;
        Result<jose::Jwk> other = jose::KeyGenerator::generate(jose::JwsAlgorithm::ES256);
        QVERIFY(other.ok());
        m_otherPublic = other->publicKey();
    }

    // The authenticator's answers verify, and each one moves the counter on.
    void roundTrip()
    {
        VirtualAuthenticator device = alice();
        quint32 stored = 0;
        for (int i = 1; i <= 3; ++i) {
            const QByteArray fresh = sha256(QByteArray::number(i));
            Result<QByteArray> credential
                = device.answer(authInfo(fresh, device.credentialId(), "preferred"), origin);
            QVERIFY2(credential.ok(), qPrintable(credential.error().message()));
            Result<quint32> count
                = WebAuthnAssertion::verify(*credential, fresh, origin, rpId, m_alicePublic, stored, true);
            QVERIFY2(count.ok(), qPrintable(count.error().message()));
            QCOMPARE(*count, stored + 1);
            stored = *count;

            Result<WebAuthnAssertion> parsed = WebAuthnAssertion::parse(*credential);
            QVERIFY(parsed.ok());
            QCOMPARE(parsed->credentialId, device.credentialId());
            QCOMPARE(parsed->userHandle.value_or(QByteArray()), QByteArray("alice-user-handle"));
            QCOMPARE(parsed->authenticatorData, authData(rpId, 0x05, stored));
            // parse -> toJson -> parse keeps every byte.
            Result<WebAuthnAssertion> again = WebAuthnAssertion::parse(parsed->toJson());
            QVERIFY(again.ok());
            QCOMPARE(again->signature, parsed->signature);
            QCOMPARE(again->clientDataJson, parsed->clientDataJson);
        }
        QCOMPARE(device.signCount(), 3u);
    }

    // A hand-built assertion with counter 0 verifies against stored 0 (authenticators
    // without a counter), and an increasing counter is accepted.
    void counterRules_data()
    {
        QTest::addColumn<quint32>("received");
        QTest::addColumn<quint32>("stored");
        QTest::addColumn<bool>("accepted");
        QTest::newRow("both zero (no counter)") << 0u << 0u << true;
        QTest::newRow("first use") << 1u << 0u << true;
        QTest::newRow("jump ahead") << 1000u << 7u << true;
        QTest::newRow("maximum") << 0xffffffffu << 0xfffffffeu << true;
        QTest::newRow("equal") << 7u << 7u << false;
        QTest::newRow("lower") << 6u << 7u << false;
        QTest::newRow("zero after use") << 0u << 7u << false;
    }
    void counterRules()
    {
        QFETCH(quint32, received);
        QFETCH(quint32, stored);
        QFETCH(bool, accepted);
        const QByteArray credential
            = forge(authData(rpId, 0x01, received), clientData("webauthn.get", challenge, origin));
        Result<quint32> count
            = WebAuthnAssertion::verify(credential, challenge, origin, rpId, m_alicePublic, stored, false);
        QCOMPARE(count.ok(), accepted);
        if (accepted) {
            QCOMPARE(*count, received);
        } else {
            QCOMPARE(count.error().code(), ErrorCode::Replayed);
            QVERIFY2(count.error().message().contains(QLatin1String("counter did not increase")),
                     qPrintable(count.error().message()));
            QVERIFY(count.error().message().contains(QLatin1String("possible cloned authenticator")));
        }
    }

    // The same assertion submitted twice: the second time the stored counter has moved on.
    void replayedAssertion()
    {
        const QByteArray credential = answer(authInfo(challenge, m_alice->credentialId(), "preferred"));
        Result<quint32> first
            = WebAuthnAssertion::verify(credential, challenge, origin, rpId, m_alicePublic, 0, false);
        QVERIFY2(first.ok(), qPrintable(first.error().message()));
        Result<quint32> second
            = WebAuthnAssertion::verify(credential, challenge, origin, rpId, m_alicePublic, *first, false);
        QVERIFY(!second.ok());
        QCOMPARE(second.error().code(), ErrorCode::Replayed);
        QVERIFY2(second.error().message().contains(QLatin1String("counter did not increase")),
                 qPrintable(second.error().message()));
    }

    void rejected_data()
    {
        QTest::addColumn<QByteArray>("credential");
        QTest::addColumn<bool>("otherKey");
        QTest::addColumn<bool>("requireUv");
        QTest::addColumn<ErrorCode>("code");
        QTest::addColumn<QString>("fragment");

        const QByteArray good = answer(authInfo(challenge, m_alice->credentialId(), "preferred"));
        const QByteArray noUv = answer(authInfo(challenge, m_alice->credentialId(), "discouraged"));
        auto row = [](const char *name, const QByteArray &credential, ErrorCode code, const char *fragment,
                      bool otherKey = false, bool requireUv = false) {
            QTest::newRow(name) << credential << otherKey << requireUv << code << QString::fromUtf8(fragment);
        };
        auto setString = [](const char *member, const QString &value, bool inResponse) {
            return [=](QJsonObject &object, QJsonObject &response) {
                (inResponse ? response : object).insert(QLatin1String(member), value);
            };
        };

        // JSON shape.
        row("not JSON", "{\"id\":", ErrorCode::MalformedJson, "not valid JSON");
        row("an array", "[]", ErrorCode::MalformedJson, "not a JSON object");
        row("no response",
            edit(good,
                 [](QJsonObject &o, QJsonObject &r) {
                     o.remove(QLatin1String("response"));
                     r = {};
                 }),
            ErrorCode::MalformedJson, "\"response\"");
        for (const char *member : {"id", "type", "rawId"}) {
            row(qPrintable(QStringLiteral("no %1").arg(QLatin1String(member))),
                edit(good, [member](QJsonObject &o, QJsonObject &) { o.remove(QLatin1String(member)); }),
                ErrorCode::MalformedJson, member);
            row(qPrintable(QStringLiteral("%1 is a number").arg(QLatin1String(member))),
                edit(good, [member](QJsonObject &o, QJsonObject &) { o.insert(QLatin1String(member), 5); }),
                ErrorCode::MalformedJson, member);
        }
        for (const char *member : {"authenticatorData", "clientDataJSON", "signature"}) {
            row(qPrintable(QStringLiteral("no %1").arg(QLatin1String(member))),
                edit(good, [member](QJsonObject &, QJsonObject &r) { r.remove(QLatin1String(member)); }),
                ErrorCode::MalformedJson, member);
        }
        row("userHandle is a number",
            edit(good, [](QJsonObject &, QJsonObject &r) { r.insert(QLatin1String("userHandle"), 1); }),
            ErrorCode::MalformedJson, "userHandle");

        // Bad base64 in each field, each in the encoding that field must not use.
        const QByteArray id = m_alice->credentialId();
        row("id padded",
            edit(good,
                 setString("id", QString::fromLatin1(id.toBase64(QByteArray::Base64UrlEncoding)), false)),
            ErrorCode::MalformedBase64, "id is not valid base64url");
        row("id has '+'", edit(good, setString("id", QStringLiteral("ab+d"), false)),
            ErrorCode::MalformedBase64, "id is not valid base64url");
        row("rawId unpadded (32 bytes need one =)",
            edit(good, setString("rawId", QString::fromLatin1(b64url(id)), false)),
            ErrorCode::MalformedBase64, "rawId is not valid padded base64");
        row("rawId with '-'", edit(good, setString("rawId", QStringLiteral("ab-d"), false)),
            ErrorCode::MalformedBase64, "rawId is not valid padded base64");
        row("authenticatorData with '='",
            edit(good, setString("authenticatorData", QStringLiteral("AAAA=="), true)),
            ErrorCode::MalformedBase64, "authenticatorData is not valid base64url");
        row("clientDataJSON with '/'", edit(good, setString("clientDataJSON", QStringLiteral("ey/J"), true)),
            ErrorCode::MalformedBase64, "clientDataJSON is not valid base64url");
        row("signature unpadded", edit(good, setString("signature", QStringLiteral("MEUCIQ"), true)),
            ErrorCode::MalformedBase64, "signature is not valid padded base64");
        row("signature with space", edit(good, setString("signature", QStringLiteral("ME UC"), true)),
            ErrorCode::MalformedBase64, "signature is not valid padded base64");
        row("userHandle base64url", edit(good, setString("userHandle", QStringLiteral("a_b-"), true)),
            ErrorCode::MalformedBase64, "userHandle is not valid padded base64");
        row("clientDataJSON not JSON",
            edit(good, setString("clientDataJSON", QString::fromLatin1(b64url("hello")), true)),
            ErrorCode::MalformedJson, "clientDataJSON that is not a JSON object");
        row("clientDataJSON without challenge",
            edit(good,
                 setString("clientDataJSON",
                           QString::fromLatin1(b64url(R"({"type":"webauthn.get","origin":"x"})")), true)),
            ErrorCode::MalformedJson, "without a \"challenge\"");
        row("clientDataJSON challenge padded",
            edit(good,
                 setString("clientDataJSON",
                           QString::fromLatin1(
                               b64url(R"({"type":"webauthn.get","challenge":"AA==","origin":"x"})")),
                           true)),
            ErrorCode::MalformedBase64, "challenge is not valid base64url");
        row("authenticatorData too short",
            edit(good,
                 setString("authenticatorData", QString::fromLatin1(b64url(QByteArray(36, 'a'))), true)),
            ErrorCode::MalformedJson, "at least 37");

        // Consistency, then each check of section 7.2 in order.
        Result<VirtualAuthenticator> bob = [] {
            SystemRandom random;
            return VirtualAuthenticator::create(random, rpId, "bob");
        }();
        row("id and rawId differ",
            edit(good, setString("rawId", QString::fromLatin1(bob->credentialId().toBase64()), false)),
            ErrorCode::InvalidInput, "id and rawId name different credentials");
        row("wrong credential type", edit(good, setString("type", QStringLiteral("password"), false)),
            ErrorCode::InvalidInput, "must be \"public-key\"");
        row("clientData type webauthn.create",
            forge(authData(rpId, 0x05, 1), clientData("webauthn.create", challenge, origin)),
            ErrorCode::InvalidInput, "\"webauthn.get\"");
        row("wrong challenge", answer(authInfo(sha256("another login"), id, "preferred")),
            ErrorCode::WrongNonce, "different challenge");
        row("wrong origin (port)",
            answer(authInfo(challenge, id, "preferred"), QStringLiteral("http://127.0.0.1:9999")),
            ErrorCode::WrongAudience, "origin \"http://127.0.0.1:9999\"");
        row("wrong origin (scheme)",
            forge(authData(rpId, 0x05, 1),
                  clientData("webauthn.get", challenge, QStringLiteral("https://127.0.0.1:8089"))),
            ErrorCode::WrongAudience, "not \"http://127.0.0.1:8089\"");
        row("cross-origin",
            forge(authData(rpId, 0x05, 1),
                  clientData("webauthn.get", challenge, origin)
                      .replace("\"crossOrigin\":false", "\"crossOrigin\":true")),
            ErrorCode::WrongAudience, "cross-origin");
        row("wrong rpId",
            forge(authData(QStringLiteral("wiki.example"), 0x05, 1),
                  clientData("webauthn.get", challenge, origin)),
            ErrorCode::WrongAudience, "rpIdHash");
        row("UP flag missing", forge(authData(rpId, 0x04, 1), clientData("webauthn.get", challenge, origin)),
            ErrorCode::UserNotPresent, "user presence");
        row("UV required but absent", noUv, ErrorCode::UserNotVerified, "UV flag", false, true);

        // Signatures.
        QByteArray flipped = WebAuthnAssertion::parse(good)->signature;
        flipped[flipped.size() - 1] = static_cast<char>(flipped.back() ^ 0x01);
        row("signature byte flipped",
            edit(good, setString("signature", QString::fromLatin1(flipped.toBase64()), true)),
            ErrorCode::BadSignature, "does not verify with the stored public key");
        QByteArray raised = WebAuthnAssertion::parse(good)->authenticatorData;
        raised[36] = static_cast<char>(raised[36] + 1);
        row("signCount raised after signing",
            edit(good, setString("authenticatorData", QString::fromLatin1(b64url(raised)), true)),
            ErrorCode::BadSignature, "does not verify");
        row("signature not DER",
            edit(good, setString("signature", QString::fromLatin1(QByteArray(64, '\x11').toBase64()), true)),
            ErrorCode::BadSignature, "not a DER-encoded ECDSA signature");
        row("signed by another key", good, ErrorCode::BadSignature, "does not verify", true);
    }
    void rejected()
    {
        QFETCH(QByteArray, credential);
        QFETCH(bool, otherKey);
        QFETCH(bool, requireUv);
        QFETCH(ErrorCode, code);
        QFETCH(QString, fragment);
        Result<quint32> count = WebAuthnAssertion::verify(
            credential, challenge, origin, rpId, otherKey ? m_otherPublic : m_alicePublic, 0, requireUv);
        QVERIFY2(!count.ok(), "the tampered credential verified");
        QVERIFY2(count.error().code() == code,
                 qPrintable(QStringLiteral("%1: %2").arg(count.error().codeName(), count.error().message())));
        QVERIFY2(count.error().message().contains(fragment), qPrintable(count.error().message()));
        QVERIFY(count.error().message().endsWith(QLatin1Char('.')));
    }

    // The expectation itself must be complete, and the stored key must be an ES256 key.
    void badExpectation()
    {
        const QByteArray good = answer(authInfo(challenge, m_alice->credentialId(), "preferred"));
        Result<quint32> noChallenge
            = WebAuthnAssertion::verify(good, {}, origin, rpId, m_alicePublic, 0, false);
        QCOMPARE(noChallenge.error().code(), ErrorCode::InvalidInput);
        QVERIFY(noChallenge.error().message().contains(QLatin1String("expected challenge")));
        Result<jose::Jwk> rsa = jose::KeyGenerator::generate(jose::JwsAlgorithm::RS256);
        QVERIFY(rsa.ok());
        Result<quint32> wrongKey
            = WebAuthnAssertion::verify(good, challenge, origin, rpId, rsa->publicKey(), 0, false);
        QVERIFY(!wrongKey.ok());
        QCOMPARE(wrongKey.error().code(), ErrorCode::AlgorithmKeyMismatch);
        QVERIFY2(wrongKey.error().message().startsWith(QLatin1String("The stored WebAuthn public key")),
                 qPrintable(wrongKey.error().message()));
    }

    // DER <-> R || S with hand-made vectors (X.690: minimal, positive INTEGERs).
    void ecdsaDer_data()
    {
        QTest::addColumn<QByteArray>("raw");
        QTest::addColumn<QByteArray>("der");
        const QByteArray r1 = QByteArray(31, '\0') + '\x01';
        const QByteArray high = QByteArray(1, '\x80') + QByteArray(31, '\x22');
        const QByteArray low = QByteArray(1, '\x7f') + QByteArray(31, '\x33');
        QTest::newRow("small r, high-bit s") << r1 + high << QByteArray::fromHex("3026020101022100") + high;
        QTest::newRow("full-width r without prefix")
            << low + low << QByteArray::fromHex("30440220") + low + QByteArray::fromHex("0220") + low;
        QTest::newRow("leading zeros stripped")
            << QByteArray(2, '\0') + QByteArray(30, '\x44') + low
            << QByteArray::fromHex("3042021e") + QByteArray(30, '\x44') + QByteArray::fromHex("0220") + low;
    }
    void ecdsaDer()
    {
        QFETCH(QByteArray, raw);
        QFETCH(QByteArray, der);
        QCOMPARE(EcdsaDer::fromRaw(raw).toHex(), der.toHex());
        Result<QByteArray> back = EcdsaDer::toRaw(der, 32);
        QVERIFY2(back.ok(), qPrintable(back.error().message()));
        QCOMPARE(back->toHex(), raw.toHex());
    }

    void ecdsaDerRejected_data()
    {
        QTest::addColumn<QByteArray>("der");
        QTest::addColumn<QString>("fragment");
        const QByteArray v = QByteArray(32, '\x11');
        QTest::newRow("empty") << QByteArray() << QStringLiteral("SEQUENCE");
        QTest::newRow("not a sequence") << QByteArray::fromHex("3144022011") << QStringLiteral("SEQUENCE");
        QTest::newRow("length too long") << QByteArray::fromHex("30460220") + v + QByteArray::fromHex("0220")
                + v << QStringLiteral("length");
        QTest::newRow("trailing byte") << QByteArray::fromHex("30450220") + v + QByteArray::fromHex("0220")
                + v + '\0' << QStringLiteral("bytes follow");
        QTest::newRow("byte after the sequence")
            << QByteArray::fromHex("30440220") + v + QByteArray::fromHex("0220") + v + '\0'
            << QStringLiteral("length");
        QTest::newRow("negative r") << QByteArray::fromHex("30440220") + QByteArray(32, '\x91')
                + QByteArray::fromHex("0220")
                + v << QStringLiteral("negative");
        QTest::newRow("non-minimal r")
            << QByteArray::fromHex("30450221") + '\0' + v + QByteArray::fromHex("0220") + v
            << QStringLiteral("minimally");
        QTest::newRow("r too wide") << QByteArray::fromHex("30450221") + '\x11' + v
                + QByteArray::fromHex("0220")
                + v << QStringLiteral("longer than 32");
        QTest::newRow("s is not an INTEGER")
            << QByteArray::fromHex("30440220") + v + QByteArray::fromHex("0420") + v
            << QStringLiteral("s is not an INTEGER");
        QTest::newRow("zero-length s") << QByteArray::fromHex("30240220") + v + QByteArray::fromHex("0200")
                                       << QStringLiteral("bad length");
    }
    void ecdsaDerRejected()
    {
        QFETCH(QByteArray, der);
        QFETCH(QString, fragment);
        Result<QByteArray> raw = EcdsaDer::toRaw(der, 32);
        QVERIFY(!raw.ok());
        QCOMPARE(raw.error().code(), ErrorCode::BadSignature);
        QVERIFY2(raw.error().message().contains(fragment), qPrintable(raw.error().message()));
    }

    // COSE_Key of the RFC 7515 appendix A.3 P-256 key, the CBOR written out by hand
    // (RFC 8949 heads: a5 map(5), 01 02 kty EC2, 03 26 alg -7, 20 01 crv P-256, 21/22 x/y
    // as 58 20 + 32 bytes).
    void coseKeyVector()
    {
        const QByteArray x = QByteArray::fromBase64("f83OJ3D2xF1Bg8vub9tLe1gHMzV76e8Tus9uPHvRVEU",
                                                    QByteArray::Base64UrlEncoding);
        const QByteArray y = QByteArray::fromBase64("x_FEzRu9m36HLN_tue659LNpXW6pCyStikYjKIWI5a0",
                                                    QByteArray::Base64UrlEncoding);
        const QByteArray cose
            = QByteArray::fromHex("a5010203262001215820") + x + QByteArray::fromHex("225820") + y;
        Result<jose::Jwk> rfcKey = jose::Jwk::fromJson(
            QByteArray(R"({"kty":"EC","crv":"P-256","x":"f83OJ3D2xF1Bg8vub9tLe1gHMzV76e8Tus9uPHvRVEU",)"
                       R"("y":"x_FEzRu9m36HLN_tue659LNpXW6pCyStikYjKIWI5a0"})"));
        QVERIFY2(rfcKey.ok(), qPrintable(rfcKey.error().message()));
        Result<QByteArray> encoded = CoseKey::fromJwk(*rfcKey);
        QVERIFY2(encoded.ok(), qPrintable(encoded.error().message()));
        QCOMPARE(encoded->toHex(), cose.toHex());
        Result<jose::Jwk> decoded = CoseKey::toJwk(cose);
        QVERIFY2(decoded.ok(), qPrintable(decoded.error().message()));
        QCOMPARE(decoded->thumbprint(), rfcKey->thumbprint());
        QVERIFY(!decoded->hasPrivate());
        // A generated key survives the round trip.
        Result<QByteArray> ours = CoseKey::fromJwk(m_alicePublic);
        QVERIFY(ours.ok());
        QCOMPARE(CoseKey::toJwk(*ours)->thumbprint(), m_alicePublic.thumbprint());
        // Only P-256 keys have this form.
        Result<jose::Jwk> p384 = jose::KeyGenerator::generate(jose::JwsAlgorithm::ES384);
        QCOMPARE(CoseKey::fromJwk(*p384).error().code(), ErrorCode::AlgorithmKeyMismatch);
    }

    void coseKeyRejected_data()
    {
        QTest::addColumn<QByteArray>("cose");
        QTest::addColumn<ErrorCode>("code");
        QTest::addColumn<QString>("fragment");
        const QByteArray x = QByteArray::fromBase64("f83OJ3D2xF1Bg8vub9tLe1gHMzV76e8Tus9uPHvRVEU",
                                                    QByteArray::Base64UrlEncoding);
        const QByteArray y = QByteArray::fromBase64("x_FEzRu9m36HLN_tue659LNpXW6pCyStikYjKIWI5a0",
                                                    QByteArray::Base64UrlEncoding);
        const QByteArray xy = QByteArray::fromHex("215820") + x + QByteArray::fromHex("225820") + y;
        const QByteArray head = QByteArray::fromHex("a5010203262001");
        QTest::newRow("empty") << QByteArray() << ErrorCode::MalformedKey << QStringLiteral("not a CBOR map");
        QTest::newRow("an array") << QByteArray::fromHex("8501") << ErrorCode::MalformedKey
                                  << QStringLiteral("not a CBOR map");
        QTest::newRow("truncated") << QByteArray(head + xy).left(40) << ErrorCode::MalformedKey
                                   << QStringLiteral("not 32 bytes");
        QTest::newRow("four members")
            << QByteArray(head + QByteArray::fromHex("215820") + x) << ErrorCode::MalformedKey
            << QStringLiteral("ends before its five members");
        QTest::newRow("trailing byte") << QByteArray(head + xy + '\0') << ErrorCode::MalformedKey
                                       << QStringLiteral("followed by 1 more bytes");
        QTest::newRow("kty RSA") << QByteArray(QByteArray::fromHex("a5010303262001") + xy)
                                 << ErrorCode::UnsupportedAlgorithm << QStringLiteral("kty 3");
        QTest::newRow("alg EdDSA") << QByteArray(QByteArray::fromHex("a5010203272001") + xy)
                                   << ErrorCode::UnsupportedAlgorithm << QStringLiteral("alg -8");
        QTest::newRow("crv P-384") << QByteArray(QByteArray::fromHex("a5010203262002") + xy)
                                   << ErrorCode::UnsupportedAlgorithm << QStringLiteral("crv 2");
        QTest::newRow("label twice") << QByteArray(QByteArray::fromHex("a5010201022001") + xy)
                                     << ErrorCode::MalformedKey << QStringLiteral("label 1 twice");
        QTest::newRow("unknown label") << QByteArray(QByteArray::fromHex("a5010204262001") + xy)
                                       << ErrorCode::MalformedKey << QStringLiteral("label 4");
        QTest::newRow("text label") << QByteArray(QByteArray::fromHex("a56178020326200121") + xy)
                                    << ErrorCode::MalformedKey << QStringLiteral("not a small integer");
        QTest::newRow("alg as a long integer") << QByteArray(QByteArray::fromHex("a50102033806200121") + xy)
                                               << ErrorCode::MalformedKey << QStringLiteral("label 3");
        QTest::newRow("x of 31 bytes") << QByteArray(head + QByteArray::fromHex("21581f") + x.left(31)
                                                     + QByteArray::fromHex("225820") + y)
                                       << ErrorCode::MalformedKey << QStringLiteral("x coordinate");
        QByteArray offCurve = y;
        offCurve[31] = static_cast<char>(offCurve[31] ^ 0x01);
        QTest::newRow("point not on the curve")
            << QByteArray(head + QByteArray::fromHex("215820") + x + QByteArray::fromHex("225820") + offCurve)
            << ErrorCode::MalformedKey << QStringLiteral("not a P-256 public key");
    }
    void coseKeyRejected()
    {
        QFETCH(QByteArray, cose);
        QFETCH(ErrorCode, code);
        QFETCH(QString, fragment);
        Result<jose::Jwk> key = CoseKey::toJwk(cose);
        QVERIFY2(!key.ok(), "the COSE key was accepted");
        QVERIFY2(key.error().code() == code,
                 qPrintable(key.error().codeName() + QStringLiteral(": ") + key.error().message()));
        QVERIFY2(key.error().message().contains(fragment), qPrintable(key.error().message()));
    }

    void authenticatorDataLayout()
    {
        const QByteArray bytes = AuthenticatorData::build(rpId, 0x05, 0x01020304);
        QCOMPARE(bytes.toHex(), QByteArray(sha256("127.0.0.1") + QByteArray::fromHex("0501020304")).toHex());
        Result<AuthenticatorData> parsed = AuthenticatorData::parse(bytes);
        QVERIFY(parsed.ok());
        QCOMPARE(parsed->signCount, 0x01020304u);
        QCOMPARE(parsed->flags, quint8(0x05));
        QCOMPARE(parsed->rpIdHash, sha256("127.0.0.1"));
        // Extension data may follow when ED says so; unannounced bytes may not.
        QVERIFY(AuthenticatorData::parse(QByteArray(authData(rpId, 0x81, 1) + "\xa0")).ok());
        Result<AuthenticatorData> extra
            = AuthenticatorData::parse(QByteArray(authData(rpId, 0x01, 1) + "\xa0"));
        QCOMPARE(extra.error().code(), ErrorCode::MalformedJson);
        QVERIFY(extra.error().message().contains(QLatin1String("neither the AT nor the ED flag")));
    }
};

QTEST_GUILESS_MAIN(TestWebAuthnAssertion)
#include "TestWebAuthnAssertion.moc"
