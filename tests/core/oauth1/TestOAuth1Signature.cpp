#include "oauth1/AuthorizationHeader.h"
#include "oauth1/Signature.h"

#include <QFile>
#include <QTest>

using namespace mwauth;
using namespace mwauth::http;
using namespace mwauth::oauth1;

Q_DECLARE_METATYPE(mwauth::oauth1::SignatureMethod)

namespace {

FormFields fields(std::initializer_list<std::pair<const char *, const char *>> list)
{
    FormFields out;
    for (const auto &[name, value] : list)
        out.append({QByteArray(name), QByteArray(value)});
    return out;
}

QUrl url(const char *text)
{
    return QUrl::fromEncoded(QByteArray(text));
}

Result<jose::Jwk> loadKey(const char *file)
{
    QFile pem(QStringLiteral(MWAUTH_SOURCE_DIR "/tests/core/oauth1/data/") + QLatin1String(file));
    if (!pem.open(QIODevice::ReadOnly))
        return fail(ErrorCode::Io, QStringLiteral("Cannot read the test key %1.").arg(pem.fileName()));
    return jose::Jwk::fromPem(pem.readAll());
}

// RFC 5849 section 3.4.1.1: the request, its body, and the oauth_* parameters of its
// Authorization header (realm and oauth_signature included: both must be left out).
Request rfcRequest()
{
    Request request;
    request.method = "POST";
    request.url = url("http://example.com/request?b5=%3D%253D&a3=a&c%40=&a2=r%20b");
    request.bodyFields = *decodeForm("c2&a3=2+q");
    return request;
}
FormFields rfcOauthParameters()
{
    return fields({{"realm", "Example"},
                   {"oauth_consumer_key", "9djdj82h48djs9d2"},
                   {"oauth_token", "kkk9d7dh3k39sjv7"},
                   {"oauth_signature_method", "HMAC-SHA1"},
                   {"oauth_timestamp", "137131201"},
                   {"oauth_nonce", "7d8f3e4a"},
                   {"oauth_signature", "bYT5CMsGcbgUdFHObYMEfcx6bsw="}});
}

// OAuth Core 1.0 appendix A.5 (photos.example.net), with its published HMAC-SHA1 signature.
Credentials photoCredentials()
{
    Credentials c;
    c.consumerKey = "dpf43f3p2l4k3l03";
    c.consumerSecret = "kd94hf93k423kf44";
    c.token = "nnch734d00sl2jdk";
    c.tokenSecret = "pfkkdhi9sl3r4s00";
    return c;
}

} // namespace

class TestOAuth1Signature : public QObject
{
    Q_OBJECT
private slots:
    void baseStringUri_data()
    {
        QTest::addColumn<QUrl>("input");
        QTest::addColumn<QByteArray>("expected");
        // RFC 5849 section 3.4.1.2 examples.
        QTest::newRow("RFC: http :80 dropped, host lower-cased")
            << url("http://EXAMPLE.COM:80/r%20v/X?id=123") << QByteArray("http://example.com/r%20v/X");
        QTest::newRow("RFC: https :8080 kept")
            << url("https://www.example.net:8080/?q=1") << QByteArray("https://www.example.net:8080/");
        QTest::newRow("https :443 dropped")
            << url("https://wiki.example:443/w/index.php?title=Special:OAuth/initiate")
            << QByteArray("https://wiki.example/w/index.php");
        QTest::newRow("http :8080 kept")
            << url("http://localhost:8080/w/index.php") << QByteArray("http://localhost:8080/w/index.php");
        QTest::newRow("https :80 kept")
            << url("https://example.com:80/") << QByteArray("https://example.com:80/");
        QTest::newRow("http :443 kept")
            << url("http://example.com:443/") << QByteArray("http://example.com:443/");
        QTest::newRow("empty path becomes /")
            << url("http://example.com") << QByteArray("http://example.com/");
        QTest::newRow("empty path with query")
            << url("https://example.com?x=1") << QByteArray("https://example.com/");
        QTest::newRow("scheme upper-case")
            << url("HTTPS://Wiki.Example/W/Index.php") << QByteArray("https://wiki.example/W/Index.php");
        QTest::newRow("user info and fragment dropped")
            << url("https://u:p@wiki.example/a#frag") << QByteArray("https://wiki.example/a");
        QTest::newRow("IPv4 loopback with port")
            << url("http://127.0.0.1:8765/w/index.php") << QByteArray("http://127.0.0.1:8765/w/index.php");
        QTest::newRow("IPv6 literal keeps brackets")
            << url("http://[::1]:8080/x") << QByteArray("http://[::1]:8080/x");
    }
    void baseStringUri()
    {
        QFETCH(QUrl, input);
        QFETCH(QByteArray, expected);
        const Result<QByteArray> got = oauth1::baseStringUri(input);
        QVERIFY2(got.ok(), qPrintable(got.ok() ? QString() : got.error().message()));
        QCOMPARE(*got, expected);
    }

