// Special:OAuth (OAuth 1.0a) of the local provider over real HTTP, against Extension:OAuth
// REL1_39 (reference/mediawiki-oauth.md section 2): initiate -> consent page -> token ->
// identify -> a signed api.php call, with HMAC-SHA1 and RSA-SHA1, and each way a request can be
// wrong getting MediaWiki's error: parameters from the header winning over the query, a
// malformed header, PLAINTEXT (refused unless allowed), timestamps, nonces, request tokens
// (expired, reused), verifiers, callbacks, owner-only and proposed consumers, IP restrictions
// (OAuth 1 and OAuth 2).

#include "../pages/PagesTestProvider.h"
#include "common/Clock.h"
#include "common/Random.h"
#include "jose/Jwk.h"
#include "jose/Jws.h"
#include "jose/KeyGenerator.h"
#include "oauth1/AuthorizationHeader.h"
#include "oauth1/Signature.h"
#include "provider/LocalProvider.h"

#include <QJsonArray>
#include <QTest>
#include <QUrlQuery>

using namespace mwauth;
using namespace mwauth::provider;
using namespace mwauth::provider::testing;

namespace {

const QString kCallback = QStringLiteral("https://tool.example/oauth/callback");
constexpr double kNow = 1763868000;

QMap<QString, QString> formOf(const QByteArray &body)
{
    QMap<QString, QString> out;
    const QUrlQuery query(QString::fromUtf8(body));
    for (const auto &[k, v] : query.queryItems(QUrl::FullyDecoded))
        out.insert(k, v);
    return out;
}

} // namespace

class TestSpecialOAuth : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void cleanupTestCase();
    void init();

    void fullFlowHmac();
    void fullFlowRsa();
    void jsonFormat();
    void headerWinsOverQuery();
    void malformedHeader();
    void plaintextRefusedUnlessAllowed();
    void signatureChecks_data();
    void signatureChecks();
    void reusedNonce();
    void requestTokenSingleUse();
    void requestTokenExpires();
    void wrongVerifier();
    void callbacks_data();
    void callbacks();
    void ownerOnlyRefused();
    void proposedConsumerOwnerOnly();
    void identifyPrivateClaims();
    void apiCallRunsAsUserWithGrants();
    void apiBadSignature();
    void ipRestrictions();
    void ipRestrictionsOAuth2();
    void unknownSubpage();
    void loginRedirect();

private:
    struct Consumer
    {
        QString key;
        QByteArray secret;
        QByteArray accessToken; // owner-only
        QByteArray accessSecret;
    };
    struct Token
    {
        QByteArray key;
        QByteArray secret;
    };
    Consumer registerConsumer(const QString &name, const QStringList &grants,
                              const QString &callback = kCallback, bool prefix = false,
                              const QString &restrictions = {}, const QString &rsaKey = {},
                              bool approved = true, bool ownerOnly = false,
                              const QString &owner = u"Admin"_qs);
    QUrl pageUrl(const QString &subpage, const QString &extraQuery = {}) const;
    oauth1::Credentials credentials(const Consumer &consumer, const Token &token = {}) const;
    // A signed request of Special:OAuth/<subpage> with the parameters in the header.
    Reply signedCall(const QString &subpage, const oauth1::Credentials &creds,
                     const http::FormFields &extraOauth = {}, const QString &extraQuery = {},
                     QByteArray nonce = {}, qint64 timestamp = -1);
    Token initiate(const Consumer &consumer, const QString &callback = u"oob"_qs);
    // The consent page and Allow: the verifier from the redirect (empty on failure).
    QByteArray approve(TestBrowser &browser, const Consumer &consumer, const Token &requestToken,
                       const QString &subpage = u"authorize"_qs, QByteArray *location = nullptr);
    Token exchange(const Consumer &consumer, const Token &requestToken, const QByteArray &verifier,
                   Reply *reply = nullptr);
    // initiate -> approve -> token.
    Token accessFor(const Consumer &consumer);
    bool logIn(TestBrowser &browser, const QString &name, const QString &password);

    FixedClock m_clock {kNow};
    SystemRandom m_random;
    std::unique_ptr<LocalProvider> m_provider;
    std::unique_ptr<TestBrowser> m_browser; // Alice
    TestHttpClient m_http;
    Consumer m_tool;
    Consumer m_prefix;
    Consumer m_rsa;
    jose::Jwk m_rsaKey;
    int m_nonce = 0;
};

TestSpecialOAuth::Consumer TestSpecialOAuth::registerConsumer(const QString &name, const QStringList &grants,
                                                              const QString &callback, bool prefix,
                                                              const QString &restrictions,
                                                              const QString &rsaKey, bool approved,
                                                              bool ownerOnly, const QString &owner)
{
    ClientRegistration r;
    r.name = name;
    r.oauthVersion = 1;
    r.callbackUrl = callback;
    r.callbackIsPrefix = prefix;
    r.description = QStringLiteral("An OAuth 1.0a test consumer");
    r.email = QStringLiteral("dev@example.org");
    r.grants = grants;
    r.restrictions = restrictions;
    r.rsaKey = rsaKey;
    r.approved = approved;
    r.ownerOnly = ownerOnly;
    r.ownerId = m_provider->users()->findUser(owner)->id;
    const auto issued = m_provider->clients()->registerClient(r, owner);
    if (!issued) {
        qWarning() << issued.error().toString();
        return {};
    }
    return {issued->client.consumerKey, issued->secret, issued->accessToken, issued->accessSecret};
}

