// `mwauth provider user passwd` and `mwauth provider 2fa ...`, run as processes on a SQLite
// file. Every success is checked independently of the command's own output: the records are
// read back through provider::UserStore, TOTP codes are computed with core/otp (and RFC 6238's
// vector), a printed WebAuthn key must sign an assertion that verifies against the stored
// public key.

#include "CliRunner.h"

#include "common/Clock.h"
#include "common/Random.h"
#include "otp/Base32.h"
#include "otp/Otp.h"
#include "otp/OtpAuthUri.h"
#include "otp/VirtualAuthenticator.h"
#include "otp/WebAuthnAssertion.h"
#include "provider/accounts/UserStore.h"

#include <QDateTime>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QRegularExpression>
#include <QSet>
#include <QTemporaryDir>
#include <QTest>

#include <memory>

using namespace Qt::StringLiterals;
using namespace mwauth;
using namespace mwauth::provider;

class TestCliProvider2fa : public QObject
{
    Q_OBJECT

private slots:
    void init();
    void cleanup();

    void help();
    void enableTotpRandomSeed();
    void enableTotpGivenSecret();
    void enableTotpText();
    void enableTotpErrors_data();
    void enableTotpErrors();
    void recoveryCodes();
    void recoveryCodesText();
    void addWebAuthn();
    void addWebAuthnOtherRp();
    void addWebAuthnErrors_data();
    void addWebAuthnErrors();
    void disable();
    void disableErrors_data();
    void disableErrors();
    void listShowsNoSecrets();
    void passwd();
    void passwdErrors_data();
    void passwdErrors();

private:
    // A store on the test's database file, opened for one check (the CLI writes in between).
    struct Store
    {
        std::unique_ptr<ProviderDatabase> db;
        std::unique_ptr<UserStore> users;
    };
    Store openStore();
    QList<TwoFactorRecord> records(qint64 userId, const QString &module);
    CliRun run2fa(const QStringList &arguments, const QByteArray &input = {});

    SystemClock m_clock;
    SystemRandom m_random;
    PasswordHasher m_hasher {m_random, 1000};
    std::unique_ptr<QTemporaryDir> m_dir;
    QString m_db;
    qint64 m_aliceId = 0;
    qint64 m_bobId = 0;
};

TestCliProvider2fa::Store TestCliProvider2fa::openStore()
{
    Store store;
    auto db = ProviderDatabase::open(m_db);
    if (!db) {
        qWarning("%s", qPrintable(db.error().toString()));
        return store;
    }
    store.db = std::move(*db);
    store.users = std::make_unique<UserStore>(*store.db, m_hasher, m_clock);
    return store;
}

QList<TwoFactorRecord> TestCliProvider2fa::records(qint64 userId, const QString &module)
{
    Store store = openStore();
    if (!store.users)
        return {};
    return store.users->twoFactorRecords(userId, module).valueOr({});
}

CliRun TestCliProvider2fa::run2fa(const QStringList &arguments, const QByteArray &input)
{
    return runCli(QStringList {u"provider"_s, u"2fa"_s} + arguments + QStringList {u"--db"_s, m_db}, input);
}

void TestCliProvider2fa::init()
{
    m_dir = std::make_unique<QTemporaryDir>();
    QVERIFY(m_dir->isValid());
    m_db = m_dir->filePath(u"provider.sqlite"_s);
    Store store = openStore();
    QVERIFY(store.users);
    const Result<User> alice = store.users->createUser(u"Alice"_s, u"Alice-old-password"_s);
    const Result<User> bob = store.users->createUser(u"Bob smith"_s, u"Bob-password"_s);
    QVERIFY2(alice.ok() && bob.ok(), qPrintable(alice.error().toString() + bob.error().toString()));
    m_aliceId = alice->id;
    m_bobId = bob->id;
}

void TestCliProvider2fa::cleanup()
{
    m_dir.reset();
}

