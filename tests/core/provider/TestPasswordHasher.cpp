#include "provider/accounts/PasswordHasher.h"

#include <QRegularExpression>
#include <QTest>

using namespace mwauth;
using namespace mwauth::provider;

// Expected values come from RFC 7914 section 11 and from Python's hashlib.pbkdf2_hmac
// (an independent implementation), never from this code.
class TestPasswordHasher : public QObject
{
    Q_OBJECT

private slots:
    void pbkdf2Vectors_data();
    void pbkdf2Vectors();
    void hashFormatAndPeerValue();
    void verifyRightAndWrong_data();
    void verifyRightAndWrong();
    void saltsDiffer();
    void malformed_data();
    void malformed();
    void needsRehash_data();
    void needsRehash();
};

void TestPasswordHasher::pbkdf2Vectors_data()
{
    QTest::addColumn<QByteArray>("digest");
    QTest::addColumn<QByteArray>("password");
    QTest::addColumn<QByteArray>("salt");
    QTest::addColumn<int>("iterations");
    QTest::addColumn<QByteArray>("expectedHex");

    QTest::newRow("RFC 7914 11: passwd/salt c=1")
        << QByteArray("sha256") << QByteArray("passwd") << QByteArray("salt") << 1
        << QByteArray("55ac046e56e3089fec1691c22544b605f94185216dde0465e68b9d57c20dacbc"
                      "49ca9cccf179b645991664b39d77ef317c71b845b1e30bd509112041d3a19783");
    QTest::newRow("RFC 7914 11: Password/NaCl c=80000")
        << QByteArray("sha256") << QByteArray("Password") << QByteArray("NaCl") << 80000
        << QByteArray("4ddcd8f60b98be21830cee5ef22701f9641a4418d04c0414aeff08876b34ab56"
                      "a1d425a1225833549adb841b51c9b3176a272bdebba1d078478f62b397f33c8d");
    QTest::newRow("hashlib sha512 password/salt c=2")
        << QByteArray("sha512") << QByteArray("password") << QByteArray("salt") << 2
        << QByteArray("e1d9c16aa681708a45f5c7c4e215ceb66e011a2e9f0040713f18aefdb866d53c"
                      "f76cab2868a39b9f7840edce4fef5a82be67335c77a6068e04112754f27ccf4e");
}

void TestPasswordHasher::pbkdf2Vectors()
{
    QFETCH(QByteArray, digest);
    QFETCH(QByteArray, password);
    QFETCH(QByteArray, salt);
    QFETCH(int, iterations);
    QFETCH(QByteArray, expectedHex);
    const QByteArray expected = QByteArray::fromHex(expectedHex);
    const Result<QByteArray> derived
        = PasswordHasher::pbkdf2(digest, password, salt, iterations, static_cast<int>(expected.size()));
    QVERIFY2(derived.ok(), qPrintable(derived.error().message()));
    QCOMPARE(derived->toHex(), expectedHex);
}

void TestPasswordHasher::hashFormatAndPeerValue()
{
    // With a fixed salt the whole string must equal what hashlib produces.
    FixedRandom salt("0123456789abcdef");
    const PasswordHasher hasher(salt, 1000);
    const Result<QString> hash = hasher.hash(QStringLiteral("correct horse ✓"));
    QVERIFY2(hash.ok(), qPrintable(hash.error().message()));
    QCOMPARE(*hash,
             QStringLiteral(":pbkdf2:sha256:1000:32:MDEyMzQ1Njc4OWFiY2RlZg==:"
                            "Wjemo2sCrNUL1HMj71T2bRGKQFoRYSSnvncEitre5rA="));

    // The default settings write the documented shape with a 16-byte salt and 32-byte hash.
    SystemRandom random;
    const PasswordHasher strong(random);
    QCOMPARE(strong.iterations(), 210000);
    const Result<QString> strongHash = strong.hash(QStringLiteral("x"));
    QVERIFY(strongHash.ok());
    const QRegularExpression shape(
        QStringLiteral("^:pbkdf2:sha256:210000:32:([A-Za-z0-9+/=]+):([A-Za-z0-9+/=]+)$"));
    const QRegularExpressionMatch match = shape.match(*strongHash);
    QVERIFY2(match.hasMatch(), qPrintable(*strongHash));
    QCOMPARE(QByteArray::fromBase64(match.captured(1).toLatin1()).size(), 16);
    QCOMPARE(QByteArray::fromBase64(match.captured(2).toLatin1()).size(), 32);
}