    void baseStringUriRejects_data()
    {
        QTest::addColumn<QUrl>("input");
        QTest::addColumn<QString>("messagePart");
        QTest::newRow("ftp") << url("ftp://example.com/file")
                             << QStringLiteral("http and https URLs only, not 'ftp'");
        QTest::newRow("relative") << url("/w/index.php?title=Special:OAuth/initiate")
                                  << QStringLiteral("absolute");
        QTest::newRow("empty") << QUrl() << QStringLiteral("absolute");
        QTest::newRow("no host") << url("http:///path") << QStringLiteral("no host");
        QTest::newRow("mailto") << url("mailto:someone@example.com") << QStringLiteral("not 'mailto'");
    }
    void baseStringUriRejects()
    {
        QFETCH(QUrl, input);
        QFETCH(QString, messagePart);
        const Result<QByteArray> got = oauth1::baseStringUri(input);
        QVERIFY(!got.ok());
        QCOMPARE(got.error().code(), ErrorCode::InvalidInput);
        QVERIFY2(got.error().message().contains(messagePart), qPrintable(got.error().message()));
    }

    // RFC 5849 section 3.4.1.3.2: the normalized parameters of the 3.4.1.1 request.
    void rfcNormalizedParameters()
    {
        const FormFields parameters = fields({{"b5", "=%3D"},
                                              {"a3", "a"},
                                              {"c@", ""},
                                              {"a2", "r b"},
                                              {"oauth_consumer_key", "9djdj82h48djs9d2"},
                                              {"oauth_token", "kkk9d7dh3k39sjv7"},
                                              {"oauth_signature_method", "HMAC-SHA1"},
                                              {"oauth_timestamp", "137131201"},
                                              {"oauth_nonce", "7d8f3e4a"},
                                              {"c2", ""},
                                              {"a3", "2 q"}});
        QCOMPARE(normalizeParameters(parameters),
                 QByteArray(
                     "a2=r%20b&a3=2%20q&a3=a&b5=%3D%253D&c%40=&c2=&oauth_consumer_key=9djdj82h48djs9d2&oauth_"
                     "nonce=7d8f3e4a&oauth_signature_method=HMAC-SHA1&oauth_timestamp=137131201&oauth_token="
                     "kkk9d7dh3k39sjv7"));
    }

    // RFC 5849 section 3.4.1.1: the base string exactly as printed.
    void rfcBaseString()
    {
        const Result<QByteArray> base = signatureBaseString(rfcRequest(), rfcOauthParameters());
        QVERIFY2(base.ok(), qPrintable(base.ok() ? QString() : base.error().message()));
        QCOMPARE(
            *base,
            QByteArray(
                "POST&http%3A%2F%2Fexample.com%2Frequest&a2%3Dr%2520b%26a3%3D2%2520q%26a3%3Da%26b5%3D%253D%"
                "25253D%26c%2540%3D%26c2%3D%26oauth_consumer_key%3D9djdj82h48djs9d2%26oauth_nonce%3D7d8f3e4a%"
                "26oauth_signature_method%3DHMAC-SHA1%26oauth_timestamp%3D137131201%26oauth_token%3Dkkk9d7dh3"
                "k39sjv7"));
    }

