// `mwauth totp code`, run as a process, against the RFC 6238 appendix B test vectors.

#include "CliRunner.h"

#include <QTest>

namespace {

// RFC 6238 appendix B seeds, base32-encoded (RFC 4648): "12345678901234567890" for SHA1,
// its 32- and 64-byte extensions for SHA256 and SHA512.
constexpr char seedSha1[] = "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ";
constexpr char seedSha256[] = "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQGEZA====";
constexpr char seedSha512[]
    = "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQGEZDGNBVGY3"
      "TQOJQGEZDGNA=";

} // namespace

class TestCliTotp : public QObject
{
    Q_OBJECT

private slots:
    void rfc6238_data();
    void rfc6238();
    void uri_data();
    void uri();
    void errors_data();
    void errors();
};

void TestCliTotp::rfc6238_data()
{
    QTest::addColumn<QString>("secret");
    QTest::addColumn<QString>("algorithm");
    QTest::addColumn<QString>("time");
    QTest::addColumn<QString>("code");

    struct Vector
    {
        const char *time;
        const char *sha1;
        const char *sha256;
        const char *sha512;
    };
    const Vector vectors[] = {
        {"59", "94287082", "46119246", "90693936"},
        {"1111111109", "07081804", "68084774", "25091201"},
        {"1111111111", "14050471", "67062674", "99943326"},
        {"1234567890", "89005924", "91819424", "93441116"},
        {"2000000000", "69279037", "90698825", "38618901"},
        {"20000000000", "65353130", "77737706", "47863826"},
    };
    for (const Vector &v : vectors) {
        QTest::addRow("SHA1 T=%s", v.time) << seedSha1 << "SHA1" << v.time << v.sha1;
        QTest::addRow("SHA256 T=%s", v.time) << seedSha256 << "SHA256" << v.time << v.sha256;
        QTest::addRow("SHA512 T=%s", v.time) << seedSha512 << "SHA512" << v.time << v.sha512;
    }
    // The same moment, written with a fraction, and the secret as apps show it.
    QTest::newRow("fractional time") << seedSha1 << "SHA1"
                                     << "59.999"
                                     << "94287082";
    QTest::newRow("grouped lower-case secret") << "gezd gnbv gy3t qojq gezd gnbv gy3t qojq"
                                               << "sha1"
                                               << "59"
                                               << "94287082";
}

void TestCliTotp::rfc6238()
{
    QFETCH(QString, secret);
    QFETCH(QString, algorithm);
    QFETCH(QString, time);
    QFETCH(QString, code);

    const CliRun run = runCli(
        {"totp", "code", "--secret", secret, "--algorithm", algorithm, "--digits", "8", "--time", time});
    CLI_VERIFY_RAN(run);
    QVERIFY2(run.exitCode == 0 && run.err.isEmpty(), run.describe().constData());
    QCOMPARE(run.outText(), code + u'\n');
}

void TestCliTotp::uri_data()
{
    QTest::addColumn<QStringList>("arguments");
    QTest::addColumn<QString>("code");

    const QString sha256Uri
        = QStringLiteral("otpauth://totp/Example:alice@example.org?secret=%1&issuer=Example"
                         "&algorithm=SHA256&digits=8&period=30")
              .arg(QString::fromLatin1(seedSha256).remove(u'='));
    QTest::newRow("URI parameters") << QStringList {"--uri", sha256Uri, "--time", "1111111109"} << "68084774";
    QTest::newRow("URI, digits overridden")
        << QStringList {"--uri", sha256Uri, "--time", "1111111109", "--digits", "6"} << "084774";
    const QString sha1Uri
        = QStringLiteral("otpauth://totp/alice?secret=%1").arg(QString::fromLatin1(seedSha1));
    QTest::newRow("URI defaults, 6 digits") << QStringList {"--uri", sha1Uri, "--time", "59"} << "287082";
    QTest::newRow("URI, algorithm overridden")
        << QStringList {"--uri", sha1Uri, "--time", "59", "--digits", "8", "--algorithm", "SHA1"}
        << "94287082";
    QTest::newRow("60 s period") << QStringList {"--secret", seedSha1, "--time",   "118",
                                                 "--period", "60",     "--digits", "8"}
                                 << "94287082";
}

void TestCliTotp::uri()
{
    QFETCH(QStringList, arguments);
    QFETCH(QString, code);

    const CliRun run = runCli(QStringList {"totp", "code"} + arguments);
    CLI_VERIFY_RAN(run);
    QVERIFY2(run.exitCode == 0, run.describe().constData());
    QCOMPARE(run.outText(), code + u'\n');
}

void TestCliTotp::errors_data()
{
    QTest::addColumn<QStringList>("arguments");
    QTest::addColumn<int>("exitCode");
    QTest::addColumn<QString>("message");

    auto row = [](const char *name, const QStringList &arguments, int exitCode, const char *message) {
        QTest::newRow(name) << (QStringList {"totp", "code"} + arguments) << exitCode
                            << QString::fromUtf8(message);
    };
    row("neither secret nor uri", {}, 2, "exactly one of --secret and --uri");
    row("both secret and uri", {"--secret", seedSha1, "--uri", "otpauth://totp/a?secret=GEZA"}, 2,
        "exactly one");
    row("digits 5", {"--secret", seedSha1, "--digits", "5"}, 2,
        "--digits must be a whole number from 6 to 8");
    row("digits 9", {"--secret", seedSha1, "--digits", "9"}, 2, "--digits must be");
    row("digits text", {"--secret", seedSha1, "--digits", "eight"}, 2, "'eight'");
    row("period 0", {"--secret", seedSha1, "--period", "0"}, 2, "--period must be");
    row("time text", {"--secret", seedSha1, "--time", "noon"}, 2, "--time must be a number");
    row("time negative", {"--secret", seedSha1, "--time", "-1"}, 2, "--time must be a number");
    row("unknown algorithm", {"--secret", seedSha1, "--algorithm", "MD5"}, 2, "MD5");
    row("bad base32 character", {"--secret", "GEZDGNBV1!"}, 3, "not valid base32");
    row("base32 with control characters", {"--secret", "GEZ\x01\x02"}, 3, "not valid base32");
    row("empty secret", {"--secret", ""}, 3, "empty");
    row("not an otpauth URI", {"--uri", "https://example.org/?secret=GEZA"}, 3, "--uri cannot be used");
    row("URI without secret", {"--uri", "otpauth://totp/alice?issuer=x"}, 3, "--uri cannot be used");
    row("HOTP URI",
        {"--uri",
         QStringLiteral("otpauth://hotp/alice?secret=%1&counter=1").arg(QLatin1StringView(seedSha1))},
        3, "HOTP");
    row("stray argument", {"--secret", seedSha1, "extra"}, 2, "takes no arguments");
}

void TestCliTotp::errors()
{
    QFETCH(QStringList, arguments);
    QFETCH(int, exitCode);
    QFETCH(QString, message);

    const CliRun run = runCli(arguments);
    CLI_VERIFY_ERROR(run, exitCode, message);
}

QTEST_GUILESS_MAIN(TestCliTotp)
#include "TestCliTotp.moc"
