// `mwauth oauth1 sign`, run as a process. Expected values: RFC 5849 section 3.4.1.1 (the
// base string), the OAuth Core 1.0 appendix A.5 example (HMAC-SHA1 signature), RFC 5849
// section 3.4.4 (PLAINTEXT) and, for RSA-SHA1, a signature made with Python's
// `cryptography` over the same base string with the test key in tests/cli/data.

#include "CliRunner.h"

#include <QDateTime>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTest>

namespace {

// OAuth Core 1.0 appendix A.5.
const QStringList photosRequest {
    "oauth1",         "sign",
    "--method",       "GET",
    "--url",          "http://photos.example.net/photos?file=vacation.jpg&size=original",
    "--consumer-key", "dpf43f3p2l4k3l03",
    "--token",        "nnch734d00sl2jdk",
    "--nonce",        "kllo9940pd9333jh",
    "--timestamp",    "1191242096"};
const QStringList photosSecrets {"--consumer-secret", "kd94hf93k423kf44", "--token-secret",
                                 "pfkkdhi9sl3r4s00"};

QString photosBaseString(const QString &method)
{
    return QStringLiteral("GET&http%3A%2F%2Fphotos.example.net%2Fphotos&file%3Dvacation.jpg"
                          "%26oauth_consumer_key%3Ddpf43f3p2l4k3l03%26oauth_nonce%3Dkllo9940pd9333jh"
                          "%26oauth_signature_method%3D")
        + method
        + QStringLiteral("%26oauth_timestamp%3D1191242096%26oauth_token%3Dnnch734d00sl2jdk"
                         "%26oauth_version%3D1.0%26size%3Doriginal");
}

// RFC 5849 section 3.4.1.1: the request and its base string. The RFC's request carries no
// oauth_version; this tool always sends oauth_version=1.0 (as MediaWiki clients do), which
// sorts last among the parameters.
const QStringList rfc5849Request {"oauth1",
                                  "sign",
                                  "--method",
                                  "POST",
                                  "--url",
                                  "http://example.com/request?b5=%3D%253D&a3=a&c%40=&a2=r%20b",
                                  "--param",
                                  "c2=",
                                  "--param",
                                  "a3=2 q",
                                  "--consumer-key",
                                  "9djdj82h48djs9d2",
                                  "--consumer-secret",
                                  "unknown-to-the-rfc",
                                  "--token",
                                  "kkk9d7dh3k39sjv7",
                                  "--token-secret",
                                  "also-unknown",
                                  "--nonce",
                                  "7d8f3e4a",
                                  "--timestamp",
                                  "137131201"};
const char rfc5849BaseString[] = "POST&http%3A%2F%2Fexample.com%2Frequest&a2%3Dr%2520b%26a3%3D2%2520q%26a3%"
                                 "3Da%26b5%3D%253D%25253D%26c%2540%3D"
                                 "%26c2%3D%26oauth_consumer_key%3D9djdj82h48djs9d2%26oauth_nonce%3D7d8f3e4a%"
                                 "26oauth_signature_method%3DHMAC-SHA1"
                                 "%26oauth_timestamp%3D137131201%26oauth_token%3Dkkk9d7dh3k39sjv7";

// The three labelled lines, by label.
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

} // namespace

class TestCliOAuth1 : public QObject
{
    Q_OBJECT

private slots:
    void sign_data();
    void sign();
    void json();
    void defaults();
    void errors_data();
    void errors();
};