void TestPasswordHasher::verifyRightAndWrong_data()
{
    QTest::addColumn<QString>("password");
    QTest::addColumn<QString>("encoded");
    QTest::addColumn<bool>("matches");

    const QString ours = QStringLiteral(":pbkdf2:sha256:1000:32:MDEyMzQ1Njc4OWFiY2RlZg==:"
                                        "Wjemo2sCrNUL1HMj71T2bRGKQFoRYSSnvncEitre5rA=");
    // MediaWiki's own default digest (sha512, 64 bytes), made by hashlib.
    const QString mediawiki = QStringLiteral(":pbkdf2:sha512:1000:64:TWVkaWFXaWtpIHNhbHQhIQ==:"
                                             "8OJg1SJwcWQNyhqjugYnkBIuJ1YIngIu2ZZnsGQug4ewP1zv6IXKdr"
                                             "jiUxqgJC98QOAYksaUCag+PiIib+6arQ==");
    QTest::newRow("right") << QStringLiteral("correct horse ✓") << ours << true;
    QTest::newRow("wrong") << QStringLiteral("correct horse") << ours << false;
    QTest::newRow("case differs") << QStringLiteral("Correct horse ✓") << ours << false;
    QTest::newRow("empty password") << QString() << ours << false;
    QTest::newRow("sha512 right") << QStringLiteral("Example password") << mediawiki << true;
    QTest::newRow("sha512 wrong") << QStringLiteral("example password") << mediawiki << false;
}

void TestPasswordHasher::verifyRightAndWrong()
{
    QFETCH(QString, password);
    QFETCH(QString, encoded);
    QFETCH(bool, matches);
    SystemRandom random;
    const PasswordHasher hasher(random, 5000);
    const Result<bool> result = hasher.verify(password, encoded);
    QVERIFY2(result.ok(), qPrintable(result.error().message()));
    QCOMPARE(*result, matches);
}

void TestPasswordHasher::saltsDiffer()
{
    SystemRandom random;
    const PasswordHasher hasher(random, 1000);
    const Result<QString> a = hasher.hash(QStringLiteral("same"));
    const Result<QString> b = hasher.hash(QStringLiteral("same"));
    QVERIFY(a.ok() && b.ok());
    QVERIFY(*a != *b);
    QCOMPARE(hasher.verify(QStringLiteral("same"), *a).valueOr(false), true);
    QCOMPARE(hasher.verify(QStringLiteral("same"), *b).valueOr(false), true);
}

void TestPasswordHasher::malformed_data()
{
    QTest::addColumn<QString>("encoded");
    QTest::addColumn<ErrorCode>("code");
    QTest::addColumn<QString>("messagePart");

    const QString salt = QStringLiteral("MDEyMzQ1Njc4OWFiY2RlZg==");
    const QString hash = QStringLiteral("Wjemo2sCrNUL1HMj71T2bRGKQFoRYSSnvncEitre5rA=");
    const auto make = [&](const QString &digest, const QString &iter, const QString &len, const QString &s,
                          const QString &h) -> QString {
        return QStringLiteral(":pbkdf2:") + digest + QLatin1Char(':') + iter + QLatin1Char(':') + len
            + QLatin1Char(':') + s + QLatin1Char(':') + h;
    };
    QTest::newRow("empty") << QString() << ErrorCode::InvalidInput << QStringLiteral("found 0 fields");
    QTest::newRow("plain text") << QStringLiteral("hunter2") << ErrorCode::InvalidInput
                                << QStringLiteral("found 0 fields");
    QTest::newRow("too few fields") << QString(QStringLiteral(":pbkdf2:sha256:1000:32:") + salt)
                                    << ErrorCode::InvalidInput << QStringLiteral("found 5 fields");
    QTest::newRow("too many fields") << make(QStringLiteral("sha256"), QStringLiteral("1000"),
                                             QStringLiteral("32"), salt, hash)
                                            .append(QStringLiteral(":x"))
                                     << ErrorCode::InvalidInput << QStringLiteral("found 7 fields");
    QTest::newRow("no leading colon")
        << QString(QStringLiteral("x:pbkdf2:sha256:1000:32:") + salt + QLatin1Char(':') + hash)
        << ErrorCode::InvalidInput << QStringLiteral("expected ':pbkdf2:");
    QTest::newRow("MediaWiki :B: scheme")
        << QStringLiteral(":B:1234abcd:0123456789abcdef0123456789abcdef:x:y:z")
        << ErrorCode::UnsupportedAlgorithm << QStringLiteral("scheme 'B'");
    QTest::newRow("md5 digest") << make(QStringLiteral("md5"), QStringLiteral("1000"), QStringLiteral("32"),
                                        salt, hash)
                                << ErrorCode::UnsupportedAlgorithm << QStringLiteral("digest 'md5'");
    QTest::newRow("zero iterations") << make(QStringLiteral("sha256"), QStringLiteral("0"),
                                             QStringLiteral("32"), salt, hash)
                                     << ErrorCode::InvalidInput << QStringLiteral("iteration count '0'");
    QTest::newRow("negative iterations")
        << make(QStringLiteral("sha256"), QStringLiteral("-5"), QStringLiteral("32"), salt, hash)
        << ErrorCode::InvalidInput << QStringLiteral("iteration count '-5'");
    QTest::newRow("plus sign iterations")
        << make(QStringLiteral("sha256"), QStringLiteral("+1000"), QStringLiteral("32"), salt, hash)
        << ErrorCode::InvalidInput << QStringLiteral("iteration count '+1000'");
    QTest::newRow("huge iterations") << make(QStringLiteral("sha256"), QStringLiteral("999999999"),
                                             QStringLiteral("32"), salt, hash)
                                     << ErrorCode::InvalidInput << QStringLiteral("above the limit");
    QTest::newRow("non-numeric length")
        << make(QStringLiteral("sha256"), QStringLiteral("1000"), QStringLiteral("abc"), salt, hash)
        << ErrorCode::InvalidInput << QStringLiteral("hash length 'abc'");
    QTest::newRow("length mismatch") << make(QStringLiteral("sha256"), QStringLiteral("1000"),
                                             QStringLiteral("64"), salt, hash)
                                     << ErrorCode::InvalidInput
                                     << QStringLiteral("32 bytes but the length field says 64");
    QTest::newRow("empty salt") << make(QStringLiteral("sha256"), QStringLiteral("1000"),
                                        QStringLiteral("32"), QString(), hash)
                                << ErrorCode::InvalidInput << QStringLiteral("salt is empty");
    QTest::newRow("salt not base64") << make(QStringLiteral("sha256"), QStringLiteral("1000"),
                                             QStringLiteral("32"), QStringLiteral("not*base64!"), hash)
                                     << ErrorCode::InvalidInput << QStringLiteral("salt is not base64");
    QTest::newRow("hash base64url") << make(QStringLiteral("sha256"), QStringLiteral("1000"),
                                            QStringLiteral("32"), salt,
                                            QStringLiteral("Wjemo2sCrNUL1HMj71T2bRGKQFoRYSSnvncEitre5rA_"))
                                    << ErrorCode::InvalidInput << QStringLiteral("hash is not base64");
    QTest::newRow("empty hash") << make(QStringLiteral("sha256"), QStringLiteral("1000"),
                                        QStringLiteral("32"), salt, QString())
                                << ErrorCode::InvalidInput << QStringLiteral("hash is empty");
}

