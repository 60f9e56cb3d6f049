#include "otp/VirtualAuthenticator.h"
#include "otp/WebAuthnAssertion.h"
#include "otp/WebAuthnRequestOptions.h"

#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QTest>

using namespace mwauth;
using namespace mwauth::otp;

// An independent check of the bytes we sign and verify, with python3-cryptography
// (tests/peer/webauthn_peer.py, Debian's /usr/bin/python3): the peer verifies our
// authenticator's assertions from the spec's definition (authenticatorData ||
// SHA-256(clientDataJSON), DER ECDSA P-256) with the key from publicCredentialJson(); our
// verifier accepts assertions the peer builds and signs itself, and reads the COSE_Key the
// peer writes by hand. Negative controls on both sides (a flipped signature byte) show that
// each side really checks. A missing python or python3-cryptography is a failure, never a
// skip.
namespace {

struct OurCase
{
    QByteArray name;
    QString rpId;
    QString origin;
    QByteArray uvMember; // the userVerification member of auth_info, or empty
    int answers = 1; // the last of these answers is sent to the peer
    int flags = 0; // expected
};

const QList<OurCase> ourCases = {
    {"preferred UV, first use", QStringLiteral("127.0.0.1"), QStringLiteral("http://127.0.0.1:8089"),
     R"(,"userVerification":"preferred")", 1, 0x05},
    {"discouraged UV, third use", QStringLiteral("127.0.0.1"), QStringLiteral("http://127.0.0.1:8089"),
     R"(,"userVerification":"discouraged")", 3, 0x01},
    {"subdomain origin",
     QStringLiteral("wiki.example"),
     QStringLiteral("https://login.wiki.example"),
     {},
     2,
     0x05},
};

struct TheirCase
{
    QByteArray name;
    int flags;
    quint32 signCount;
    quint32 stored;
    bool requireUv;
};

const QList<TheirCase> theirCases = {
    {"UP+UV, count 1", 0x05, 1, 0, true},
    {"UP only, no counter", 0x01, 0, 0, false},
    {"UP+UV, count 4711", 0x05, 4711, 4710, true},
};

const QString theirRpId = QStringLiteral("127.0.0.1");
const QString theirOrigin = QStringLiteral("http://127.0.0.1:8089");

QByteArray challengeFor(const QByteArray &name)
{
    return QByteArray("challenge for ") + name;
}

} // namespace

class TestWebAuthnPeer : public QObject
{
    Q_OBJECT

    QMap<QByteArray, QJsonObject> m_verified;
    QMap<QByteArray, QJsonObject> m_signed;
    QMap<QByteArray, quint32> m_ourCounts;

private slots:
    void initTestCase()
    {
        const QString python = QStringLiteral(MWAUTH_PYTHON3);
        QVERIFY2(!python.isEmpty() && QFileInfo(python).isExecutable(),
                 "MWAUTH_PYTHON3 (Debian's /usr/bin/python3) is needed for the WebAuthn peer");

        QJsonArray verify;
        for (const OurCase &c : ourCases) {
            SystemRandom random;
            Result<VirtualAuthenticator> device
                = VirtualAuthenticator::create(random, c.rpId, "peer-user-" + c.name);
            QVERIFY2(device.ok(), qPrintable(device.error().message()));
            const QByteArray challenge = challengeFor(c.name);
            WebAuthnRequestOptions options;
            options.challenge = challenge;
            options.rpId = c.rpId;
            options.allowCredentials = {device->credentialId()};
            QByteArray info = options.toJson();
            // The userVerification member as written in the case (or none: the spec default).
            QJsonObject infoObject = QJsonDocument::fromJson(info).object();
            infoObject.remove(QLatin1String("userVerification"));
            info = QJsonDocument(infoObject).toJson(QJsonDocument::Compact);
            info.chop(1);
            info += c.uvMember + "}";
            Result<QByteArray> credential = QByteArray();
            for (int i = 0; i < c.answers; ++i) {
                credential = device->answer(info, c.origin);
                QVERIFY2(credential.ok(), qPrintable(credential.error().message()));
            }
            m_ourCounts.insert(c.name, device->signCount());
            verify.append(QJsonObject {
                {QLatin1String("name"), QString::fromUtf8(c.name)},
                {QLatin1String("credential"), QString::fromUtf8(*credential)},
                {QLatin1String("publicCredential"), QString::fromUtf8(device->publicCredentialJson())},
                {QLatin1String("challenge"), QString::fromLatin1(challenge.toBase64())},
                {QLatin1String("origin"), c.origin},
                {QLatin1String("rpId"), c.rpId},
            });
        }
        QJsonArray sign;
        for (const TheirCase &c : theirCases) {
            sign.append(QJsonObject {
                {QLatin1String("name"), QString::fromUtf8(c.name)},
                {QLatin1String("challenge"), QString::fromLatin1(challengeFor(c.name).toBase64())},
                {QLatin1String("origin"), theirOrigin},
                {QLatin1String("rpId"), theirRpId},
                {QLatin1String("signCount"), static_cast<qint64>(c.signCount)},
                {QLatin1String("flags"), c.flags},
            });
        }

        QProcess process;
        process.start(python, {QStringLiteral(MWAUTH_SOURCE_DIR "/tests/peer/webauthn_peer.py")});
        QVERIFY2(process.waitForStarted(30000), qPrintable(process.errorString()));
        process.write(
            QJsonDocument(QJsonObject {{QLatin1String("verify"), verify}, {QLatin1String("sign"), sign}})
                .toJson(QJsonDocument::Compact));
        process.closeWriteChannel();
        QVERIFY2(process.waitForFinished(60000), "the peer did not finish in time");
        QVERIFY2(process.exitStatus() == QProcess::NormalExit && process.exitCode() == 0,
                 qPrintable(QStringLiteral("the peer failed (exit code %1): %2")
                                .arg(process.exitCode())
                                .arg(QString::fromUtf8(process.readAllStandardError()).trimmed())));
        QJsonParseError parseError;
        const QJsonDocument answer = QJsonDocument::fromJson(process.readAllStandardOutput(), &parseError);
        QVERIFY2(answer.isObject(), qPrintable(parseError.errorString()));
        qInfo("python3-cryptography %s",
              qPrintable(answer.object().value(QLatin1String("cryptography")).toString()));
        for (const QJsonValue &v : answer.object().value(QLatin1String("verified")).toArray())
            m_verified.insert(v.toObject().value(QLatin1String("name")).toString().toUtf8(), v.toObject());
        for (const QJsonValue &v : answer.object().value(QLatin1String("signed")).toArray())
            m_signed.insert(v.toObject().value(QLatin1String("name")).toString().toUtf8(), v.toObject());
        QCOMPARE(m_verified.size(), ourCases.size());
        QCOMPARE(m_signed.size(), theirCases.size());
    }

