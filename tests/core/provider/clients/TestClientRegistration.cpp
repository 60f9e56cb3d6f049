// ClientRegistration::validate(): ConsumerSubmitControl `propose`, every field that can be
// refused, with the error code and a message that names the field.

#include "jose/KeyGenerator.h"
#include "provider/clients/ClientRegistration.h"

#include <QFile>
#include <QTest>

using namespace mwauth;
using namespace mwauth::provider;
using namespace Qt::StringLiterals;

class TestClientRegistration : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase();
    void validate_data();
    void validate();
    void restrictionsForIpRanges_data();
    void restrictionsForIpRanges();

private:
    static ClientRegistration base();
    static void set(ClientRegistration &r, const QString &field, const QVariant &value);

    QString m_rsaPublic;
    QString m_rsaPrivate;
    QString m_ecPublic;
};

void TestClientRegistration::initTestCase()
{
    QFile pem(QStringLiteral(MWAUTH_SHARED_DIR "/peers/mediawiki/fixtures/oauth-ext/oauth2-public-key.pem"));
    QVERIFY(pem.open(QIODevice::ReadOnly));
    m_rsaPublic = QString::fromLatin1(pem.readAll());
    const Result<jose::Jwk> rsa = jose::KeyGenerator::generate(jose::JwsAlgorithm::RS256);
    const Result<jose::Jwk> ec = jose::KeyGenerator::generate(jose::JwsAlgorithm::ES256);
    QVERIFY(rsa.ok() && ec.ok());
    m_rsaPrivate = QString::fromLatin1(rsa->toPrivatePem().valueOr({}));
    m_ecPublic = QString::fromLatin1(ec->toPublicPem().valueOr({}));
    QVERIFY(!m_rsaPrivate.isEmpty() && !m_ecPublic.isEmpty());
}

ClientRegistration TestClientRegistration::base()
{
    ClientRegistration r;
    r.name = QStringLiteral("Test app");
    r.version = QStringLiteral("1.0");
    r.oauthVersion = 2;
    r.callbackUrl = QStringLiteral("https://app.example.org/callback");
    r.email = QStringLiteral("admin@example.invalid");
    r.ownerId = 1;
    r.oauth2GrantTypes = {QStringLiteral("authorization_code"), QStringLiteral("refresh_token")};
    r.grants = {QStringLiteral("basic"), QStringLiteral("editpage")};
    return r;
}

void TestClientRegistration::set(ClientRegistration &r, const QString &field, const QVariant &value)
{
    if (field == u"name")
        r.name = value.toString();
    else if (field == u"version")
        r.version = value.toString();
    else if (field == u"oauthVersion")
        r.oauthVersion = value.toInt();
    else if (field == u"callbackUrl")
        r.callbackUrl = value.toString();
    else if (field == u"public")
        r.oauth2IsConfidential = !value.toBool();
    else if (field == u"ownerOnly")
        r.ownerOnly = value.toBool();
    else if (field == u"description")
        r.description = value.toString();
    else if (field == u"email")
        r.email = value.toString();
    else if (field == u"wiki")
        r.wiki = value.toString();
    else if (field == u"oauth2GrantTypes")
        r.oauth2GrantTypes = value.toStringList();
    else if (field == u"grants")
        r.grants = value.toStringList();
    else if (field == u"rsaKey")
        r.rsaKey = value.toString();
    else if (field == u"restrictions")
        r.restrictions = value.toString();
    else if (field == u"agreement")
        r.developerAgreement = value.toBool();
    else
        QFAIL(qPrintable(QStringLiteral("unknown field ") + field));
}

