#include "ProviderKeysCommand.h"

#include "provider/keys/SigningKeyStore.h"

#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTemporaryDir>
#include <QTest>

#include <cstdio>
#include <memory>

using namespace mwauth;
using namespace mwauth::cli;
using namespace mwauth::provider;
using namespace Qt::StringLiterals;

// `mwauth provider keys list|rotate|generate`, run through the command class with its
// streams on temporary files (it is not yet registered in the mwauth binary), on SQLite files.
class TestProviderKeysCommand : public QObject
{
    Q_OBJECT

private slots:
    void init();

    void listEmpty();
    void generateAndList();
    void rotateStages();
    void rotateWithoutNext();
    void badOptions_data();
    void badOptions();
    void rsaBits();
    void wrongSecret();
    void help();

private:
    struct Run
    {
        int status = -1;
        QString out;
        QString err;
        QJsonObject json() const { return QJsonDocument::fromJson(out.toUtf8()).object(); }
    };
    Run run(const QStringList &arguments);
    QStringList withDb(QStringList arguments) const { return arguments << u"--db"_s << m_dbPath; }
    QList<SigningKeyInfo> storedKeys();

    FixedClock m_clock {1700000000};
    SystemRandom m_random;
    std::unique_ptr<QTemporaryDir> m_dir;
    QString m_dbPath;
};

void TestProviderKeysCommand::init()
{
    m_clock.set(1700000000);
    m_dir = std::make_unique<QTemporaryDir>();
    QVERIFY(m_dir->isValid());
    m_dbPath = m_dir->filePath(u"provider.sqlite"_s);
}

TestProviderKeysCommand::Run TestProviderKeysCommand::run(const QStringList &arguments)
{
    const auto readAll = [](std::FILE *file) {
        std::fflush(file);
        std::rewind(file);
        QByteArray bytes;
        char buffer[4096];
        size_t n = 0;
        while ((n = std::fread(buffer, 1, sizeof buffer, file)) > 0)
            bytes.append(buffer, static_cast<qsizetype>(n));
        std::fclose(file);
        return QString::fromUtf8(bytes);
    };
    std::FILE *in = std::tmpfile();
    std::FILE *out = std::tmpfile();
    std::FILE *err = std::tmpfile();
    Run result;
    {
        CommandContext context(m_clock, m_random, in, out, err);
        ProviderKeysCommand command;
        result.status = command.run(context, arguments);
    }
    std::fclose(in);
    result.out = readAll(out);
    result.err = readAll(err);
    return result;
}

QList<SigningKeyInfo> TestProviderKeysCommand::storedKeys()
{
    auto db = ProviderDatabase::open(m_dbPath);
    if (!db)
        return {};
    const ProviderSecret secret = ProviderSecret::generate(m_random); // list() reads no private part
    SigningKeyStore store(**db, secret, m_clock, m_random);
    return store.list().valueOr({});
}

void TestProviderKeysCommand::listEmpty()
{
    const Run listed = run(withDb({u"list"_s}));
    QCOMPARE(listed.status, 0);
    QVERIFY2(listed.out.contains(u"No signing keys yet"_s), qPrintable(listed.out));
    QVERIFY(!QFile::exists(m_dbPath + u".secret"_s)); // list makes no secret
    const Run json = run(withDb({u"list"_s, u"--json"_s}));
    QCOMPARE(json.status, 0);
    QCOMPARE(json.json().value(u"keys"_s).toArray().size(), 0);
}

