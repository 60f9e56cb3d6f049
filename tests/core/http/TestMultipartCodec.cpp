// multipart/form-data decoding: RFC 7578 / RFC 2046 bodies as browsers, curl and
// python-requests write them, and malformed bodies refused with a message naming the fault.

#include "http/MultipartCodec.h"

#include <QTest>

using namespace mwauth;
using namespace mwauth::http;

Q_DECLARE_METATYPE(mwauth::http::FormFields)

namespace {

FormFields fields(std::initializer_list<std::pair<QByteArray, QByteArray>> list)
{
    return FormFields(list.begin(), list.end());
}

QByteArray part(const QByteArray &boundary, const QByteArray &disposition, const QByteArray &value,
                const QByteArray &extraHeaders = {})
{
    return "--" + boundary + "\r\nContent-Disposition: " + disposition + "\r\n" + extraHeaders + "\r\n"
        + value + "\r\n";
}

} // namespace

class TestMultipartCodec : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void boundary_data();
    void boundary();
    void decodes_data();
    void decodes();
    void refuses_data();
    void refuses();
    void fieldLimit();
};

void TestMultipartCodec::boundary_data()
{
    QTest::addColumn<QByteArray>("contentType");
    QTest::addColumn<QByteArray>("boundary"); // empty: an error
    QTest::addColumn<QString>("explains");

    QTest::newRow("token") << QByteArray("multipart/form-data; boundary=AaB03x") << QByteArray("AaB03x")
                           << QString();
    QTest::newRow("case, spaces, other params")
        << QByteArray("Multipart/Form-Data ;charset=utf-8;  BOUNDARY = xyz ; ") << QByteArray("xyz")
        << QString();
    QTest::newRow("quoted with space and escape")
        << QByteArray(R"(multipart/form-data; boundary="a b\"c")") << QByteArray("a b\"c") << QString();
    QTest::newRow("70 characters") << QByteArray("multipart/form-data; boundary=" + QByteArray(70, 'b'))
                                   << QByteArray(70, 'b') << QString();
    QTest::newRow("71 characters") << QByteArray("multipart/form-data; boundary=" + QByteArray(71, 'b'))
                                   << QByteArray() << u"at most 70"_qs;
    QTest::newRow("missing") << QByteArray("multipart/form-data") << QByteArray() << u"no boundary"_qs;
    QTest::newRow("empty") << QByteArray("multipart/form-data; boundary=\"\"") << QByteArray()
                           << u"no boundary"_qs;
    QTest::newRow("unclosed quote") << QByteArray("multipart/form-data; boundary=\"abc") << QByteArray()
                                    << u"no closing quote"_qs;
    QTest::newRow("not multipart") << QByteArray("multipart/mixed; boundary=x") << QByteArray()
                                   << u"not multipart/form-data"_qs;
}

void TestMultipartCodec::boundary()
{
    QFETCH(QByteArray, contentType);
    QFETCH(QByteArray, boundary);
    QFETCH(QString, explains);
    const auto result = multipartBoundary(contentType);
    if (boundary.isEmpty()) {
        QVERIFY(!result.ok());
        QCOMPARE(result.error().code(), ErrorCode::InvalidInput);
        QVERIFY2(result.error().message().contains(explains), qPrintable(result.error().message()));
    } else {
        QVERIFY2(result.ok(), qPrintable(result.error().message()));
        QCOMPARE(*result, boundary);
    }
}