void TestCliProvider2fa::help()
{
    const CliRun group = runCli({u"provider"_s, u"2fa"_s, u"--help"_s});
    CLI_VERIFY_RAN(group);
    QCOMPARE(group.exitCode, 0);
    for (const char *command : {"enable-totp", "recovery-codes", "add-webauthn", "disable", "list"})
        QVERIFY2(group.out.contains(command), group.describe().constData());
    const CliRun provider = runCli({u"provider"_s, u"--help"_s});
    QVERIFY2(provider.exitCode == 0 && provider.out.contains("2fa"), provider.describe().constData());
    const CliRun user = runCli({u"provider"_s, u"user"_s, u"--help"_s});
    QVERIFY2(user.exitCode == 0 && user.out.contains("user passwd NAME"), user.describe().constData());
    for (const char *command : {"enable-totp", "recovery-codes", "add-webauthn", "disable", "list"}) {
        const CliRun commandHelp
            = runCli({u"provider"_s, u"2fa"_s, QString::fromLatin1(command), u"--help"_s});
        QVERIFY2(commandHelp.exitCode == 0 && commandHelp.out.contains("--db")
                     && commandHelp.out.contains("Exit status"),
                 commandHelp.describe().constData());
    }
    const CliRun unknown = runCli({u"provider"_s, u"2fa"_s, u"enroll"_s});
    CLI_VERIFY_ERROR(unknown, 2, u"enroll"_s);
    const CliRun missing = runCli({u"provider"_s, u"2fa"_s});
    CLI_VERIFY_RAN(missing);
    QCOMPARE(missing.exitCode, 2);
}

void TestCliProvider2fa::enableTotpRandomSeed()
{
    const CliRun run = run2fa({u"enable-totp"_s, u"alice"_s, u"--json"_s});
    CLI_VERIFY_RAN(run);
    QVERIFY2(run.exitCode == 0, run.describe().constData());
    const QJsonObject json = QJsonDocument::fromJson(run.out).object();
    const QString secret = json.value(u"secret"_s).toString();
    const Result<QByteArray> seed = otp::Base32::decode(secret.toUtf8());
    QVERIFY2(seed.ok(), run.describe().constData());
    QCOMPARE(seed->size(), 20);
    QCOMPARE(json.value(u"user"_s).toString(), u"Alice"_s);

    // The stored record holds the printed secret.
    const QList<TwoFactorRecord> stored = records(m_aliceId, u"totp"_s);
    QCOMPARE(stored.size(), 1);
    QCOMPARE(json.value(u"record_id"_s).toInteger(), stored.first().id);
    const QJsonObject data = stored.first().data;
    QCOMPARE(data.value(u"secret"_s).toString(), secret);
    QCOMPARE(data.value(u"digits"_s).toInt(), 6);
    QCOMPARE(data.value(u"period"_s).toInt(), 30);
    QCOMPARE(data.value(u"algorithm"_s).toString(), u"SHA1"_s);

    // The URI an app would scan carries the same seed.
    const Result<otp::OtpAuthUri> uri = otp::OtpAuthUri::parse(json.value(u"uri"_s).toString());
    QVERIFY2(uri.ok(), qPrintable(uri.error().toString()));
    QCOMPARE(uri->parameters.secret, *seed);
    QCOMPARE(uri->account, u"Alice"_s);
    QCOMPARE(uri->issuer, u"MWAuth local provider"_s);

    // A code an app computes from the printed secret verifies against the stored secret.
    const double now = double(QDateTime::currentSecsSinceEpoch());
    otp::TotpParameters app;
    app.secret = uri->parameters.secret;
    const Result<QString> code = otp::totp(app, now);
    QVERIFY(code.ok());
    otp::TotpParameters server;
    server.secret = otp::Base32::decode(data.value(u"secret"_s).toString().toUtf8()).valueOr({});
    QVERIFY(otp::verifyTotp(server, code->toUtf8(), now).ok());

    // A second user gets another seed.
    const CliRun other = run2fa({u"enable-totp"_s, u"Bob smith"_s, u"--json"_s});
    QVERIFY2(other.exitCode == 0, other.describe().constData());
    QVERIFY(QJsonDocument::fromJson(other.out).object().value(u"secret"_s).toString() != secret);
}