    void peerVerifiesOurs_data()
    {
        QTest::addColumn<QByteArray>("name");
        QTest::addColumn<int>("flags");
        for (const OurCase &c : ourCases)
            QTest::newRow(c.name.constData()) << c.name << c.flags;
    }
    void peerVerifiesOurs()
    {
        QFETCH(QByteArray, name);
        QFETCH(int, flags);
        const QJsonObject verdict = m_verified.value(name);
        QVERIFY2(verdict.value(QLatin1String("error")).isNull(),
                 qPrintable(verdict.value(QLatin1String("error")).toString()));
        QVERIFY2(verdict.value(QLatin1String("signature_valid")).toBool(),
                 "python3-cryptography does not accept our signature over authenticatorData || "
                 "SHA-256(clientDataJSON)");
        QVERIFY2(!verdict.value(QLatin1String("tampered_signature_valid")).toBool(true),
                 "the peer accepted a flipped signature: it does not check");
        QVERIFY(verdict.value(QLatin1String("id_matches_raw_id")).toBool());
        QVERIFY(verdict.value(QLatin1String("rp_id_hash_ok")).toBool());
        QCOMPARE(verdict.value(QLatin1String("flags")).toInt(), flags);
        QCOMPARE(static_cast<quint32>(verdict.value(QLatin1String("sign_count")).toInteger()),
                 m_ourCounts.value(name));
        QCOMPARE(verdict.value(QLatin1String("client_type")).toString(), QStringLiteral("webauthn.get"));
        QCOMPARE(verdict.value(QLatin1String("type")).toString(), QStringLiteral("public-key"));
        QVERIFY(verdict.value(QLatin1String("challenge_ok")).toBool());
        QVERIFY(verdict.value(QLatin1String("origin_ok")).toBool());
    }

    void weVerifyTheirs_data()
    {
        QTest::addColumn<QByteArray>("name");
        QTest::addColumn<quint32>("signCount");
        QTest::addColumn<quint32>("stored");
        QTest::addColumn<bool>("requireUv");
        for (const TheirCase &c : theirCases)
            QTest::newRow(c.name.constData()) << c.name << c.signCount << c.stored << c.requireUv;
    }
    void weVerifyTheirs()
    {
        QFETCH(QByteArray, name);
        QFETCH(quint32, signCount);
        QFETCH(quint32, stored);
        QFETCH(bool, requireUv);
        const QJsonObject theirs = m_signed.value(name);
        Result<jose::Jwk> key = jose::Jwk::fromJson(theirs.value(QLatin1String("publicKey")).toObject());
        QVERIFY2(key.ok(), qPrintable(key.error().message()));
        const QByteArray credential = theirs.value(QLatin1String("credential")).toString().toUtf8();
        Result<quint32> count = WebAuthnAssertion::verify(credential, challengeFor(name), theirOrigin,
                                                          theirRpId, *key, stored, requireUv);
        QVERIFY2(count.ok(),
                 qPrintable(count.error().codeName() + QStringLiteral(": ") + count.error().message()));
        QCOMPARE(*count, signCount);
        Result<WebAuthnAssertion> parsed = WebAuthnAssertion::parse(credential);
        QVERIFY(parsed.ok());
        QCOMPARE(parsed->userHandle.value_or(QByteArray()), QByteArray("peer-user"));

        // The same key as a COSE_Key, as the peer wrote it.
        const QByteArray cose
            = QByteArray::fromHex(theirs.value(QLatin1String("coseKey")).toString().toLatin1());
        Result<jose::Jwk> fromCose = CoseKey::toJwk(cose);
        QVERIFY2(fromCose.ok(), qPrintable(fromCose.error().message()));
        QCOMPARE(fromCose->thumbprint(), key->thumbprint());
        Result<QByteArray> toCose = CoseKey::fromJwk(*key);
        QVERIFY(toCose.ok());
        QCOMPARE(toCose->toHex(), cose.toHex());

        const QByteArray tampered = theirs.value(QLatin1String("tampered")).toString().toUtf8();
        Result<quint32> rejected = WebAuthnAssertion::verify(tampered, challengeFor(name), theirOrigin,
                                                             theirRpId, *key, stored, requireUv);
        QVERIFY(!rejected.ok());
        QCOMPARE(rejected.error().code(), ErrorCode::BadSignature);
    }
};

QTEST_GUILESS_MAIN(TestWebAuthnPeer)
#include "TestWebAuthnPeer.moc"
