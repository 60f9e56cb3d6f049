#pragma once

#include "common/Clock.h"
#include "common/Random.h"
#include "common/Result.h"
#include "jose/Jwk.h"
#include "jose/Jwks.h"
#include "provider/db/ProviderDatabase.h"
#include "provider/secret/ProviderSecret.h"

#include <QDeadlineTimer>
#include <QHash>
#include <QJsonObject>
#include <QList>
#include <QString>
#include <QStringList>

#include <optional>

namespace mwauth::provider {

// Where a signing key is in its life (DESIGN.md section 5, "Keys"):
//
//   generate()           rotate()               rotate()                 retire_after passed
//   ---------> [next] ------------> [current] ------------> [retiring] ----------------------> [retired]
//              published            published,              published until every              not published,
//              not signing          signs every token       token it signed has expired        kept for the
//              record
//
// A next key is published long before it signs, so relying parties that cache the JWKS
// already know it when the first token signed with it arrives. A retiring key stays
// published for the longest lifetime of a token it signed (maxTokenLifetime()), so tokens
// signed before a rotation keep verifying; after that it verifies nothing.
enum class SigningKeyState { Next, Current, Retiring, Retired };

// "next", "current", "retiring", "retired": the sk_state values.
QString signingKeyStateName(SigningKeyState state);
std::optional<SigningKeyState> signingKeyStateFromName(QStringView name);

// One row of signing_key without its private part (for lists; times in Unix seconds,
// 0 when not reached).
struct SigningKeyInfo
{
    qint64 id = 0;
    QString kid; // RFC 7638 thumbprint of the public key
    QString alg; // "RS256", "ES256" or "EdDSA"
    SigningKeyState state = SigningKeyState::Next;
    qint64 created = 0;
    qint64 activated = 0; // became current
    qint64 retiringSince = 0; // stopped signing
    qint64 retireAfter = 0; // unpublished from then on
    qint64 retired = 0; // marked retired (by sweep(), or a replaced next key)
    QJsonObject publicJwk; // kid, alg, use "sig" and the public members

    // Published in the JWKS at Unix time `now`: next, current, and retiring keys whose
    // retireAfter is still ahead.
    bool isPublishedAt(qint64 now) const;
};

// What rotate() did.
struct SigningKeyRotation
{
    QString current; // the kid that signs from now on (the former next key)
    QString retiring; // the former current key, empty when there was none
    QString next; // the new next key
    qint64 retireAfter = 0; // when `retiring` stops being published (0 when none)
};

// The provider's signing keys in the signing_key table of a ProviderDatabase. Private keys
// are kept as PKCS#8 PEM sealed with the ProviderSecret (context "signing_key:<kid>"), never in
// the clear; a database opened with another secret gives a clear Crypto error on use.
//
// Algorithms: RS256 (the default, MediaWiki's; RSA modulus rsaBits(), 2048 unless set),
// ES256 (P-256) and EdDSA (Ed25519). The algorithm is chosen per provider; keys of different
// algorithms may be published side by side while the provider changes from one to another
// (generate(ES256) + rotate()).
//
// Policy: at most one current key and at most one next key. generate() replaces an existing
// next key: the old one never signed anything, so it is retired at once (unpublished). Every
// change takes the database's write lock (SQLite BEGIN IMMEDIATE, a PostgreSQL advisory lock)
// and re-reads the keys under it, so provider instances sharing a database cannot make two
// current keys. New keys are generated before the lock is taken (RSA is slow).
//
// Every change writes an audit_log row: al_actor as given, al_action "signingkey/<ensure|
// generate|rotate|retire>" (MediaWiki's log type/action style), al_detail a JSON object naming the kids.
//
// Publication does not depend on sweep(): a retiring key whose retireAfter has passed is
// neither published nor used to verify, even before sweep() marks it retired.
//
// One store per thread (the database's rule). Opened private keys and parsed public keys are
// cached by kid (a kid names one key material for ever), so no request unseals or parses a key.
// The key rows (states, times) are cached too, for what serves requests: currentKey(),
// publishedKeys(), publishedJwks(), verificationKey() and list(). The cache is read again
//  - at once after a change committed by any SigningKeyStore of this process (a process-wide
//    generation counter that every ensureKeys/generate/rotate/sweep bumps): the other serving
//    threads of a provider sign with the new key from their next request on;
//  - at the latest RecheckMilliseconds after it was read, for changes made by another process
//    on the same database (`mwauth provider keys rotate` while `provider serve` runs, another
//    provider on PostgreSQL). Such a rotation shows within a second; until then the old
//    current key keeps signing, which verifiers accept (it stays published as retiring).
// Publication is computed from the cached rows with the Clock on every call, so a retiring
// key drops out of the JWKS exactly at its retireAfter. What changes the keys always works
// on fresh rows read under the write lock. The database, secret, clock and random source
// must outlive the store.
class SigningKeyStore
{
public:
    static constexpr qint64 DefaultMaxTokenLifetime = 3600; // MediaWiki's access tokens: PT1H
    // How long cached key rows are used before the database is read again (see above).
    static constexpr int RecheckMilliseconds = 1000;

    SigningKeyStore(ProviderDatabase &db, const ProviderSecret &secret, const Clock &clock, Random &random);

