#include "http/FormCodec.h"

#include <QTest>

using namespace mwauth;
using namespace mwauth::http;

Q_DECLARE_METATYPE(mwauth::http::FormFields)

namespace {

FormFields fields(std::initializer_list<std::pair<const char *, const char *>> list)
{
    FormFields out;
    for (const auto &[name, value] : list)
        out.append({QByteArray(name), QByteArray(value)});
    return out;
}

} // namespace

class TestFormCodec : public QObject
{
    Q_OBJECT
private slots:
    void percentEncode_data()
    {
        QTest::addColumn<QByteArray>("raw");
        QTest::addColumn<QByteArray>("encoded");
        // RFC 3986 unreserved characters stay, everything else is %XX with upper-case hex.
        QTest::newRow("unreserved") << QByteArray("AZaz09-._~") << QByteArray("AZaz09-._~");
        QTest::newRow("space") << QByteArray("r b") << QByteArray("r%20b");
        QTest::newRow("reserved") << QByteArray(":/?#[]@!$&'()*+,;=")
                                  << QByteArray("%3A%2F%3F%23%5B%5D%40%21%24%26%27%28%29%2A%2B%2C%3B%3D");
        QTest::newRow("percent") << QByteArray("%3D") << QByteArray("%253D");
        QTest::newRow("utf8") << QByteArray("\xc3\xa9") << QByteArray("%C3%A9");
        QTest::newRow("nul") << QByteArray("a\0b", 3) << QByteArray("a%00b");
        QTest::newRow("empty") << QByteArray() << QByteArray();
    }
    void percentEncode()
    {
        QFETCH(QByteArray, raw);
        QFETCH(QByteArray, encoded);
        QCOMPARE(http::percentEncode(raw), encoded);
        const Result<QByteArray> back = http::percentDecode(encoded);
        QVERIFY2(back.ok(), qPrintable(back.ok() ? QString() : back.error().message()));
        QCOMPARE(*back, raw);
    }

    void percentDecodeKeepsPlus()
    {
        const Result<QByteArray> decoded = http::percentDecode("2+q%2b");
        QVERIFY(decoded.ok());
        QCOMPARE(*decoded, QByteArray("2+q+"));
    }

    void decode_data()
    {
        QTest::addColumn<QByteArray>("encoded");
        QTest::addColumn<FormFields>("expected");
        QTest::newRow("simple") << QByteArray("a=1&b=2") << fields({{"a", "1"}, {"b", "2"}});
        QTest::newRow("plus is space") << QByteArray("a3=2+q") << fields({{"a3", "2 q"}});
        QTest::newRow("encoded plus") << QByteArray("x=%2B") << fields({{"x", "+"}});
        QTest::newRow("name without =") << QByteArray("c2&a3=2+q") << fields({{"c2", ""}, {"a3", "2 q"}});
        QTest::newRow("empty value") << QByteArray("c%40=") << fields({{"c@", ""}});
        QTest::newRow("repeated names keep order")
            << QByteArray("a=2&a=1") << fields({{"a", "2"}, {"a", "1"}});
        QTest::newRow("value with =")
            << QByteArray("b5=%3D%253D&q==x") << fields({{"b5", "=%3D"}, {"q", "=x"}});
        QTest::newRow("empty pieces") << QByteArray("&a=1&&b=&") << fields({{"a", "1"}, {"b", ""}});
        QTest::newRow("empty input") << QByteArray() << FormFields();
        QTest::newRow("lower-case hex") << QByteArray("k=%c3%a9") << fields({{"k", "\xc3\xa9"}});
    }
    void decode()
    {
        QFETCH(QByteArray, encoded);
        QFETCH(FormFields, expected);
        const Result<FormFields> decoded = decodeForm(encoded);
        QVERIFY2(decoded.ok(), qPrintable(decoded.ok() ? QString() : decoded.error().message()));
        QCOMPARE(*decoded, expected);
    }

