#include "provider/keys/SigningKeyStore.h"

#include "jose/Jws.h"

#include <QDeadlineTimer>
#include <QJsonArray>
#include <QJsonDocument>
#include <QSqlQuery>
#include <QTest>
#include <QThread>

#include "../TestDatabase.h"

#include <algorithm>
#include <array>
#include <latch>
#include <memory>

Q_DECLARE_METATYPE(mwauth::jose::JwsAlgorithm)

using namespace mwauth;
using namespace mwauth::provider;
using namespace Qt::StringLiterals;

// Built twice: test_signing_key_store on SQLite files, test_signing_key_store_postgres (label
// `provider`) on a throwaway PostgreSQL server, which must start or the test fails.
class TestSigningKeyStore : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase();
    void init();
    void cleanup();
    void cleanupTestCase();

    void ensureKeys_data();
    void ensureKeys();
    void lifecycle();
    void tokenLifetimeSetsRetirement();
    void atMostOneCurrentOverRotations();
    void concurrentEnsureMakesOneCurrent();
    void generateReplacesNext();
    void changeAlgorithm();
    void ensurePromotesNext();
    void rotateWithoutNext();
    void noCurrentKey();
    void unsupportedAlgorithm_data();
    void unsupportedAlgorithm();
    void privateKeysAreSealed();
    void otherSecretDoesNotOpen();
    void sealedValueBoundToItsRow();
    void unknownKid();
    void auditLog();
    void retireEarly();

private:
    QList<SigningKeyInfo> keysIn(SigningKeyState state);
    QByteArray signToken(const QString &subject);
    // Verifies through the JWKS document as a relying party would: parsed from its JSON.
    Result<jose::Jwk> verifyWithJwks(const QByteArray &token);
    QList<QStringList> auditRows(); // actor, action, detail

    // 2023-11-14 22:13:20 UTC
    FixedClock m_clock {1700000000};
    SystemRandom m_random;
    ProviderSecret m_secret = ProviderSecret::generate(m_random);
    QString m_location;
    std::unique_ptr<ProviderDatabase> m_db;
    std::unique_ptr<SigningKeyStore> m_store;
    TestDatabase m_databases {u"keys"_s};
};

void TestSigningKeyStore::initTestCase()
{
    QVERIFY2(m_databases.start(), qPrintable(m_databases.errorString()));
}

void TestSigningKeyStore::init()
{
    m_clock.set(1700000000);
    m_location = m_databases.newLocation();
    QVERIFY(!m_location.isEmpty());
    m_db = TestDatabase::open(m_location);
    QVERIFY(m_db);
    QCOMPARE(m_db->dialect(), TestDatabase::dialect());
    m_store = std::make_unique<SigningKeyStore>(*m_db, m_secret, m_clock, m_random);
}

void TestSigningKeyStore::cleanup()
{
    m_store.reset();
    m_db.reset();
}

void TestSigningKeyStore::cleanupTestCase()
{
    m_databases.stop();
}

QList<SigningKeyInfo> TestSigningKeyStore::keysIn(SigningKeyState state)
{
    QList<SigningKeyInfo> found;
    const Result<QList<SigningKeyInfo>> keys = m_store->list();
    if (!keys) {
        qWarning() << keys.error().toString();
        return found;
    }
    for (const SigningKeyInfo &key : *keys) {
        if (key.state == state)
            found << key;
    }
    return found;
}

QByteArray TestSigningKeyStore::signToken(const QString &subject)
{
    const Result<jose::Jwk> key = m_store->currentKey();
    if (!key) {
        qWarning() << key.error().toString();
        return {};
    }
    const QJsonObject header {{u"alg"_s, key->alg()}, {u"kid"_s, key->kid()}, {u"typ"_s, u"JWT"_s}};
    const QJsonObject claims {{u"sub"_s, subject}, {u"iat"_s, static_cast<qint64>(m_clock.nowSeconds())}};
    const Result<QByteArray> token
        = jose::Jws::sign(header, QJsonDocument(claims).toJson(QJsonDocument::Compact), *key);
    return token ? *token : QByteArray();
}