void TestCliProvider2fa::enableTotpGivenSecret()
{
    // RFC 6238 appendix B: the SHA1 seed "12345678901234567890"; at T = 59 the 8-digit code is
    // 94287082, so the 6-digit one is 287082. Given in lower case with spaces, stored canonical.
    const CliRun run = run2fa({u"enable-totp"_s, u"Alice"_s, u"--secret"_s,
                               u"gezd gnbv gy3t qojq gezd gnbv gy3t qojq"_s, u"--json"_s});
    CLI_VERIFY_RAN(run);
    QVERIFY2(run.exitCode == 0, run.describe().constData());
    QCOMPARE(QJsonDocument::fromJson(run.out).object().value(u"secret"_s).toString(),
             u"GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ"_s);
    const QList<TwoFactorRecord> stored = records(m_aliceId, u"totp"_s);
    QCOMPARE(stored.size(), 1);
    otp::TotpParameters server;
    server.secret
        = otp::Base32::decode(stored.first().data.value(u"secret"_s).toString().toUtf8()).valueOr({});
    QCOMPARE(server.secret, QByteArray("12345678901234567890"));
    QCOMPARE(otp::totp(server, 59).valueOr({}), u"287082"_s);
    QVERIFY(otp::verifyTotp(server, "287082", 59).ok());
}

void TestCliProvider2fa::enableTotpText()
{
    const CliRun run = run2fa({u"enable-totp"_s, u"Alice"_s, u"--secret"_s, u"JBSWY3DPEHPK3PXP"_s});
    CLI_VERIFY_RAN(run);
    QVERIFY2(run.exitCode == 0, run.describe().constData());
    QVERIFY2(run.out.contains("JBSWY3DPEHPK3PXP"), run.describe().constData());
    const QRegularExpressionMatch uri = QRegularExpression(u"otpauth://\\S+"_s).match(run.outText());
    QVERIFY2(uri.hasMatch(), run.describe().constData());
    const Result<otp::OtpAuthUri> parsed = otp::OtpAuthUri::parse(uri.captured());
    QVERIFY2(parsed.ok(), qPrintable(parsed.error().toString()));
    QCOMPARE(parsed->parameters.secret, QByteArray("Hello!\xde\xad\xbe\xef"));
    QVERIFY(isReadableText(run.out));
}

void TestCliProvider2fa::enableTotpErrors_data()
{
    QTest::addColumn<QStringList>("arguments");
    QTest::addColumn<int>("code");
    QTest::addColumn<QString>("needle");
    QTest::newRow("unknown user") << QStringList {u"enable-totp"_s, u"Mallory"_s} << 3
                                  << u"no user named 'Mallory'"_s;
    QTest::newRow("already has TOTP")
        << QStringList {u"enable-totp"_s, u"Bob smith"_s} << 3 << u"disable 'Bob smith' --module totp"_s;
    QTest::newRow("bad base32") << QStringList {u"enable-totp"_s, u"Alice"_s, u"--secret"_s,
                                                u"NOT-BASE32!1"_s}
                                << 3 << u"not valid base32"_s;
    QTest::newRow("secret too short")
        << QStringList {u"enable-totp"_s, u"Alice"_s, u"--secret"_s, u"JBSWY3DP"_s} << 3
        << u"at least 10 bytes"_s;
    QTest::newRow("missing name") << QStringList {u"enable-totp"_s} << 2 << u"Missing argument"_s;
    QTest::newRow("two names") << QStringList {u"enable-totp"_s, u"Alice"_s, u"Bob"_s} << 2
                               << u"Unexpected argument"_s;
}

void TestCliProvider2fa::enableTotpErrors()
{
    QFETCH(QStringList, arguments);
    QFETCH(int, code);
    QFETCH(QString, needle);
    const CliRun first = run2fa({u"enable-totp"_s, u"Bob smith"_s, u"--secret"_s, u"JBSWY3DPEHPK3PXP"_s});
    QVERIFY2(first.exitCode == 0, first.describe().constData());
    const CliRun run = run2fa(arguments);
    CLI_VERIFY_ERROR(run, code, needle);
    // Nothing changed: Bob keeps his one secret, Alice has none.
    const QList<TwoFactorRecord> bob = records(m_bobId, u"totp"_s);
    QCOMPARE(bob.size(), 1);
    QCOMPARE(bob.first().data.value(u"secret"_s).toString(), u"JBSWY3DPEHPK3PXP"_s);
    QCOMPARE(records(m_aliceId, {}).size(), 0);
}

