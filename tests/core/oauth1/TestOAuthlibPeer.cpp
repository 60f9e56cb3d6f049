#include "oauth1/AuthorizationHeader.h"
#include "oauth1/Signature.h"

#include <QFile>
#include <QFileInfo>
#include <QHash>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QProcess>
#include <QTest>

using namespace mwauth;
using namespace mwauth::http;
using namespace mwauth::oauth1;

// Signs the same requests with python3-oauthlib (tests/peer/oauthlib_peer.py, run by the
// Debian python) and with ours: the base strings and signatures must be identical, and
// each side's signature must verify with the other's code.
namespace {

struct PeerCase
{
    QByteArray name;
    QByteArray method;
    QByteArray uri;
    std::optional<QByteArray> body; // application/x-www-form-urlencoded
    QByteArray consumerKey;
    QByteArray consumerSecret;
    QByteArray token;
    QByteArray tokenSecret;
    SignatureMethod signatureMethod = SignatureMethod::HmacSha1;
    QByteArray nonce;
    qint64 timestamp = 0;
    QByteArray callback;
    QByteArray verifier;
};

const QByteArray mwKey = "7d1d7c8a4b2e4f1c9a0b3c5d6e7f8091";
const QByteArray mwSecret = "0f1e2d3c4b5a69788796a5b4c3d2e1f00112233f";
const QByteArray mwToken = "94ab03dbd2bb5d0e5d5e3b6f9c0b6f2d";
const QByteArray mwTokenSecret = "6d0cc7a5c4f1c8a1d1bd7aa0e2b83f4e5c1d9a77";

QList<PeerCase> peerCases()
{
    QList<PeerCase> cases;
    for (SignatureMethod m :
         {SignatureMethod::HmacSha1, SignatureMethod::RsaSha1, SignatureMethod::Plaintext}) {
        const QByteArray tag = signatureMethodName(m).toLatin1();
        const bool rsa = m == SignatureMethod::RsaSha1;
        // MediaWiki's three legs and identify, all through index.php?title=Special:OAuth/...
        cases.append({tag + " MediaWiki initiate (oob, no token)",
                      "GET",
                      "https://wiki.example/w/index.php?title=Special:OAuth/initiate&format=json",
                      std::nullopt,
                      mwKey,
                      rsa ? QByteArray() : mwSecret,
                      {},
                      {},
                      m,
                      "a1b2c3d4e5f6",
                      1700000000,
                      "oob",
                      {}});
        cases.append({tag + " MediaWiki token (request token + verifier)",
                      "POST",
                      "https://wiki.example/w/index.php?title=Special:OAuth/token",
                      std::nullopt,
                      mwKey,
                      rsa ? QByteArray() : mwSecret,
                      mwToken,
                      rsa ? QByteArray() : mwTokenSecret,
                      m,
                      "0a9b8c7d",
                      1700000123,
                      {},
                      "f00dfeedf00dfeedf00dfeedf00dfeed"});
        cases.append({tag + " MediaWiki identify on :443",
                      "GET",
                      "https://wiki.example:443/w/index.php?title=Special%3AOAuth%2Fidentify",
                      std::nullopt,
                      mwKey,
                      rsa ? QByteArray() : mwSecret,
                      mwToken,
                      rsa ? QByteArray() : mwTokenSecret,
                      m,
                      "n-identify",
                      1700000200,
                      {},
                      {}});
        // A GET with a query and a POST with a form body, with a token.
        cases.append(
            {tag + " GET with query on :8080",
             "GET",
             "http://localhost:8080/w/api.php?action=query&meta=userinfo&uiprop=rights%7Cgroups&list=search"
             "&srsearch=a+b%2Bc&a=2&a=1&a=10&empty=&format=json",
             std::nullopt,
             "consumer",
             "secret",
             "token",
             "token-secret",
             m,
             "q9",
             1700000300,
             {},
             {}});
        cases.append(
            {tag + " POST with form body",
             "POST",
             "https://wiki.example/w/api.php?assert=user",
             QByteArray("action=edit&title=Sandbox&text=Hello+Ladies+%2B+Gentlemen%2C+%C3%A9t%C3%A9%21"
                        "&summary=%7E%2A%27%28%29&token=%2B%5C&format=json"),
             "consumer",
             "secret",
             "token",
             "token-secret",
             m,
             "p4",
             1700000400,
             {},
             {}});
        // RFC 5849 section 3.4.1.1's request, signed.
        cases.append({tag + " RFC 5849 3.4.1.1 request",
                      "POST",
                      "http://example.com/request?b5=%3D%253D&a3=a&c%40=&a2=r%20b",
                      QByteArray("c2&a3=2+q"),
                      "9djdj82h48djs9d2",
                      "j49sk3j29djd",
                      "kkk9d7dh3k39sjv7",
                      "dh893hdasih9",
                      m,
                      "7d8f3e4a",
                      137131201,
                      {},
                      {}});
        // Secrets that need percent-encoding in the key.
        if (!rsa) {
            cases.append({tag + " secrets with reserved and non-ASCII characters",
                          "GET",
                          "https://Wiki.Example/w/",
                          std::nullopt,
                          "k",
                          "c s&%/\xc3\xa9",
                          "t",
                          "t+s/=~",
                          m,
                          "n",
                          1,
                          {},
                          {}});
        }
    }
    return cases;
}

QString fromBytes(const QByteArray &bytes)
{
    return QString::fromUtf8(bytes);
}

} // namespace