void TestMultipartCodec::decodes_data()
{
    QTest::addColumn<QByteArray>("contentType");
    QTest::addColumn<QByteArray>("body");
    QTest::addColumn<FormFields>("expected");
    QTest::addColumn<int>("files");

    const QByteArray ct = "multipart/form-data; boundary=AaB03x";
    // RFC 7578 section 4.5's example part; the value is kept as sent (no transfer decoding).
    QTest::newRow("RFC 7578 4.5") << ct
                                  << QByteArray(
                                         "--AaB03x\r\ncontent-disposition: form-data; name=\"field1\"\r\n"
                                         "content-type: text/plain;charset=UTF-8\r\n"
                                         "content-transfer-encoding: quoted-printable\r\n\r\n"
                                         "Joe owes =E2=82=AC100.\r\n--AaB03x--\r\n")
                                  << fields({{"field1", "Joe owes =E2=82=AC100."}}) << 0;
    // What python-requests (urllib3) writes: 32 hex digits, no part Content-Type for strings.
    const QByteArray py = "0b1e6c6f0d6c4c8f9d2a4c9e5b7a1f30";
    QTest::newRow("python-requests") << QByteArray("multipart/form-data; boundary=" + py)
                                     << QByteArray(part(py, "form-data; name=\"action\"", "clientlogin")
                                                   + part(py, "form-data; name=\"username\"", "Alice") + "--"
                                                   + py + "--\r\n")
                                     << fields({{"action", "clientlogin"}, {"username", "Alice"}}) << 0;
    QTest::newRow("empty value, CRLF inside a value, repeated names")
        << ct
        << QByteArray(part("AaB03x", "form-data; name=a", "")
                      + part("AaB03x", "form-data; name=b", "l1\r\nl2\r\n")
                      + part("AaB03x", "form-data; name=a", "2") + "--AaB03x--")
        << fields({{"a", ""}, {"b", "l1\r\nl2\r\n"}, {"a", "2"}}) << 0;
    QTest::newRow("preamble, padding, epilogue")
        << ct
        << QByteArray(
               "ignored preamble\r\n--AaB03x  \t\r\nContent-Disposition: form-data; name=\"x\"\r\n\r\n1\r\n"
               "--AaB03x--\r\nignored epilogue")
        << fields({{"x", "1"}}) << 0;
    QTest::newRow("escaped quote and percent kept, as PHP")
        << ct
        << QByteArray(part("AaB03x", R"(form-data; name="a\"b")", "1")
                      + part("AaB03x", R"(form-data; name="p%22q")", "3") + "--AaB03x--\r\n")
        << fields({{"a\"b", "1"}, {"p%22q", "3"}}) << 0;
    QTest::newRow("header names in any case, UTF-8 name and binary value")
        << ct
        << QByteArray("--AaB03x\r\nCONTENT-DISPOSITION: FORM-DATA; NAME=\"gr\xc3\xbc\xc3\x9f\"\r\n\r\n"
                      + QByteArray("\xff\x00\x01", 3) + "\r\n--AaB03x--\r\n")
        << fields({{"gr\xc3\xbc\xc3\x9f", QByteArray("\xff\x00\x01", 3)}}) << 0;
    QTest::newRow("file parts are skipped")
        << ct
        << QByteArray(part("AaB03x", "form-data; name=\"f\"; filename=\"x.txt\"", "file body",
                           "Content-Type: text/plain\r\n")
                      + part("AaB03x", "form-data; name=\"g\"; filename*=UTF-8''x.txt", "more")
                      + part("AaB03x", "form-data; name=\"b\"", "2") + "--AaB03x--\r\n")
        << fields({{"b", "2"}}) << 2;
    QTest::newRow("no parts") << ct << QByteArray("--AaB03x--\r\n") << FormFields() << 0;
    QTest::newRow("boundary-like text inside a value")
        << ct
        << QByteArray(part("AaB03x", "form-data; name=v", "--AaB03 x --AaB03x-- not at line start")
                      + "--AaB03x--")
        << fields({{"v", "--AaB03 x --AaB03x-- not at line start"}}) << 0;
}

void TestMultipartCodec::decodes()
{
    QFETCH(QByteArray, contentType);
    QFETCH(QByteArray, body);
    QFETCH(FormFields, expected);
    QFETCH(int, files);
    QVERIFY(isMultipartFormData(contentType));
    const auto form = decodeMultipartForm(body, contentType);
    QVERIFY2(form.ok(), qPrintable(form.error().message()));
    QCOMPARE(form->fields, expected);
    QCOMPARE(form->skippedFiles, files);
}