void TestCliOAuth1::sign_data()
{
    QTest::addColumn<QStringList>("arguments");
    QTest::addColumn<QString>("baseString");
    QTest::addColumn<QString>("signature"); // empty: not known independently
    QTest::addColumn<QStringList>("headerParts");

    QTest::newRow("OAuth Core 1.0 A.5 HMAC-SHA1")
        << photosRequest + photosSecrets << photosBaseString(QStringLiteral("HMAC-SHA1"))
        << QStringLiteral("tR3+Ty81lMeYAr/Fid0kMTYa/WM=")
        << QStringList {"OAuth ",
                        "oauth_consumer_key=\"dpf43f3p2l4k3l03\"",
                        "oauth_token=\"nnch734d00sl2jdk\"",
                        "oauth_signature_method=\"HMAC-SHA1\"",
                        "oauth_timestamp=\"1191242096\"",
                        "oauth_nonce=\"kllo9940pd9333jh\"",
                        "oauth_version=\"1.0\"",
                        "oauth_signature=\"tR3%2BTy81lMeYAr%2FFid0kMTYa%2FWM%3D\""};
    QTest::newRow("A.5 with a realm")
        << photosRequest + photosSecrets + QStringList {"--realm", "Photos"}
        << photosBaseString(QStringLiteral("HMAC-SHA1")) << QStringLiteral("tR3+Ty81lMeYAr/Fid0kMTYa/WM=")
        << QStringList {"OAuth realm=\"Photos\", oauth_consumer_key=\"dpf43f3p2l4k3l03\""};
    QTest::newRow("RFC 5849 PLAINTEXT")
        << photosRequest + photosSecrets + QStringList {"--signature-method", "PLAINTEXT"}
        << photosBaseString(QStringLiteral("PLAINTEXT"))
        << QStringLiteral("kd94hf93k423kf44&pfkkdhi9sl3r4s00")
        << QStringList {"oauth_signature=\"kd94hf93k423kf44%26pfkkdhi9sl3r4s00\""};
    QTest::newRow("PLAINTEXT escapes the secrets")
        << photosRequest + QStringList {"--signature-method", "PLAINTEXT", "--consumer-secret", "a b&c",
                                        "--token-secret",     "=%"}
        << photosBaseString(QStringLiteral("PLAINTEXT")) << QStringLiteral("a%20b%26c&%3D%25")
        << QStringList {};
    QTest::newRow("RSA-SHA1 with the test key")
        << photosRequest
            + QStringList {"--rsa-key", cliDataPath(QStringLiteral("oauth1-rsa-sha1-test-key.pem"))}
        << photosBaseString(QStringLiteral("RSA-SHA1"))
        << QStringLiteral("AWOd8eSWAHYUBM1Eg5xOSC57t3XwIFTj74A8n2qFURdmTxJQ2ZfcFZ7R6Gu+"
                          "y9jPeVlEQhMkgJJQV26t2zWAe+wPsfPRLegkOuQ6"
                          "ztuM7FNMDqQ7TBynbVPNiecsLQA30cuBlXsZF9Zo+ABaFY4HHitrA8re9glkISDvyPOL/"
                          "tW5Dbo8SA3qfXYWdvFqLWrAb50O"
                          "JjdO/GOyza1Q8C+teKTTfeXbEMNxzotT/"
                          "ASMteBDuLHEGzquT040JblaX7tFV45V+GL1g4HbJWOYtktn6rux3lamjvn4jnWZ"
                          "MXAD3K0V/UeHHRMSYagFHd0GQVSyE8G/0lpEWvQQWMF4Y+Bjmg==")
        << QStringList {"oauth_signature_method=\"RSA-SHA1\""};
    QTest::newRow("RFC 5849 3.4.1.1 base string")
        << rfc5849Request << QString::fromLatin1(rfc5849BaseString) + QStringLiteral("%26oauth_version%3D1.0")
        << QString() << QStringList {"oauth_token=\"kkk9d7dh3k39sjv7\""};
    QTest::newRow("MediaWiki initiate")
        << QStringList {"oauth1",
                        "sign",
                        "--url",
                        "https://wiki.example/w/index.php?title=Special:OAuth/initiate",
                        "--consumer-key",
                        "ck",
                        "--consumer-secret",
                        "cs",
                        "--callback",
                        "oob",
                        "--nonce",
                        "n0nce",
                        "--timestamp",
                        "1700000000"}
        << QStringLiteral(
               "GET&https%3A%2F%2Fwiki.example%2Fw%2Findex.php&oauth_callback%3Doob"
               "%26oauth_consumer_key%3Dck%26oauth_nonce%3Dn0nce%26oauth_signature_method%3DHMAC-SHA1"
               "%26oauth_timestamp%3D1700000000%26oauth_version%3D1.0"
               "%26title%3DSpecial%253AOAuth%252Finitiate")
        << QString() << QStringList {"oauth_callback=\"oob\""};
    QTest::newRow("MediaWiki token step with verifier, port kept")
        << QStringList {"oauth1",
                        "sign",
                        "--url",
                        "HTTP://Wiki.Example:8080/w/index.php?title=Special:OAuth/token",
                        "--consumer-key",
                        "ck",
                        "--consumer-secret",
                        "cs",
                        "--token",
                        "rt",
                        "--token-secret",
                        "rs",
                        "--verifier",
                        "v3r",
                        "--nonce",
                        "n",
                        "--timestamp",
                        "1"}
        << QStringLiteral("GET&http%3A%2F%2Fwiki.example%3A8080%2Fw%2Findex.php&oauth_consumer_key%3Dck"
                          "%26oauth_nonce%3Dn%26oauth_signature_method%3DHMAC-SHA1%26oauth_timestamp%3D1"
                          "%26oauth_token%3Drt%26oauth_verifier%3Dv3r%26oauth_version%3D1.0"
                          "%26title%3DSpecial%253AOAuth%252Ftoken")
        << QString() << QStringList {"oauth_verifier=\"v3r\""};
}