Result<jose::Jwk> TestSigningKeyStore::verifyWithJwks(const QByteArray &token)
{
    const Result<QJsonObject> document = m_store->publishedJwks();
    if (!document)
        return document.error();
    const Result<jose::Jwks> jwks
        = jose::Jwks::fromJson(QJsonDocument(*document).toJson(QJsonDocument::Compact));
    if (!jwks)
        return jwks.error();
    const Result<jose::JwsParts> parts = jose::Jws::parse(token);
    if (!parts)
        return parts.error();
    return jose::Jws::verify(*parts, *jwks);
}

QList<QStringList> TestSigningKeyStore::auditRows()
{
    QList<QStringList> rows;
    QSqlQuery query(m_db->database());
    if (!query.exec(u"SELECT al_actor, al_action, al_detail FROM audit_log ORDER BY al_id"_s))
        return rows;
    while (query.next())
        rows << QStringList {query.value(0).toString(), query.value(1).toString(), query.value(2).toString()};
    return rows;
}

void TestSigningKeyStore::ensureKeys_data()
{
    QTest::addColumn<jose::JwsAlgorithm>("alg");
    QTest::addColumn<QString>("kty");
    QTest::newRow("RS256") << jose::JwsAlgorithm::RS256 << u"RSA"_s;
    QTest::newRow("ES256") << jose::JwsAlgorithm::ES256 << u"EC"_s;
    QTest::newRow("EdDSA") << jose::JwsAlgorithm::EdDSA << u"OKP"_s;
}

void TestSigningKeyStore::ensureKeys()
{
    QFETCH(jose::JwsAlgorithm, alg);
    QFETCH(QString, kty);
    const QString algName = jose::algorithmName(alg);

    const Result<bool> made = m_store->ensureKeys(alg);
    QVERIFY2(made.ok(), qPrintable(made.error().toString()));
    QVERIFY(*made);
    const Result<bool> again = m_store->ensureKeys(alg);
    QVERIFY2(again.ok(), qPrintable(again.error().toString()));
    QVERIFY(!*again); // nothing to do the second time

    QCOMPARE(keysIn(SigningKeyState::Current).size(), 1);
    QCOMPARE(keysIn(SigningKeyState::Next).size(), 1);
    const SigningKeyInfo current = keysIn(SigningKeyState::Current).constFirst();
    QCOMPARE(current.alg, algName);
    QCOMPARE(current.created, 1700000000);
    QCOMPARE(current.activated, 1700000000);
    QCOMPARE(keysIn(SigningKeyState::Next).constFirst().alg, algName);
    QCOMPARE(keysIn(SigningKeyState::Next).constFirst().activated, 0);

    const Result<jose::Jwk> key = m_store->currentKey();
    QVERIFY2(key.ok(), qPrintable(key.error().toString()));
    QVERIFY(key->hasPrivate());
    QCOMPARE(key->typeName(), kty);
    QCOMPARE(key->alg(), algName);
    QCOMPARE(key->kid(), current.kid);
    QCOMPARE(QString::fromLatin1(key->thumbprint()), current.kid); // RFC 7638
    QVERIFY(key->checkAlgorithm(alg).ok());

    const Result<QJsonObject> jwks = m_store->publishedJwks();
    QVERIFY2(jwks.ok(), qPrintable(jwks.error().toString()));
    const QJsonArray keys = jwks->value(u"keys"_s).toArray();
    QCOMPARE(keys.size(), 2);
    QCOMPARE(keys.at(0).toObject().value(u"kid"_s).toString(), current.kid); // current first
    for (const QJsonValue &value : keys) {
        const QJsonObject jwk = value.toObject();
        QCOMPARE(jwk.value(u"kty"_s).toString(), kty);
        QCOMPARE(jwk.value(u"alg"_s).toString(), algName);
        QCOMPARE(jwk.value(u"use"_s).toString(), u"sig"_s);
        QVERIFY(!jwk.contains(u"d"_s));
        QVERIFY(!jwk.contains(u"p"_s));
    }

    const QByteArray token = signToken(u"Alice"_s);
    QVERIFY(!token.isEmpty());
    const Result<jose::Jwk> verified = verifyWithJwks(token);
    QVERIFY2(verified.ok(), qPrintable(verified.error().toString()));
    QCOMPARE(verified->kid(), current.kid);
    const Result<jose::Jwk> byKid = m_store->verificationKey(current.kid);
    QVERIFY2(byKid.ok(), qPrintable(byKid.error().toString()));
    QVERIFY(!byKid->hasPrivate());
}