bool TestSpecialOAuth::logIn(TestBrowser &browser, const QString &name, const QString &password)
{
    const Reply form = browser.get(kLogin);
    const QString token = hiddenValue(form.body, QStringLiteral("wpLoginToken"));
    const Reply done = browser.post(
        kLogin,
        {{"wpName", name.toUtf8()}, {"wpPassword", password.toUtf8()}, {"wpLoginToken", token.toUtf8()}});
    return done.status == 302 && browser.apiUserName() == name;
}

void TestSpecialOAuth::initTestCase()
{
    m_provider = std::make_unique<LocalProvider>(m_clock, m_random);
    LocalProviderOptions options;
    options.demo = true;
    options.passwordIterations = 1000;
    const Result<void> started = m_provider->start(options);
    QVERIFY2(started.ok(), started.ok() ? "" : qPrintable(started.error().toString()));
    m_tool = registerConsumer(u"Edit tool"_qs, {u"basic"_qs, u"editpage"_qs});
    m_prefix = registerConsumer(u"Prefix tool"_qs, {u"basic"_qs}, u"https://tool.example/cb"_qs, true);
    Result<jose::Jwk> key = jose::KeyGenerator::generate(jose::JwsAlgorithm::RS256);
    QVERIFY(key.ok());
    m_rsaKey = *key;
    m_rsa = registerConsumer(u"RSA tool"_qs, {u"basic"_qs}, kCallback, false, {},
                             QString::fromLatin1(*m_rsaKey.publicKey().toPublicPem()));
    QVERIFY(!m_tool.key.isEmpty() && !m_prefix.key.isEmpty() && !m_rsa.key.isEmpty());
    m_browser = std::make_unique<TestBrowser>(*m_provider->server());
    QVERIFY(logIn(*m_browser, u"Alice"_qs, u"Alice-pass-demo"_qs));
}

void TestSpecialOAuth::cleanupTestCase()
{
    m_browser.reset();
    m_provider.reset();
}

void TestSpecialOAuth::init()
{
    m_clock.set(kNow);
}

QUrl TestSpecialOAuth::pageUrl(const QString &subpage, const QString &extraQuery) const
{
    QString url = m_provider->indexUrl().toString() + u"?title=Special%3AOAuth%2F"_qs + subpage;
    if (!extraQuery.isEmpty())
        url += u'&' + extraQuery;
    return QUrl(url);
}

oauth1::Credentials TestSpecialOAuth::credentials(const Consumer &consumer, const Token &token) const
{
    oauth1::Credentials creds;
    creds.consumerKey = consumer.key.toLatin1();
    creds.consumerSecret = consumer.secret;
    creds.token = token.key;
    creds.tokenSecret = token.secret;
    if (consumer.key == m_rsa.key) {
        creds.method = oauth1::SignatureMethod::RsaSha1;
        creds.rsaPrivateKey = m_rsaKey;
    }
    return creds;
}

Reply TestSpecialOAuth::signedCall(const QString &subpage, const oauth1::Credentials &creds,
                                   const http::FormFields &extraOauth, const QString &extraQuery,
                                   QByteArray nonce, qint64 timestamp)
{
    oauth1::Request request;
    request.method = "POST";
    request.url = pageUrl(subpage, extraQuery);
    if (nonce.isEmpty())
        nonce = "nonce" + QByteArray::number(++m_nonce) + m_random.bytes(6).toHex();
    const Result<oauth1::SignedRequest> signedRequest = oauth1::signRequest(
        request, creds, nonce, timestamp < 0 ? qint64(m_clock.nowSeconds()) : timestamp, extraOauth);
    if (!signedRequest)
        return {};
    return m_http.send("POST", request.url, {}, "application/x-www-form-urlencoded",
                       {{"Authorization", signedRequest->authorizationHeader}});
}

TestSpecialOAuth::Token TestSpecialOAuth::initiate(const Consumer &consumer, const QString &callback)
{
    const Reply reply
        = signedCall(u"initiate"_qs, credentials(consumer), {{"oauth_callback", callback.toUtf8()}});
    const auto form = formOf(reply.body);
    if (form.value(u"oauth_callback_confirmed"_qs) != u"true")
        qWarning() << "initiate:" << reply.body;
    return {form.value(u"oauth_token"_qs).toLatin1(), form.value(u"oauth_token_secret"_qs).toLatin1()};
}