    void methodIsUpperCased()
    {
        Request request = rfcRequest();
        request.method = "post";
        QCOMPARE(*signatureBaseString(request, rfcOauthParameters()),
                 *signatureBaseString(rfcRequest(), rfcOauthParameters()));
        request.method.clear();
        const Result<QByteArray> none = signatureBaseString(request, {});
        QVERIFY(!none.ok());
        QCOMPARE(none.error().code(), ErrorCode::InvalidInput);
    }

    // OAuth Core 1.0 appendix A.5.1/A.5.2: base string and HMAC-SHA1 signature.
    void oauthCoreAppendixA()
    {
        Request request;
        request.url = url("http://photos.example.net/photos?file=vacation.jpg&size=original");
        const Result<SignedRequest> signedRequest
            = signRequest(request, photoCredentials(), "kllo9940pd9333jh", 1191242096);
        QVERIFY2(signedRequest.ok(),
                 qPrintable(signedRequest.ok() ? QString() : signedRequest.error().message()));
        QCOMPARE(
            signedRequest->baseString,
            QByteArray(
                "GET&http%3A%2F%2Fphotos.example.net%2Fphotos&file%3Dvacation.jpg%26oauth_consumer_key%3Ddpf4"
                "3f3p2l4k3l03%26oauth_nonce%3Dkllo9940pd9333jh%26oauth_signature_method%3DHMAC-SHA1%26oauth_"
                "timestamp%3D1191242096%26oauth_token%3Dnnch734d00sl2jdk%26oauth_version%3D1.0%26size%3Dorig"
                "inal"));
        QCOMPARE(signedRequest->signature, QByteArray("tR3+Ty81lMeYAr/Fid0kMTYa/WM="));
        QCOMPARE(fieldValue(signedRequest->oauthParameters, "oauth_signature"),
                 QByteArray("tR3+Ty81lMeYAr/Fid0kMTYa/WM="));
        QVERIFY2(signedRequest->authorizationHeader.contains(
                     "oauth_signature=\"tR3%2BTy81lMeYAr%2FFid0kMTYa%2FWM%3D\""),
                 signedRequest->authorizationHeader.constData());

        // The header parses back into exactly the parameters that were signed.
        const Result<FormFields> parsed = AuthorizationHeader::parse(signedRequest->authorizationHeader);
        QVERIFY(parsed.ok());
        QCOMPARE(*parsed, signedRequest->oauthParameters);
        // And a server rebuilding the base string from that header gets the same one.
        QCOMPARE(*signatureBaseString(request, *parsed), signedRequest->baseString);
        QVERIFY(verify(SignatureMethod::HmacSha1, signedRequest->baseString, signedRequest->signature,
                       "kd94hf93k423kf44", "pfkkdhi9sl3r4s00")
                    .ok());
    }