void TestSigningKeyStore::lifecycle()
{
    QVERIFY(m_store->ensureKeys().ok());
    const QString first = keysIn(SigningKeyState::Current).constFirst().kid;
    const QString second = keysIn(SigningKeyState::Next).constFirst().kid;
    const QByteArray before = signToken(u"Before"_s);
    QVERIFY(!before.isEmpty());

    m_clock.advance(100); // 1700000100
    const Result<SigningKeyRotation> rotation = m_store->rotate(u"Admin"_s);
    QVERIFY2(rotation.ok(), qPrintable(rotation.error().toString()));
    QCOMPARE(rotation->current, second);
    QCOMPARE(rotation->retiring, first);
    QVERIFY(!rotation->next.isEmpty());
    QVERIFY(rotation->next != first && rotation->next != second);
    QCOMPARE(rotation->retireAfter, 1700000100 + 3600);

    const SigningKeyInfo retiring = keysIn(SigningKeyState::Retiring).constFirst();
    QCOMPARE(retiring.kid, first);
    QCOMPARE(retiring.retiringSince, 1700000100);
    QCOMPARE(retiring.retireAfter, 1700003700);
    QCOMPARE(keysIn(SigningKeyState::Current).size(), 1);
    QCOMPARE(keysIn(SigningKeyState::Current).constFirst().kid, second);
    QCOMPARE(keysIn(SigningKeyState::Next).constFirst().kid, rotation->next);

    const QByteArray after = signToken(u"After"_s);
    QCOMPARE(jose::Jws::parse(after)->header.value(u"kid"_s).toString(), second);

    // Until retire_after, the old key is published and the old token verifies.
    m_clock.set(1700003699);
    Result<jose::Jwk> old = verifyWithJwks(before);
    QVERIFY2(old.ok(), qPrintable(old.error().toString()));
    QCOMPARE(old->kid(), first);
    QCOMPARE(m_store->publishedJwks()->value(u"keys"_s).toArray().size(), 3);
    QVERIFY(m_store->verificationKey(first).ok());
    const Result<QStringList> early = m_store->sweep();
    QVERIFY(early.ok());
    QVERIFY(early->isEmpty());

    // From retire_after on it is not published, even before sweep() marks it.
    m_clock.set(1700003700);
    old = verifyWithJwks(before);
    QVERIFY(!old.ok());
    QCOMPARE(old.error().code(), ErrorCode::NoMatchingKey);
    const Result<jose::Jwk> byKid = m_store->verificationKey(first);
    QVERIFY(!byKid.ok());
    QCOMPARE(byKid.error().code(), ErrorCode::NotFound);
    QVERIFY2(byKid.error().message().contains(u"retired"_s) && byKid.error().message().contains(first),
             qPrintable(byKid.error().message()));

    const Result<QStringList> swept = m_store->sweep();
    QVERIFY2(swept.ok(), qPrintable(swept.error().toString()));
    QCOMPARE(*swept, QStringList {first});
    QCOMPARE(keysIn(SigningKeyState::Retired).constFirst().kid, first);
    QCOMPARE(keysIn(SigningKeyState::Retired).constFirst().retired, 1700003700);
    QVERIFY(keysIn(SigningKeyState::Retiring).isEmpty());
    const QJsonArray published = m_store->publishedJwks()->value(u"keys"_s).toArray();
    QCOMPARE(published.size(), 2);
    for (const QJsonValue &key : published)
        QVERIFY(key.toObject().value(u"kid"_s).toString() != first);
    QVERIFY(!verifyWithJwks(before).ok());
    QVERIFY(m_store->sweep()->isEmpty());

    // The token signed after the rotation still verifies.
    const Result<jose::Jwk> current = verifyWithJwks(after);
    QVERIFY2(current.ok(), qPrintable(current.error().toString()));
    QCOMPARE(current->kid(), second);
}