QByteArray TestSpecialOAuth::approve(TestBrowser &browser, const Consumer &consumer,
                                     const Token &requestToken, const QString &subpage, QByteArray *location)
{
    const QString path = u"/w/index.php?title=Special:OAuth/"_qs + subpage + u"&oauth_token="_qs
        + QString::fromLatin1(requestToken.key) + u"&oauth_consumer_key="_qs + consumer.key;
    Reply page = browser.get(path);
    if (page.status == 200 && page.body.contains("mw-mwoauth-authorize-form")) {
        http::FormFields fields;
        for (const char *name : {"title", "wpEditToken", "wpaction", "wpconfirmUpdate", "oauth_version",
                                 "consumerKey", "requestToken"})
            fields.append({QByteArray(name), hiddenValue(page.body, QString::fromLatin1(name)).toUtf8()});
        fields.append({QByteArray("accept"), QByteArray("Allow")});
        page = browser.post(u"/w/index.php?title=Special:OAuth/"_qs + subpage, fields);
    }
    if (location)
        *location = page.header("Location");
    if (page.status != 302) {
        qWarning() << "approve:" << page.status << page.body.left(600);
        return {};
    }
    return QUrlQuery(QUrl::fromEncoded(page.header("Location")).query())
        .queryItemValue(u"oauth_verifier"_qs)
        .toLatin1();
}

TestSpecialOAuth::Token TestSpecialOAuth::exchange(const Consumer &consumer, const Token &requestToken,
                                                   const QByteArray &verifier, Reply *reply)
{
    const Reply answer
        = signedCall(u"token"_qs, credentials(consumer, requestToken), {{"oauth_verifier", verifier}});
    if (reply)
        *reply = answer;
    const auto form = formOf(answer.body);
    return {form.value(u"oauth_token"_qs).toLatin1(), form.value(u"oauth_token_secret"_qs).toLatin1()};
}

TestSpecialOAuth::Token TestSpecialOAuth::accessFor(const Consumer &consumer)
{
    const Token request = initiate(consumer);
    const QByteArray verifier = approve(*m_browser, consumer, request);
    return exchange(consumer, request, verifier);
}

void TestSpecialOAuth::fullFlowHmac()
{
    const Reply initiated = signedCall(u"initiate"_qs, credentials(m_tool), {{"oauth_callback", "oob"}});
    QCOMPARE(initiated.status, 200);
    QCOMPARE(initiated.header("Content-Type"), QByteArray("text/plain"));
    QVERIFY(initiated.header("Cache-Control").contains("no-store"));
    const QRegularExpression raw(u"^oauth_token=([0-9a-f]{32})&oauth_token_secret=([0-9a-f]{32})"
                                 u"&oauth_callback_confirmed=true$"_qs);
    const auto match = raw.match(QString::fromLatin1(initiated.body));
    QVERIFY2(match.hasMatch(), initiated.body.constData());
    const Token request {match.captured(1).toLatin1(), match.captured(2).toLatin1()};

    QByteArray location;
    const QByteArray verifier = approve(*m_browser, m_tool, request, u"authorize"_qs, &location);
    QVERIFY2(QRegularExpression(u"^[0-9a-f]{32}$"_qs).match(QString::fromLatin1(verifier)).hasMatch(),
             location);
    // oob: the registered callback, with the verifier and the request token.
    QVERIFY2(location.startsWith(QByteArray(kCallback.toUtf8() + "?oauth_verifier=")), location);
    QVERIFY(location.endsWith(QByteArray("&oauth_token=" + request.key)));

    Reply answer;
    const Token access = exchange(m_tool, request, verifier, &answer);
    QVERIFY2(QRegularExpression(u"^oauth_token=[0-9a-f]{32}&oauth_token_secret=[0-9a-f]{40}"
                                u"&oauth_callback_confirmed=true$"_qs)
                 .match(QString::fromLatin1(answer.body))
                 .hasMatch(),
             answer.body.constData());

    const Reply identified
        = signedCall(u"identify"_qs, credentials(m_tool, access), {}, {}, "identify-nonce-1");
    QCOMPARE(identified.header("Content-Type"), QByteArray("application/json"));
    const Result<jose::JwsParts> parts = jose::Jws::parse(identified.body);
    QVERIFY2(parts.ok(), identified.body.constData());
    QCOMPARE(parts->header.value(u"alg").toString(), u"HS256"_qs);
    QVERIFY(jose::Jws::verify(*parts, jose::Jwk::fromSecret(m_tool.secret)).ok());
    QVERIFY(
        !jose::Jws::verify(*parts, jose::Jwk::fromSecret("another secret of forty bytes length!!!")).ok());
    const QJsonObject claims = QJsonDocument::fromJson(parts->payload).object();
    QCOMPARE(claims[u"iss"].toString(), m_provider->issuer().toString());
    QCOMPARE(claims[u"aud"].toString(), m_tool.key);
    QCOMPARE(claims[u"iat"].toInteger(), qint64(kNow));
    QCOMPARE(claims[u"exp"].toInteger(), qint64(kNow) + 100);
    QCOMPARE(claims[u"username"].toString(), u"Alice"_qs);
    QCOMPARE(claims[u"sub"].toString(), QString::number(m_provider->users()->findUser(u"Alice"_qs)->id));
    QCOMPARE(claims[u"nonce"].toString(), u"identify-nonce-1"_qs);
    QCOMPARE(claims[u"grants"].toArray(), QJsonArray({u"basic"_qs, u"editpage"_qs}));
    QVERIFY(claims[u"groups"].toArray().contains(u"user"_qs));
    QVERIFY(claims[u"rights"].toArray().contains(u"edit"_qs));
    QVERIFY(claims[u"blocked"].isBool() && claims[u"confirmed_email"].isBool()
            && claims[u"editcount"].isDouble());
    QVERIFY(!claims.contains(u"email") && !claims.contains(u"realname"));
}