void TestProviderKeysCommand::generateAndList()
{
    const Run made = run(withDb({u"generate"_s, u"--alg"_s, u"ES256"_s, u"--json"_s}));
    QCOMPARE(made.status, 0);
    const QString kid = made.json().value(u"kid"_s).toString();
    QVERIFY(!kid.isEmpty());
    QCOMPARE(made.json().value(u"alg"_s).toString(), u"ES256"_s);
    QCOMPARE(made.json().value(u"state"_s).toString(), u"next"_s);
    QCOMPARE(made.json().value(u"created"_s).toString(), u"2023-11-14T22:13:20Z"_s);
    QVERIFY(made.json().value(u"replaced"_s).isNull());
    QVERIFY(QFile::exists(m_dbPath + u".secret"_s));
    QVERIFY(!(QFile::permissions(m_dbPath + u".secret"_s) & (QFile::ReadGroup | QFile::ReadOther)));

    const QList<SigningKeyInfo> stored = storedKeys();
    QCOMPARE(stored.size(), 1);
    QCOMPARE(stored.constFirst().kid, kid);
    QCOMPARE(stored.constFirst().state, SigningKeyState::Next);

    // A second generate replaces the next key and says so.
    const Run again = run(withDb({u"generate"_s, u"--alg"_s, u"EdDSA"_s}));
    QCOMPARE(again.status, 0);
    QVERIFY2(again.out.contains(u"(EdDSA)"_s) && again.out.contains(u"replaces the next key "_s + kid),
             qPrintable(again.out));

    const Run listed = run(withDb({u"list"_s, u"--json"_s}));
    QCOMPARE(listed.status, 0);
    const QJsonArray keys = listed.json().value(u"keys"_s).toArray();
    QCOMPARE(keys.size(), 2);
    QCOMPARE(keys.at(0).toObject().value(u"kid"_s).toString(), kid);
    QCOMPARE(keys.at(0).toObject().value(u"state"_s).toString(), u"retired"_s);
    QCOMPARE(keys.at(0).toObject().value(u"published"_s).toBool(), false);
    QCOMPARE(keys.at(1).toObject().value(u"state"_s).toString(), u"next"_s);
    QCOMPARE(keys.at(1).toObject().value(u"alg"_s).toString(), u"EdDSA"_s);
    QCOMPARE(keys.at(1).toObject().value(u"published"_s).toBool(), true);

    const Run text = run(withDb({u"list"_s}));
    QCOMPARE(text.status, 0);
    QVERIFY2(text.out.contains(u"retired  "_s + kid) && text.out.contains(u"2023-11-14 22:13:20 UTC"_s),
             qPrintable(text.out));
    for (const Run &output : {made, again, listed, text})
        QVERIFY(!output.out.contains(u"PRIVATE"_s) && !output.out.contains(u"\"d\""_s));
}

void TestProviderKeysCommand::rotateStages()
{
    QCOMPARE(run(withDb({u"generate"_s, u"--alg"_s, u"ES256"_s})).status, 0);
    const QString first = storedKeys().constFirst().kid;

    // Rotating right away: works, with a warning about cached JWKS documents.
    const Run early = run(withDb({u"rotate"_s, u"--json"_s}));
    QCOMPARE(early.status, 0);
    QCOMPARE(early.json().value(u"current"_s).toString(), first);
    QVERIFY(!early.json().contains(u"retiring"_s));
    QVERIFY2(early.err.contains(u"warning"_s) && early.err.contains(u"cache"_s), qPrintable(early.err));
    const QString second = early.json().value(u"next"_s).toString();

    m_clock.advance(600);
    const Run rotated = run(withDb({u"rotate"_s, u"--token-lifetime"_s, u"60"_s, u"--json"_s}));
    QCOMPARE(rotated.status, 0);
    QVERIFY2(rotated.err.isEmpty(), qPrintable(rotated.err)); // the next key is 600 s old
    QCOMPARE(rotated.json().value(u"current"_s).toString(), second);
    QCOMPARE(rotated.json().value(u"retiring"_s).toString(), first);
    QCOMPARE(rotated.json().value(u"retire_after"_s).toString(), u"2023-11-14T22:24:20Z"_s); // +600 +60
    QCOMPARE(rotated.json().value(u"retired"_s).toArray().size(), 0);

    m_clock.advance(600);
    const Run text = run(withDb({u"rotate"_s}));
    QCOMPARE(text.status, 0);
    QVERIFY2(text.out.contains(u"Retired "_s + first) && text.out.contains(u"Retiring "_s + second)
                 && text.out.contains(u"published until 2023-11-14 23:33:20 UTC"_s),
             qPrintable(text.out)); // 1700001200 + 3600
    int current = 0;
    for (const SigningKeyInfo &key : storedKeys()) {
        if (key.state == SigningKeyState::Current)
            ++current;
        if (key.kid == first)
            QCOMPARE(key.state, SigningKeyState::Retired);
    }
    QCOMPARE(current, 1);
}

void TestProviderKeysCommand::rotateWithoutNext()
{
    const Run rotated = run(withDb({u"rotate"_s}));
    QCOMPARE(rotated.status, 3);
    QVERIFY2(rotated.err.contains(u"provider keys rotate"_s)
                 && rotated.err.contains(u"no next signing key"_s),
             qPrintable(rotated.err));
    QVERIFY(rotated.out.isEmpty());
}

