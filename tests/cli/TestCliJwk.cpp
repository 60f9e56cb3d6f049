// `mwauth jwk generate | public | thumbprint`, run as a process. Thumbprints are checked
// against RFC 7638 section 3.1 and against an RFC 7638 computation written here, in the
// test, from the printed public members.

#include "CliRunner.h"

#include <QCryptographicHash>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTemporaryDir>
#include <QTest>

namespace {

// RFC 7638 section 3.1: the example RSA key and its thumbprint.
const QByteArray rfc7638Jwk
    = R"({"kty":"RSA","n":"0vx7agoebGcQSuuPiLJXZptN9nndrQmbXEps2aiAFbWhM78LhWx4cbbfAAtVT86zwu1RK7aPFFxuhDR1L6tSoc_BJE)"
      R"(CPebWKRXjBZCiFV4n3oknjhMstn64tZ_2W-5JsGY4Hc5n9yBXArwl93lqt7_RN5w6Cf0h4QyQ5v-65YGjQR0_FDW2QvzqY368QQMicAtaSqzs)"
      R"(8KJZgnYb9c7d0zgdAZHzu6qMQvRL5hajrn1n91CbOpbISD08qNLyrdkt-bFTWhAI4vMQFh6WeZu0fM4lFd2NcRwr3XPksINHaQ-G_xBniIqbw)"
      R"(0Ls1jF44-csFCur-kEgU8awapJzKnqDKgw","e":"AQAB","alg":"RS256","kid":"2011-04-29"})";
const QByteArray rfc7638Thumbprint = "NzbLsXh8uDCcd-6MNwXF4W_7noWXFZAfHkxZsRGC9Xs";

QJsonObject parseObject(const QByteArray &json)
{
    return QJsonDocument::fromJson(json).object();
}

QByteArray base64Url(const QByteArray &data)
{
    return data.toBase64(QByteArray::Base64UrlEncoding | QByteArray::OmitTrailingEquals);
}

QByteArray decodeBase64Url(const QJsonValue &value)
{
    return QByteArray::fromBase64(value.toString().toLatin1(), QByteArray::Base64UrlEncoding);
}

// RFC 7638 section 3.2: the required members only, lexicographic order, no whitespace.
QByteArray independentThumbprint(const QJsonObject &jwk)
{
    const QString kty = jwk.value(u"kty").toString();
    QStringList members;
    if (kty == u"RSA")
        members = {"e", "kty", "n"};
    else if (kty == u"EC")
        members = {"crv", "kty", "x", "y"};
    else if (kty == u"OKP")
        members = {"crv", "kty", "x"};
    else if (kty == u"oct")
        members = {"k", "kty"};
    else
        return {};
    QByteArray canonical = "{";
    for (const QString &name : members) {
        if (canonical.size() > 1)
            canonical += ',';
        canonical += '"' + name.toLatin1() + "\":\"" + jwk.value(name).toString().toLatin1() + '"';
    }
    canonical += '}';
    return base64Url(QCryptographicHash::hash(canonical, QCryptographicHash::Sha256));
}

} // namespace

class TestCliJwk : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase();
    void generatePublicThumbprint_data();
    void generatePublicThumbprint();
    void rfc7638Example();
    void mediaWikiPem();
    void pemRoundTrip_data();
    void pemRoundTrip();
    void errors_data();
    void errors();

private:
    QTemporaryDir m_dir;
};

void TestCliJwk::initTestCase()
{
    QVERIFY(m_dir.isValid());
}