class TestOAuthlibPeer : public QObject
{
    Q_OBJECT
private slots:
    void initTestCase()
    {
        const QString python = QStringLiteral(MWAUTH_PYTHON3);
        if (python.isEmpty() || python.endsWith(QLatin1String("NOTFOUND"))
            || !QFileInfo(python).isExecutable()) {
            QFAIL("The Debian python3 (/usr/bin/python3) was not found; install python3 and python3-oauthlib "
                  "(plus python3-jwt and python3-cryptography for RSA-SHA1) to run the oauthlib peer test.");
        }
        QFile pem(QStringLiteral(MWAUTH_SOURCE_DIR "/tests/core/oauth1/data/rsa-2048-private.pem"));
        QVERIFY2(pem.open(QIODevice::ReadOnly), qPrintable(pem.fileName()));
        m_rsaPem = pem.readAll();
        const Result<jose::Jwk> key = jose::Jwk::fromPem(m_rsaPem);
        QVERIFY2(key.ok(), qPrintable(key.ok() ? QString() : key.error().message()));
        m_rsaKey = *key;

        QJsonArray cases;
        for (const PeerCase &c : peerCases()) {
            QJsonObject o;
            o[u"name"] = fromBytes(c.name);
            o[u"method"] = fromBytes(c.method);
            o[u"uri"] = fromBytes(c.uri);
            o[u"body"] = c.body ? QJsonValue(fromBytes(*c.body)) : QJsonValue(QJsonValue::Null);
            o[u"consumer_key"] = fromBytes(c.consumerKey);
            o[u"consumer_secret"] = fromBytes(c.consumerSecret);
            o[u"token"] = fromBytes(c.token);
            o[u"token_secret"] = fromBytes(c.tokenSecret);
            o[u"signature_method"] = signatureMethodName(c.signatureMethod);
            if (c.signatureMethod == SignatureMethod::RsaSha1)
                o[u"rsa_key"] = fromBytes(m_rsaPem);
            o[u"nonce"] = fromBytes(c.nonce);
            o[u"timestamp"] = c.timestamp;
            o[u"callback"] = fromBytes(c.callback);
            o[u"verifier"] = fromBytes(c.verifier);
            cases.append(o);
        }

        QProcess peer;
        peer.start(python, {QStringLiteral(MWAUTH_SOURCE_DIR "/tests/peer/oauthlib_peer.py")});
        QVERIFY2(peer.waitForStarted(30000),
                 qPrintable(QStringLiteral("Could not start %1: %2").arg(python, peer.errorString())));
        peer.write(
            QJsonDocument(QJsonObject {{QStringLiteral("cases"), cases}}).toJson(QJsonDocument::Compact));
        peer.closeWriteChannel();
        QVERIFY2(peer.waitForFinished(60000), "The oauthlib peer did not finish within 60 s.");
        const QByteArray errors = peer.readAllStandardError();
        if (peer.exitStatus() != QProcess::NormalExit || peer.exitCode() != 0) {
            QFAIL(qPrintable(
                QStringLiteral("The oauthlib peer failed (exit code %1). Install python3-oauthlib, "
                               "python3-jwt and python3-cryptography for %2. Its message: %3")
                    .arg(peer.exitCode())
                    .arg(python, QString::fromUtf8(errors.trimmed()))));
        }
        QJsonParseError parseError;
        const QJsonDocument answer = QJsonDocument::fromJson(peer.readAllStandardOutput(), &parseError);
        QVERIFY2(
            answer.isObject(),
            qPrintable(QStringLiteral("The peer's output is not JSON: %1").arg(parseError.errorString())));
        qInfo("python3-oauthlib %s", qPrintable(answer[u"oauthlib"].toString()));
        for (const QJsonValue &result : answer[u"results"].toArray())
            m_results.insert(result[u"name"].toString(), result.toObject());
        QCOMPARE(m_results.size(), peerCases().size());
    }

