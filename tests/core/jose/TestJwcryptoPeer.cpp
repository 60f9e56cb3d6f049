#include "JoseTestUtil.h"

#include "jose/Base64Url.h"
#include "jose/Jws.h"
#include "jose/KeyGenerator.h"

#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QProcess>
#include <QTest>

using namespace mwauth;
using namespace mwauth::jose;

// Interoperability with an independent JOSE implementation, python3-jwcrypto (Debian's
// /usr/bin/python3), through tests/peer/jwcrypto_peer.py. For every algorithm: a token we
// sign verifies in jwcrypto, a token jwcrypto signs verifies here, and both compute the
// same RFC 7638 thumbprints. A missing python or jwcrypto is a failure, never a skip.
class TestJwcryptoPeer : public QObject
{
    Q_OBJECT

    struct OurToken
    {
        Jwk key;
        QByteArray token;
        QByteArray payload;
    };
    QMap<JwsAlgorithm, OurToken> m_ours;
    QJsonArray m_theirVerdicts; // answers to "verify": ours, then negative controls
    QJsonArray m_theirTokens; // answers to "sign"

    static QString script() { return QStringLiteral(MWAUTH_SOURCE_DIR "/tests/peer/jwcrypto_peer.py"); }

    // Runs the peer with one request; on failure `error` says why.
    static QJsonObject ask(const QJsonObject &request, QString &error)
    {
        QProcess process;
        process.start(QStringLiteral(MWAUTH_PYTHON3), {script()});
        if (!process.waitForStarted(30000)) {
            error = QStringLiteral("cannot start %1: %2")
                        .arg(QStringLiteral(MWAUTH_PYTHON3), process.errorString());
            return {};
        }
        process.write(QJsonDocument(request).toJson(QJsonDocument::Compact));
        process.closeWriteChannel();
        if (!process.waitForFinished(240000)) {
            process.kill();
            process.waitForFinished();
            error = QStringLiteral("the peer did not finish in time");
            return {};
        }
        if (process.exitStatus() != QProcess::NormalExit || process.exitCode() != 0) {
            error = QStringLiteral("the peer failed (exit code %1): %2")
                        .arg(process.exitCode())
                        .arg(QString::fromUtf8(process.readAllStandardError()).trimmed());
            return {};
        }
        QJsonParseError parseError;
        const QJsonDocument answer = QJsonDocument::fromJson(process.readAllStandardOutput(), &parseError);
        if (!answer.isObject()) {
            error = QStringLiteral("the peer's answer is not JSON: ") + parseError.errorString();
            return {};
        }
        return answer.object();
    }

    static void addAlgorithmRows()
    {
        QTest::addColumn<JwsAlgorithm>("alg");
        for (JwsAlgorithm alg : allAlgorithms())
            QTest::newRow(qPrintable(algorithmName(alg))) << alg;
    }

private slots:
    void initTestCase()
    {
        const QString python = QStringLiteral(MWAUTH_PYTHON3);
        if (python.isEmpty() || !QFileInfo(python).isExecutable()) {
            QFAIL(qPrintable(QStringLiteral("The Debian python3 was not found (MWAUTH_PYTHON3 = '%1'); "
                                            "install python3 and python3-jwcrypto.")
                                 .arg(python)));
        }
        QVERIFY2(QFileInfo::exists(script()), qPrintable(script()));
        QString error;
        const QJsonObject versions = ask({{QStringLiteral("command"), QStringLiteral("versions")}}, error);
        if (!error.isEmpty())
            QFAIL(qPrintable(QStringLiteral("python3-jwcrypto is not usable: ") + error));
        qInfo("peer: jwcrypto %s, cryptography %s",
              qPrintable(versions.value(QStringLiteral("jwcrypto")).toString()),
              qPrintable(versions.value(QStringLiteral("cryptography")).toString()));

        // Our tokens, one per algorithm, each followed by a negative control: the same
        // token offered to jwcrypto with a different key, which it must refuse.
        QJsonArray cases;
        for (JwsAlgorithm alg : allAlgorithms()) {
            Result<Jwk> key = KeyGenerator::generate(alg);
            Result<Jwk> stranger = KeyGenerator::generate(alg);
            QVERIFY2(key.ok() && stranger.ok(), "key generation failed");
            OurToken ours;
            ours.key = *key;
            ours.payload
                = "{\"iss\":\"mwauth\",\"alg\":\"" + algorithmName(alg).toLatin1() + "\",\"n\":\"\xc3\xa9\"}";
            QJsonObject header {{QStringLiteral("alg"), algorithmName(alg)},
                                {QStringLiteral("kid"), key->kid()}};
            Result<QByteArray> token = Jws::sign(header, ours.payload, *key);
            QVERIFY2(token.ok(), testutil::why(token));
            ours.token = *token;
            m_ours.insert(alg, ours);
            const bool symmetric = isHmac(alg);
            for (const Jwk &verifier : {*key, *stranger}) {
                cases.append(QJsonObject {
                    {QStringLiteral("alg"), algorithmName(alg)},
                    {QStringLiteral("jwk"), symmetric ? verifier.toPrivateJson() : verifier.toPublicJson()},
                    {QStringLiteral("token"), QString::fromLatin1(ours.token)}});
            }
        }
        const QJsonObject verdicts = ask(
            {{QStringLiteral("command"), QStringLiteral("verify")}, {QStringLiteral("cases"), cases}}, error);
        QVERIFY2(error.isEmpty(), qPrintable(error));
        m_theirVerdicts = verdicts.value(QStringLiteral("results")).toArray();
        QCOMPARE(m_theirVerdicts.size(), cases.size());

        QJsonArray signCases;
        for (JwsAlgorithm alg : allAlgorithms()) {
            signCases.append(QJsonObject {
                {QStringLiteral("alg"), algorithmName(alg)},
                {QStringLiteral("payload"),
                 QStringLiteral("{\"from\":\"jwcrypto\",\"alg\":\"%1\"}").arg(algorithmName(alg))}});
        }
        const QJsonObject signedByThem
            = ask({{QStringLiteral("command"), QStringLiteral("sign")}, {QStringLiteral("cases"), signCases}},
                  error);
        QVERIFY2(error.isEmpty(), qPrintable(error));
        m_theirTokens = signedByThem.value(QStringLiteral("results")).toArray();
        QCOMPARE(m_theirTokens.size(), signCases.size());
    }