    // MediaWiki's Special:OAuth/initiate: the title query parameter is signed, oauth_callback=oob,
    // no token (key = secret + "&"). Base string written out by hand from RFC 5849 3.4.1; the
    // signature computed with Python's hmac module over that string.
    void mediaWikiInitiate()
    {
        Request request;
        request.url = url("https://wiki.example/w/index.php?title=Special:OAuth/initiate");
        Credentials credentials;
        credentials.consumerKey = "7d1d7c8a4b2e4f1c9a0b3c5d6e7f8091";
        credentials.consumerSecret = "0f1e2d3c4b5a69788796a5b4c3d2e1f00112233f";
        const Result<SignedRequest> signedRequest
            = signRequest(request, credentials, "5b6c7d8e9f", 1700000000, {{"oauth_callback", "oob"}});
        QVERIFY(signedRequest.ok());
        QCOMPARE(
            signedRequest->baseString,
            QByteArray(
                "GET&https%3A%2F%2Fwiki.example%2Fw%2Findex.php&oauth_callback%3Doob%26oauth_consumer_key%3D7"
                "d1d7c8a4b2e4f1c9a0b3c5d6e7f8091%26oauth_nonce%3D5b6c7d8e9f%26oauth_signature_method%3DHMAC-"
                "SH"
                "A1%26oauth_timestamp%3D1700000000%26oauth_version%3D1.0%26title%3DSpecial%253AOAuth%"
                "252Finiti"
                "ate"));
        QCOMPARE(signedRequest->signature, QByteArray("w1W2WWivLYLurQf6Uafs/Bhpzuw="));
        QVERIFY(signedRequest->authorizationHeader.contains("oauth_callback=\"oob\""));
        QVERIFY(!signedRequest->authorizationHeader.contains("oauth_token="));
        QVERIFY(!signedRequest->authorizationHeader.contains("title"));
        // The explicit default port does not change what is signed.
        request.url = url("https://wiki.example:443/w/index.php?title=Special:OAuth/initiate");
        QCOMPARE(signRequest(request, credentials, "5b6c7d8e9f", 1700000000, {{"oauth_callback", "oob"}})
                     ->signature,
                 signedRequest->signature);
    }

    void parameterOrder()
    {
        Request request;
        request.url = url("http://photos.example.net/photos?file=vacation.jpg&size=original");
        const SignedRequest s = *signRequest(request, photoCredentials(), "n", 1, {{"oauth_verifier", "v"}});
        QList<QByteArray> names;
        for (const auto &field : s.oauthParameters)
            names.append(field.first);
        QCOMPARE(names,
                 (QList<QByteArray> {"oauth_consumer_key", "oauth_token", "oauth_signature_method",
                                     "oauth_timestamp", "oauth_nonce", "oauth_version", "oauth_verifier",
                                     "oauth_signature"}));
    }

    // RFC 5849 section 3.4.4 (and the PLAINTEXT request of section 1.2).
    void plaintext_data()
    {
        QTest::addColumn<QByteArray>("consumerSecret");
        QTest::addColumn<QByteArray>("tokenSecret");
        QTest::addColumn<QByteArray>("signature");
        QTest::addColumn<QByteArray>("headerValue");
        QTest::newRow("RFC 3.4.4") << QByteArray("djr9rjt0jd78jf88") << QByteArray("jjd999tj88uiths3")
                                   << QByteArray("djr9rjt0jd78jf88&jjd999tj88uiths3")
                                   << QByteArray("djr9rjt0jd78jf88%26jjd999tj88uiths3");
        QTest::newRow("RFC 1.2, no token")
            << QByteArray("ja893SD9") << QByteArray() << QByteArray("ja893SD9&") << QByteArray("ja893SD9%26");
        QTest::newRow("reserved characters")
            << QByteArray("a b&c") << QByteArray("d+e") << QByteArray("a%20b%26c&d%2Be")
            << QByteArray("a%2520b%2526c%26d%252Be");
    }
    void plaintext()
    {
        QFETCH(QByteArray, consumerSecret);
        QFETCH(QByteArray, tokenSecret);
        QFETCH(QByteArray, signature);
        QFETCH(QByteArray, headerValue);
        Credentials c;
        c.consumerKey = "key";
        c.consumerSecret = consumerSecret;
        c.token = tokenSecret.isEmpty() ? QByteArray() : QByteArray("token");
        c.tokenSecret = tokenSecret;
        c.method = SignatureMethod::Plaintext;
        QCOMPARE(*sign(c, "ignored"), signature);
        Request request;
        request.url = url("https://wiki.example/w/index.php?title=Special:OAuth/token");
        const SignedRequest s = *signRequest(request, c, "n", 1);
        QVERIFY2(s.authorizationHeader.contains(QByteArray("oauth_signature=\"" + headerValue + '"')),
                 s.authorizationHeader.constData());
        QVERIFY(s.authorizationHeader.contains("oauth_signature_method=\"PLAINTEXT\""));
        QVERIFY(
            verify(SignatureMethod::Plaintext, s.baseString, signature, consumerSecret, tokenSecret).ok());
        const Result<void> wrong
            = verify(SignatureMethod::Plaintext, s.baseString, signature, consumerSecret, "x");
        QVERIFY(!wrong.ok());
        QCOMPARE(wrong.error().code(), ErrorCode::BadSignature);
    }