void TestClientRegistration::validate_data()
{
    // Changes applied in order to base(); `refused` is the field the message must name
    // (empty: accepted).
    QTest::addColumn<QStringList>("fields");
    QTest::addColumn<QVariantList>("values");
    QTest::addColumn<QString>("refused");
    QTest::addColumn<QString>("needle");

    const auto row = [](const char *name, QStringList fields, QVariantList values, const char *refused,
                        const char *needle = "") {
        QTest::newRow(name) << fields << values << QString::fromLatin1(refused) << QString::fromUtf8(needle);
    };
    const QString cc = QStringLiteral("client_credentials");
    row("valid", {}, {}, "");
    row("name 128 bytes", {QStringLiteral("name")}, {QString(128, u'n')}, "");
    row("name empty", {QStringLiteral("name")}, {QString()}, "name", "1 to 128 bytes");
    row("name 129 bytes", {QStringLiteral("name")}, {QString(129, u'n')}, "name", "129");
    row("name 65 two-byte chars", {QStringLiteral("name")}, {QString(65, QChar(0xe9))}, "name", "130");
    row("name newline", {QStringLiteral("name")}, {QStringLiteral("a\nb")}, "name", "control");
    row("version 2.1.3-beta2", {QStringLiteral("version")}, {QStringLiteral("2.1.3-beta2")}, "");
    row("version v3", {QStringLiteral("version")}, {QStringLiteral("v3")}, "");
    row("version dev-main", {QStringLiteral("version")}, {QStringLiteral("dev-main")}, "");
    row("version words", {QStringLiteral("version")}, {QStringLiteral("latest")}, "version", "latest");
    row("version empty", {QStringLiteral("version")}, {QString()}, "version");
    row("version 33 bytes", {QStringLiteral("version")}, {QString(QStringLiteral("1.") + QString(31, u'0'))},
        "version", "32 bytes");
    row("oauthVersion 3", {QStringLiteral("oauthVersion")}, {3}, "oauthVersion", "1 or 2");
    row("callback empty", {QStringLiteral("callbackUrl")}, {QString()}, "callbackUrl", "required");
    row("callback 2001 bytes", {QStringLiteral("callbackUrl")},
        {QString(QStringLiteral("https://app.example.org/") + QString(1977, u'a'))}, "callbackUrl", "2001");
    row("callback relative", {QStringLiteral("callbackUrl")}, {QStringLiteral("/callback")}, "callbackUrl",
        "absolute");
    row("callback http public host", {QStringLiteral("callbackUrl")},
        {QStringLiteral("http://app.example.org/cb")}, "callbackUrl", "https");
    row("callback http localhost", {QStringLiteral("callbackUrl")},
        {QStringLiteral("http://localhost:8080/cb")}, "");
    row("callback http 127.0.0.1", {QStringLiteral("callbackUrl")},
        {QStringLiteral("http://127.0.0.1:8766/cb")}, "");
    row("callback http [::1]", {QStringLiteral("callbackUrl")}, {QStringLiteral("http://[::1]:8766/cb")}, "");
    row("callback http x.localhost", {QStringLiteral("callbackUrl")},
        {QStringLiteral("http://app.localhost/cb")}, "");
    row("callback http localhost.evil", {QStringLiteral("callbackUrl")},
        {QStringLiteral("http://localhost.evil.example/cb")}, "callbackUrl", "loopback");
    row("callback userinfo", {QStringLiteral("callbackUrl")},
        {QStringLiteral("https://app.example.org@evil.example/cb")}, "callbackUrl", "user name");
    row("callback fragment", {QStringLiteral("callbackUrl")},
        {QStringLiteral("https://app.example.org/cb#x")}, "callbackUrl", "fragment");
    row("callback javascript", {QStringLiteral("public"), QStringLiteral("callbackUrl")},
        {true, QStringLiteral("javascript:alert(1)")}, "callbackUrl", "javascript:");
    row("callback custom scheme, public", {QStringLiteral("public"), QStringLiteral("callbackUrl")},
        {true, QStringLiteral("org.example.app:/callback")}, "");
    row("callback custom scheme, confidential", {QStringLiteral("callbackUrl")},
        {QStringLiteral("org.example.app:/callback")}, "callbackUrl", "public");
    row("callback ignored for owner-only",
        {QStringLiteral("ownerOnly"), QStringLiteral("oauth2GrantTypes"), QStringLiteral("callbackUrl")},
        {true, QStringList {cc}, QString()}, "");
    row("oauth1 http callback", {QStringLiteral("oauthVersion"), QStringLiteral("callbackUrl")},
        {1, QStringLiteral("http://app.example.org/cb")}, "");
    row("oauth1 custom scheme", {QStringLiteral("oauthVersion"), QStringLiteral("callbackUrl")},
        {1, QStringLiteral("org.example.app:/cb")}, "callbackUrl", "http or https");
    row("description 64 KiB", {QStringLiteral("description")}, {QString(65535, u'd')}, "description",
        "64 KiB");
    row("email invalid", {QStringLiteral("email")}, {QStringLiteral("not an address")}, "email",
        "not an address");
    row("email empty", {QStringLiteral("email")}, {QString()}, "email");
    row("wiki own id", {QStringLiteral("wiki")}, {QStringLiteral("testwiki")}, "");
    row("wiki other", {QStringLiteral("wiki")}, {QStringLiteral("enwiki")}, "wiki", "enwiki");
    row("grant types empty", {QStringLiteral("oauth2GrantTypes")}, {QStringList()}, "oauth2GrantTypes",
        "at least one");
    row("grant type password", {QStringLiteral("oauth2GrantTypes")},
        {QStringList {QStringLiteral("password")}}, "oauth2GrantTypes", "'password'");
    row("grant type implicit", {QStringLiteral("oauth2GrantTypes")},
        {QStringList {QStringLiteral("implicit")}}, "oauth2GrantTypes", "'implicit'");
    row("grant types ignored for oauth1",
        {QStringLiteral("oauthVersion"), QStringLiteral("oauth2GrantTypes")}, {1, QStringList()}, "");
    row("owner-only with authorization_code", {QStringLiteral("ownerOnly")}, {true}, "oauth2GrantTypes",
        "only the client_credentials");
    row("owner-only public",
        {QStringLiteral("ownerOnly"), QStringLiteral("oauth2GrantTypes"), QStringLiteral("public")},
        {true, QStringList {cc}, true}, "oauth2GrantTypes", "confidential");
    row("public with client_credentials", {QStringLiteral("public"), QStringLiteral("oauth2GrantTypes")},
        {true, QStringList {cc}}, "oauth2GrantTypes", "public client");
    row("grants unknown", {QStringLiteral("grants")}, {QStringList {QStringLiteral("superpowers")}}, "grants",
        "superpowers");
    row("grants special", {QStringLiteral("grants")}, {QStringList {QStringLiteral("mwoauth-authonly")}}, "");
    row("restrictions not JSON", {QStringLiteral("restrictions")}, {QStringLiteral("{")}, "restrictions");
    row("restrictions array", {QStringLiteral("restrictions")}, {QStringLiteral("[]")}, "restrictions");
    row("restrictions object", {QStringLiteral("restrictions")},
        {QStringLiteral("{\"IPAddresses\":[\"10.0.0.0/8\"]}")}, "");
    row("rsaKey garbage", {QStringLiteral("oauthVersion"), QStringLiteral("rsaKey")},
        {1, QStringLiteral("-----BEGIN PUBLIC KEY-----\nnope\n-----END PUBLIC KEY-----\n")}, "rsaKey", "PEM");
    const QStringList oauth1Key = {QStringLiteral("oauthVersion"), QStringLiteral("rsaKey")};
    row("rsaKey RSA public", oauth1Key, {1, m_rsaPublic}, "");
    row("rsaKey RSA private", oauth1Key, {1, m_rsaPrivate}, "rsaKey", "private key");
    row("rsaKey EC public", oauth1Key, {1, m_ecPublic}, "rsaKey", "not RSA");
    row("agreement missing", {QStringLiteral("agreement")}, {false}, "agreement", "agreement");
}