void TestCliJwk::generatePublicThumbprint_data()
{
    QTest::addColumn<QString>("alg");
    QTest::addColumn<QStringList>("extra");
    QTest::addColumn<QString>("kty");
    QTest::addColumn<QString>("crv");
    QTest::addColumn<int>("size"); // bytes of n (RSA), x (EC/OKP) or k (oct)

    QTest::newRow("RS256") << "RS256" << QStringList() << "RSA"
                           << "" << 256;
    QTest::newRow("RS384 3072") << "RS384" << QStringList {"--bits", "3072"} << "RSA"
                                << "" << 384;
    QTest::newRow("RS512") << "RS512" << QStringList() << "RSA"
                           << "" << 256;
    QTest::newRow("PS256") << "PS256" << QStringList() << "RSA"
                           << "" << 256;
    QTest::newRow("ES256") << "ES256" << QStringList() << "EC"
                           << "P-256" << 32;
    QTest::newRow("ES384") << "ES384" << QStringList() << "EC"
                           << "P-384" << 48;
    QTest::newRow("EdDSA") << "EdDSA" << QStringList() << "OKP"
                           << "Ed25519" << 32;
    QTest::newRow("HS256") << "HS256" << QStringList() << "oct"
                           << "" << 32;
    QTest::newRow("HS384") << "HS384" << QStringList() << "oct"
                           << "" << 48;
    QTest::newRow("HS512") << "HS512" << QStringList() << "oct"
                           << "" << 64;
}

void TestCliJwk::generatePublicThumbprint()
{
    QFETCH(QString, alg);
    QFETCH(QStringList, extra);
    QFETCH(QString, kty);
    QFETCH(QString, crv);
    QFETCH(int, size);

    const CliRun generated = runCli(QStringList {"jwk", "generate", "--alg", alg} + extra);
    CLI_VERIFY_RAN(generated);
    QVERIFY2(generated.exitCode == 0 && generated.err.isEmpty(), generated.describe().constData());
    const QJsonObject privateJwk = parseObject(generated.out);
    QCOMPARE(privateJwk.value(u"kty").toString(), kty);
    QCOMPARE(privateJwk.value(u"alg").toString(), alg);
    if (!crv.isEmpty())
        QCOMPARE(privateJwk.value(u"crv").toString(), crv);
    const QString sizedMember = kty == u"RSA" ? QStringLiteral("n")
        : kty == u"oct"                       ? QStringLiteral("k")
                                              : QStringLiteral("x");
    QCOMPARE(decodeBase64Url(privateJwk.value(sizedMember)).size(), size);
    QVERIFY(privateJwk.contains(kty == u"oct" ? u"k" : u"d"));

    // kid is the RFC 7638 thumbprint, computed here independently.
    const QByteArray kid = privateJwk.value(u"kid").toString().toLatin1();
    QCOMPARE(kid, independentThumbprint(privateJwk));

    // `thumbprint` of the private key agrees.
    const CliRun printed = runCli({"jwk", "thumbprint"}, generated.out);
    CLI_VERIFY_RAN(printed);
    QVERIFY2(printed.exitCode == 0, printed.describe().constData());
    QCOMPARE(printed.out, kid + '\n');

    const CliRun publicRun = runCli({"jwk", "public", "-"}, generated.out);
    CLI_VERIFY_RAN(publicRun);
    if (kty == u"oct") {
        CLI_VERIFY_ERROR(publicRun, 3, QStringLiteral("no public form"));
        return;
    }
    QVERIFY2(publicRun.exitCode == 0 && publicRun.err.isEmpty(), publicRun.describe().constData());
    const QJsonObject publicJwk = parseObject(publicRun.out);
    for (const char *secret : {"d", "p", "q", "dp", "dq", "qi", "k", "oth"})
        QVERIFY2(!publicJwk.contains(QLatin1StringView(secret)), secret);
    QCOMPARE(publicJwk.value(u"kid").toString().toLatin1(), kid);
    QCOMPARE(publicJwk.value(sizedMember), privateJwk.value(sizedMember));
    QCOMPARE(independentThumbprint(publicJwk), kid);

    // ... and `thumbprint` of the public form, from a file, too.
    const QString path = m_dir.filePath(alg + QStringLiteral("-public.json"));
    QFile file(path);
    QVERIFY(file.open(QIODevice::WriteOnly));
    file.write(publicRun.out);
    file.close();
    const CliRun fromFile = runCli({"jwk", "thumbprint", path});
    CLI_VERIFY_RAN(fromFile);
    QCOMPARE(fromFile.out, kid + '\n');
}