void TestSigningKeyStore::tokenLifetimeSetsRetirement()
{
    m_store->setMaxTokenLifetime(600);
    QVERIFY(m_store->ensureKeys().ok());
    const Result<SigningKeyRotation> rotation = m_store->rotate(u"Admin"_s);
    QVERIFY(rotation.ok());
    QCOMPARE(rotation->retireAfter, 1700000600);
    m_clock.set(1700000599);
    QVERIFY(m_store->verificationKey(rotation->retiring).ok());
    m_clock.set(1700000600);
    QVERIFY(!m_store->verificationKey(rotation->retiring).ok());

    m_store->setMaxTokenLifetime(0);
    const Result<SigningKeyRotation> refused = m_store->rotate(u"Admin"_s);
    QVERIFY(!refused.ok());
    QCOMPARE(refused.error().code(), ErrorCode::InvalidInput);
    QVERIFY(refused.error().message().contains(u"lifetime"_s));
}

void TestSigningKeyStore::atMostOneCurrentOverRotations()
{
    QVERIFY(m_store->ensureKeys(jose::JwsAlgorithm::ES256).ok());
    QStringList currents;
    for (int i = 0; i < 4; ++i) {
        m_clock.advance(60);
        const Result<SigningKeyRotation> rotation = m_store->rotate(u"Admin"_s);
        QVERIFY2(rotation.ok(), qPrintable(rotation.error().toString()));
        QCOMPARE(keysIn(SigningKeyState::Current).size(), 1);
        QCOMPARE(keysIn(SigningKeyState::Next).size(), 1);
        QCOMPARE(keysIn(SigningKeyState::Retiring).size(), i + 1);
        QVERIFY(!currents.contains(rotation->current));
        currents << rotation->current;
        QCOMPARE(m_store->currentKey()->kid(), rotation->current);
    }
}

void TestSigningKeyStore::concurrentEnsureMakesOneCurrent()
{
    // Provider instances start at once on one database, each on its own thread with its own
    // connection: exactly one of them makes the keys (one current, one next); the others find
    // them made, before or under the lock.
    constexpr int Instances = 4;
    // What the threads touch is theirs by shared ownership: a thread still running after a
    // failed wait below uses nothing of this function's frame.
    struct Shared
    {
        explicit Shared(std::ptrdiff_t count)
            : ready(count)
        { }
        std::latch ready;
        std::array<QString, Instances> errors;
        std::array<bool, Instances> made {};
    };
    const auto shared = std::make_shared<Shared>(Instances);
    QList<QThread *> threads;
    for (int i = 0; i < Instances; ++i) {
        threads << QThread::create([this, i, shared, location = m_location] {
            auto db = ProviderDatabase::open(location);
            if (!db) {
                shared->errors[i] = db.error().toString();
                shared->ready.count_down();
                return;
            }
            SigningKeyStore store(**db, m_secret, m_clock, m_random);
            shared->ready.arrive_and_wait();
            const Result<bool> made = store.ensureKeys(jose::JwsAlgorithm::ES256, u"instance"_s);
            if (made)
                shared->made[i] = *made;
            else
                shared->errors[i] = made.error().toString();
        });
    }
    for (QThread *thread : std::as_const(threads))
        thread->start();
    const QDeadlineTimer deadline(60000);
    bool finished = true;
    for (QThread *thread : std::as_const(threads)) {
        if (thread->wait(deadline))
            delete thread;
        else
            finished = false; // left running (and leaked): deleting it would abort the test run
    }
    QVERIFY2(finished,
             "An instance did not return from ensureKeys within a minute: a lock was not released.");
    for (int i = 0; i < Instances; ++i)
        QVERIFY2(shared->errors[i].isEmpty(), qPrintable(u"Instance %1: "_s.arg(i) + shared->errors[i]));
    QCOMPARE(std::count(shared->made.cbegin(), shared->made.cend(), true), 1);

    const Result<QList<SigningKeyInfo>> keys = m_store->list();
    QVERIFY2(keys.ok(), qPrintable(keys.error().toString()));
    QCOMPARE(keys->size(), 2);
    const QList<SigningKeyInfo> current = keysIn(SigningKeyState::Current);
    const QList<SigningKeyInfo> next = keysIn(SigningKeyState::Next);
    QCOMPARE(current.size(), 1);
    QCOMPARE(next.size(), 1);
    QCOMPARE(current.constFirst().alg, u"ES256"_s);
    QCOMPARE(next.constFirst().alg, u"ES256"_s);
    // Sealed with the secret every instance shares: this connection signs with it.
    const Result<jose::Jwk> signing = m_store->currentKey();
    QVERIFY2(signing.ok(), qPrintable(signing.error().toString()));
    QCOMPARE(signing->kid(), current.constFirst().kid);
    // One change, so one audit row.
    const QList<QStringList> audit = auditRows();
    QCOMPARE(audit.size(), 1);
    QCOMPARE(audit.constFirst().at(1), u"signingkey/ensure"_s);
}

