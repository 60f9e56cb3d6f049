#include "oauth1/AuthorizationHeader.h"

#include <QTest>

using namespace mwauth;
using namespace mwauth::http;
namespace AuthorizationHeader = mwauth::oauth1::AuthorizationHeader;

Q_DECLARE_METATYPE(mwauth::http::FormFields)

namespace {

FormFields fields(std::initializer_list<std::pair<const char *, const char *>> list)
{
    FormFields out;
    for (const auto &[name, value] : list)
        out.append({QByteArray(name), QByteArray(value)});
    return out;
}

// RFC 5849 section 3.5.1, the example header (one line, as sent).
const QByteArray rfcHeader
    = "OAuth realm=\"Example\", oauth_consumer_key=\"0685bd9184jfhq22\", "
      "oauth_token=\"ad180jjd733klru7\", oauth_signature_method=\"HMAC-SHA1\", "
      "oauth_signature=\"wOJIO9A2W5mFwDgiDvZbTSMK%2FPY%3D\", oauth_timestamp=\"137131200\", "
      "oauth_nonce=\"4572616e48616d6d65724c61686176\", oauth_version=\"1.0\"";

FormFields rfcFields()
{
    return fields({{"oauth_consumer_key", "0685bd9184jfhq22"},
                   {"oauth_token", "ad180jjd733klru7"},
                   {"oauth_signature_method", "HMAC-SHA1"},
                   {"oauth_signature", "wOJIO9A2W5mFwDgiDvZbTSMK/PY="},
                   {"oauth_timestamp", "137131200"},
                   {"oauth_nonce", "4572616e48616d6d65724c61686176"},
                   {"oauth_version", "1.0"}});
}

} // namespace

class TestAuthorizationHeader : public QObject
{
    Q_OBJECT
private slots:
    void encodeRfcExample() { QCOMPARE(AuthorizationHeader::encode(rfcFields(), "Example"), rfcHeader); }

    void encodeWithoutRealm()
    {
        QCOMPARE(AuthorizationHeader::encode(fields({{"oauth_callback", "oob"}, {"oauth_nonce", "a b/c"}})),
                 QByteArray("OAuth oauth_callback=\"oob\", oauth_nonce=\"a%20b%2Fc\""));
    }

    void parse_data()
    {
        QTest::addColumn<QByteArray>("header");
        QTest::addColumn<FormFields>("expected");
        QTest::newRow("RFC 5849 3.5.1") << rfcHeader << rfcFields();
        QTest::newRow("scheme in lower case")
            << QByteArray("oauth oauth_token=\"x\"") << fields({{"oauth_token", "x"}});
        QTest::newRow("scheme in upper case")
            << QByteArray("OAUTH oauth_token=\"x\"") << fields({{"oauth_token", "x"}});
        QTest::newRow("no spaces after commas")
            << QByteArray("OAuth a=\"1\",b=\"2\"") << fields({{"a", "1"}, {"b", "2"}});
        QTest::newRow("spaces and tabs around")
            << QByteArray("  OAuth\t a = \"1\" ,\tb=\"2\"  ") << fields({{"a", "1"}, {"b", "2"}});
        QTest::newRow("empty list elements")
            << QByteArray("OAuth , a=\"1\",, b=\"2\",") << fields({{"a", "1"}, {"b", "2"}});
        QTest::newRow("empty value") << QByteArray("OAuth oauth_token=\"\"") << fields({{"oauth_token", ""}});
        QTest::newRow("realm dropped in any case")
            << QByteArray("OAuth Realm=\"x\", a=\"1\"") << fields({{"a", "1"}});
        QTest::newRow("comma inside a value")
            << QByteArray("OAuth a=\"1,2\", b=\"3\"") << fields({{"a", "1,2"}, {"b", "3"}});
        QTest::newRow("encoded name") << QByteArray("OAuth a%20b=\"c%2Bd\"") << fields({{"a b", "c+d"}});
        QTest::newRow("plus stays plus") << QByteArray("OAuth a=\"c+d\"") << fields({{"a", "c+d"}});
        QTest::newRow("64 parameters") <<
            [] {
                QByteArray h = "OAuth ";
                for (int i = 0; i < 64; ++i)
                    h += "p" + QByteArray::number(i) + "=\"v\", ";
                return h;
            }()
                                       << [] {
                                              FormFields f;
                                              for (int i = 0; i < 64; ++i)
                                                  f.append({"p" + QByteArray::number(i), "v"});
                                              return f;
                                          }();
    }
    void parse()
    {
        QFETCH(QByteArray, header);
        QFETCH(FormFields, expected);
        const Result<FormFields> parsed = AuthorizationHeader::parse(header);
        QVERIFY2(parsed.ok(), qPrintable(parsed.ok() ? QString() : parsed.error().message()));
        QCOMPARE(*parsed, expected);
    }

    void roundTrip_data()
    {
        QTest::addColumn<FormFields>("original");
        QTest::addColumn<QByteArray>("realm");
        QTest::newRow("RFC fields") << rfcFields() << QByteArray("Example");
        QTest::newRow("awkward values") << fields({{"oauth_callback", "https://app.example/cb?x=1&y=\"2\""},
                                                   {"oauth_nonce", "a, b; c=d \\ e"},
                                                   {"oauth_verifier", "\xc3\xa9\xe2\x82\xac"},
                                                   {"empty", ""}})
                                        << QByteArray("https://wiki.example/ \"quoted\"");
        QTest::newRow("MediaWiki initiate")
            << fields({{"oauth_consumer_key", "7d1d7c8a4b2e4f1c9a0b3c5d6e7f8091"},
                       {"oauth_signature_method", "HMAC-SHA1"},
                       {"oauth_callback", "oob"}})
            << QByteArray();
    }
    void roundTrip()
    {
        QFETCH(FormFields, original);
        QFETCH(QByteArray, realm);
        const QByteArray header = AuthorizationHeader::encode(original, realm);
        QVERIFY(header.startsWith("OAuth "));
        QCOMPARE(header.contains("realm="), !realm.isEmpty());
        const Result<FormFields> parsed = AuthorizationHeader::parse(header);
        QVERIFY2(parsed.ok(), qPrintable(parsed.ok() ? QString() : parsed.error().message()));
        QCOMPARE(*parsed, original);
    }