void TestCliJwk::rfc7638Example()
{
    const CliRun thumbprint = runCli({"jwk", "thumbprint"}, rfc7638Jwk);
    CLI_VERIFY_RAN(thumbprint);
    QVERIFY2(thumbprint.exitCode == 0, thumbprint.describe().constData());
    QCOMPARE(thumbprint.out, rfc7638Thumbprint + '\n');

    const CliRun publicRun = runCli({"jwk", "public"}, rfc7638Jwk);
    CLI_VERIFY_RAN(publicRun);
    QVERIFY2(publicRun.exitCode == 0, publicRun.describe().constData());
    const QJsonObject publicJwk = parseObject(publicRun.out);
    QCOMPARE(publicJwk, parseObject(rfc7638Jwk)); // a public key stays as it is, kid and alg kept
}

void TestCliJwk::mediaWikiPem()
{
    const CliRun run
        = runCli({"jwk", "public", sharedFixturePath(QStringLiteral("oauth-ext/oauth2-public-key.pem"))});
    CLI_VERIFY_RAN(run);
    QVERIFY2(run.exitCode == 0, run.describe().constData());
    const QJsonObject jwk = parseObject(run.out);
    QCOMPARE(jwk.value(u"kty").toString(), QStringLiteral("RSA"));
    QCOMPARE(jwk.value(u"e").toString(), QStringLiteral("AQAB"));
    QCOMPARE(decodeBase64Url(jwk.value(u"n")).size(), 256);

    const CliRun thumbprint
        = runCli({"jwk", "thumbprint", sharedFixturePath(QStringLiteral("oauth-ext/oauth2-public-key.pem"))});
    CLI_VERIFY_RAN(thumbprint);
    QCOMPARE(thumbprint.out, independentThumbprint(jwk) + '\n');
}

void TestCliJwk::pemRoundTrip_data()
{
    QTest::addColumn<QString>("alg");
    QTest::newRow("RS256") << "RS256";
    QTest::newRow("ES256") << "ES256";
    QTest::newRow("ES384") << "ES384";
    QTest::newRow("EdDSA") << "EdDSA";
}

void TestCliJwk::pemRoundTrip()
{
    QFETCH(QString, alg);
    const CliRun generated = runCli({"jwk", "generate", "--alg", alg, "--pem"});
    CLI_VERIFY_RAN(generated);
    QVERIFY2(generated.exitCode == 0, generated.describe().constData());
    QVERIFY2(generated.out.startsWith("-----BEGIN PRIVATE KEY-----\n"), generated.describe().constData());
    QVERIFY(generated.out.trimmed().endsWith("-----END PRIVATE KEY-----"));

    const CliRun publicPem = runCli({"jwk", "public", "--pem"}, generated.out);
    CLI_VERIFY_RAN(publicPem);
    QVERIFY2(publicPem.exitCode == 0, publicPem.describe().constData());
    QVERIFY2(publicPem.out.startsWith("-----BEGIN PUBLIC KEY-----\n"), publicPem.describe().constData());

    // The private PEM, the public PEM and the public JWK are one key: one thumbprint.
    const CliRun publicJwk = runCli({"jwk", "public"}, publicPem.out);
    CLI_VERIFY_RAN(publicJwk);
    const QByteArray expected = independentThumbprint(parseObject(publicJwk.out));
    QVERIFY(!expected.isEmpty());
    for (const QByteArray &input : {generated.out, publicPem.out}) {
        const CliRun thumbprint = runCli({"jwk", "thumbprint"}, input);
        CLI_VERIFY_RAN(thumbprint);
        QCOMPARE(thumbprint.out, expected + '\n');
    }
}