void TestSigningKeyStore::generateReplacesNext()
{
    QVERIFY(m_store->ensureKeys().ok());
    const QString oldNext = keysIn(SigningKeyState::Next).constFirst().kid;
    m_clock.advance(10);
    const Result<SigningKeyInfo> made = m_store->generate(jose::JwsAlgorithm::RS256, u"Admin"_s);
    QVERIFY2(made.ok(), qPrintable(made.error().toString()));
    QCOMPARE(made->state, SigningKeyState::Next);
    QCOMPARE(made->created, 1700000010);
    QCOMPARE(keysIn(SigningKeyState::Next).size(), 1);
    QCOMPARE(keysIn(SigningKeyState::Next).constFirst().kid, made->kid);
    const QList<SigningKeyInfo> retired = keysIn(SigningKeyState::Retired);
    QCOMPARE(retired.size(), 1);
    QCOMPARE(retired.constFirst().kid, oldNext);
    QCOMPARE(retired.constFirst().retired, 1700000010);
    QVERIFY(!m_store->verificationKey(oldNext).ok());
    QCOMPARE(m_store->publishedJwks()->value(u"keys"_s).toArray().size(), 2);
}

void TestSigningKeyStore::changeAlgorithm()
{
    // RS256 -> ES256: generate an ES256 next key, rotate; both algorithms are published while
    // the RS256 key retires.
    QVERIFY(m_store->ensureKeys(jose::JwsAlgorithm::RS256).ok());
    const QByteArray rsaToken = signToken(u"Rsa"_s);
    QVERIFY(m_store->generate(jose::JwsAlgorithm::ES256, u"Admin"_s).ok());
    const Result<SigningKeyRotation> rotation = m_store->rotate(u"Admin"_s);
    QVERIFY2(rotation.ok(), qPrintable(rotation.error().toString()));
    QCOMPARE(m_store->currentKey()->alg(), u"ES256"_s);
    QCOMPARE(keysIn(SigningKeyState::Next).constFirst().alg, u"ES256"_s); // the promoted key's alg
    QCOMPARE(keysIn(SigningKeyState::Retiring).constFirst().alg, u"RS256"_s);
    QVERIFY(verifyWithJwks(rsaToken).ok());
    const QByteArray ecToken = signToken(u"Ec"_s);
    QCOMPARE(jose::Jws::parse(ecToken)->alg, jose::JwsAlgorithm::ES256);
    QVERIFY(verifyWithJwks(ecToken).ok());
}

void TestSigningKeyStore::ensurePromotesNext()
{
    // A next key made before the provider's first start becomes the current key.
    const Result<SigningKeyInfo> next = m_store->generate(jose::JwsAlgorithm::EdDSA, u"Admin"_s);
    QVERIFY(next.ok());
    QVERIFY(m_store->ensureKeys(jose::JwsAlgorithm::RS256).ok());
    QCOMPARE(m_store->currentKey()->kid(), next->kid);
    QCOMPARE(keysIn(SigningKeyState::Next).constFirst().alg, u"EdDSA"_s);
    QCOMPARE(m_store->list()->size(), 2);
}

void TestSigningKeyStore::rotateWithoutNext()
{
    const Result<SigningKeyRotation> rotation = m_store->rotate(u"Admin"_s);
    QVERIFY(!rotation.ok());
    QCOMPARE(rotation.error().code(), ErrorCode::Conflict);
    QVERIFY2(rotation.error().message().contains(u"no next signing key"_s),
             qPrintable(rotation.error().message()));
    QVERIFY(m_store->list()->isEmpty());
}

void TestSigningKeyStore::noCurrentKey()
{
    const Result<jose::Jwk> key = m_store->currentKey();
    QVERIFY(!key.ok());
    QCOMPARE(key.error().code(), ErrorCode::NotFound);
    QVERIFY2(key.error().message().contains(u"no current signing key"_s), qPrintable(key.error().message()));
    QVERIFY(m_store->publishedJwks()->value(u"keys"_s).toArray().isEmpty());
}