    void ourTokensVerifyInJwcrypto_data() { addAlgorithmRows(); }
    void ourTokensVerifyInJwcrypto()
    {
        QFETCH(JwsAlgorithm, alg);
        const qsizetype index = allAlgorithms().indexOf(alg);
        const QJsonObject verdict = m_theirVerdicts.at(2 * index).toObject();
        QVERIFY2(verdict.value(QStringLiteral("ok")).toBool(),
                 qPrintable(verdict.value(QStringLiteral("error")).toString()));
        QCOMPARE(verdict.value(QStringLiteral("payload")).toString().toUtf8(), m_ours.value(alg).payload);
        // The negative control: jwcrypto really checks (a different key is refused).
        const QJsonObject control = m_theirVerdicts.at(2 * index + 1).toObject();
        QVERIFY(control.contains(QStringLiteral("ok")));
        QVERIFY2(!control.value(QStringLiteral("ok")).toBool(),
                 "jwcrypto accepted the token with the wrong key");
    }

    void thumbprintsAgreeOnOurKeys_data() { addAlgorithmRows(); }
    void thumbprintsAgreeOnOurKeys()
    {
        QFETCH(JwsAlgorithm, alg);
        const qsizetype index = allAlgorithms().indexOf(alg);
        const QString theirs
            = m_theirVerdicts.at(2 * index).toObject().value(QStringLiteral("thumbprint")).toString();
        QCOMPARE(theirs, QString::fromLatin1(m_ours.value(alg).key.thumbprint()));
    }

    void theirTokensVerifyHere_data() { addAlgorithmRows(); }
    void theirTokensVerifyHere()
    {
        QFETCH(JwsAlgorithm, alg);
        const QJsonObject theirs = m_theirTokens.at(allAlgorithms().indexOf(alg)).toObject();
        QCOMPARE(theirs.value(QStringLiteral("alg")).toString(), algorithmName(alg));
        Result<Jwk> key = Jwk::fromJson(theirs.value(QStringLiteral("jwk")).toObject());
        QVERIFY2(key.ok(), testutil::why(key));
        QCOMPARE(key->hasPrivate(), isHmac(alg)); // public members only, except oct
        QVERIFY(key->checkAlgorithm(alg).ok());
        // RFC 7638 thumbprints agree on their keys too.
        QCOMPARE(QString::fromLatin1(key->thumbprint()),
                 theirs.value(QStringLiteral("thumbprint")).toString());

        const QByteArray token = theirs.value(QStringLiteral("token")).toString().toLatin1();
        Result<JwsParts> parts = Jws::parse(token);
        QVERIFY2(parts.ok(), testutil::why(parts));
        QCOMPARE(parts->alg, alg);
        QCOMPARE(parts->header.value(QStringLiteral("kid")).toString(),
                 QString::fromLatin1(key->thumbprint()));
        QCOMPARE(parts->payload,
                 QStringLiteral("{\"from\":\"jwcrypto\",\"alg\":\"%1\"}").arg(algorithmName(alg)).toUtf8());
        Result<void> verified = Jws::verify(*parts, *key);
        QVERIFY2(verified.ok(), testutil::why(verified));
        // Through a key set with kid selection as well.
        key->setKid(theirs.value(QStringLiteral("thumbprint")).toString());
        Result<Jwk> viaSet = Jws::verify(*parts, Jwks(QList<Jwk> {*key}));
        QVERIFY2(viaSet.ok(), testutil::why(viaSet));

        // And a flipped signature bit is refused.
        JwsParts tampered = *parts;
        tampered.signature[0] = static_cast<char>(tampered.signature[0] ^ 0x01);
        QCOMPARE(Jws::verify(tampered, *key).error().code(), ErrorCode::BadSignature);
    }
};

QTEST_GUILESS_MAIN(TestJwcryptoPeer)
#include "TestJwcryptoPeer.moc"