void TestCliJwk::errors_data()
{
    QTest::addColumn<QStringList>("arguments");
    QTest::addColumn<QByteArray>("input");
    QTest::addColumn<int>("exitCode");
    QTest::addColumn<QString>("message");

    auto row = [](const char *name, const QStringList &arguments, int exitCode, const QString &message,
                  const QByteArray &input = {}) {
        QTest::newRow(name) << arguments << input << exitCode << message;
    };
    row("generate without --alg", {"jwk", "generate"}, 2, QStringLiteral("--alg is required"));
    row("generate alg none", {"jwk", "generate", "--alg", "none"}, 2, QStringLiteral("none"));
    row("generate unknown alg", {"jwk", "generate", "--alg", "RS1"}, 2, QStringLiteral("RS1"));
    row("generate lower-case alg", {"jwk", "generate", "--alg", "es256"}, 2, QStringLiteral("es256"));
    row("generate --bits for EC", {"jwk", "generate", "--alg", "ES256", "--bits", "2048"}, 2,
        QStringLiteral("only for RSA"));
    row("generate --bits 1024", {"jwk", "generate", "--alg", "RS256", "--bits", "1024"}, 2,
        QStringLiteral("2048, 3072 or 4096"));
    row("generate --bits text", {"jwk", "generate", "--alg", "RS256", "--bits", "many"}, 2,
        QStringLiteral("--bits must be a whole number"));
    row("generate HS256 --pem", {"jwk", "generate", "--alg", "HS256", "--pem"}, 2,
        QStringLiteral("no PEM form"));
    row("generate stray argument", {"jwk", "generate", "--alg", "ES256", "extra"}, 2,
        QStringLiteral("takes no arguments"));
    row("public missing file", {"jwk", "public", "/nonexistent/key.pem"}, 3,
        QStringLiteral("does not exist"));
    row("public empty stdin", {"jwk", "public"}, 3, QStringLiteral("empty"));
    row("public binary junk", {"jwk", "public"}, 3, QStringLiteral("neither a JWK"),
        QByteArray("\x00\x9f\x92\x96\xff\x01junk", 12));
    row("public JSON that is no JWK", {"jwk", "public"}, 3, QStringLiteral("no \"kty\""), R"({"keys":[]})");
    row("public broken JSON", {"jwk", "public"}, 3, QStringLiteral("not valid JSON"), R"({"kty":"RSA",)");
    row("public unknown kty", {"jwk", "public"}, 3, QStringLiteral("standard input"),
        R"({"kty":"XYZ","x":"AA"})");
    row("public RSA without n", {"jwk", "public"}, 3, QStringLiteral("standard input"),
        R"({"kty":"RSA","e":"AQAB"})");
    row("public broken PEM", {"jwk", "public"}, 3, QStringLiteral("standard input"),
        "-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----\n");
    row("public oct", {"jwk", "public"}, 3, QStringLiteral("no public form"),
        R"({"kty":"oct","k":"c2VjcmV0LXNlY3JldC1zZWNyZXQtc2VjcmV0LXh4eHg"})");
    row("public two files", {"jwk", "public", "a", "b"}, 2, QStringLiteral("unexpected argument 'b'"));
    row("thumbprint junk", {"jwk", "thumbprint"}, 3, QStringLiteral("neither a JWK"), "not a key at all");
    row("thumbprint missing file", {"jwk", "thumbprint", "/nonexistent/key.json"}, 3,
        QStringLiteral("does not exist"));
}

void TestCliJwk::errors()
{
    QFETCH(QStringList, arguments);
    QFETCH(QByteArray, input);
    QFETCH(int, exitCode);
    QFETCH(QString, message);

    const CliRun run = runCli(arguments, input);
    CLI_VERIFY_ERROR(run, exitCode, message);
}

QTEST_GUILESS_MAIN(TestCliJwk)
#include "TestCliJwk.moc"