void TestSigningKeyStore::unsupportedAlgorithm_data()
{
    QTest::addColumn<jose::JwsAlgorithm>("alg");
    QTest::newRow("HS256") << jose::JwsAlgorithm::HS256;
    QTest::newRow("PS256") << jose::JwsAlgorithm::PS256;
    QTest::newRow("ES384") << jose::JwsAlgorithm::ES384;
    QTest::newRow("RS512") << jose::JwsAlgorithm::RS512;
}

void TestSigningKeyStore::unsupportedAlgorithm()
{
    QFETCH(jose::JwsAlgorithm, alg);
    const QString name = jose::algorithmName(alg);
    const Result<bool> ensured = m_store->ensureKeys(alg);
    QVERIFY(!ensured.ok());
    QCOMPARE(ensured.error().code(), ErrorCode::UnsupportedAlgorithm);
    QVERIFY2(ensured.error().message().contains(name)
                 && ensured.error().message().contains(u"RS256, ES256, EdDSA"_s),
             qPrintable(ensured.error().message()));
    const Result<SigningKeyInfo> generated = m_store->generate(alg, u"Admin"_s);
    QVERIFY(!generated.ok());
    QCOMPARE(generated.error().code(), ErrorCode::UnsupportedAlgorithm);
    QVERIFY(m_store->list()->isEmpty());
}

void TestSigningKeyStore::privateKeysAreSealed()
{
    for (const jose::JwsAlgorithm alg : SigningKeyStore::supportedAlgorithms())
        QVERIFY(m_store->generate(alg, u"Admin"_s).ok());
    QVERIFY(m_store->ensureKeys().ok());
    QSqlQuery query(m_db->database());
    QVERIFY(query.exec(u"SELECT sk_kid, sk_private_sealed, sk_public_jwk FROM signing_key"_s));
    int rows = 0;
    while (query.next()) {
        ++rows;
        const QString sealed = query.value(1).toString();
        QVERIFY(!sealed.contains(u"PRIVATE KEY"_s));
        QVERIFY(!sealed.contains(u"-----"_s));
        QVERIFY(sealed.startsWith(u"v1."_s));
        // It opens with the secret, for this kid only, to a private key of that kid.
        const QByteArray context = "signing_key:" + query.value(0).toString().toUtf8();
        const Result<QByteArray> pem = m_secret.open(sealed.toLatin1(), context);
        QVERIFY2(pem.ok(), qPrintable(pem.error().toString()));
        QVERIFY(pem->contains("PRIVATE KEY"));
        QCOMPARE(QString::fromLatin1(jose::Jwk::fromPem(*pem)->thumbprint()), query.value(0).toString());
        QVERIFY(!m_secret.open(sealed.toLatin1(), "signing_key:another").ok());
        const QJsonObject publicJwk = QJsonDocument::fromJson(query.value(2).toString().toUtf8()).object();
        QVERIFY(!publicJwk.isEmpty());
        QVERIFY(!publicJwk.contains(u"d"_s));
    }
    QCOMPARE(rows, 4); // three generated (two replaced), one made by ensureKeys
    const QList<SigningKeyInfo> listed = m_store->list().valueOr({});
    QCOMPARE(listed.size(), 4);
    for (const SigningKeyInfo &info : listed)
        QVERIFY(!info.publicJwk.contains(u"d"_s));
}