    void roundTrip_data()
    {
        QTest::addColumn<FormFields>("original");
        QTest::addColumn<bool>("plusForSpace");
        const FormFields tricky = fields({{"title", "Special:OAuth/initiate"},
                                          {"a b", "c+d&e=f"},
                                          {"empty", ""},
                                          {"pct", "100%"},
                                          {"utf8", "\xe2\x82\xac"}});
        QTest::newRow("percent spaces") << tricky << false;
        QTest::newRow("plus spaces") << tricky << true;
        QTest::newRow("repeats") << fields({{"a", "1"}, {"a", "1"}, {"a", ""}}) << false;
        QTest::newRow("none") << FormFields() << false;
    }
    void roundTrip()
    {
        QFETCH(FormFields, original);
        QFETCH(bool, plusForSpace);
        const QByteArray encoded = encodeForm(original, plusForSpace);
        QCOMPARE(encoded.contains(' '), false);
        if (plusForSpace && original.size() > 1)
            QVERIFY2(encoded.contains("a+b="), encoded.constData());
        const Result<FormFields> decoded = decodeForm(encoded);
        QVERIFY(decoded.ok());
        QCOMPARE(*decoded, original);
    }

    void encodeExact()
    {
        const FormFields in = fields({{"a b", "x y"}, {"t", "Special:OAuth/initiate"}});
        QCOMPARE(encodeForm(in), QByteArray("a%20b=x%20y&t=Special%3AOAuth%2Finitiate"));
        QCOMPARE(encodeForm(in, true), QByteArray("a+b=x+y&t=Special%3AOAuth%2Finitiate"));
    }

    void badInput_data()
    {
        QTest::addColumn<QByteArray>("encoded");
        QTest::addColumn<QString>("position");
        QTest::newRow("non-hex escape") << QByteArray("a=%zz") << QStringLiteral("position 3");
        QTest::newRow("half escape") << QByteArray("a=%4") << QStringLiteral("position 3");
        QTest::newRow("trailing percent") << QByteArray("a=b%") << QStringLiteral("position 4");
        QTest::newRow("bad escape in name") << QByteArray("ok=1&n%g1=2") << QStringLiteral("position 7");
    }
    void badInput()
    {
        QFETCH(QByteArray, encoded);
        QFETCH(QString, position);
        const Result<FormFields> decoded = decodeForm(encoded);
        QVERIFY(!decoded.ok());
        QCOMPARE(decoded.error().code(), ErrorCode::InvalidInput);
        QVERIFY2(decoded.error().message().contains(QStringLiteral("percent sign")),
                 qPrintable(decoded.error().message()));
        QVERIFY2(decoded.error().message().contains(position), qPrintable(decoded.error().message()));
    }

    void strictDecodeRejects_data()
    {
        QTest::addColumn<QByteArray>("encoded");
        QTest::newRow("%zz") << QByteArray("%zz");
        QTest::newRow("trailing %") << QByteArray("abc%");
        QTest::newRow("one digit") << QByteArray("%A");
        QTest::newRow("sign in hex") << QByteArray("%-1");
    }
    void strictDecodeRejects()
    {
        QFETCH(QByteArray, encoded);
        const Result<QByteArray> decoded = percentDecode(encoded);
        QVERIFY(!decoded.ok());
        QCOMPARE(decoded.error().code(), ErrorCode::InvalidInput);
        QVERIFY2(decoded.error().message().contains(QStringLiteral("two hexadecimal digits")),
                 qPrintable(decoded.error().message()));
    }

    void fieldLimit()
    {
        QByteArray encoded;
        for (int i = 0; i < 5; ++i)
            encoded += "f" + QByteArray::number(i) + "=v&";
        QVERIFY(decodeForm(encoded, 5).ok());
        QCOMPARE(decodeForm(encoded, 5)->size(), 5);
        const Result<FormFields> tooMany = decodeForm(QByteArray(encoded + "f5=v"), 5);
        QVERIFY(!tooMany.ok());
        QCOMPARE(tooMany.error().code(), ErrorCode::InvalidInput);
        QVERIFY2(tooMany.error().message().contains(QStringLiteral("more than 5 fields")),
                 qPrintable(tooMany.error().message()));
        // The default limit is 1000.
        QByteArray big;
        for (int i = 0; i < 1001; ++i)
            big += "x=&";
        QVERIFY(!decodeForm(big).ok());
        big.chop(3);
        QVERIFY(decodeForm(big).ok());
    }

    void fieldValueFindsFirst()
    {
        const FormFields in = fields({{"a", "1"}, {"b", "2"}, {"a", "3"}});
        QCOMPARE(fieldValue(in, "a"), QByteArray("1"));
        QCOMPARE(fieldValue(in, "b"), QByteArray("2"));
        QVERIFY(fieldValue(in, "c").isEmpty());
    }
};

QTEST_GUILESS_MAIN(TestFormCodec)
#include "TestFormCodec.moc"