void TestCliProvider2fa::recoveryCodes()
{
    const CliRun run = run2fa({u"recovery-codes"_s, u"Alice"_s, u"--json"_s});
    CLI_VERIFY_RAN(run);
    QVERIFY2(run.exitCode == 0, run.describe().constData());
    const QJsonObject json = QJsonDocument::fromJson(run.out).object();
    const QJsonArray printed = json.value(u"recovery_codes"_s).toArray();
    QCOMPARE(printed.size(), 10);
    QSet<QString> distinct;
    const QRegularExpression format(u"^[2-9A-HJ-NP-Z]{4}(-[2-9A-HJ-NP-Z]{4}){3}$"_s);
    for (const QJsonValue &code : printed) {
        QVERIFY2(format.match(code.toString()).hasMatch(), qPrintable(code.toString()));
        distinct.insert(code.toString());
    }
    QCOMPARE(distinct.size(), 10);
    QCOMPARE(json.value(u"replaced_records"_s).toInt(), 0);
    const QList<TwoFactorRecord> stored = records(m_aliceId, u"recoverycodes"_s);
    QCOMPARE(stored.size(), 1);
    QCOMPARE(stored.first().data.value(u"recoverycodes"_s).toArray(), printed);
    QCOMPARE(json.value(u"record_id"_s).toInteger(), stored.first().id);

    // Again: new codes replace the old record.
    const CliRun again = run2fa({u"recovery-codes"_s, u"Alice"_s, u"--json"_s});
    QVERIFY2(again.exitCode == 0, again.describe().constData());
    const QJsonObject second = QJsonDocument::fromJson(again.out).object();
    QCOMPARE(second.value(u"replaced_records"_s).toInt(), 1);
    const QJsonArray newCodes = second.value(u"recovery_codes"_s).toArray();
    for (const QJsonValue &code : newCodes)
        QVERIFY(!printed.contains(code));
    const QList<TwoFactorRecord> replaced = records(m_aliceId, u"recoverycodes"_s);
    QCOMPARE(replaced.size(), 1);
    QCOMPARE(replaced.first().data.value(u"recoverycodes"_s).toArray(), newCodes);
    QVERIFY(again.errText().contains(u"old ones no longer work"_s));

    const CliRun unknown = run2fa({u"recovery-codes"_s, u"Mallory"_s});
    CLI_VERIFY_ERROR(unknown, 3, u"no user named 'Mallory'"_s);
    const CliRun missing = run2fa({u"recovery-codes"_s});
    CLI_VERIFY_ERROR(missing, 2, u"Missing argument"_s);
}

void TestCliProvider2fa::recoveryCodesText()
{
    const CliRun run = run2fa({u"recovery-codes"_s, u"Bob smith"_s});
    CLI_VERIFY_RAN(run);
    QVERIFY2(run.exitCode == 0, run.describe().constData());
    const QStringList lines = run.outText().split(u'\n', Qt::SkipEmptyParts);
    QCOMPARE(lines.size(), 10);
    const QList<TwoFactorRecord> stored = records(m_bobId, u"recoverycodes"_s);
    QCOMPARE(stored.size(), 1);
    QCOMPARE(stored.first().data.value(u"recoverycodes"_s).toArray(), QJsonArray::fromStringList(lines));
}