void TestSpecialOAuth::fullFlowRsa()
{
    const Token request = initiate(m_rsa);
    QVERIFY(!request.key.isEmpty());
    const QByteArray verifier = approve(*m_browser, m_rsa, request);
    QVERIFY(!verifier.isEmpty());
    const Token access = exchange(m_rsa, request, verifier);
    QVERIFY(!access.key.isEmpty());
    QCOMPARE(access.secret, QByteArray("__unused__")); // RSA consumers get no token secret
    const Reply identified = signedCall(u"identify"_qs, credentials(m_rsa, access));
    const Result<jose::JwsParts> parts = jose::Jws::parse(identified.body);
    QVERIFY2(parts.ok(), identified.body.constData());
    QVERIFY(jose::Jws::verify(*parts, jose::Jwk::fromSecret(m_rsa.secret)).ok());
    // Another RSA key does not verify.
    oauth1::Credentials forged = credentials(m_rsa, access);
    forged.rsaPrivateKey = *jose::KeyGenerator::generate(jose::JwsAlgorithm::RS256);
    const Reply refused = signedCall(u"identify"_qs, forged);
    QCOMPARE(refused.json()[u"error"].toString(), u"mwoauth-oauth-exception"_qs);
    QCOMPARE(refused.json()[u"message"].toString(),
             u"An error occurred in the OAuth protocol: Invalid signature"_qs);
}

void TestSpecialOAuth::jsonFormat()
{
    const Reply initiated
        = signedCall(u"initiate"_qs, credentials(m_tool), {{"oauth_callback", "oob"}}, u"format=json"_qs);
    QCOMPARE(initiated.header("Content-Type"), QByteArray("application/json"));
    const QJsonObject body = initiated.json();
    QCOMPARE(body.keys(), QStringList({u"key"_qs, u"oauth_callback_confirmed"_qs, u"secret"_qs}));
    QCOMPARE(body[u"oauth_callback_confirmed"].toString(), u"true"_qs);
    const Reply failed = signedCall(u"initiate"_qs, credentials(m_tool),
                                    {{"oauth_callback", "https://x.example/"}}, u"format=json"_qs);
    QCOMPARE(failed.status, 200);
    QCOMPARE(failed.json(),
             QJsonObject({{u"error"_qs, u"mwoauth-callback-not-oob"_qs},
                          {u"message"_qs,
                           u"oauth_callback must be set, and must be set to \"oob\" (case-sensitive)"_qs}}));
}

void TestSpecialOAuth::headerWinsOverQuery()
{
    // The query names another (unknown) consumer and a wrong signature; the header's win.
    const Reply reply
        = signedCall(u"initiate"_qs, credentials(m_tool), {{"oauth_callback", "oob"}},
                     u"oauth_consumer_key=0123456789abcdef0123456789abcdef&oauth_signature=bogus"_qs);
    // The base string then has one oauth_consumer_key (the header's), as MediaWiki merges
    // them; our signer signed both, so the signature does not match -- but the consumer
    // looked up is the header's: not "Invalid consumer".
    QCOMPARE(QString::fromUtf8(reply.body),
             u"Error: An error occurred in the OAuth protocol: Invalid signature"_qs);

    // Signed over the merged parameters, it works.
    oauth1::Request request;
    request.method = "GET";
    request.url = pageUrl(u"initiate"_qs, u"oauth_consumer_key=0123456789abcdef0123456789abcdef"_qs);
    http::FormFields oauth {{"oauth_consumer_key", m_tool.key.toLatin1()},
                            {"oauth_signature_method", "HMAC-SHA1"},
                            {"oauth_timestamp", QByteArray::number(qint64(kNow))},
                            {"oauth_nonce", "header-wins"},
                            {"oauth_version", "1.0"},
                            {"oauth_callback", "oob"}};
    QUrl baseUrl = request.url;
    baseUrl.setQuery(u"title=Special:OAuth/initiate"_qs);
    oauth1::Request merged {"GET", baseUrl, {}};
    const QByteArray base = *oauth1::signatureBaseString(merged, oauth);
    oauth.append({"oauth_signature", *oauth1::sign(credentials(m_tool), base)});
    const Reply ok = m_http.send("GET", request.url, {}, {},
                                 {{"Authorization", oauth1::AuthorizationHeader::encode(oauth)}});
    QVERIFY2(ok.body.startsWith("oauth_token="), ok.body.constData());
}

void TestSpecialOAuth::malformedHeader()
{
    const Reply reply = m_http.send("POST", pageUrl(u"initiate"_qs), {}, "application/x-www-form-urlencoded",
                                    {{"Authorization", "OAuth oauth_consumer_key=unquoted"}});
    QCOMPARE(reply.status, 200);
    QVERIFY2(reply.body.startsWith("Error: An error occurred in the OAuth protocol: "),
             reply.body.constData());
    QVERIFY(reply.body.contains("double quotes"));
    // No header, no parameters: the consumer key is missing.
    const Reply bare = m_http.send("POST", pageUrl(u"initiate"_qs));
    QCOMPARE(QString::fromUtf8(bare.body),
             u"Error: An error occurred in the OAuth protocol: Invalid consumer key"_qs);
}