    void hmacVerify_data()
    {
        QTest::addColumn<QByteArray>("baseString");
        QTest::addColumn<QByteArray>("signature");
        QTest::addColumn<QByteArray>("consumerSecret");
        QTest::addColumn<QByteArray>("tokenSecret");
        QTest::addColumn<bool>("valid");
        const QByteArray base = "GET&http%3A%2F%2Fphotos.example.net%2Fphotos&file%3Dvacation.jpg%26oauth_"
                                "consumer_key%3Ddpf43f3p2l4k3l03%26o"
                                "auth_nonce%3Dkllo9940pd9333jh%26oauth_signature_method%3DHMAC-SHA1%26oauth_"
                                "timestamp%3D1191242096%26oauth_t"
                                "oken%3Dnnch734d00sl2jdk%26oauth_version%3D1.0%26size%3Doriginal";
        const QByteArray sig = "tR3+Ty81lMeYAr/Fid0kMTYa/WM=";
        QTest::newRow("published signature")
            << base << sig << QByteArray("kd94hf93k423kf44") << QByteArray("pfkkdhi9sl3r4s00") << true;
        QTest::newRow("wrong consumer secret")
            << base << sig << QByteArray("kd94hf93k423kf45") << QByteArray("pfkkdhi9sl3r4s00") << false;
        QTest::newRow("wrong token secret")
            << base << sig << QByteArray("kd94hf93k423kf44") << QByteArray() << false;
        QTest::newRow("changed base string")
            << QByteArray(base).replace("original", "ORIGINAL") << sig << QByteArray("kd94hf93k423kf44")
            << QByteArray("pfkkdhi9sl3r4s00") << false;
        QTest::newRow("signature still percent-encoded")
            << base << QByteArray("tR3%2BTy81lMeYAr%2FFid0kMTYa%2FWM%3D") << QByteArray("kd94hf93k423kf44")
            << QByteArray("pfkkdhi9sl3r4s00") << false;
        QTest::newRow("empty signature") << base << QByteArray() << QByteArray("kd94hf93k423kf44")
                                         << QByteArray("pfkkdhi9sl3r4s00") << false;
    }
    void hmacVerify()
    {
        QFETCH(QByteArray, baseString);
        QFETCH(QByteArray, signature);
        QFETCH(QByteArray, consumerSecret);
        QFETCH(QByteArray, tokenSecret);
        QFETCH(bool, valid);
        const Result<void> verdict
            = verify(SignatureMethod::HmacSha1, baseString, signature, consumerSecret, tokenSecret);
        QCOMPARE(verdict.ok(), valid);
        if (!valid) {
            QCOMPARE(verdict.error().code(), ErrorCode::BadSignature);
            QVERIFY2(verdict.error().message().contains(QStringLiteral("HMAC-SHA1 signature does not match")),
                     qPrintable(verdict.error().message()));
        }
    }

    void methodNames_data()
    {
        QTest::addColumn<SignatureMethod>("method");
        QTest::addColumn<QString>("name");
        QTest::newRow("HMAC-SHA1") << SignatureMethod::HmacSha1 << QStringLiteral("HMAC-SHA1");
        QTest::newRow("RSA-SHA1") << SignatureMethod::RsaSha1 << QStringLiteral("RSA-SHA1");
        QTest::newRow("PLAINTEXT") << SignatureMethod::Plaintext << QStringLiteral("PLAINTEXT");
    }
    void methodNames()
    {
        QFETCH(SignatureMethod, method);
        QFETCH(QString, name);
        QCOMPARE(signatureMethodName(method), name);
        const Result<SignatureMethod> parsed = signatureMethodFromName(name);
        QVERIFY(parsed.ok());
        QCOMPARE(*parsed, method);
    }