void TestCliProvider2fa::addWebAuthn()
{
    const CliRun run = run2fa({u"add-webauthn"_s, u"Alice"_s});
    CLI_VERIFY_RAN(run);
    QVERIFY2(run.exitCode == 0, run.describe().constData());
    QVERIFY2(run.errText().contains(u"PRIVATE"_s), run.describe().constData());
    Result<otp::VirtualAuthenticator> key = otp::VirtualAuthenticator::fromJson(run.out);
    QVERIFY2(key.ok(), qPrintable(key.error().toString()));
    QCOMPARE(key->rpId(), u"127.0.0.1"_s);
    QCOMPARE(key->userHandle(), QByteArray::number(m_aliceId));

    const QList<TwoFactorRecord> stored = records(m_aliceId, u"webauthn"_s);
    QCOMPARE(stored.size(), 1);
    const QJsonObject data = stored.first().data;
    QCOMPARE(data.value(u"friendlyName"_s).toString(), u"Virtual key"_s);
    QCOMPARE(data.value(u"signCount"_s).toInt(-1), 0);
    QVERIFY2(!data.value(u"credential"_s).toObject().value(u"publicKey"_s).toObject().contains(u"d"_s),
             "the provider must not store the private key");
    const Result<otp::WebAuthnPublicCredential> credential = otp::WebAuthnPublicCredential::fromJson(
        QJsonDocument(data.value(u"credential"_s).toObject()).toJson(QJsonDocument::Compact));
    QVERIFY2(credential.ok(), qPrintable(credential.error().toString()));
    QCOMPARE(credential->credentialId, key->credentialId());
    QCOMPARE(credential->rpId, u"127.0.0.1"_s);

    // The printed key answers a login challenge; the answer verifies with the stored key.
    const QByteArray challenge = m_random.bytes(32);
    const QString origin = u"http://127.0.0.1:8089"_s;
    const QJsonObject authInfo {
        {u"challenge"_s, QString::fromLatin1(challenge.toBase64())},
        {u"rpId"_s, u"127.0.0.1"_s},
        {u"allowCredentials"_s,
         QJsonArray {QJsonObject {{u"type"_s, u"public-key"_s},
                                  {u"id"_s, QString::fromLatin1(credential->credentialId.toBase64())}}}},
        {u"userVerification"_s, u"discouraged"_s}};
    const QByteArray authInfoJson = QJsonDocument(authInfo).toJson(QJsonDocument::Compact);
    const Result<QByteArray> answer = key->answer(authInfoJson, origin);
    QVERIFY2(answer.ok(), qPrintable(answer.error().toString()));
    const Result<quint32> verified = otp::WebAuthnAssertion::verify(
        *answer, challenge, origin, u"127.0.0.1"_s, credential->publicKey, 0, false);
    QVERIFY2(verified.ok(), qPrintable(verified.error().toString()));
    QCOMPARE(*verified, 1u);

    // A key that was not registered signs too, but its answer does not verify with the stored key.
    Result<otp::VirtualAuthenticator> stranger
        = otp::VirtualAuthenticator::create(m_random, u"127.0.0.1"_s, QByteArray::number(m_aliceId));
    QVERIFY(stranger.ok());
    QJsonObject strangerInfo = authInfo;
    strangerInfo.remove(u"allowCredentials"_s);
    const Result<QByteArray> forged
        = stranger->answer(QJsonDocument(strangerInfo).toJson(QJsonDocument::Compact), origin);
    QVERIFY(forged.ok());
    const Result<quint32> refused = otp::WebAuthnAssertion::verify(*forged, challenge, origin, u"127.0.0.1"_s,
                                                                   credential->publicKey, 0, false);
    QVERIFY(!refused.ok());
    QCOMPARE(refused.error().code(), ErrorCode::BadSignature);
}

void TestCliProvider2fa::addWebAuthnOtherRp()
{
    const CliRun run = run2fa(
        {u"add-webauthn"_s, u"Bob smith"_s, u"--rp-id"_s, u"wiki.example"_s, u"--name"_s, u"Yubi 5"_s});
    CLI_VERIFY_RAN(run);
    QVERIFY2(run.exitCode == 0, run.describe().constData());
    const Result<otp::VirtualAuthenticator> key = otp::VirtualAuthenticator::fromJson(run.out);
    QVERIFY2(key.ok(), qPrintable(key.error().toString()));
    QCOMPARE(key->rpId(), u"wiki.example"_s);
    const QList<TwoFactorRecord> stored = records(m_bobId, u"webauthn"_s);
    QCOMPARE(stored.size(), 1);
    QCOMPARE(stored.first().data.value(u"friendlyName"_s).toString(), u"Yubi 5"_s);
    QCOMPARE(stored.first().data.value(u"credential"_s).toObject().value(u"rpId"_s).toString(),
             u"wiki.example"_s);
}