void TestSpecialOAuth::plaintextRefusedUnlessAllowed()
{
    oauth1::Credentials creds = credentials(m_tool);
    creds.method = oauth1::SignatureMethod::Plaintext;
    const Reply refused = signedCall(u"initiate"_qs, creds, {{"oauth_callback", "oob"}});
    QCOMPARE(QString::fromUtf8(refused.body),
             u"Error: An error occurred in the OAuth protocol: Signature method &#039;PLAINTEXT&#039; not "
             u"supported try one "
             u"of the following: HMAC-SHA1, RSA-SHA1"_qs);

    // A provider configured to allow it.
    LocalProvider plain(m_clock, m_random);
    LocalProviderOptions options;
    options.passwordIterations = 1000;
    options.oauth1.allowPlaintext = true;
    QVERIFY(plain.start(options).ok());
    const auto owner = plain.users()->createUser(u"Owner"_qs, u"Owner-password-1"_qs);
    QVERIFY(owner.ok());
    ClientRegistration r;
    r.name = u"Plain"_qs;
    r.oauthVersion = 1;
    r.callbackUrl = kCallback;
    r.description = u"plain"_qs;
    r.email = u"o@example.org"_qs;
    r.grants = {u"basic"_qs};
    r.approved = true;
    r.ownerId = owner->id;
    const auto issued = plain.clients()->registerClient(r, u"Owner"_qs);
    QVERIFY(issued.ok());
    oauth1::Request request {
        "POST", QUrl(plain.indexUrl().toString() + u"?title=Special:OAuth/initiate"_qs), {}};
    creds.consumerKey = issued->client.consumerKey.toLatin1();
    creds.consumerSecret = issued->secret;
    const auto signedRequest
        = oauth1::signRequest(request, creds, "plain-nonce", qint64(kNow), {{"oauth_callback", "oob"}});
    QVERIFY(signedRequest.ok());
    const Reply ok = m_http.send("POST", request.url, {}, "application/x-www-form-urlencoded",
                                 {{"Authorization", signedRequest->authorizationHeader}});
    QVERIFY2(ok.body.startsWith("oauth_token="), ok.body.constData());
    creds.consumerSecret = "wrong";
    const auto wrong
        = oauth1::signRequest(request, creds, "plain-nonce-2", qint64(kNow), {{"oauth_callback", "oob"}});
    const Reply bad = m_http.send("POST", request.url, {}, "application/x-www-form-urlencoded",
                                  {{"Authorization", wrong->authorizationHeader}});
    QCOMPARE(QString::fromUtf8(bad.body),
             u"Error: An error occurred in the OAuth protocol: Invalid signature"_qs);
}

void TestSpecialOAuth::signatureChecks_data()
{
    QTest::addColumn<QString>("what");
    QTest::addColumn<QString>("message");
    QTest::newRow("wrong secret") << "secret"
                                  << "Invalid signature";
    QTest::newRow("old timestamp") << "old"
                                   << "Expired timestamp, yours 1763867699, ours 1763868000";
    QTest::newRow("future timestamp") << "future"
                                      << "Expired timestamp, yours 1763868301, ours 1763868000";
    QTest::newRow("version 2.0") << "version"
                                 << "OAuth version &#039;2.0&#039; not supported";
    QTest::newRow("unknown consumer") << "consumer"
                                      << "Invalid consumer";
}

void TestSpecialOAuth::signatureChecks()
{
    QFETCH(QString, what);
    QFETCH(QString, message);
    oauth1::Credentials creds = credentials(m_tool);
    qint64 timestamp = qint64(kNow);
    http::FormFields extra {{"oauth_callback", "oob"}};
    if (what == u"secret")
        creds.consumerSecret = "not the secret";
    if (what == u"old")
        timestamp -= 301;
    if (what == u"future")
        timestamp += 301;
    if (what == u"consumer")
        creds.consumerKey = "0123456789abcdef0123456789abcdef";
    Reply reply;
    if (what == u"version") {
        // signRequest always writes 1.0; put 2.0 in the query, which the header does not override
        // because... it does: so sign by hand.
        http::FormFields oauth {{"oauth_consumer_key", creds.consumerKey},
                                {"oauth_signature_method", "HMAC-SHA1"},
                                {"oauth_timestamp", QByteArray::number(timestamp)},
                                {"oauth_nonce", "v2"},
                                {"oauth_version", "2.0"},
                                {"oauth_callback", "oob"}};
        const QUrl url = pageUrl(u"initiate"_qs);
        const QByteArray base = *oauth1::signatureBaseString({"POST", url, {}}, oauth);
        oauth.append({"oauth_signature", *oauth1::sign(creds, base)});
        reply = m_http.send("POST", url, {}, "application/x-www-form-urlencoded",
                            {{"Authorization", oauth1::AuthorizationHeader::encode(oauth)}});
    } else {
        reply = signedCall(u"initiate"_qs, creds, extra, {}, {}, timestamp);
    }
    QCOMPARE(reply.status, 200);
    QCOMPARE(QString::fromUtf8(reply.body), u"Error: An error occurred in the OAuth protocol: "_qs + message);
}