    void unknownMethod()
    {
        for (const QString &name : {QStringLiteral("HMAC-SHA256"), QStringLiteral("hmac-sha1"), QString()}) {
            const Result<SignatureMethod> parsed = signatureMethodFromName(name);
            QVERIFY(!parsed.ok());
            QCOMPARE(parsed.error().code(), ErrorCode::UnsupportedAlgorithm);
            QVERIFY2(parsed.error().message().contains(QStringLiteral("not supported")),
                     qPrintable(parsed.error().message()));
        }
    }

    void signRequestRejects_data()
    {
        QTest::addColumn<QByteArray>("consumerKey");
        QTest::addColumn<QByteArray>("nonce");
        QTest::addColumn<qint64>("timestamp");
        QTest::addColumn<QUrl>("target");
        QTest::addColumn<FormFields>("extra");
        QTest::addColumn<QString>("messagePart");
        const QUrl good = url("https://wiki.example/w/index.php?title=Special:OAuth/initiate");
        QTest::newRow("no consumer key") << QByteArray() << QByteArray("n") << qint64(1) << good
                                         << FormFields() << QStringLiteral("needs a consumer key");
        QTest::newRow("no nonce") << QByteArray("k") << QByteArray() << qint64(1) << good << FormFields()
                                  << QStringLiteral("needs a nonce");
        QTest::newRow("negative timestamp") << QByteArray("k") << QByteArray("n") << qint64(-1) << good
                                            << FormFields() << QStringLiteral("cannot be negative");
        QTest::newRow("extra replaces nonce")
            << QByteArray("k") << QByteArray("n") << qint64(1) << good << fields({{"oauth_nonce", "x"}})
            << QStringLiteral("'oauth_nonce' would replace");
        QTest::newRow("extra sets signature")
            << QByteArray("k") << QByteArray("n") << qint64(1) << good << fields({{"oauth_signature", "x"}})
            << QStringLiteral("'oauth_signature' would replace");
        QTest::newRow("not http") << QByteArray("k") << QByteArray("n") << qint64(1)
                                  << url("ftp://wiki.example/") << FormFields()
                                  << QStringLiteral("http and https URLs only");
    }
    void signRequestRejects()
    {
        QFETCH(QByteArray, consumerKey);
        QFETCH(QByteArray, nonce);
        QFETCH(qint64, timestamp);
        QFETCH(QUrl, target);
        QFETCH(FormFields, extra);
        QFETCH(QString, messagePart);
        Credentials c;
        c.consumerKey = consumerKey;
        c.consumerSecret = "s";
        Request request;
        request.url = target;
        const Result<SignedRequest> s = signRequest(request, c, nonce, timestamp, extra);
        QVERIFY(!s.ok());
        QCOMPARE(s.error().code(), ErrorCode::InvalidInput);
        QVERIFY2(s.error().message().contains(messagePart), qPrintable(s.error().message()));
    }