void TestCliProvider2fa::addWebAuthnErrors_data()
{
    QTest::addColumn<QStringList>("arguments");
    QTest::addColumn<int>("code");
    QTest::addColumn<QString>("needle");
    QTest::newRow("unknown user") << QStringList {u"add-webauthn"_s, u"Mallory"_s} << 3
                                  << u"no user named 'Mallory'"_s;
    QTest::newRow("rp id with scheme")
        << QStringList {u"add-webauthn"_s, u"Alice"_s, u"--rp-id"_s, u"http://127.0.0.1"_s} << 2
        << u"not a host name"_s;
    QTest::newRow("empty rp id") << QStringList {u"add-webauthn"_s, u"Alice"_s, u"--rp-id"_s, QString()} << 2
                                 << u"not a host name"_s;
    QTest::newRow("empty name") << QStringList {u"add-webauthn"_s, u"Alice"_s, u"--name"_s, u"  "_s} << 2
                                << u"--name"_s;
    QTest::newRow("missing name") << QStringList {u"add-webauthn"_s} << 2 << u"Missing argument"_s;
}

void TestCliProvider2fa::addWebAuthnErrors()
{
    QFETCH(QStringList, arguments);
    QFETCH(int, code);
    QFETCH(QString, needle);
    const CliRun run = run2fa(arguments);
    CLI_VERIFY_ERROR(run, code, needle);
    QCOMPARE(records(m_aliceId, {}).size(), 0);
}

void TestCliProvider2fa::disable()
{
    QVERIFY(run2fa({u"enable-totp"_s, u"Alice"_s}).exitCode == 0);
    QVERIFY(run2fa({u"add-webauthn"_s, u"Alice"_s}).exitCode == 0);
    QVERIFY(run2fa({u"add-webauthn"_s, u"Alice"_s, u"--name"_s, u"Second"_s}).exitCode == 0);
    QVERIFY(run2fa({u"add-webauthn"_s, u"Bob smith"_s}).exitCode == 0);
    QCOMPARE(records(m_aliceId, u"webauthn"_s).size(), 2);

    const CliRun run = run2fa({u"disable"_s, u"Alice"_s, u"--module"_s, u"webauthn"_s});
    CLI_VERIFY_RAN(run);
    QVERIFY2(run.exitCode == 0, run.describe().constData());
    QVERIFY2(run.out.contains("2 records"), run.describe().constData());
    const QList<TwoFactorRecord> left = records(m_aliceId, {});
    QCOMPARE(left.size(), 1);
    QCOMPARE(left.first().module, u"totp"_s);
    QCOMPARE(records(m_bobId, u"webauthn"_s).size(), 1); // Bob's key stays

    const CliRun again = run2fa({u"disable"_s, u"Alice"_s, u"--module"_s, u"webauthn"_s});
    CLI_VERIFY_ERROR(again, 3, u"Alice has no webauthn module"_s);
    QVERIFY(run2fa({u"disable"_s, u"Alice"_s, u"--module"_s, u"totp"_s}).exitCode == 0);
    QCOMPARE(records(m_aliceId, {}).size(), 0);
    // With TOTP gone, enable-totp works again.
    QVERIFY(run2fa({u"enable-totp"_s, u"Alice"_s}).exitCode == 0);
}