void TestSigningKeyStore::otherSecretDoesNotOpen()
{
    QVERIFY(m_store->ensureKeys(jose::JwsAlgorithm::ES256).ok());
    const QString kid = keysIn(SigningKeyState::Current).constFirst().kid;
    const ProviderSecret other = ProviderSecret::generate(m_random);
    SigningKeyStore elsewhere(*m_db, other, m_clock, m_random);
    const Result<jose::Jwk> key = elsewhere.currentKey();
    QVERIFY(!key.ok());
    QCOMPARE(key.error().code(), ErrorCode::Crypto);
    QVERIFY2(key.error().message().contains(kid) && key.error().message().contains(u"secret"_s),
             qPrintable(key.error().message()));
    // The public side needs no secret.
    QCOMPARE(elsewhere.publishedJwks()->value(u"keys"_s).toArray().size(), 2);
    // Nothing is changed with the wrong secret: not at a start, not by an admin.
    const Result<bool> ensured = elsewhere.ensureKeys(jose::JwsAlgorithm::ES256);
    QVERIFY(!ensured.ok());
    QCOMPARE(ensured.error().code(), ErrorCode::Crypto);
    const Result<SigningKeyRotation> rotated = elsewhere.rotate(u"Admin"_s);
    QVERIFY(!rotated.ok());
    QCOMPARE(rotated.error().code(), ErrorCode::Crypto);
    QVERIFY(rotated.error().message().contains(keysIn(SigningKeyState::Next).constFirst().kid));
    const Result<SigningKeyInfo> generated = elsewhere.generate(jose::JwsAlgorithm::ES256, u"Admin"_s);
    QVERIFY(!generated.ok());
    QCOMPARE(generated.error().code(), ErrorCode::Crypto);
    QCOMPARE(m_store->list()->size(), 2);
    QCOMPARE(keysIn(SigningKeyState::Current).constFirst().kid, kid);
    QVERIFY(auditRows().size() == 1); // the ensureKeys of the right store only
}

void TestSigningKeyStore::sealedValueBoundToItsRow()
{
    // The seal is bound to "signing_key:<kid>": a sealed value copied into another key's row
    // does not open there, neither for promoting the next key nor for signing.
    QVERIFY(m_store->ensureKeys(jose::JwsAlgorithm::EdDSA).ok());
    const QString current = keysIn(SigningKeyState::Current).constFirst().kid;
    const QString next = keysIn(SigningKeyState::Next).constFirst().kid;
    QSqlQuery query(m_db->database());
    const auto sealedOf = [&query](const QString &kid) {
        if (!query.exec(u"SELECT sk_private_sealed FROM signing_key WHERE sk_kid = '"_s + kid + u'\'')
            || !query.next())
            return QString();
        const QString sealed = query.value(0).toString();
        query.finish();
        return sealed;
    };
    const auto setSealed = [&query](const QString &kid, const QString &sealed) {
        query.prepare(u"UPDATE signing_key SET sk_private_sealed = ? WHERE sk_kid = ?"_s);
        query.addBindValue(sealed);
        query.addBindValue(kid);
        return query.exec();
    };
    const QString currentSealed = sealedOf(current);
    const QString nextSealed = sealedOf(next);
    QVERIFY(!currentSealed.isEmpty() && !nextSealed.isEmpty());

    QVERIFY(setSealed(next, currentSealed));
    const Result<SigningKeyRotation> rotation = m_store->rotate(u"Admin"_s);
    QVERIFY(!rotation.ok());
    QCOMPARE(rotation.error().code(), ErrorCode::Crypto);
    QVERIFY2(rotation.error().message().contains(next), qPrintable(rotation.error().message()));
    QCOMPARE(keysIn(SigningKeyState::Current).constFirst().kid, current); // nothing rotated

    QVERIFY(setSealed(current, nextSealed));
    SigningKeyStore fresh(*m_db, m_secret, m_clock, m_random); // nothing opened yet
    const Result<jose::Jwk> key = fresh.currentKey();
    QVERIFY(!key.ok());
    QCOMPARE(key.error().code(), ErrorCode::Crypto);
    QVERIFY2(key.error().message().contains(current), qPrintable(key.error().message()));
}

void TestSigningKeyStore::unknownKid()
{
    QVERIFY(m_store->ensureKeys(jose::JwsAlgorithm::ES256).ok());
    const Result<jose::Jwk> key = m_store->verificationKey(u"no-such-kid"_s);
    QVERIFY(!key.ok());
    QCOMPARE(key.error().code(), ErrorCode::NotFound);
    QVERIFY(key.error().message().contains(u"no-such-kid"_s));
}