    void rsaSha1SignAndVerify()
    {
        const Result<jose::Jwk> privateKey = loadKey("rsa-2048-private.pem");
        QVERIFY2(privateKey.ok(), qPrintable(privateKey.ok() ? QString() : privateKey.error().message()));
        const Result<jose::Jwk> publicKey = loadKey("rsa-2048-public.pem");
        QVERIFY(publicKey.ok());
        const Result<jose::Jwk> otherKey = loadKey("rsa-2048-other-public.pem");
        QVERIFY(otherKey.ok());

        Credentials c;
        c.consumerKey = "rsa-consumer";
        c.rsaPrivateKey = *privateKey;
        c.method = SignatureMethod::RsaSha1;
        Request request;
        request.url = url("https://wiki.example/w/index.php?title=Special:OAuth/initiate");
        const Result<SignedRequest> s
            = signRequest(request, c, "nonce", 1700000000, {{"oauth_callback", "oob"}});
        QVERIFY2(s.ok(), qPrintable(s.ok() ? QString() : s.error().message()));
        // 2048-bit RSA: 256 bytes, 344 base64 characters.
        QCOMPARE(s->signature.size(), 344);
        QVERIFY(s->authorizationHeader.contains("oauth_signature_method=\"RSA-SHA1\""));
        // PKCS#1 v1.5 is deterministic (PSS would not be).
        QCOMPARE(*sign(c, s->baseString), s->signature);

        QVERIFY(verify(SignatureMethod::RsaSha1, s->baseString, s->signature, {}, {}, *publicKey).ok());
        QVERIFY(verify(SignatureMethod::RsaSha1, s->baseString, s->signature, {}, {}, *privateKey).ok());

        const Result<void> otherSigner
            = verify(SignatureMethod::RsaSha1, s->baseString, s->signature, {}, {}, *otherKey);
        QVERIFY(!otherSigner.ok());
        QCOMPARE(otherSigner.error().code(), ErrorCode::BadSignature);
        QVERIFY2(otherSigner.error().message().contains(QStringLiteral("RSA-SHA1 signature does not match")),
                 qPrintable(otherSigner.error().message()));

        QByteArray changedBase = s->baseString;
        changedBase.replace("initiate", "token");
        const Result<void> changed
            = verify(SignatureMethod::RsaSha1, changedBase, s->signature, {}, {}, *publicKey);
        QVERIFY(!changed.ok());
        QCOMPARE(changed.error().code(), ErrorCode::BadSignature);

        const Result<void> notBase64
            = verify(SignatureMethod::RsaSha1, s->baseString, "not*base64!", {}, {}, *publicKey);
        QVERIFY(!notBase64.ok());
        QCOMPARE(notBase64.error().code(), ErrorCode::BadSignature);
        QVERIFY2(notBase64.error().message().contains(QStringLiteral("base64")),
                 qPrintable(notBase64.error().message()));
    }

    void rsaSha1KeyErrors()
    {
        const Result<jose::Jwk> publicKey = loadKey("rsa-2048-public.pem");
        QVERIFY(publicKey.ok());
        const Result<jose::Jwk> ecKey = loadKey("ec-p256-private.pem");
        QVERIFY2(ecKey.ok(), qPrintable(ecKey.ok() ? QString() : ecKey.error().message()));

        Credentials c;
        c.consumerKey = "k";
        c.method = SignatureMethod::RsaSha1;

        const Result<QByteArray> noKey = sign(c, "base");
        QVERIFY(!noKey.ok());
        QCOMPARE(noKey.error().code(), ErrorCode::InvalidInput);
        QVERIFY2(noKey.error().message().contains(QStringLiteral("private key")),
                 qPrintable(noKey.error().message()));

        c.rsaPrivateKey = *publicKey;
        const Result<QByteArray> publicOnly = sign(c, "base");
        QVERIFY(!publicOnly.ok());
        QCOMPARE(publicOnly.error().code(), ErrorCode::MissingPrivateKey);

        c.rsaPrivateKey = *ecKey;
        const Result<QByteArray> wrongType = sign(c, "base");
        QVERIFY(!wrongType.ok());
        QCOMPARE(wrongType.error().code(), ErrorCode::AlgorithmKeyMismatch);
        QVERIFY2(wrongType.error().message().contains(QStringLiteral("EC")),
                 qPrintable(wrongType.error().message()));

        c.rsaPrivateKey = jose::Jwk::fromSecret("secret-bytes-secret-bytes");
        QCOMPARE(sign(c, "base").error().code(), ErrorCode::InvalidInput);

        const Result<void> noPublic = verify(SignatureMethod::RsaSha1, "base", "c2ln", {}, {});
        QVERIFY(!noPublic.ok());
        QCOMPARE(noPublic.error().code(), ErrorCode::InvalidInput);
        QVERIFY2(noPublic.error().message().contains(QStringLiteral("public key")),
                 qPrintable(noPublic.error().message()));
    }
};

QTEST_GUILESS_MAIN(TestOAuth1Signature)
#include "TestOAuth1Signature.moc"