void TestCliOAuth1::sign()
{
    QFETCH(QStringList, arguments);
    QFETCH(QString, baseString);
    QFETCH(QString, signature);
    QFETCH(QStringList, headerParts);

    const CliRun run = runCli(arguments);
    CLI_VERIFY_RAN(run);
    QVERIFY2(run.exitCode == 0 && run.err.isEmpty(), run.describe().constData());
    const QMap<QString, QString> lines = labelled(run);
    QCOMPARE(lines.keys(), QStringList({"authorization", "base string", "signature"}));
    QCOMPARE(lines.value(QStringLiteral("base string")), baseString);
    if (!signature.isEmpty())
        QCOMPARE(lines.value(QStringLiteral("signature")), signature);
    const QString header = lines.value(QStringLiteral("authorization"));
    QVERIFY(header.startsWith(QStringLiteral("OAuth ")));
    for (const QString &part : headerParts)
        QVERIFY2(header.contains(part), qPrintable(part + QStringLiteral(" not in ") + header));
}

void TestCliOAuth1::json()
{
    const CliRun text = runCli(photosRequest + photosSecrets);
    const CliRun json = runCli(photosRequest + photosSecrets + QStringList {"--json"});
    CLI_VERIFY_RAN(json);
    QVERIFY2(json.exitCode == 0, json.describe().constData());
    const QJsonObject object = QJsonDocument::fromJson(json.out).object();
    const QMap<QString, QString> lines = labelled(text);
    QCOMPARE(object.value(u"base_string").toString(), photosBaseString(QStringLiteral("HMAC-SHA1")));
    QCOMPARE(object.value(u"signature").toString(), QStringLiteral("tR3+Ty81lMeYAr/Fid0kMTYa/WM="));
    QCOMPARE(object.value(u"signature_method").toString(), QStringLiteral("HMAC-SHA1"));
    QCOMPARE(object.value(u"authorization").toString(), lines.value(QStringLiteral("authorization")));
    const QJsonObject parameters = object.value(u"oauth_parameters").toObject();
    QCOMPARE(parameters.value(u"oauth_signature").toString(), QStringLiteral("tR3+Ty81lMeYAr/Fid0kMTYa/WM="));
    QCOMPARE(parameters.value(u"oauth_version").toString(), QStringLiteral("1.0"));
    QCOMPARE(parameters.value(u"oauth_nonce").toString(), QStringLiteral("kllo9940pd9333jh"));
}

void TestCliOAuth1::defaults()
{
    // Without --nonce/--timestamp: a fresh nonce each time and the current time.
    const QStringList request {"oauth1",
                               "sign",
                               "--url",
                               "https://wiki.example/w/api.php",
                               "--consumer-key",
                               "ck",
                               "--consumer-secret",
                               "cs",
                               "--json"};
    const qint64 before = QDateTime::currentSecsSinceEpoch();
    const CliRun first = runCli(request);
    const CliRun second = runCli(request);
    const qint64 after = QDateTime::currentSecsSinceEpoch();
    CLI_VERIFY_RAN(first);
    CLI_VERIFY_RAN(second);
    const QJsonObject a = QJsonDocument::fromJson(first.out).object().value(u"oauth_parameters").toObject();
    const QJsonObject b = QJsonDocument::fromJson(second.out).object().value(u"oauth_parameters").toObject();
    const QString nonceA = a.value(u"oauth_nonce").toString();
    QVERIFY2(nonceA.size() >= 16, qPrintable(nonceA));
    QVERIFY(nonceA != b.value(u"oauth_nonce").toString());
    const qint64 timestamp = a.value(u"oauth_timestamp").toString().toLongLong();
    QVERIFY(timestamp >= before - 1 && timestamp <= after + 1);
}