    // The algorithms offered: RS256, ES256, EdDSA.
    static QList<jose::JwsAlgorithm> supportedAlgorithms();
    static QStringList supportedAlgorithmNames();
    // UnsupportedAlgorithm for anything else (the message lists the offered ones).
    static Result<void> checkSupported(jose::JwsAlgorithm alg);

    // The longest lifetime of a token signed with a key (access tokens, id_tokens), plus any
    // leeway verifiers allow: how long a retiring key stays published. Must be positive.
    void setMaxTokenLifetime(qint64 seconds) { m_maxTokenLifetime = seconds; }
    qint64 maxTokenLifetime() const { return m_maxTokenLifetime; }
    // Modulus size of new RSA keys: 2048 (default), 3072 or 4096.
    void setRsaBits(int bits) { m_rsaBits = bits; }
    int rsaBits() const { return m_rsaBits; }

    // What the provider's start calls. Without a current key: promotes the next key if there
    // is one, else makes a current key of `alg`; then makes a next key (of the current key's
    // algorithm) if there is none. An existing current key is kept whatever its algorithm
    // (change algorithms with generate() + rotate()). Returns true when something was made.
    // Crypto when the current key does not open with this secret (checked on every call, so a
    // provider started with the wrong secret fails at its start).
    Result<bool> ensureKeys(jose::JwsAlgorithm alg = jose::JwsAlgorithm::RS256,
                            const QString &actor = QStringLiteral("provider"));
    // A new next key of `alg`, replacing (retiring at once) an existing next key. Crypto when
    // the current key does not open with this secret (new keys would be sealed with another).
    Result<SigningKeyInfo> generate(jose::JwsAlgorithm alg, const QString &actor);
    // In one transaction: the next key becomes current, the current key becomes retiring
    // (retireAfter = now + maxTokenLifetime()), a new next key of the promoted key's
    // algorithm is made. Conflict when there is no next key to promote (run generate());
    // Crypto when the next key does not open with this secret.
    Result<SigningKeyRotation> rotate(const QString &actor);
    // Marks retiring keys whose retireAfter has passed as retired. Returns their kids.
    Result<QStringList> sweep(const QString &actor = QStringLiteral("provider"));
    // Retires one key now, before its time: a next key (it never signed; it just stops being
    // published) or a retiring key (tokens it signed stop verifying at once; the caller warns).
    // NotFound for an unknown kid; Conflict for the current key (rotate first, then retire the
    // old one) and for a retired key. Returns the key as it is afterwards.
    Result<SigningKeyInfo> retire(const QString &kid, const QString &actor);

    // The current key with its private part, kid and alg, for signing. NotFound when there
    // is none; Crypto when it does not open with this provider's secret.
    Result<jose::Jwk> currentKey();
    // The published public keys, current first, then next, then retiring (newest first).
    Result<jose::Jwks> publishedKeys();
    // {"keys": [...]}: publishedKeys() with kid, alg and use "sig" (the JWKS document).
    Result<QJsonObject> publishedJwks();
    // The public key for verifying a token with this kid: only published keys. NotFound for
    // an unknown kid and for a retired one (the message says which).
    Result<jose::Jwk> verificationKey(const QString &kid);
    // Every key, oldest first, without private parts.
    Result<QList<SigningKeyInfo>> list();

private:
    struct NewKey
    {
        QString kid;
        QString alg;
        QJsonObject publicJwk;
        QByteArray sealed;
    };

    qint64 now() const;
    Result<NewKey> makeKey(jose::JwsAlgorithm alg);
    Result<QList<SigningKeyInfo>> readKeys(const QString &where = {}, const QVariantList &values = {});
    Result<void> insertKey(const NewKey &key, SigningKeyState state, qint64 time);
    Result<void> setState(qint64 id, SigningKeyState state, const QString &timeColumn, qint64 time,
                          qint64 retireAfter = 0);
    Result<void> audit(const QString &actor, const QString &action, const QJsonObject &detail);
    Result<void> beginLocked();
    // The current and the next key (the last of each, should there be more).
    struct ActiveKeys
    {
        std::optional<SigningKeyInfo> current;
        std::optional<SigningKeyInfo> next;
    };
    static ActiveKeys activeKeys(const QList<SigningKeyInfo> &keys);
    Result<ActiveKeys> lockAndReadActive();
    Result<void> commit();
    void rollback();
    Result<jose::Jwk> publicKeyOf(const SigningKeyInfo &info);
    Result<jose::Jwk> privateKeyOf(const SigningKeyInfo &info);
    // Every row, oldest first, from the cache when it is still good (see the class comment).
    Result<QList<SigningKeyInfo>> cachedKeys();

    ProviderDatabase &m_db;
    const ProviderSecret &m_secret;
    const Clock &m_clock;
    Random &m_random;
    qint64 m_maxTokenLifetime = DefaultMaxTokenLifetime;
    int m_rsaBits = 2048;
    QHash<QString, jose::Jwk> m_privateKeys; // opened, by kid
    QHash<QString, jose::Jwk> m_publicKeys; // parsed, by kid
    // The cached rows: valid for m_cacheGeneration until m_cacheRecheck expires.
    QList<SigningKeyInfo> m_cachedKeys;
    bool m_cacheValid = false;
    quint64 m_cacheGeneration = 0;
    QDeadlineTimer m_cacheRecheck;
    // The last published set: its kids in order, the keys and the JWKS document.
    QStringList m_publishedKids;
    jose::Jwks m_published;
    QJsonObject m_publishedJson;
};

} // namespace mwauth::provider
