// The provider secret ($wgSecretKey): MediaWiki's HMAC-SHA1 derivation of handed-out secrets
// (checked against Python's hmac module), AES-256-GCM sealing bound to a context, and where
// the secret lives (a 0600 file beside a SQLite database, the environment for PostgreSQL).

#include "common/Random.h"
#include "jose/Base64Url.h"
#include "provider/secret/ProviderSecret.h"

#include <QFile>
#include <QFileInfo>
#include <QTemporaryDir>
#include <QTest>

#include <sys/stat.h>

using namespace mwauth;
using namespace mwauth::provider;

namespace {
const QByteArray kHex = "000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f";
}

class TestProviderSecret : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void deriveIsMediaWikisHmacSha1();
    void fromHexRefusesOtherText_data();
    void fromHexRefusesOtherText();
    void sealOpens();
    void sealedValuesAreBoundToSecretAndContext();
    void tamperedOrMalformedValuesDoNotOpen_data();
    void tamperedOrMalformedValuesDoNotOpen();
    void fileBesideTheDatabase();
    void malformedFileIsRefused();
    void postgresNeedsTheEnvironment();
    void memoryDatabaseGetsARandomSecret();

private:
    SystemRandom m_random;
};

void TestProviderSecret::deriveIsMediaWikisHmacSha1()
{
    // hmac.new(b"<kHex>", b"0123456789abcdef0123456789abcdef", hashlib.sha1).hexdigest()
    const auto secret = ProviderSecret::fromHex(kHex);
    QVERIFY(secret.ok());
    QCOMPARE(secret->derive("0123456789abcdef0123456789abcdef"),
             QByteArray("d45b0dc28213f7b07b2ed4a39e6732d53fa2cf04"));
    QCOMPARE(ProviderSecret::fromHex(kHex.toUpper())->derive("x"), secret->derive("x")); // case-insensitive
}

void TestProviderSecret::fromHexRefusesOtherText_data()
{
    QTest::addColumn<QByteArray>("text");
    QTest::newRow("empty") << QByteArray();
    QTest::newRow("short") << kHex.left(62);
    QTest::newRow("long") << kHex + "00";
    QTest::newRow("not hex") << QByteArray(kHex).replace(0, 1, "g");
}

void TestProviderSecret::fromHexRefusesOtherText()
{
    QFETCH(QByteArray, text);
    const auto secret = ProviderSecret::fromHex(text);
    QVERIFY(!secret.ok());
    QCOMPARE(secret.error().code(), ErrorCode::MalformedKey);
    QVERIFY(secret.error().message().contains(u"64 hex digits"));
}

void TestProviderSecret::sealOpens()
{
    const ProviderSecret secret = ProviderSecret::generate(m_random);
    const QByteArray plaintext = "-----BEGIN PRIVATE KEY-----\nsecret\n-----END PRIVATE KEY-----\n";
    const QByteArray sealed = secret.seal(plaintext, "signing_key:abc", m_random);
    QVERIFY(sealed.startsWith("v1."));
    QVERIFY(!sealed.contains("PRIVATE"));
    QVERIFY(secret.seal(plaintext, "signing_key:abc", m_random) != sealed); // a new nonce each time
    const auto opened = secret.open(sealed, "signing_key:abc");
    QVERIFY2(opened.ok(), opened.ok() ? "" : qPrintable(opened.error().message()));
    QCOMPARE(*opened, plaintext);
    QCOMPARE(*secret.open(secret.seal({}, "empty", m_random), "empty"), QByteArray());
}

void TestProviderSecret::sealedValuesAreBoundToSecretAndContext()
{
    const ProviderSecret secret = ProviderSecret::generate(m_random);
    const QByteArray sealed = secret.seal("key material", "signing_key:abc", m_random);
    const auto otherContext = secret.open(sealed, "signing_key:abd");
    QVERIFY(!otherContext.ok());
    QCOMPARE(otherContext.error().code(), ErrorCode::Crypto);
    const auto otherSecret = ProviderSecret::generate(m_random).open(sealed, "signing_key:abc");
    QVERIFY(!otherSecret.ok());
    QCOMPARE(otherSecret.error().code(), ErrorCode::Crypto);
}