void TestMultipartCodec::refuses_data()
{
    QTest::addColumn<QByteArray>("contentType");
    QTest::addColumn<QByteArray>("body");
    QTest::addColumn<QString>("explains");

    const QByteArray ct = "multipart/form-data; boundary=AaB03x";
    const QByteArray a = part("AaB03x", "form-data; name=\"a\"", "1");
    QTest::newRow("no closing delimiter") << ct << a << u"closing \"--AaB03x--\" is missing"_qs;
    QTest::newRow("ends after a delimiter") << ct << QByteArray(a + "--AaB03x") << u"without the closing"_qs;
    QTest::newRow("truncated in a value")
        << ct << QByteArray("--AaB03x\r\nContent-Disposition: form-data; name=\"a\"\r\n\r\n12")
        << u"Part 1 is not followed by a boundary"_qs;
    QTest::newRow("other boundary") << QByteArray("multipart/form-data; boundary=Other")
                                    << QByteArray(a + "--AaB03x--")
                                    << u"does not contain the boundary \"Other\""_qs;
    QTest::newRow("no boundary parameter")
        << QByteArray("multipart/form-data") << QByteArray(a + "--AaB03x--") << u"no boundary"_qs;
    QTest::newRow("bare LF lines")
        << ct << QByteArray("--AaB03x\nContent-Disposition: form-data; name=\"a\"\n\n1\n--AaB03x--\n")
        << u"bare LF"_qs;
    QTest::newRow("part without name") << ct << QByteArray(part("AaB03x", "form-data", "1") + "--AaB03x--")
                                       << u"Part 1: its Content-Disposition has no name"_qs;
    QTest::newRow("part without Content-Disposition")
        << ct << QByteArray(a + "--AaB03x\r\nX-Other: 1\r\n\r\nv\r\n--AaB03x--")
        << u"Part 2: it has no Content-Disposition"_qs;
    QTest::newRow("no headers at all")
        << ct << QByteArray("--AaB03x\r\n\r\nv\r\n--AaB03x--") << u"Part 1: it has no Content-Disposition"_qs;
    QTest::newRow("attachment, not form-data")
        << ct << QByteArray(part("AaB03x", "attachment; name=\"a\"", "1") + "--AaB03x--")
        << u"\"attachment\", not form-data"_qs;
    QTest::newRow("single-quoted name")
        << ct << QByteArray(part("AaB03x", "form-data; name='a'", "1") + "--AaB03x--") << u"single quotes"_qs;
    QTest::newRow("unclosed quoted name")
        << ct << QByteArray(part("AaB03x", "form-data; name=\"a", "1") + "--AaB03x--")
        << u"no closing quote"_qs;
    QTest::newRow("headers never end")
        << ct << QByteArray("--AaB03x\r\nContent-Disposition: form-data; name=\"a\"\r\n--AaB03x--")
        << u"headers do not end"_qs;
    QTest::newRow("header line without colon")
        << ct
        << QByteArray(
               "--AaB03x\r\nContent-Disposition: form-data; name=\"a\"\r\nnocolon\r\n\r\n1\r\n--AaB03x--")
        << u"\"nocolon\" has no name and colon"_qs;
    QTest::newRow("two dispositions")
        << ct
        << QByteArray(part("AaB03x", "form-data; name=a", "1", "Content-Disposition: form-data; name=b\r\n")
                      + "--AaB03x--")
        << u"two Content-Disposition"_qs;
    QTest::newRow("junk after a delimiter")
        << ct << QByteArray("--AaB03xjunk\r\n" + a + "--AaB03x--") << u"followed by \"junk"_qs;
    QTest::newRow("empty body") << ct << QByteArray() << u"does not contain the boundary"_qs;
}

void TestMultipartCodec::refuses()
{
    QFETCH(QByteArray, contentType);
    QFETCH(QByteArray, body);
    QFETCH(QString, explains);
    const auto form = decodeMultipartForm(body, contentType);
    QVERIFY(!form.ok());
    QCOMPARE(form.error().code(), ErrorCode::InvalidInput);
    QVERIFY2(form.error().message().contains(explains), qPrintable(form.error().message()));
}

void TestMultipartCodec::fieldLimit()
{
    QByteArray body;
    for (int i = 0; i < 4; ++i)
        body += part("b", "form-data; name=n" + QByteArray::number(i), "v");
    body += "--b--";
    const QByteArray ct = "multipart/form-data; boundary=b";
    QVERIFY(decodeMultipartForm(body, ct, 4).ok());
    const auto tooMany = decodeMultipartForm(body, ct, 3);
    QVERIFY(!tooMany.ok());
    QVERIFY2(tooMany.error().message().contains(u"more than 3 fields"),
             qPrintable(tooMany.error().message()));
}

QTEST_MAIN(TestMultipartCodec)
#include "TestMultipartCodec.moc"