void TestProviderKeysCommand::badOptions_data()
{
    QTest::addColumn<QStringList>("arguments");
    QTest::addColumn<QString>("message");
    QTest::newRow("HS256") << QStringList {u"generate"_s, u"--alg"_s, u"HS256"_s} << u"not offered"_s;
    QTest::newRow("none") << QStringList {u"generate"_s, u"--alg"_s, u"none"_s} << u"not offered"_s;
    QTest::newRow("lower case") << QStringList {u"generate"_s, u"--alg"_s, u"es256"_s} << u"not offered"_s;
    QTest::newRow("rsa bits 1024") << QStringList {u"generate"_s, u"--rsa-bits"_s, u"1024"_s}
                                   << u"rsa-bits"_s;
    QTest::newRow("rsa bits 2500") << QStringList {u"generate"_s, u"--rsa-bits"_s, u"2500"_s}
                                   << u"rsa-bits"_s;
    QTest::newRow("rsa bits with ES256")
        << QStringList {u"generate"_s, u"--alg"_s, u"ES256"_s, u"--rsa-bits"_s, u"3072"_s} << u"rsa-bits"_s;
    QTest::newRow("lifetime 0") << QStringList {u"rotate"_s, u"--token-lifetime"_s, u"0"_s}
                                << u"token-lifetime"_s;
    QTest::newRow("lifetime text") << QStringList {u"rotate"_s, u"--token-lifetime"_s, u"soon"_s}
                                   << u"token-lifetime"_s;
    QTest::newRow("positional") << QStringList {u"list"_s, u"extra"_s} << u"extra"_s;
    QTest::newRow("unknown subcommand") << QStringList {u"revoke"_s} << u"revoke"_s;
}

void TestProviderKeysCommand::badOptions()
{
    QFETCH(QStringList, arguments);
    QFETCH(QString, message);
    const Run result = run(withDb(arguments));
    QCOMPARE(result.status, 2);
    QVERIFY2(result.err.contains(message), qPrintable(result.err));
    QVERIFY(storedKeys().isEmpty());
}

void TestProviderKeysCommand::rsaBits()
{
    const Run made = run(withDb({u"generate"_s, u"--rsa-bits"_s, u"3072"_s, u"--json"_s}));
    QCOMPARE(made.status, 0);
    QCOMPARE(made.json().value(u"alg"_s).toString(), u"RS256"_s); // the default
    auto db = ProviderDatabase::open(m_dbPath);
    QVERIFY(db.ok());
    const Result<ProviderSecret> secret = ProviderSecret::forDatabase(m_dbPath, m_random);
    QVERIFY(secret.ok());
    SigningKeyStore store(**db, *secret, m_clock, m_random);
    const Result<jose::Jwk> key = store.verificationKey(made.json().value(u"kid"_s).toString());
    QVERIFY2(key.ok(), qPrintable(key.error().toString()));
    QCOMPARE(key->bits(), 3072);
}

void TestProviderKeysCommand::wrongSecret()
{
    QCOMPARE(run(withDb({u"generate"_s, u"--alg"_s, u"EdDSA"_s})).status, 0);
    QFile file(m_dbPath + u".secret"_s);
    QVERIFY(file.open(QIODevice::WriteOnly | QIODevice::Truncate));
    file.write(ProviderSecret::generate(m_random).hex() + '\n');
    file.close();
    const Run rotated = run(withDb({u"rotate"_s}));
    QCOMPARE(rotated.status, 3);
    QVERIFY2(rotated.err.contains(u"does not open with this provider's secret"_s), qPrintable(rotated.err));
    QVERIFY(!rotated.err.contains(u"warning"_s)); // only the error, nothing rotated to warn about
    QCOMPARE(storedKeys().size(), 1); // nothing changed
}

void TestProviderKeysCommand::help()
{
    const Run group = run({u"--help"_s});
    QCOMPARE(group.status, 0);
    for (const QString &name : {u"list"_s, u"rotate"_s, u"generate"_s})
        QVERIFY2(group.out.contains(name), qPrintable(group.out));
    const Run rotate = run({u"rotate"_s, u"--help"_s});
    QCOMPARE(rotate.status, 0);
    QVERIFY(rotate.out.contains(u"--token-lifetime"_s));
    QVERIFY(rotate.out.contains(u"300 seconds"_s));
}

QTEST_GUILESS_MAIN(TestProviderKeysCommand)
#include "TestProviderKeysCommand.moc"