void TestProviderSecret::tamperedOrMalformedValuesDoNotOpen_data()
{
    QTest::addColumn<int>("flipAt"); // byte of the decoded value to flip; -1: use `text`
    QTest::addColumn<QByteArray>("text");
    QTest::addColumn<int>("code");
    QTest::newRow("nonce") << 0 << QByteArray() << int(ErrorCode::Crypto);
    QTest::newRow("ciphertext") << 14 << QByteArray() << int(ErrorCode::Crypto);
    QTest::newRow("tag") << -2 << QByteArray() << int(ErrorCode::Crypto);
    QTest::newRow("no prefix") << -1 << QByteArray("AAAA") << int(ErrorCode::MalformedToken);
    QTest::newRow("not base64url") << -1 << QByteArray("v1.***") << int(ErrorCode::MalformedToken);
    QTest::newRow("too short") << -1 << QByteArray("v1.AAAA") << int(ErrorCode::MalformedToken);
}

void TestProviderSecret::tamperedOrMalformedValuesDoNotOpen()
{
    QFETCH(int, flipAt);
    QFETCH(QByteArray, text);
    QFETCH(int, code);
    const ProviderSecret secret = ProviderSecret::generate(m_random);
    QByteArray value = text;
    if (flipAt != -1) {
        QByteArray raw = *jose::Base64Url::decode(secret.seal("some key material", "ctx", m_random).mid(3));
        const qsizetype at = flipAt >= 0 ? flipAt : raw.size() + flipAt;
        raw[at] = char(raw.at(at) ^ 0x01);
        value = "v1." + jose::Base64Url::encode(raw);
    }
    const auto opened = secret.open(value, "ctx");
    QVERIFY(!opened.ok());
    QCOMPARE(int(opened.error().code()), code);
    QVERIFY(!opened.error().message().isEmpty());
}

void TestProviderSecret::fileBesideTheDatabase()
{
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    const QString database = dir.filePath(QStringLiteral("provider.sqlite"));
    const auto first = ProviderSecret::forDatabase(database, m_random);
    QVERIFY2(first.ok(), first.ok() ? "" : qPrintable(first.error().message()));
    const QString path = database + QStringLiteral(".secret");
    struct stat info
    {
    };
    QCOMPARE(::stat(QFile::encodeName(path).constData(), &info), 0);
    QCOMPARE(info.st_mode & 0777, mode_t(0600));
    const auto again = ProviderSecret::forDatabase(database, m_random);
    QVERIFY(again.ok());
    QCOMPARE(again->hex(), first->hex()); // reused, so sealed values still open
    QCOMPARE(*again->open(first->seal("x", "c", m_random), "c"), QByteArray("x"));
}

void TestProviderSecret::malformedFileIsRefused()
{
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    const QString database = dir.filePath(QStringLiteral("provider.sqlite"));
    QFile file(database + QStringLiteral(".secret"));
    QVERIFY(file.open(QIODevice::WriteOnly));
    file.write("not a secret\n");
    file.close();
    const auto secret = ProviderSecret::forDatabase(database, m_random);
    QVERIFY(!secret.ok());
    QCOMPARE(secret.error().code(), ErrorCode::MalformedKey);
    QVERIFY(secret.error().message().contains(u"provider.sqlite.secret"));
}

void TestProviderSecret::postgresNeedsTheEnvironment()
{
    const QString url = QStringLiteral("postgresql://127.0.0.1:5432/wiki");
    qunsetenv(ProviderSecret::EnvironmentVariable);
    const auto missing = ProviderSecret::forDatabase(url, m_random);
    QVERIFY(!missing.ok());
    QCOMPARE(missing.error().code(), ErrorCode::InvalidInput);
    QVERIFY(missing.error().message().contains(u"MWAUTH_PROVIDER_SECRET"));
    qputenv(ProviderSecret::EnvironmentVariable, "abc");
    QCOMPARE(ProviderSecret::forDatabase(url, m_random).error().code(), ErrorCode::MalformedKey);
    qputenv(ProviderSecret::EnvironmentVariable, kHex);
    const auto secret = ProviderSecret::forDatabase(url, m_random);
    QVERIFY(secret.ok());
    QCOMPARE(secret->hex(), kHex);
    qunsetenv(ProviderSecret::EnvironmentVariable);
}

void TestProviderSecret::memoryDatabaseGetsARandomSecret()
{
    const auto a = ProviderSecret::forDatabase(QStringLiteral(":memory:"), m_random);
    const auto b = ProviderSecret::forDatabase(QStringLiteral(":memory:"), m_random);
    QVERIFY(a.ok() && b.ok());
    QVERIFY(a->hex() != b->hex());
    QCOMPARE(a->hex().size(), 64);
}

QTEST_GUILESS_MAIN(TestProviderSecret)
#include "TestProviderSecret.moc"