void TestCliProvider2fa::disableErrors_data()
{
    QTest::addColumn<QStringList>("arguments");
    QTest::addColumn<int>("code");
    QTest::addColumn<QString>("needle");
    QTest::newRow("unknown module") << QStringList {u"disable"_s, u"Alice"_s, u"--module"_s, u"sms"_s} << 2
                                    << u"the modules are totp, recoverycodes, webauthn"_s;
    QTest::newRow("no module option") << QStringList {u"disable"_s, u"Alice"_s} << 2 << u"Give --module"_s;
    QTest::newRow("module not enabled")
        << QStringList {u"disable"_s, u"Alice"_s, u"--module"_s, u"recoverycodes"_s} << 3
        << u"Alice has no recoverycodes module"_s;
    QTest::newRow("unknown user") << QStringList {u"disable"_s, u"Mallory"_s, u"--module"_s, u"totp"_s} << 3
                                  << u"no user named 'Mallory'"_s;
    QTest::newRow("missing name") << QStringList {u"disable"_s, u"--module"_s, u"totp"_s} << 2
                                  << u"Missing argument"_s;
}

void TestCliProvider2fa::disableErrors()
{
    QFETCH(QStringList, arguments);
    QFETCH(int, code);
    QFETCH(QString, needle);
    QVERIFY(run2fa({u"enable-totp"_s, u"Alice"_s}).exitCode == 0);
    const CliRun run = run2fa(arguments);
    CLI_VERIFY_ERROR(run, code, needle);
    QCOMPARE(records(m_aliceId, u"totp"_s).size(), 1);
}

void TestCliProvider2fa::listShowsNoSecrets()
{
    const CliRun none = run2fa({u"list"_s, u"Alice"_s});
    CLI_VERIFY_RAN(none);
    QVERIFY2(none.exitCode == 0 && none.out.contains("Alice has no second factors"),
             none.describe().constData());

    const CliRun totp = run2fa({u"enable-totp"_s, u"Alice"_s, u"--json"_s});
    const QString secret = QJsonDocument::fromJson(totp.out).object().value(u"secret"_s).toString();
    const CliRun codes = run2fa({u"recovery-codes"_s, u"Alice"_s});
    const CliRun key = run2fa({u"add-webauthn"_s, u"Alice"_s, u"--name"_s, u"Desk key"_s});
    QVERIFY(totp.exitCode == 0 && codes.exitCode == 0 && key.exitCode == 0);
    QVERIFY(!secret.isEmpty());
    const QString privateD = QJsonDocument::fromJson(key.out)
                                 .object()
                                 .value(u"privateKey"_s)
                                 .toObject()
                                 .value(u"d"_s)
                                 .toString();
    QVERIFY(!privateD.isEmpty());
    const QStringList recoveryCodes = codes.outText().split(u'\n', Qt::SkipEmptyParts);
    QCOMPARE(recoveryCodes.size(), 10);

    for (const bool json : {true, false}) {
        const CliRun run = run2fa(json ? QStringList {u"list"_s, u"Alice"_s, u"--json"_s}
                                       : QStringList {u"list"_s, u"Alice"_s});
        CLI_VERIFY_RAN(run);
        QVERIFY2(run.exitCode == 0, run.describe().constData());
        QVERIFY2(!run.outText().contains(secret), run.describe().constData());
        QVERIFY2(!run.outText().contains(privateD), run.describe().constData());
        for (const QString &code : recoveryCodes)
            QVERIFY2(!run.outText().contains(code), run.describe().constData());
        QVERIFY(run.out.contains("Desk key"));
        if (!json) {
            QVERIFY2(run.out.startsWith("Alice: totp, recoverycodes, webauthn\n"),
                     run.describe().constData());
            QVERIFY(run.out.contains("10 codes left"));
            continue;
        }
        const QJsonObject object = QJsonDocument::fromJson(run.out).object();
        QCOMPARE(object.value(u"user"_s).toString(), u"Alice"_s);
        QCOMPARE(object.value(u"id"_s).toInteger(), m_aliceId);
        QCOMPARE(object.value(u"modules"_s).toArray(),
                 (QJsonArray {u"totp"_s, u"recoverycodes"_s, u"webauthn"_s}));
        const QJsonArray entries = object.value(u"records"_s).toArray();
        const QList<TwoFactorRecord> stored = records(m_aliceId, {});
        QCOMPARE(entries.size(), stored.size());
        for (qsizetype i = 0; i < entries.size(); ++i) {
            const QJsonObject entry = entries.at(i).toObject();
            QCOMPARE(entry.value(u"id"_s).toInteger(), stored.at(i).id);
            QCOMPARE(entry.value(u"module"_s).toString(), stored.at(i).module);
            QCOMPARE(entry.value(u"created"_s).toString(), stored.at(i).created);
        }
        QCOMPARE(entries.at(1).toObject().value(u"codes_left"_s).toInt(), 10);
        QCOMPARE(entries.at(2).toObject().value(u"friendly_name"_s).toString(), u"Desk key"_s);
    }
    const CliRun unknown = run2fa({u"list"_s, u"Mallory"_s});
    CLI_VERIFY_ERROR(unknown, 3, u"no user named 'Mallory'"_s);
}