void TestSpecialOAuth::reusedNonce()
{
    const Reply first
        = signedCall(u"initiate"_qs, credentials(m_tool), {{"oauth_callback", "oob"}}, {}, "same-nonce");
    QVERIFY(first.body.startsWith("oauth_token="));
    const Reply again
        = signedCall(u"initiate"_qs, credentials(m_tool), {{"oauth_callback", "oob"}}, {}, "same-nonce");
    QCOMPARE(QString::fromUtf8(again.body),
             u"Error: An error occurred in the OAuth protocol: Nonce already used: same-nonce"_qs);
    // Another consumer may use the same nonce.
    const Reply other
        = signedCall(u"initiate"_qs, credentials(m_rsa), {{"oauth_callback", "oob"}}, {}, "same-nonce");
    QVERIFY2(other.body.startsWith("oauth_token="), other.body.constData());
}

void TestSpecialOAuth::requestTokenSingleUse()
{
    const Token request = initiate(m_tool);
    const QByteArray verifier = approve(*m_browser, m_tool, request);
    QVERIFY(!exchange(m_tool, request, verifier).key.isEmpty());
    Reply reply;
    QVERIFY(exchange(m_tool, request, verifier, &reply).key.isEmpty());
    QVERIFY2(
        reply.body.startsWith("Error: This request has already been completed and cannot be resubmitted."),
        reply.body.constData());
    QVERIFY(reply.body.contains("Help:OAuth/Errors#E009"));
}

void TestSpecialOAuth::requestTokenExpires()
{
    const Token request = initiate(m_tool);
    const QByteArray verifier = approve(*m_browser, m_tool, request);
    QVERIFY(!verifier.isEmpty());
    m_clock.advance(601);
    Reply reply;
    QVERIFY(exchange(m_tool, request, verifier, &reply).key.isEmpty());
    QVERIFY2(reply.body.startsWith("Error: Sorry, something went wrong connecting this application."),
             reply.body.constData());
    QVERIFY(reply.body.contains("OAuth token not found") && reply.body.contains("#E004"));
}

void TestSpecialOAuth::wrongVerifier()
{
    const Token request = initiate(m_tool);
    const QByteArray verifier = approve(*m_browser, m_tool, request);
    Reply reply;
    QVERIFY(exchange(m_tool, request, "0123456789abcdef0123456789abcdef", &reply).key.isEmpty());
    QCOMPARE(QString::fromUtf8(reply.body), u"Error: The verification code provided was not valid."_qs);
    // Not used up by the wrong verifier (MediaWiki checks it first).
    QVERIFY(!exchange(m_tool, request, verifier).key.isEmpty());
    // Before approval there is no verifier at all.
    const Token unapproved = initiate(m_tool);
    QVERIFY(exchange(m_tool, unapproved, "x", &reply).key.isEmpty());
    QCOMPARE(QString::fromUtf8(reply.body), u"Error: No token was found matching your request."_qs);
}

void TestSpecialOAuth::callbacks_data()
{
    QTest::addColumn<bool>("prefix");
    QTest::addColumn<QString>("callback");
    QTest::addColumn<QString>("error");
    QTest::newRow("oob, no prefix") << false << "oob"
                                    << "";
    QTest::newRow("url, no prefix") << false << "https://tool.example/oauth/callback"
                                    << "mwoauth-callback-not-oob";
    QTest::newRow("empty, no prefix") << false << ""
                                      << "mwoauth-callback-not-oob";
    QTest::newRow("OOB case") << false << "OOB"
                              << "mwoauth-callback-not-oob";
    QTest::newRow("oob, prefix") << true << "oob"
                                 << "";
    QTest::newRow("under prefix") << true << "https://tool.example/cb/done?x=1"
                                  << "";
    QTest::newRow("other host") << true << "https://evil.example/cb"
                                << "mwoauth-callback-not-oob-or-prefix";
    QTest::newRow("other path") << true << "https://tool.example/other"
                                << "mwoauth-callback-not-oob-or-prefix";
    QTest::newRow("dot segments") << true << "https://tool.example/cb/../../evil"
                                  << "mwoauth-callback-not-oob-or-prefix";
    QTest::newRow("empty, prefix") << true << ""
                                   << "mwoauth-callback-not-oob-or-prefix";
}

void TestSpecialOAuth::callbacks()
{
    QFETCH(bool, prefix);
    QFETCH(QString, callback);
    QFETCH(QString, error);
    const Consumer &consumer = prefix ? m_prefix : m_tool;
    const Reply reply = signedCall(u"initiate"_qs, credentials(consumer),
                                   {{"oauth_callback", callback.toUtf8()}}, u"format=json"_qs);
    if (error.isEmpty()) {
        QVERIFY2(reply.json().contains(u"key"), reply.body.constData());
        if (callback != u"oob") {
            const Token token {reply.json()[u"key"].toString().toLatin1(),
                               reply.json()[u"secret"].toString().toLatin1()};
            QByteArray location;
            QVERIFY(!approve(*m_browser, consumer, token, u"authorize"_qs, &location).isEmpty());
            QVERIFY2(location.startsWith(QByteArray(callback.toUtf8() + "&oauth_verifier=")),
                     location.constData());
        }
    } else {
        QCOMPARE(reply.json()[u"error"].toString(), error);
    }
}