void TestClientRegistration::validate()
{
    QFETCH(QStringList, fields);
    QFETCH(QVariantList, values);
    QFETCH(QString, refused);
    QFETCH(QString, needle);
    ClientRegistration r = base();
    for (qsizetype i = 0; i < fields.size(); ++i)
        set(r, fields.at(i), values.at(i));
    const Result<void> result = r.validate(QStringLiteral("testwiki"));
    if (refused.isEmpty()) {
        QVERIFY2(result.ok(), qPrintable(result.error().message()));
        return;
    }
    QVERIFY(!result.ok());
    QCOMPARE(result.error().code(), ErrorCode::InvalidInput);
    const QString message = result.error().message();
    QVERIFY2(message.startsWith(refused + QStringLiteral(": ")), qPrintable(message));
    QVERIFY2(message.contains(needle, Qt::CaseInsensitive), qPrintable(message));
}

void TestClientRegistration::restrictionsForIpRanges_data()
{
    QTest::addColumn<QStringList>("ranges");
    QTest::addColumn<QString>("json"); // "" = default; "error: <text>" = refused with <text>
    QTest::newRow("none: the default") << QStringList() << QString();
    QTest::newRow("blank lines only") << QStringList {u" "_s, QString()} << QString();
    QTest::newRow("IPv4 and IPv6") << QStringList {u"192.0.2.0/24"_s, u" 2001:db8::/32 "_s}
                                   << u"{\"IPAddresses\":[\"192.0.2.0/24\",\"2001:db8::/32\"]}"_s;
    QTest::newRow("one host") << QStringList {u"127.0.0.1/32"_s} << u"{\"IPAddresses\":[\"127.0.0.1/32\"]}"_s;
    QTest::newRow("no prefix length") << QStringList {u"10.0.0.1"_s} << u"error: '10.0.0.1'"_s;
    QTest::newRow("prefix too long") << QStringList {u"10.0.0.0/33"_s} << u"error: '10.0.0.0/33'"_s;
    QTest::newRow("IPv6 prefix too long") << QStringList {u"::/129"_s} << u"error: '::/129'"_s;
    QTest::newRow("octet out of range") << QStringList {u"300.1.1.1/8"_s} << u"error: '300.1.1.1/8'"_s;
    QTest::newRow("a name") << QStringList {u"10.0.0.0/8"_s, u"example.org/8"_s}
                            << u"error: 'example.org/8'"_s;
    QTest::newRow("control character") << QStringList {u"10.0.0.0/8\u0007"_s} << u"error: not an IP range"_s;
}

void TestClientRegistration::restrictionsForIpRanges()
{
    QFETCH(QStringList, ranges);
    QFETCH(QString, json);
    const Result<QString> made = ClientRegistration::restrictionsForIpRanges(ranges);
    if (json.startsWith(u"error: "_s)) {
        QVERIFY(!made);
        QCOMPARE(made.error().code(), ErrorCode::InvalidInput);
        QVERIFY2(made.error().message().contains(json.mid(7)), qPrintable(made.error().message()));
        QVERIFY(made.error().message().contains(u"CIDR"_s));
        return;
    }
    QVERIFY(made);
    QCOMPARE(*made, json);
    // What it makes passes the registration's own check of restrictions.
    ClientRegistration r;
    r.restrictions = *made;
    r.name = u"App"_s;
    r.callbackUrl = u"https://app.example/cb"_s;
    r.email = u"dev@example.org"_s;
    r.oauth2GrantTypes = {u"authorization_code"_s};
    QVERIFY(r.validate(u"mwauth"_s));
}

QTEST_GUILESS_MAIN(TestClientRegistration)
#include "TestClientRegistration.moc"
