#include "common/Redactor.h"

#include <QJsonDocument>
#include <QJsonObject>
#include <QTest>

using namespace mwauth;

class TestRedactor : public QObject
{
    Q_OBJECT
private slots:
    void form_data()
    {
        QTest::addColumn<QString>("input");
        QTest::addColumn<QString>("expected");
        QTest::newRow("code-and-state")
            << QStringLiteral("code=abc123&state=xyz") << QStringLiteral("code=[redacted]&state=xyz");
        QTest::newRow("password") << QStringLiteral("action=clientlogin&username=Bob&password=hunter2")
                                  << QStringLiteral("action=clientlogin&username=Bob&password=[redacted]");
        QTest::newRow("client-secret")
            << QStringLiteral("grant_type=client_credentials&client_secret=s3cr3t")
            << QStringLiteral("grant_type=client_credentials&client_secret=[redacted]");
        QTest::newRow("encoded-name")
            << QStringLiteral("client%5Fsecret=s3cr3t") << QStringLiteral("client%5Fsecret=[redacted]");
        QTest::newRow("totp") << QStringLiteral("logincontinue=1&OATHToken=123456")
                              << QStringLiteral("logincontinue=1&OATHToken=[redacted]");
        QTest::newRow("nothing-secret")
            << QStringLiteral("action=query&meta=tokens") << QStringLiteral("action=query&meta=tokens");
    }
    void form()
    {
        QFETCH(QString, input);
        QFETCH(QString, expected);
        QCOMPARE(Redactor().form(input), expected);
    }

    void url()
    {
        Redactor r;
        QCOMPARE(r.url(QStringLiteral("http://127.0.0.1:5000/callback?code=abc&state=s")),
                 QStringLiteral("http://127.0.0.1:5000/callback?code=[redacted]&state=s"));
        QCOMPARE(r.url(QStringLiteral("https://user:pw@wiki.example/w/api.php")),
                 QStringLiteral("https://[redacted]@wiki.example/w/api.php"));
        QCOMPARE(r.url(QStringLiteral("http://app.example/cb#access_token=tok&token_type=Bearer")),
                 QStringLiteral("http://app.example/cb#access_token=[redacted]&token_type=Bearer"));
    }

    void headers()
    {
        Redactor r;
        QCOMPARE(r.header(QStringLiteral("Authorization"), QStringLiteral("Bearer eyJabc.def.ghi")),
                 QStringLiteral("Bearer [redacted]"));
        QCOMPARE(r.header(QStringLiteral("authorization"), QStringLiteral("Basic dXNlcjpwdw==")),
                 QStringLiteral("Basic [redacted]"));
        QCOMPARE(r.header(QStringLiteral("Authorization"),
                          QStringLiteral(R"(OAuth oauth_consumer_key="ck", oauth_signature="abc%3D")")),
                 QStringLiteral(R"(OAuth oauth_consumer_key="ck", oauth_signature="[redacted]")"));
        QCOMPARE(r.header(QStringLiteral("Cookie"), QStringLiteral("wiki_session=abc; wikiUserID=4")),
                 QStringLiteral("wiki_session=[redacted]; wikiUserID=[redacted]"));
        QCOMPARE(r.header(QStringLiteral("Set-Cookie"), QStringLiteral("wiki_session=abc; path=/; HttpOnly")),
                 QStringLiteral("wiki_session=[redacted]; path=/; HttpOnly"));
        QCOMPARE(r.header(QStringLiteral("Content-Type"), QStringLiteral("application/json")),
                 QStringLiteral("application/json"));
    }

    void jsonAndText()
    {
        Redactor r;
        r.addSecret(QStringLiteral("consumer-secret-value"));
        const QJsonObject in = QJsonDocument::fromJson(R"({
            "access_token": "eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiIxIn0.c2ln",
            "token_type": "Bearer", "expires_in": 3600,
            "error": {"code": "badtoken", "info": "uses consumer-secret-value"},
            "nested": [{"refresh_token": "def"}]})")
                                   .object();
        const QJsonObject out = r.json(in).toObject();
        QCOMPARE(out.value(u"access_token").toString(), Redactor::mask);
        QCOMPARE(out.value(u"token_type").toString(), QStringLiteral("Bearer"));
        QCOMPARE(out.value(u"expires_in").toInt(), 3600);
        // An API error code is not an authorization code.
        QCOMPARE(out.value(u"error").toObject().value(u"code").toString(), QStringLiteral("badtoken"));
        QCOMPARE(out.value(u"error").toObject().value(u"info").toString(), QStringLiteral("uses [redacted]"));
        QCOMPARE(out.value(u"nested")[0].toObject().value(u"refresh_token").toString(), Redactor::mask);

        QCOMPARE(r.text(QStringLiteral("token eyJhbGciOiJIUzI1NiJ9.eyJhIjoxfQ.sig_-x end")),
                 QStringLiteral("token [redacted] end"));
        r.addSecret(QStringLiteral("abc")); // too short to mask everywhere
        QCOMPARE(r.text(QStringLiteral("abc")), QStringLiteral("abc"));
    }
};

QTEST_GUILESS_MAIN(TestRedactor)
#include "TestRedactor.moc"