void TestCliProvider2fa::passwd()
{
    const CliRun run
        = runCli({u"provider"_s, u"user"_s, u"passwd"_s, u"alice"_s, u"--password-stdin"_s, u"--db"_s, m_db},
                 "Alice-new-password ✓\n");
    CLI_VERIFY_RAN(run);
    QVERIFY2(run.exitCode == 0, run.describe().constData());
    QVERIFY(!run.out.contains("Alice-new-password"));
    Store store = openStore();
    QVERIFY(store.users);
    const Result<PasswordCheck> fresh = store.users->checkPassword(u"Alice"_s, u"Alice-new-password ✓"_s);
    QVERIFY2(fresh.ok(), qPrintable(fresh.error().toString()));
    QVERIFY(fresh->matches);
    QCOMPARE(fresh->user.id, m_aliceId);
    QVERIFY(!store.users->checkPassword(u"Alice"_s, u"Alice-old-password"_s).valueOr({}).matches);
    // Bob is untouched.
    QVERIFY(store.users->checkPassword(u"Bob smith"_s, u"Bob-password"_s).valueOr({}).matches);
    store = {};

    // Without --password-stdin the password is read from standard input too.
    const CliRun plain
        = runCli({u"provider"_s, u"user"_s, u"passwd"_s, u"Bob_smith"_s, u"--db"_s, m_db}, "Bob-second\n");
    QVERIFY2(plain.exitCode == 0, plain.describe().constData());
    store = openStore();
    QVERIFY(store.users->checkPassword(u"Bob smith"_s, u"Bob-second"_s).valueOr({}).matches);
}

void TestCliProvider2fa::passwdErrors_data()
{
    QTest::addColumn<QStringList>("arguments");
    QTest::addColumn<QByteArray>("input");
    QTest::addColumn<int>("code");
    QTest::addColumn<QString>("needle");
    QTest::newRow("unknown user") << QStringList {u"Mallory"_s} << QByteArray("pw\n") << 3
                                  << u"no user named 'Mallory'"_s;
    QTest::newRow("empty password") << QStringList {u"Alice"_s} << QByteArray("\n") << 3
                                    << u"new password is empty"_s;
    QTest::newRow("no input") << QStringList {u"Alice"_s} << QByteArray() << 3 << u"new password is empty"_s;
    QTest::newRow("missing name") << QStringList {} << QByteArray("pw\n") << 2 << u"Missing argument"_s;
    QTest::newRow("unknown option") << QStringList {u"Alice"_s, u"--password"_s, u"x"_s} << QByteArray("pw\n")
                                    << 2 << u"password"_s;
}

void TestCliProvider2fa::passwdErrors()
{
    QFETCH(QStringList, arguments);
    QFETCH(QByteArray, input);
    QFETCH(int, code);
    QFETCH(QString, needle);
    const CliRun run = runCli(QStringList {u"provider"_s, u"user"_s, u"passwd"_s} + arguments
                                  + QStringList {u"--db"_s, m_db},
                              input);
    CLI_VERIFY_ERROR(run, code, needle);
    Store store = openStore();
    QVERIFY(store.users->checkPassword(u"Alice"_s, u"Alice-old-password"_s).valueOr({}).matches);
}

QTEST_GUILESS_MAIN(TestCliProvider2fa)
#include "TestCliProvider2fa.moc"
