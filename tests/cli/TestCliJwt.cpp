// `mwauth jwt decode` and `mwauth jwt verify`, run as a process. Expected values come from
// RFC 7515 appendix A.1 (HS256) and A.3 (ES256) and from a token a real MediaWiki
// (Extension:OAuth) issued, with its public key. --jwks URLs are served by a QHttpServer
// inside this test.

#include "CliRunner.h"

#include <QDir>
#include <QHttpServer>
#include <QHttpServerResponse>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTcpServer>
#include <QTcpSocket>
#include <QTemporaryDir>
#include <QTest>

namespace {

// RFC 7515 appendix A.1: an HS256 JWS and its key.
const QByteArray rfcHs256Token
    = "eyJ0eXAiOiJKV1QiLA0KICJhbGciOiJIUzI1NiJ9"
      ".eyJpc3MiOiJqb2UiLA0KICJleHAiOjEzMDA4MTkzODAsDQogImh0dHA6Ly9leGFtcGxlLmNvbS9pc19yb290Ijp0cnVlfQ"
      ".dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk";
const QByteArray rfcOctJwk
    = R"({"kty":"oct","k":"AyM1SysPpbyDfgZld3umj1qzKObwVMkoqQ-EstJQLr_T-1qS0gZH75aKtMN3Yj0iPS4hcgUuTwjAzZr1Z9CAow"})";

// RFC 7515 appendix A.3: an ES256 JWS and the public part of its key.
const QByteArray rfcEs256Token
    = "eyJhbGciOiJFUzI1NiJ9"
      ".eyJpc3MiOiJqb2UiLA0KICJleHAiOjEzMDA4MTkzODAsDQogImh0dHA6Ly9leGFtcGxlLmNvbS9pc19yb290Ijp0cnVlfQ"
      ".DtEhU3ljbEg8L38VWAfUAqOyKAM6-Xx-F4GawxaepmXFCgfTjDxw5djxLa8ISlSApmWQxfKTUJqPP3-Kg6NU1Q";
const QByteArray rfcEcPublicJwk
    = R"({"kty":"EC","crv":"P-256","x":"f83OJ3D2xF1Bg8vub9tLe1gHMzV76e8Tus9uPHvRVEU",)"
      R"("y":"x_FEzRu9m36HLN_tue659LNpXW6pCyStikYjKIWI5a0"})";

// Both RFC tokens carry exp = 1300819380 (2011-03-22T18:43:00Z).
constexpr qint64 rfcExp = 1300819380;

// The MediaWiki token's claims (as the server issued them; fractional dates are MediaWiki's).
const char *const mwAudience = "795286f8ceb97b56d913f0e6e27d6dea";
const char *const mwIssuer = "http://127.0.0.1:8765";
constexpr double mwIat = 1795404830.89835;
constexpr double mwExp = 1795408430.895195;

QJsonObject parseObject(const QByteArray &json)
{
    return QJsonDocument::fromJson(json).object();
}

QString number(double value)
{
    return QString::number(value, 'f', 6);
}

} // namespace

class TestCliJwt : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase();

    void decode_data();
    void decode();
    void decodeRejects_data();
    void decodeRejects();

    void verify_data();
    void verify();
    void verifyErrors_data();
    void verifyErrors();
    void verifySkipsUnusableKeys();

private:
    QStringList expand(const QStringList &arguments) const;
    void writeFile(const QString &name, const QByteArray &content);

    QTemporaryDir m_dir;
    QHttpServer m_http;
    QTcpServer m_silent; // accepts connections and never answers
    QList<QTcpSocket *> m_silentSockets;
    QString m_httpBase;
    QString m_silentBase;
    QString m_closedBase;
    QByteArray m_mwToken;
};

void TestCliJwt::writeFile(const QString &name, const QByteArray &content)
{
    QFile file(m_dir.filePath(name));
    QVERIFY(file.open(QIODevice::WriteOnly));
    QCOMPARE(file.write(content), content.size());
}