void TestSpecialOAuth::ownerOnlyRefused()
{
    const Consumer owned
        = registerConsumer(u"Owner-only tool"_qs, {u"basic"_qs}, {}, false, {}, {}, true, true, u"Alice"_qs);
    QVERIFY(!owned.accessToken.isEmpty() && !owned.accessSecret.isEmpty());
    const Reply initiated
        = signedCall(u"initiate"_qs, credentials(owned), {{"oauth_callback", "oob"}}, u"format=json"_qs);
    QCOMPARE(initiated.json()[u"error"].toString(), u"mwoauthserver-consumer-owner-only"_qs);
    QVERIFY(initiated.json()[u"message"].toString().startsWith(
        u"\"Owner-only tool\" is an owner-only Connected App."));
    const Reply page
        = m_browser->get(u"/w/index.php?title=Special:OAuth/authorize&oauth_token="_qs
                         + u"0123456789abcdef0123456789abcdef&oauth_consumer_key="_qs + owned.key);
    QCOMPARE(page.status, 200);
    QVERIFY2(page.body.contains("is an owner-only Connected App"), page.body.constData());
    QVERIFY(!page.body.contains("mw-mwoauth-authorize-form"));
    // Its registration-time access token works for identify and the API.
    const Reply identified
        = signedCall(u"identify"_qs, credentials(owned, {owned.accessToken, owned.accessSecret}));
    QVERIFY2(jose::Jws::parse(identified.body).ok(), identified.body.constData());
}

void TestSpecialOAuth::proposedConsumerOwnerOnly()
{
    // Proposed by Admin: Alice (not the owner) gets E005; the owner may use it.
    const Consumer proposed
        = registerConsumer(u"Proposed tool"_qs, {u"basic"_qs}, kCallback, false, {}, {}, false);
    const Token request = initiate(proposed);
    QVERIFY(!request.key.isEmpty());
    const Reply page
        = m_browser->get(u"/w/index.php?title=Special:OAuth/authorize&oauth_token="_qs
                         + QString::fromLatin1(request.key) + u"&oauth_consumer_key="_qs + proposed.key);
    QVERIFY2(page.body.contains("is not approved as a Connected App"), page.body.constData());
    QVERIFY(page.body.contains("Help:OAuth/Errors#E005"));
    TestBrowser admin(*m_provider->server());
    // Admin has TOTP; log in through the API session instead: create the session directly.
    SessionData session;
    session.insert(LoginService::UserIdKey, m_provider->users()->findUser(u"Admin"_qs)->id);
    session.insert(LoginService::UserNameKey, u"Admin"_qs);
    const QByteArray id = m_random.bytes(16).toHex();
    QVERIFY(m_provider->sessions()->save(id, session).ok());
    admin.setSessionId(id);
    QVERIFY(!approve(admin, proposed, request).isEmpty());
}

void TestSpecialOAuth::identifyPrivateClaims()
{
    const Consumer identity = registerConsumer(u"Identity tool"_qs, {u"mwoauth-authonlyprivate"_qs});
    const Token access = accessFor(identity);
    QVERIFY(!access.key.isEmpty());
    const Reply identified = signedCall(u"identify"_qs, credentials(identity, access));
    const QJsonObject claims = QJsonDocument::fromJson(jose::Jws::parse(identified.body)->payload).object();
    QCOMPARE(claims[u"grants"].toArray(), QJsonArray({u"mwoauth-authonlyprivate"_qs}));
    QVERIFY(claims.contains(u"email") && claims.contains(u"realname"));
    // authenticate skips the form for this identical auth-only approval.
    const Token again = initiate(identity);
    const Reply direct
        = m_browser->get(u"/w/index.php?title=Special:OAuth/authenticate&oauth_token="_qs
                         + QString::fromLatin1(again.key) + u"&oauth_consumer_key="_qs + identity.key);
    QCOMPARE(direct.status, 302);
    QVERIFY(direct.header("Location").contains("oauth_verifier="));
    // authorize always asks.
    const Token third = initiate(identity);
    const Reply asked
        = m_browser->get(u"/w/index.php?title=Special:OAuth/authorize&oauth_token="_qs
                         + QString::fromLatin1(third.key) + u"&oauth_consumer_key="_qs + identity.key);
    QVERIFY(asked.body.contains("mw-mwoauth-authorize-form"));
}

void TestSpecialOAuth::apiCallRunsAsUserWithGrants()
{
    const Token access = accessFor(m_tool);
    oauth1::Request request {
        "GET",
        QUrl(m_provider->apiUrl().toString()
             + u"?action=query&meta=userinfo&uiprop=rights&format=json&formatversion=2"_qs),
        {}};
    const auto signedRequest
        = oauth1::signRequest(request, credentials(m_tool, access), "api-1", qint64(kNow));
    const Reply reply
        = m_http.send("GET", request.url, {}, {}, {{"Authorization", signedRequest->authorizationHeader}});
    const QJsonObject info = reply.json()[u"query"][u"userinfo"].toObject();
    QCOMPARE(info[u"name"].toString(), u"Alice"_qs);
    const QJsonArray rights = info[u"rights"].toArray();
    QVERIFY2(rights.contains(u"edit"_qs), reply.body.constData()); // editpage
    QVERIFY(!rights.contains(u"upload"_qs)); // not granted
    QVERIFY(reply.header("Set-Cookie").isEmpty());
}