    void badInput_data()
    {
        QTest::addColumn<QByteArray>("header");
        QTest::addColumn<QString>("messagePart");
        QTest::newRow("wrong scheme")
            << QByteArray("Bearer abc.def.ghi") << QStringLiteral("scheme 'Bearer', not OAuth");
        QTest::newRow("basic scheme")
            << QByteArray("Basic dXNlcjpwYXNz") << QStringLiteral("scheme 'Basic', not OAuth");
        QTest::newRow("scheme prefix only")
            << QByteArray("OAuthx a=\"1\"") << QStringLiteral("scheme 'OAuthx', not OAuth");
        QTest::newRow("empty") << QByteArray("") << QStringLiteral("is empty");
        QTest::newRow("blank") << QByteArray("   ") << QStringLiteral("is empty");
        QTest::newRow("no parameters") << QByteArray("OAuth") << QStringLiteral("no parameters");
        QTest::newRow("unquoted value")
            << QByteArray("OAuth oauth_token=abc") << QStringLiteral("'oauth_token'");
        QTest::newRow("single quotes")
            << QByteArray("OAuth oauth_token='abc'") << QStringLiteral("not in double quotes");
        QTest::newRow("unterminated quote")
            << QByteArray("OAuth a=\"1\", oauth_nonce=\"abc")
            << QStringLiteral("'oauth_nonce' in the Authorization header has no closing double quote");
        QTest::newRow("bad escape in value")
            << QByteArray("OAuth oauth_signature=\"abc%zz\"")
            << QStringLiteral("value of parameter 'oauth_signature' in the Authorization header has a bad "
                              "percent escape");
        QTest::newRow("trailing percent")
            << QByteArray("OAuth oauth_signature=\"abc%\"") << QStringLiteral("bad percent escape");
        QTest::newRow("bad escape in name")
            << QByteArray("OAuth oauth%g_token=\"x\"")
            << QStringLiteral(
                   "parameter name 'oauth%g_token' in the Authorization header has a bad percent escape");
        QTest::newRow("duplicate parameter")
            << QByteArray("OAuth oauth_nonce=\"1\", oauth_token=\"t\", oauth_nonce=\"2\"")
            << QStringLiteral("'oauth_nonce' appears more than once");
        QTest::newRow("duplicate after decoding")
            << QByteArray("OAuth oauth_nonce=\"1\", oauth%5Fnonce=\"2\"")
            << QStringLiteral("'oauth_nonce' appears more than once");
        QTest::newRow("duplicate realm") << QByteArray("OAuth realm=\"a\", realm=\"b\"")
                                         << QStringLiteral("'realm' appears more than once");
        QTest::newRow("pair without =")
            << QByteArray("OAuth oauth_token")
            << QStringLiteral("'oauth_token' in the Authorization header has no '='");
        QTest::newRow("value without name")
            << QByteArray("OAuth =\"x\"") << QStringLiteral("without a parameter name");
        QTest::newRow("missing comma") << QByteArray("OAuth a=\"1\" b=\"2\"")
                                       << QStringLiteral("needs a comma after the value of parameter 'a'");
        QTest::newRow("junk after value") << QByteArray("OAuth a=\"1\"x") << QStringLiteral("needs a comma");
        QTest::newRow("too many parameters") << [] {
            QByteArray h = "OAuth ";
            for (int i = 0; i < 65; ++i)
                h += "p" + QByteArray::number(i) + "=\"v\", ";
            return h;
        }() << QStringLiteral("more than 64 parameters");
        QTest::newRow("oversized") << (QByteArray("OAuth oauth_nonce=\"") + QByteArray(8200, 'a') + '"')
                                   << QStringLiteral("at most 8192 are accepted");
    }
    void badInput()
    {
        QFETCH(QByteArray, header);
        QFETCH(QString, messagePart);
        const Result<FormFields> parsed = AuthorizationHeader::parse(header);
        QVERIFY(!parsed.ok());
        QCOMPARE(parsed.error().code(), ErrorCode::MalformedHeader);
        QVERIFY2(parsed.error().message().contains(messagePart), qPrintable(parsed.error().message()));
    }

    void errorsDoNotEchoCredentials()
    {
        // A bare token (no scheme) must not end up in a message that may be logged.
        const QByteArray token = "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0In0.c2lnbmF0dXJlLXNlY3JldA";
        const Result<FormFields> parsed = AuthorizationHeader::parse(token);
        QVERIFY(!parsed.ok());
        QCOMPARE(parsed.error().code(), ErrorCode::MalformedHeader);
        QVERIFY2(!parsed.error().message().contains(QLatin1String(token.left(12))),
                 qPrintable(parsed.error().message()));
        QVERIFY(parsed.error().message().contains(QStringLiteral("OAuth")));
        // Values are never quoted back, even when they are the problem.
        const Result<FormFields> badValue
            = AuthorizationHeader::parse("OAuth oauth_signature=\"s3cr3tS1gnature%zz\"");
        QVERIFY(!badValue.ok());
        QVERIFY(!badValue.error().message().contains(QStringLiteral("s3cr3t")));
    }
};

QTEST_GUILESS_MAIN(TestAuthorizationHeader)
#include "TestAuthorizationHeader.moc"