void TestPasswordHasher::malformed()
{
    QFETCH(QString, encoded);
    QFETCH(ErrorCode, code);
    QFETCH(QString, messagePart);
    SystemRandom random;
    const PasswordHasher hasher(random, 1000);
    const Result<bool> result = hasher.verify(QStringLiteral("correct horse ✓"), encoded);
    QVERIFY(!result.ok());
    QCOMPARE(result.error().code(), code);
    QVERIFY2(result.error().message().contains(messagePart), qPrintable(result.error().message()));
    QVERIFY(result.error().message().startsWith(QLatin1StringView("The stored password hash")));
    QVERIFY(hasher.needsRehash(encoded));
}

void TestPasswordHasher::needsRehash_data()
{
    QTest::addColumn<int>("currentIterations");
    QTest::addColumn<QString>("encoded");
    QTest::addColumn<bool>("expected");

    const QString at1000 = QStringLiteral(":pbkdf2:sha256:1000:32:MDEyMzQ1Njc4OWFiY2RlZg==:"
                                          "Wjemo2sCrNUL1HMj71T2bRGKQFoRYSSnvncEitre5rA=");
    const QString sha512 = QStringLiteral(":pbkdf2:sha512:1000:64:TWVkaWFXaWtpIHNhbHQhIQ==:"
                                          "8OJg1SJwcWQNyhqjugYnkBIuJ1YIngIu2ZZnsGQug4ewP1zv6IXKdr"
                                          "jiUxqgJC98QOAYksaUCag+PiIib+6arQ==");
    QTest::newRow("same count") << 1000 << at1000 << false;
    QTest::newRow("current count lower") << 500 << at1000 << false;
    QTest::newRow("current count higher") << 1001 << at1000 << true;
    QTest::newRow("default count vs 1000") << PasswordHasher::DefaultIterations << at1000 << true;
    QTest::newRow("other digest") << 1000 << sha512 << true;
    QTest::newRow("unreadable") << 1000 << QStringLiteral("garbage") << true;
}

void TestPasswordHasher::needsRehash()
{
    QFETCH(int, currentIterations);
    QFETCH(QString, encoded);
    QFETCH(bool, expected);
    SystemRandom random;
    const PasswordHasher hasher(random, currentIterations);
    QCOMPARE(hasher.needsRehash(encoded), expected);
}

QTEST_GUILESS_MAIN(TestPasswordHasher)
#include "TestPasswordHasher.moc"
