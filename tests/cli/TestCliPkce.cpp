// `mwauth pkce`, run as a process: RFC 7636 appendix B, the plain method, and new verifiers
// checked against a SHA-256 computed here.

#include "CliRunner.h"

#include <QCryptographicHash>
#include <QJsonDocument>
#include <QJsonObject>
#include <QRegularExpression>
#include <QTest>

namespace {

// RFC 7636 appendix B.
constexpr char rfcVerifier[] = "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk";
constexpr char rfcChallenge[] = "E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM";

QMap<QString, QString> labelled(const CliRun &run)
{
    QMap<QString, QString> lines;
    for (const QString &line : run.outText().split(u'\n', Qt::SkipEmptyParts)) {
        const qsizetype colon = line.indexOf(QStringLiteral(": "));
        if (colon > 0)
            lines.insert(line.left(colon), line.mid(colon + 2));
    }
    return lines;
}

QString s256(const QString &verifier)
{
    return QString::fromLatin1(QCryptographicHash::hash(verifier.toLatin1(), QCryptographicHash::Sha256)
                                   .toBase64(QByteArray::Base64UrlEncoding | QByteArray::OmitTrailingEquals));
}

} // namespace

class TestCliPkce : public QObject
{
    Q_OBJECT

private slots:
    void given_data();
    void given();
    void json();
    void generated_data();
    void generated();
    void errors_data();
    void errors();
};

void TestCliPkce::given_data()
{
    QTest::addColumn<QStringList>("arguments");
    QTest::addColumn<QString>("verifier");
    QTest::addColumn<QString>("challenge");
    QTest::addColumn<QString>("method");

    QTest::newRow("RFC 7636 B, S256 by default")
        << QStringList {"--verifier", rfcVerifier} << rfcVerifier << rfcChallenge << "S256";
    QTest::newRow("RFC 7636 B, S256 named") << QStringList {"--verifier", rfcVerifier, "--method", "S256"}
                                            << rfcVerifier << rfcChallenge << "S256";
    QTest::newRow("plain") << QStringList {"--verifier", rfcVerifier, "--method", "plain"} << rfcVerifier
                           << rfcVerifier << "plain";
    const QString longest = QString(128, u'~');
    QTest::newRow("128 characters") << QStringList {"--verifier", longest} << longest << s256(longest)
                                    << "S256";
    const QString allKinds = QStringLiteral("AZaz09-._~AZaz09-._~AZaz09-._~AZaz09-._~abc");
    QTest::newRow("every allowed kind, 43 characters")
        << QStringList {"--verifier", allKinds} << allKinds << s256(allKinds) << "S256";
}

void TestCliPkce::given()
{
    QFETCH(QStringList, arguments);
    QFETCH(QString, verifier);
    QFETCH(QString, challenge);
    QFETCH(QString, method);

    const CliRun run = runCli(QStringList {"pkce"} + arguments);
    CLI_VERIFY_RAN(run);
    QVERIFY2(run.exitCode == 0 && run.err.isEmpty(), run.describe().constData());
    const QMap<QString, QString> lines = labelled(run);
    QCOMPARE(lines.keys(), QStringList({"challenge", "method", "verifier"}));
    QCOMPARE(lines.value(QStringLiteral("verifier")), verifier);
    QCOMPARE(lines.value(QStringLiteral("challenge")), challenge);
    QCOMPARE(lines.value(QStringLiteral("method")), method);
}

void TestCliPkce::json()
{
    const CliRun run = runCli({"pkce", "--verifier", rfcVerifier, "--json"});
    CLI_VERIFY_RAN(run);
    QVERIFY2(run.exitCode == 0, run.describe().constData());
    const QJsonObject object = QJsonDocument::fromJson(run.out).object();
    QCOMPARE(object.value(u"code_verifier").toString(), QString::fromLatin1(rfcVerifier));
    QCOMPARE(object.value(u"code_challenge").toString(), QString::fromLatin1(rfcChallenge));
    QCOMPARE(object.value(u"code_challenge_method").toString(), QStringLiteral("S256"));
}

void TestCliPkce::generated_data()
{
    QTest::addColumn<QString>("method");
    QTest::newRow("S256") << "S256";
    QTest::newRow("plain") << "plain";
}

void TestCliPkce::generated()
{
    QFETCH(QString, method);
    const CliRun first = runCli({"pkce", "--method", method});
    const CliRun second = runCli({"pkce", "--method", method});
    CLI_VERIFY_RAN(first);
    CLI_VERIFY_RAN(second);
    QVERIFY2(first.exitCode == 0, first.describe().constData());
    const QMap<QString, QString> lines = labelled(first);
    const QString verifier = lines.value(QStringLiteral("verifier"));
    // RFC 7636 section 4.1: 32 random octets, base64url: 43 unreserved characters.
    static const QRegularExpression unreserved(QStringLiteral("^[A-Za-z0-9._~-]{43}$"));
    QVERIFY2(unreserved.match(verifier).hasMatch(), qPrintable(verifier));
    QCOMPARE(lines.value(QStringLiteral("challenge")), method == u"S256" ? s256(verifier) : verifier);
    QCOMPARE(lines.value(QStringLiteral("method")), method);
    QVERIFY(verifier != labelled(second).value(QStringLiteral("verifier")));
}

void TestCliPkce::errors_data()
{
    QTest::addColumn<QStringList>("arguments");
    QTest::addColumn<QString>("message");

    QTest::newRow("42 characters") << QStringList {"--verifier", QString(42, u'a')}
                                   << "--verifier cannot be used";
    QTest::newRow("129 characters") << QStringList {"--verifier", QString(129, u'a')}
                                    << "--verifier cannot be used";
    QTest::newRow("space inside") << QStringList {"--verifier", QString(20, u'a') + u' ' + QString(30, u'b')}
                                  << "--verifier cannot be used";
    QTest::newRow("non-ASCII") << QStringList {"--verifier", QString(42, u'a') + QChar(0xe9)}
                               << "--verifier cannot be used";
    QTest::newRow("control characters")
        << QStringList {"--verifier", QString(42, u'a') + QStringLiteral("\x01\x1b")}
        << "--verifier cannot be used";
    QTest::newRow("empty") << QStringList {"--verifier", ""} << "--verifier cannot be used";
    QTest::newRow("unknown method") << QStringList {"--method", "S512"} << "S512";
    QTest::newRow("method is case-sensitive") << QStringList {"--method", "s256"} << "s256";
}

void TestCliPkce::errors()
{
    QFETCH(QStringList, arguments);
    QFETCH(QString, message);

    const CliRun run = runCli(QStringList {"pkce"} + arguments);
    CLI_VERIFY_ERROR(run, 2, message);
}

QTEST_GUILESS_MAIN(TestCliPkce)
#include "TestCliPkce.moc"