void TestSpecialOAuth::apiBadSignature()
{
    const Token access = accessFor(m_tool);
    oauth1::Request request {
        "GET", QUrl(m_provider->apiUrl().toString() + u"?action=query&meta=userinfo&format=json"_qs), {}};
    oauth1::Credentials creds = credentials(m_tool, access);
    creds.tokenSecret = "wrong";
    const auto signedRequest = oauth1::signRequest(request, creds, "api-bad", qint64(kNow));
    const Reply reply
        = m_http.send("GET", request.url, {}, {}, {{"Authorization", signedRequest->authorizationHeader}});
    QCOMPARE(reply.status, 200);
    QCOMPARE(reply.header("MediaWiki-API-Error"), QByteArray("mwoauth-invalid-authorization"));
    QCOMPARE(
        reply.json()[u"error"][u"info"].toString(),
        u"The authorization headers in your request are not valid: An error occurred in the OAuth protocol: "
        u"Invalid signature"_qs);
}

void TestSpecialOAuth::ipRestrictions()
{
    const Consumer far = registerConsumer(u"Far tool"_qs, {u"basic"_qs}, kCallback, false,
                                          u"{\"IPAddresses\":[\"10.0.0.0/8\",\"2001:db8::/32\"]}"_qs);
    const Reply initiated
        = signedCall(u"initiate"_qs, credentials(far), {{"oauth_callback", "oob"}}, u"format=json"_qs);
    QCOMPARE(initiated.json()[u"error"].toString(), u"mwoauthdatastore-bad-source-ip"_qs);
    QCOMPARE(initiated.json()[u"message"].toString(), u"The request came from an invalid IP address."_qs);
    const Consumer near = registerConsumer(u"Near tool"_qs, {u"basic"_qs}, kCallback, false,
                                           u"{\"IPAddresses\":[\"127.0.0.0/8\"]}"_qs);
    QVERIFY(!initiate(near).key.isEmpty());
}

void TestSpecialOAuth::ipRestrictionsOAuth2()
{
    ClientRegistration r;
    r.name = u"Far OAuth 2 machine"_qs;
    r.callbackUrl = kCallback;
    r.description = u"far"_qs;
    r.email = u"dev@example.org"_qs;
    r.oauth2GrantTypes = {u"client_credentials"_qs};
    r.grants = {u"basic"_qs};
    r.restrictions = u"{\"IPAddresses\":[\"192.0.2.0/24\"]}"_qs;
    r.approved = true;
    r.ownerId = m_provider->users()->findUser(u"Admin"_qs)->id;
    const auto issued = m_provider->clients()->registerClient(r, u"Admin"_qs);
    QVERIFY(issued.ok());
    const Reply token
        = m_http.send("POST", QUrl(m_provider->restUrl().toString() + u"/oauth2/access_token"_qs),
                      "grant_type=client_credentials&client_id=" + issued->client.consumerKey.toLatin1()
                          + "&client_secret=" + issued->secret);
    QVERIFY2(token.status >= 400, token.body.constData());
    QVERIFY2(token.body.contains("invalid IP address"), token.body.constData());
}

void TestSpecialOAuth::unknownSubpage()
{
    const Reply reply = m_http.send("GET", pageUrl(u"nonsense"_qs));
    QCOMPARE(reply.status, 200);
    QVERIFY(reply.body.contains("Unknown URL") && reply.body.contains("E002"));
    const Reply verified
        = m_http.send("GET", pageUrl(u"verified"_qs, u"oauth_verifier=abc&oauth_token=def"_qs));
    QVERIFY(verified.body.contains("abc") && verified.body.contains("def"));
    const Reply missing = m_http.send("GET", pageUrl(u"verified"_qs));
    QVERIFY(missing.body.contains("E001"));
}

void TestSpecialOAuth::loginRedirect()
{
    TestBrowser anonymous(*m_provider->server());
    const Reply reply = anonymous.get(
        u"/w/index.php?title=Special:OAuth/authorize&oauth_token=abc&oauth_consumer_key="_qs + m_tool.key);
    QCOMPARE(reply.status, 302);
    const QUrl location = QUrl::fromEncoded(reply.header("Location"));
    const QUrlQuery query(location.query());
    QCOMPARE(query.queryItemValue(u"title"_qs), u"Special:UserLogin"_qs);
    QCOMPARE(query.queryItemValue(u"returnto"_qs), u"Special:OAuth/authorize"_qs);
    QCOMPARE(query.queryItemValue(u"returntoquery"_qs, QUrl::FullyDecoded).replace(u'+', u' '),
             u"oauth_token=abc&oauth_consumer_key="_qs + m_tool.key);
}

QTEST_GUILESS_MAIN(TestSpecialOAuth)
#include "TestSpecialOAuth.moc"
