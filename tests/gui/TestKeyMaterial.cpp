// KeyMaterial: what the workbench's key field accepts in each mode, and how it says what
// is wrong with a paste.

#include "workbench/KeyMaterial.h"

#include <QFile>
#include <QTest>

using namespace mwauth;
using namespace mwauth::ui;

namespace {
// RFC 7515 A.2's RSA public key and A.3's EC P-256 public key.
const char rsaJwk[]
    = R"({"kty":"RSA","kid":"a2","e":"AQAB","n":"ofgWCuLjybRlzo0tZWJjNiuSfb4p4fAkd_wWJcyQoTbji9k0l8W26mPddxHmfHQp-Vaw-4qPCJrcS2mJPMEzP1Pt0Bm4d4QlL-yRT-SFd2lZS-pCgNMsD1W_YpRPEwOWvG6b32690r2jZ47soMZo9wGzjb_7OMg0LOL-bSf63kpaSHSXndS5z5rexMdbBYUsLA9e-KXBdQOS-UTo7WTBEMa2R2CapHg665xsmtdVMTBQY4uDZlxvb3qCo5ZwKh9kG4LT6_I5IhlJH7aGhyxXFvUK-DWNmoudF8NAco9_h9iaGNj8q2ethFkMLs91kzk2PAcDTW9gb54h4FRWyuXpoQ"})";
const char ecJwk[]
    = R"({"kty":"EC","kid":"a3","crv":"P-256","x":"f83OJ3D2xF1Bg8vub9tLe1gHMzV76e8Tus9uPHvRVEU","y":"x_FEzRu9m36HLN_tue659LNpXW6pCyStikYjKIWI5a0"})";

QString pem()
{
    QFile file(QStringLiteral(MWAUTH_SHARED_DIR "/peers/mediawiki/fixtures/oauth-ext/oauth2-public-key.pem"));
    return file.open(QIODevice::ReadOnly) ? QString::fromLatin1(file.readAll()) : QString();
}
} // namespace

class TestKeyMaterial : public QObject
{
    Q_OBJECT
private slots:
    void accepted();
    void rejected_data();
    void rejected();
    void detect_data();
    void detect();
};

void TestKeyMaterial::accepted()
{
    const QString set
        = QStringLiteral(R"({"keys":[%1,%2]})").arg(QLatin1String(rsaJwk), QLatin1String(ecJwk));
    Result<jose::Jwks> keys = KeyMaterial::parse(KeyMode::JwksOrJwk, set);
    QVERIFY2(keys.ok(), qPrintable(keys.ok() ? QString() : keys.error().message()));
    QCOMPARE(keys->keys().size(), 2);
    QCOMPARE(keys->keys().at(1).curve(), QStringLiteral("P-256"));

    keys = KeyMaterial::parse(KeyMode::JwksOrJwk, QStringLiteral("\n  ") + QLatin1String(rsaJwk) + u'\n');
    QVERIFY(keys.ok());
    QCOMPARE(keys->keys().value(0).kid(), QStringLiteral("a2"));
    QCOMPARE(keys->keys().value(0).bits(), 2048);

    const QString pemText = pem();
    QVERIFY(!pemText.isEmpty());
    keys = KeyMaterial::parse(KeyMode::Pem, pemText);
    QVERIFY(keys.ok());
    QCOMPARE(keys->keys().value(0).typeName(), QStringLiteral("RSA"));
    QVERIFY(!keys->keys().value(0).hasPrivate());

    keys = KeyMaterial::parse(KeyMode::Secret, QStringLiteral("  s3cret\n"));
    QVERIFY(keys.ok());
    QCOMPARE(keys->keys().value(0).secret(), QByteArray("s3cret")); // whitespace trimmed
}

void TestKeyMaterial::rejected_data()
{
    QTest::addColumn<int>("mode");
    QTest::addColumn<QString>("text");
    QTest::addColumn<int>("code");
    QTest::addColumn<QString>("messagePart");

    const int json = static_cast<int>(KeyMode::JwksOrJwk);
    const int pemMode = static_cast<int>(KeyMode::Pem);
    QTest::newRow("empty") << json << QStringLiteral("  \n") << static_cast<int>(ErrorCode::InvalidInput)
                           << QStringLiteral("No key yet");
    QTest::newRow("PEM in JSON mode") << json << pem() << static_cast<int>(ErrorCode::MalformedKey)
                                      << QStringLiteral("choose the \"PEM\" key type");
    QTest::newRow("JSON in PEM mode")
        << pemMode << QString::fromLatin1(rsaJwk) << static_cast<int>(ErrorCode::MalformedKey)
        << QStringLiteral("choose the \"JWKS / JWK\" key type");
    QTest::newRow("broken JSON") << json << QStringLiteral("{\"kty\":")
                                 << static_cast<int>(ErrorCode::MalformedJson)
                                 << QStringLiteral("not valid JSON");
    QTest::newRow("array") << json << QStringLiteral("[1]") << static_cast<int>(ErrorCode::MalformedJson)
                           << QStringLiteral("must be a JSON object");
    QTest::newRow("RSA without n") << json << QStringLiteral(R"({"kty":"RSA","e":"AQAB"})")
                                   << static_cast<int>(ErrorCode::MalformedKey) << QStringLiteral("JWK: ");
    QTest::newRow("PEM garbage") << pemMode
                                 << QStringLiteral(
                                        "-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----")
                                 << static_cast<int>(ErrorCode::MalformedKey) << QStringLiteral("PEM: ");
}

void TestKeyMaterial::rejected()
{
    QFETCH(int, mode);
    QFETCH(QString, text);
    QFETCH(int, code);
    QFETCH(QString, messagePart);
    const Result<jose::Jwks> keys = KeyMaterial::parse(static_cast<KeyMode>(mode), text);
    QVERIFY(!keys.ok());
    QVERIFY2(keys.error().message().contains(messagePart), qPrintable(keys.error().message()));
    QCOMPARE(keys.error().codeName(), Error(static_cast<ErrorCode>(code), QString()).codeName());
}

void TestKeyMaterial::detect_data()
{
    QTest::addColumn<QString>("text");
    QTest::addColumn<int>("current");
    QTest::addColumn<int>("expected");
    const int json = static_cast<int>(KeyMode::JwksOrJwk);
    const int pemMode = static_cast<int>(KeyMode::Pem);
    const int secret = static_cast<int>(KeyMode::Secret);
    QTest::newRow("pem from json") << QStringLiteral(" -----BEGIN PUBLIC KEY-----") << json << pemMode;
    QTest::newRow("json from pem") << QStringLiteral("{\"keys\":[]}") << pemMode << json;
    QTest::newRow("secret stays") << QStringLiteral("{looks like json}") << secret << secret;
    QTest::newRow("unclear stays") << QStringLiteral("abc") << pemMode << pemMode;
}

void TestKeyMaterial::detect()
{
    QFETCH(QString, text);
    QFETCH(int, current);
    QFETCH(int, expected);
    QCOMPARE(static_cast<int>(KeyMaterial::detect(text, static_cast<KeyMode>(current))), expected);
}

QTEST_GUILESS_MAIN(TestKeyMaterial)
#include "TestKeyMaterial.moc"