void TestSigningKeyStore::auditLog()
{
    QVERIFY(m_store->ensureKeys(jose::JwsAlgorithm::ES256, u"provider"_s).ok());
    QVERIFY(m_store->generate(jose::JwsAlgorithm::ES256, u"Bob"_s).ok());
    const Result<SigningKeyRotation> rotation = m_store->rotate(u"Alice"_s);
    QVERIFY(rotation.ok());
    m_clock.advance(3600);
    QVERIFY(m_store->sweep(u"janitor"_s).ok());

    const QList<QStringList> rows = auditRows();
    QCOMPARE(rows.size(), 4);
    QCOMPARE(rows.at(0).mid(0, 2), (QStringList {u"provider"_s, u"signingkey/ensure"_s}));
    QCOMPARE(rows.at(1).mid(0, 2), (QStringList {u"Bob"_s, u"signingkey/generate"_s}));
    QCOMPARE(rows.at(2).mid(0, 2), (QStringList {u"Alice"_s, u"signingkey/rotate"_s}));
    QCOMPARE(rows.at(3).mid(0, 2), (QStringList {u"janitor"_s, u"signingkey/retire"_s}));
    const QJsonObject rotated = QJsonDocument::fromJson(rows.at(2).at(2).toUtf8()).object();
    QCOMPARE(rotated.value(u"current"_s).toString(), rotation->current);
    QCOMPARE(rotated.value(u"retiring"_s).toString(), rotation->retiring);
    QCOMPARE(rotated.value(u"next"_s).toString(), rotation->next);
    QCOMPARE(QJsonDocument::fromJson(rows.at(3).at(2).toUtf8()).object().value(u"retired"_s).toString(),
             rotation->retiring);
    // Nothing in the log looks like a private key.
    for (const QStringList &row : rows)
        QVERIFY(!row.at(2).contains(u"\"d\""_s) && !row.at(2).contains(u"PRIVATE"_s));
}

void TestSigningKeyStore::retireEarly()
{
    QVERIFY(m_store->ensureKeys().ok());
    const QString first = keysIn(SigningKeyState::Current).constFirst().kid;
    const QByteArray before = signToken(u"Before"_s);
    QVERIFY(m_store->rotate(u"Admin"_s).ok());
    const QString current = keysIn(SigningKeyState::Current).constFirst().kid;
    const QString next = keysIn(SigningKeyState::Next).constFirst().kid;
    QVERIFY(verifyWithJwks(before).ok()); // retiring, still published

    // The current key and unknown kids are refused, nothing changes.
    Result<SigningKeyInfo> refused = m_store->retire(current, u"Admin"_s);
    QCOMPARE(refused.error().code(), ErrorCode::Conflict);
    QVERIFY2(refused.error().message().contains(u"Rotate first"_s), qPrintable(refused.error().message()));
    QCOMPARE(m_store->retire(u"no-such-kid"_s, u"Admin"_s).error().code(), ErrorCode::NotFound);
    QCOMPARE(keysIn(SigningKeyState::Current).constFirst().kid, current);

    // The retiring key early: the token it signed stops verifying at once, before retire_after.
    m_clock.advance(10);
    const Result<SigningKeyInfo> retired = m_store->retire(first, u"Admin"_s);
    QVERIFY2(retired.ok(), qPrintable(retired.error().toString()));
    QCOMPARE(retired->state, SigningKeyState::Retired);
    QCOMPARE(retired->retired, static_cast<qint64>(m_clock.nowSeconds()));
    QCOMPARE(verifyWithJwks(before).error().code(), ErrorCode::NoMatchingKey);
    QCOMPARE(m_store->verificationKey(first).error().code(), ErrorCode::NotFound);
    QCOMPARE(m_store->retire(first, u"Admin"_s).error().code(), ErrorCode::Conflict); // already retired

    // A next key: unpublished, and rotate() then has nothing to promote.
    QVERIFY(m_store->retire(next, u"Admin"_s).ok());
    QCOMPARE(keysIn(SigningKeyState::Next).size(), 0);
    QCOMPARE(m_store->publishedJwks()->value(u"keys"_s).toArray().size(), 1);
    QCOMPARE(m_store->rotate(u"Admin"_s).error().code(), ErrorCode::Conflict);
    QVERIFY(signToken(u"Still signs"_s).size() > 0);

    const QList<QStringList> rows = auditRows();
    int early = 0;
    for (const QStringList &row : rows) {
        if (row.at(1) == u"signingkey/retire"_s && row.at(2).contains(u"\"early\":true"_s))
            ++early;
    }
    QCOMPARE(early, 2);
}

QTEST_GUILESS_MAIN(TestSigningKeyStore)
#include "TestSigningKeyStore.moc"