void TestCliOAuth1::errors_data()
{
    QTest::addColumn<QStringList>("arguments");
    QTest::addColumn<int>("exitCode");
    QTest::addColumn<QString>("message");

    const QStringList base {"oauth1",         "sign", "--url", "https://wiki.example/w/api.php",
                            "--consumer-key", "ck"};
    auto row = [](const char *name, const QStringList &arguments, int exitCode, const char *message) {
        QTest::newRow(name) << arguments << exitCode << QString::fromUtf8(message);
    };
    row("no --url", {"oauth1", "sign", "--consumer-key", "ck", "--consumer-secret", "cs"}, 2,
        "--url is required");
    row("no --consumer-key", {"oauth1", "sign", "--url", "https://w.example/", "--consumer-secret", "cs"}, 2,
        "--consumer-key is required");
    row("no secret", base, 2, "HMAC-SHA1 needs --consumer-secret");
    row("PLAINTEXT without secret", base + QStringList {"--signature-method", "PLAINTEXT"}, 2,
        "PLAINTEXT needs");
    row("secret and RSA key", base + QStringList {"--consumer-secret", "cs", "--rsa-key", "k.pem"}, 2,
        "not both");
    row("RSA-SHA1 without key",
        base + QStringList {"--consumer-secret", "cs", "--signature-method", "RSA-SHA1"}, 2,
        "RSA-SHA1 needs --rsa-key");
    row("unknown method", base + QStringList {"--consumer-secret", "cs", "--signature-method", "HMAC-SHA256"},
        2, "HMAC-SHA256");
    row("param without =", base + QStringList {"--consumer-secret", "cs", "--param", "flag"}, 2,
        "name=value");
    row("param without name", base + QStringList {"--consumer-secret", "cs", "--param", "=v"}, 2,
        "name=value");
    row("ftp URL",
        {"oauth1", "sign", "--url", "ftp://wiki.example/", "--consumer-key", "ck", "--consumer-secret", "cs"},
        2, "--url cannot be signed");
    row("relative URL",
        {"oauth1", "sign", "--url", "w/api.php", "--consumer-key", "ck", "--consumer-secret", "cs"}, 2,
        "--url");
    row("bad timestamp", base + QStringList {"--consumer-secret", "cs", "--timestamp", "now"}, 2,
        "--timestamp must be a whole number");
    row("token secret without token", base + QStringList {"--consumer-secret", "cs", "--token-secret", "ts"},
        2, "--token-secret needs --token");
    row("token without secret", base + QStringList {"--consumer-secret", "cs", "--token", "t"}, 2,
        "--token needs --token-secret");
    row("bad HTTP method", base + QStringList {"--consumer-secret", "cs", "--method", "GE T"}, 2, "--method");
    row("empty nonce", base + QStringList {"--consumer-secret", "cs", "--nonce", ""}, 2,
        "--nonce must not be empty");
    row("RSA key file missing", base + QStringList {"--rsa-key", "/nonexistent/key.pem"}, 3,
        "does not exist");
    row("RSA key is public",
        base
            + QStringList {"--rsa-key", sharedFixturePath(QStringLiteral("oauth-ext/oauth2-public-key.pem"))},
        3, "needs an RSA private key");
    row("RSA key is junk",
        base + QStringList {"--rsa-key", cliDataPath(QStringLiteral("../TestCliOAuth1.cpp"))}, 3,
        "no usable key");
}

void TestCliOAuth1::errors()
{
    QFETCH(QStringList, arguments);
    QFETCH(int, exitCode);
    QFETCH(QString, message);

    const CliRun run = runCli(arguments);
    CLI_VERIFY_ERROR(run, exitCode, message);
}

QTEST_GUILESS_MAIN(TestCliOAuth1)
#include "TestCliOAuth1.moc"