    void matchesOauthlib_data()
    {
        QTest::addColumn<int>("index");
        const QList<PeerCase> cases = peerCases();
        for (int i = 0; i < cases.size(); ++i)
            QTest::newRow(cases.at(i).name.constData()) << i;
    }
    void matchesOauthlib()
    {
        QFETCH(int, index);
        const PeerCase c = peerCases().at(index);
        const QJsonObject theirs = m_results.value(fromBytes(c.name));
        QVERIFY2(!theirs.isEmpty(), "oauthlib returned no result for this case");
        QVERIFY2(theirs[u"error"].isNull(),
                 qPrintable(QStringLiteral("oauthlib: ") + theirs[u"error"].toString()));
        const QByteArray theirBase = theirs[u"base_string"].toString().toUtf8();
        const QByteArray theirSignature = theirs[u"signature"].toString().toUtf8();
        const QByteArray theirHeader = theirs[u"authorization"].toString().toUtf8();

        Request request;
        request.method = c.method;
        request.url = QUrl::fromEncoded(c.uri, QUrl::StrictMode);
        QVERIFY2(request.url.isValid(), c.uri.constData());
        if (c.body) {
            const Result<FormFields> body = decodeForm(*c.body);
            QVERIFY(body.ok());
            request.bodyFields = *body;
        }
        Credentials credentials;
        credentials.consumerKey = c.consumerKey;
        credentials.consumerSecret = c.consumerSecret;
        credentials.token = c.token;
        credentials.tokenSecret = c.tokenSecret;
        credentials.method = c.signatureMethod;
        if (c.signatureMethod == SignatureMethod::RsaSha1)
            credentials.rsaPrivateKey = m_rsaKey;
        FormFields extra;
        if (!c.callback.isEmpty())
            extra.append({"oauth_callback", c.callback});
        if (!c.verifier.isEmpty())
            extra.append({"oauth_verifier", c.verifier});

        const Result<SignedRequest> ours = signRequest(request, credentials, c.nonce, c.timestamp, extra);
        QVERIFY2(ours.ok(), qPrintable(ours.ok() ? QString() : ours.error().message()));
        QCOMPARE(ours->baseString, theirBase);
        QCOMPARE(ours->signature, theirSignature);

        // Their header, read by our parser, carries the same parameters as ours (order aside),
        // rebuilds the same base string, and their signature verifies with our code.
        const Result<FormFields> parsed = AuthorizationHeader::parse(theirHeader);
        QVERIFY2(parsed.ok(), qPrintable(parsed.ok() ? QString() : parsed.error().message()));
        FormFields theirParameters = *parsed;
        FormFields ourParameters = ours->oauthParameters;
        std::sort(theirParameters.begin(), theirParameters.end());
        std::sort(ourParameters.begin(), ourParameters.end());
        QCOMPARE(theirParameters, ourParameters);
        const Result<QByteArray> rebuilt = signatureBaseString(request, *parsed);
        QVERIFY(rebuilt.ok());
        QCOMPARE(*rebuilt, theirBase);
        const Result<void> verified
            = verify(c.signatureMethod, *rebuilt, fieldValue(*parsed, "oauth_signature"), c.consumerSecret,
                     c.tokenSecret, m_rsaKey.publicKey());
        QVERIFY2(verified.ok(), qPrintable(verified.ok() ? QString() : verified.error().message()));
    }

private:
    QByteArray m_rsaPem;
    jose::Jwk m_rsaKey;
    QHash<QString, QJsonObject> m_results;
};

QTEST_GUILESS_MAIN(TestOAuthlibPeer)
#include "TestOAuthlibPeer.moc"