void TestCliJwt::initTestCase()
{
    QVERIFY(m_dir.isValid());
    const QByteArray jwks = "{\"keys\":[" + rfcOctJwk + "]}";
    writeFile(QStringLiteral("rfc-oct-jwks.json"), jwks);
    writeFile(QStringLiteral("rfc-oct-jwk.json"), rfcOctJwk);
    writeFile(QStringLiteral("rfc-ec-jwk.json"), rfcEcPublicJwk);
    writeFile(QStringLiteral("not-json.txt"), "this is not JSON\n");
    writeFile(QStringLiteral("mixed-jwks.json"),
              R"({"keys":[{"kty":"XYZ","kid":"future"},)" + rfcOctJwk + "]}");
    writeFile(QStringLiteral("unusable-jwks.json"), R"({"keys":[{"kty":"XYZ","kid":"future"}]})");
    writeFile(QStringLiteral("no-keys.json"), R"({"issuer":"https://wiki.example"})");
    QByteArray junk;
    for (int i = 0; i < 4096; ++i)
        junk.append(char((i * 131 + 7) % 256));
    writeFile(QStringLiteral("junk.bin"), junk);
    QVERIFY(QDir(m_dir.path()).mkdir(QStringLiteral("a-directory")));

    QFile token(sharedFixturePath(QStringLiteral("oauth-ext/access-token-authorization-code.jwt")));
    QVERIFY2(token.open(QIODevice::ReadOnly), qPrintable(token.fileName()));
    m_mwToken = token.readAll().trimmed();

    m_http.route(QStringLiteral("/jwks.json"),
                 [jwks] { return QHttpServerResponse(QByteArray("application/json"), jwks); });
    m_http.route(QStringLiteral("/single-jwk.json"),
                 [] { return QHttpServerResponse(QByteArray("application/jwk+json"), rfcOctJwk); });
    m_http.route(QStringLiteral("/not-json"), [] {
        return QHttpServerResponse(QByteArray("text/html"), QByteArray("<html>login</html>"));
    });
    m_http.route(QStringLiteral("/huge"), [] {
        return QHttpServerResponse(QByteArray("application/json"),
                                   "{\"keys\":[],\"pad\":\"" + QByteArray(2 * 1024 * 1024, 'x') + "\"}");
    });
    m_http.route(QStringLiteral("/server-error"),
                 [] { return QHttpServerResponse(QHttpServerResponder::StatusCode::InternalServerError); });
    auto *tcp = new QTcpServer(this);
    QVERIFY(tcp->listen(QHostAddress::LocalHost, 0));
    m_http.bind(tcp);
    m_httpBase = QStringLiteral("http://127.0.0.1:%1").arg(tcp->serverPort());

    QVERIFY(m_silent.listen(QHostAddress::LocalHost, 0));
    connect(&m_silent, &QTcpServer::newConnection, this, [this] {
        while (QTcpSocket *socket = m_silent.nextPendingConnection())
            m_silentSockets.append(socket); // kept open, never answered
    });
    m_silentBase = QStringLiteral("http://127.0.0.1:%1").arg(m_silent.serverPort());

    QTcpServer closed;
    QVERIFY(closed.listen(QHostAddress::LocalHost, 0));
    m_closedBase = QStringLiteral("http://127.0.0.1:%1").arg(closed.serverPort());
    closed.close();
}

// Placeholders in table rows: @TMP@ (files written above), @FIXTURES@, @HTTP@, @SILENT@,
// @CLOSED@, @MWTOKEN@.
QStringList TestCliJwt::expand(const QStringList &arguments) const
{
    QStringList result;
    for (QString argument : arguments) {
        argument.replace(QStringLiteral("@TMP@"), m_dir.path());
        argument.replace(QStringLiteral("@FIXTURES@"), sharedFixturePath(QStringLiteral("oauth-ext")));
        argument.replace(QStringLiteral("@HTTP@"), m_httpBase);
        argument.replace(QStringLiteral("@SILENT@"), m_silentBase);
        argument.replace(QStringLiteral("@CLOSED@"), m_closedBase);
        argument.replace(QStringLiteral("@MWTOKEN@"), QString::fromLatin1(m_mwToken));
        result.append(argument);
    }
    return result;
}

void TestCliJwt::decode_data()
{
    QTest::addColumn<QStringList>("arguments");
    QTest::addColumn<QByteArray>("input");
    QTest::addColumn<QByteArray>("header");
    QTest::addColumn<QByteArray>("payload");

    const QByteArray rfcHeader = R"({"typ":"JWT","alg":"HS256"})";
    const QByteArray rfcPayload = R"({"iss":"joe","exp":1300819380,"http://example.com/is_root":true})";
    QTest::newRow("RFC 7515 A.1 argument")
        << QStringList {"jwt", "decode", QString::fromLatin1(rfcHs256Token)} << QByteArray() << rfcHeader
        << rfcPayload;
    QTest::newRow("RFC 7515 A.1 stdin, whitespace around")
        << QStringList {"jwt", "decode", "-"} << "\n  " + rfcHs256Token + " \r\n"
        << rfcHeader << rfcPayload;
    QTest::newRow("RFC 7515 A.3 expired ES256 still decodes")
        << QStringList {"jwt", "decode", QString::fromLatin1(rfcEs256Token)} << QByteArray()
        << QByteArray(R"({"alg":"ES256"})") << rfcPayload;
    QTest::newRow("RFC 7515 A.1 with a broken signature still decodes")
        << QStringList {"jwt", "decode", QString::fromLatin1(rfcHs256Token.chopped(4) + "AAAA")}
        << QByteArray() << rfcHeader << rfcPayload;
    QTest::newRow("MediaWiki access token")
        << QStringList {"jwt", "decode", "@MWTOKEN@"} << QByteArray()
        << QByteArray(R"({"typ":"JWT","alg":"RS256"})")
        << QByteArray(
               R"({"aud":"795286f8ceb97b56d913f0e6e27d6dea",)"
               R"("jti":"11c72e689196660736f6b8a37b782d5b27a466c0a0bf06e3d3658ad01b62ac4ebd282e26beeaaa52",)"
               R"("iat":1795404830.89835,"nbf":1795404830.898351,"exp":1795408430.895195,"sub":"1",)"
               R"("iss":"http://127.0.0.1:8765","scopes":["basic"]})");
}

void TestCliJwt::decode()
{
    QFETCH(QStringList, arguments);
    QFETCH(QByteArray, input);
    QFETCH(QByteArray, header);
    QFETCH(QByteArray, payload);

    const CliRun run = runCli(expand(arguments), input);
    CLI_VERIFY_RAN(run);
    QVERIFY2(run.exitCode == 0, run.describe().constData());
    QVERIFY2(run.err.isEmpty(), run.describe().constData());
    QJsonParseError error;
    const QJsonDocument document = QJsonDocument::fromJson(run.out, &error);
    QVERIFY2(error.error == QJsonParseError::NoError, run.describe().constData());
    QCOMPARE(document.object().keys(), QStringList({"header", "payload"}));
    QCOMPARE(document.object().value(u"header").toObject(), parseObject(header));
    QCOMPARE(document.object().value(u"payload").toObject(), parseObject(payload));
}

void TestCliJwt::decodeRejects_data()
{
    QTest::addColumn<QStringList>("arguments");
    QTest::addColumn<QByteArray>("input");
    QTest::addColumn<int>("exitCode");
    QTest::addColumn<QString>("message");

    const QString notWellFormed = QStringLiteral("not a well-formed JWT");
    auto row
        = [](const char *name, const QStringList &arguments, const QByteArray &input, int exitCode,
             const QString &message) { QTest::newRow(name) << arguments << input << exitCode << message; };
    row("not a JWT", {"jwt", "decode", "hello"}, {}, 3, notWellFormed);
    row("two parts", {"jwt", "decode", "eyJhbGciOiJIUzI1NiJ9.e30"}, {}, 3, notWellFormed);
    row("four parts", {"jwt", "decode", "eyJhbGciOiJIUzI1NiJ9.e30.c2ln.c2ln"}, {}, 3, notWellFormed);
    row("bad base64url", {"jwt", "decode", "eyJhbGc*OiJIUzI1NiJ9.e30.c2ln"}, {}, 3, notWellFormed);
    row("alg none", {"jwt", "decode", "eyJhbGciOiJub25lIn0.e30.c2ln"}, {}, 3, QStringLiteral("none"));
    row("alg none, unsigned", {"jwt", "decode", "eyJhbGciOiJub25lIn0.e30."}, {}, 3,
        QStringLiteral("unsigned"));
    row("unknown alg", {"jwt", "decode", "eyJhbGciOiJIUzk5OSJ9.e30.c2ln"}, {}, 3, QStringLiteral("HS999"));
    row("payload is an array", {"jwt", "decode", "eyJhbGciOiJIUzI1NiJ9.WzFd.c2ln"}, {}, 3, notWellFormed);
    row("header is not JSON", {"jwt", "decode", "bm90IGpzb24.e30.c2ln"}, {}, 3, notWellFormed);
    row("empty argument", {"jwt", "decode", ""}, {}, 3, QStringLiteral("empty"));
    row("empty stdin", {"jwt", "decode", "-"}, {}, 3, QStringLiteral("empty"));
    row("whitespace stdin", {"jwt", "decode", "-"}, " \n\t\n", 3, QStringLiteral("empty"));
    QByteArray junk;
    for (int i = 0; i < 3000; ++i)
        junk.append(char((i * 37 + 11) % 256));
    row("binary junk on stdin", {"jwt", "decode", "-"}, junk, 3, notWellFormed);
    row("junk with dots on stdin", {"jwt", "decode", "-"}, "\x01\xff.\x80\x00.\x1b[2J", 3, notWellFormed);
    row("2 MiB on stdin", {"jwt", "decode", "-"}, QByteArray(2 * 1024 * 1024, 'e'), 3,
        QStringLiteral("too large"));
    row("missing argument", {"jwt", "decode"}, {}, 2, QStringLiteral("missing argument"));
    row("two arguments", {"jwt", "decode", "a.b.c", "d.e.f"}, {}, 2,
        QStringLiteral("unexpected argument 'd.e.f'"));
}

void TestCliJwt::decodeRejects()
{
    QFETCH(QStringList, arguments);
    QFETCH(QByteArray, input);
    QFETCH(int, exitCode);
    QFETCH(QString, message);

    const CliRun run = runCli(arguments, input);
    CLI_VERIFY_ERROR(run, exitCode, message);
}

void TestCliJwt::verify_data()
{
    QTest::addColumn<QStringList>("arguments");
    QTest::addColumn<QByteArray>("input");
    QTest::addColumn<bool>("valid");
    QTest::addColumn<QString>("expected"); // valid: the "iss" claim; invalid: the reason

    const QString hs = QString::fromLatin1(rfcHs256Token);
    const QString es = QString::fromLatin1(rfcEs256Token);
    const QString before = QString::number(rfcExp - 380);
    const QString mwValidAt = number(mwIat + 10);
    const QString mwExpiredAt = number(mwExp + 3600);
    const QString joe = QStringLiteral("joe");
    const QString wiki = QString::fromLatin1(mwIssuer);
    auto row = [](const char *name, const QStringList &arguments, bool valid, const QString &expected,
                  const QByteArray &input = {}) {
        QTest::newRow(name) << arguments << input << valid << expected;
    };

    // RFC 7515 A.1 with its published oct key, as a JWKS file, a JWK file and over HTTP.
    row("A.1 JWKS file", {"jwt", "verify", hs, "--jwks", "@TMP@/rfc-oct-jwks.json", "--at", before}, true,
        joe);
    row("A.1 JWK via --key", {"jwt", "verify", hs, "--key", "@TMP@/rfc-oct-jwk.json", "--at", before}, true,
        joe);
    row("A.1 single JWK as --jwks", {"jwt", "verify", hs, "--jwks", "@TMP@/rfc-oct-jwk.json", "--at", before},
        true, joe);
    row("A.1 JWKS over HTTP", {"jwt", "verify", hs, "--jwks", "@HTTP@/jwks.json", "--at", before}, true, joe);
    row("A.1 JWK over HTTP", {"jwt", "verify", hs, "--jwks", "@HTTP@/single-jwk.json", "--at", before}, true,
        joe);
    row("A.1 token from stdin", {"jwt", "verify", "-", "--jwks", "@TMP@/rfc-oct-jwks.json", "--at", before},
        true, joe, rfcHs256Token + "\n");
    row("A.1 JWKS from stdin", {"jwt", "verify", hs, "--jwks", "-", "--at", before}, true, joe,
        "{\"keys\":[" + rfcOctJwk + "]}");
    row("A.1 right issuer",
        {"jwt", "verify", hs, "--jwks", "@TMP@/rfc-oct-jwks.json", "--at", before, "--iss", "joe"}, true,
        joe);
    row("A.1 wrong issuer",
        {"jwt", "verify", hs, "--jwks", "@TMP@/rfc-oct-jwks.json", "--at", before, "--iss", "mallory"}, false,
        QStringLiteral("wrong issuer"));
    row("A.1 expired now", {"jwt", "verify", hs, "--jwks", "@TMP@/rfc-oct-jwks.json"}, false,
        QStringLiteral("expired"));
    row("A.1 within default leeway",
        {"jwt", "verify", hs, "--jwks", "@TMP@/rfc-oct-jwks.json", "--at", QString::number(rfcExp + 30)},
        true, joe);
    row("A.1 past leeway",
        {"jwt", "verify", hs, "--jwks", "@TMP@/rfc-oct-jwks.json", "--at", QString::number(rfcExp + 61)},
        false, QStringLiteral("expired"));
    row("A.1 no leeway",
        {"jwt", "verify", hs, "--jwks", "@TMP@/rfc-oct-jwks.json", "--at", QString::number(rfcExp + 30),
         "--leeway", "0"},
        false, QStringLiteral("expired"));
    row("A.1 tampered signature",
        {"jwt", "verify", hs.chopped(4) + QStringLiteral("AAAA"), "--jwks", "@TMP@/rfc-oct-jwks.json", "--at",
         before},
        false, QStringLiteral("bad signature"));
    row("A.1 wrong secret",
        {"jwt", "verify", hs, "--secret", "a-wrong-secret-that-is-long-enough-for-hs256!", "--at", before},
        false, QStringLiteral("bad signature"));
    row("A.3 ES256 with its public JWK",
        {"jwt", "verify", es, "--key", "@TMP@/rfc-ec-jwk.json", "--at", before}, true, joe);
    row("A.3 ES256 with the oct JWKS",
        {"jwt", "verify", es, "--jwks", "@TMP@/rfc-oct-jwks.json", "--at", before}, false,
        QStringLiteral("no matching key"));
    row("garbage token", {"jwt", "verify", "garbage", "--jwks", "@TMP@/rfc-oct-jwks.json"}, false,
        QStringLiteral("malformed token"));

    // A token MediaWiki issued (RS256), with the wiki's public key (PEM).
    const QStringList mw {"jwt", "verify", "@MWTOKEN@", "--key", "@FIXTURES@/oauth2-public-key.pem"};
    row("MediaWiki valid at iat+10", mw + QStringList {"--at", mwValidAt}, true, wiki);
    row("MediaWiki with iss and aud",
        mw
            + QStringList {"--at", mwValidAt, "--iss", QString::fromLatin1(mwIssuer), "--aud",
                           QString::fromLatin1(mwAudience)},
        true, wiki);
    row("MediaWiki expired at exp+3600", mw + QStringList {"--at", mwExpiredAt}, false,
        QStringLiteral("expired"));
    row("MediaWiki wrong audience", mw + QStringList {"--at", mwValidAt, "--aud", "someone-else"}, false,
        QStringLiteral("wrong audience"));
    row("MediaWiki before nbf", mw + QStringList {"--at", number(mwIat - 3600)}, false,
        QStringLiteral("not yet valid"));
    row("MediaWiki token with a shared secret",
        {"jwt", "verify", "@MWTOKEN@", "--secret", "a-secret-that-is-long-enough-for-hs256-use!", "--at",
         mwValidAt},
        false, QStringLiteral("algorithm does not fit the key"));
}

void TestCliJwt::verify()
{
    QFETCH(QStringList, arguments);
    QFETCH(QByteArray, input);
    QFETCH(bool, valid);
    QFETCH(QString, expected);

    const CliRun run = runCli(expand(arguments), input);
    CLI_VERIFY_RAN(run);
    QVERIFY2(run.err.isEmpty(), run.describe().constData());
    if (valid) {
        QVERIFY2(run.exitCode == 0, run.describe().constData());
        QVERIFY2(run.out.startsWith("valid\n"), run.describe().constData());
        const QJsonObject claims = parseObject(run.out.mid(6));
        QCOMPARE(claims.value(u"iss").toString(), expected);
        QVERIFY(claims.contains(u"exp"));
    } else {
        QVERIFY2(run.exitCode == 1, run.describe().constData());
        QVERIFY2(run.outText().startsWith(QStringLiteral("invalid: ") + expected + u':'),
                 run.describe().constData());
        QCOMPARE(run.out.count('\n'), 1);
        QVERIFY2(isReadableText(run.out), run.describe().constData());
    }
}

void TestCliJwt::verifyErrors_data()
{
    QTest::addColumn<QStringList>("arguments");
    QTest::addColumn<QByteArray>("input");
    QTest::addColumn<int>("exitCode");
    QTest::addColumn<QString>("message");

    const QString hs = QString::fromLatin1(rfcHs256Token);
    const QStringList withJwks {"jwt", "verify", hs, "--jwks", "@TMP@/rfc-oct-jwks.json"};
    auto row = [](const char *name, const QStringList &arguments, int exitCode, const QString &message,
                  const QByteArray &input = {}) {
        QTest::newRow(name) << arguments << input << exitCode << message;
    };

    // Usage errors (2).
    row("no key option", {"jwt", "verify", hs}, 2, QStringLiteral("--jwks, --key or --secret"));
    row("two key options", withJwks + QStringList {"--secret", "x"}, 2, QStringLiteral("only one of"));
    row("missing token", {"jwt", "verify", "--secret", "x"}, 2, QStringLiteral("missing argument"));
    row("--at not a number", withJwks + QStringList {"--at", "yesterday"}, 2,
        QStringLiteral("--at must be a number"));
    row("--at nan", withJwks + QStringList {"--at", "nan"}, 2, QStringLiteral("--at must be a number"));
    row("--at negative", withJwks + QStringList {"--at", "-5"}, 2, QStringLiteral("--at must be a number"));
    row("--at empty", withJwks + QStringList {"--at", ""}, 2, QStringLiteral("--at must be a number"));
    row("--leeway negative", withJwks + QStringList {"--leeway", "-1"}, 2,
        QStringLiteral("--leeway must be"));
    row("--timeout zero", withJwks + QStringList {"--timeout", "0"}, 2, QStringLiteral("--timeout must be"));
    row("token and key both on stdin", {"jwt", "verify", "-", "--jwks", "-"}, 2,
        QStringLiteral("standard input"));
    row("unknown option", withJwks + QStringList {"--audience", "x"}, 2,
        QStringLiteral("unknown option 'audience'"));

    // Input errors (3).
    row("--key missing file", {"jwt", "verify", hs, "--key", "@TMP@/nope.pem"}, 3,
        QStringLiteral("does not exist"));
    row("--key is a directory", {"jwt", "verify", hs, "--key", "@TMP@/a-directory"}, 3,
        QStringLiteral("directory"));
    row("--key binary junk", {"jwt", "verify", hs, "--key", "@TMP@/junk.bin"}, 3,
        QStringLiteral("no usable key"));
    row("--key not a key", {"jwt", "verify", hs, "--key", "@TMP@/not-json.txt"}, 3,
        QStringLiteral("no usable key"));
    row("--jwks missing file", {"jwt", "verify", hs, "--jwks", "@TMP@/nope.json"}, 3,
        QStringLiteral("does not exist"));
    row("--jwks not JSON", {"jwt", "verify", hs, "--jwks", "@TMP@/not-json.txt"}, 3,
        QStringLiteral("not valid JSON"));
    row("--jwks without keys", {"jwt", "verify", hs, "--jwks", "@TMP@/no-keys.json"}, 3,
        QStringLiteral("neither a JWK Set"));
    row("--jwks binary junk on stdin", {"jwt", "verify", hs, "--jwks", "-"}, 3,
        QStringLiteral("not valid JSON"), QByteArray("\x00\x01\xfe\xff{{{", 7));
    row("--jwks with no usable key", {"jwt", "verify", hs, "--jwks", "@TMP@/unusable-jwks.json"}, 3,
        QStringLiteral("no key this program can use"));
    row("token from stdin is empty", {"jwt", "verify", "-", "--jwks", "@TMP@/rfc-oct-jwks.json"}, 3,
        QStringLiteral("empty"));
    row("HTTP 404", {"jwt", "verify", hs, "--jwks", "@HTTP@/missing.json"}, 3, QStringLiteral("HTTP 404"));
    row("HTTP 500", {"jwt", "verify", hs, "--jwks", "@HTTP@/server-error"}, 3, QStringLiteral("HTTP 500"));
    row("HTTP not JSON", {"jwt", "verify", hs, "--jwks", "@HTTP@/not-json"}, 3,
        QStringLiteral("not valid JSON"));
    row("HTTP over 1 MiB", {"jwt", "verify", hs, "--jwks", "@HTTP@/huge"}, 3,
        QStringLiteral("larger than 1048576"));
    row("HTTP connection refused", {"jwt", "verify", hs, "--jwks", "@CLOSED@/jwks.json"}, 3,
        QStringLiteral("could not fetch"));
    row("HTTP no answer", {"jwt", "verify", hs, "--jwks", "@SILENT@/jwks.json", "--timeout", "1"}, 3,
        QStringLiteral("within 1 seconds"));
    row("HTTP URL without host", {"jwt", "verify", hs, "--jwks", "http://"}, 3,
        QStringLiteral("not a valid URL"));
}

void TestCliJwt::verifyErrors()
{
    QFETCH(QStringList, arguments);
    QFETCH(QByteArray, input);
    QFETCH(int, exitCode);
    QFETCH(QString, message);

    const CliRun run = runCli(expand(arguments), input);
    CLI_VERIFY_ERROR(run, exitCode, message);
}

// RFC 7517 section 5: keys of an unknown type are skipped, the others still verify; the
// skipped key is mentioned on stderr and stdout keeps only the result.
void TestCliJwt::verifySkipsUnusableKeys()
{
    const CliRun run = runCli(expand({"jwt", "verify", QString::fromLatin1(rfcHs256Token), "--jwks",
                                      "@TMP@/mixed-jwks.json", "--at", QString::number(rfcExp - 100)}));
    CLI_VERIFY_RAN(run);
    QVERIFY2(run.exitCode == 0, run.describe().constData());
    QVERIFY2(run.out.startsWith("valid\n"), run.describe().constData());
    QVERIFY2(run.err.startsWith("mwauth jwt verify: warning: a key in the JWKS was skipped"),
             run.describe().constData());
    QVERIFY(isReadableText(run.err));
}

QTEST_GUILESS_MAIN(TestCliJwt)
#include "TestCliJwt.moc"
