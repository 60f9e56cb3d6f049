#pragma once

#include "common/Random.h"
#include "common/Result.h"

#include <QByteArray>
#include <QString>

namespace mwauth::provider {

// The provider's own secret, MediaWiki's $wgSecretKey (and $wgOAuthSecretKey): 32 random
// bytes, written as 64 hex digits. Two uses:
//
//  - derive(stored): how MediaWiki hands out secrets it keeps in its tables. A consumer's
//    secret and an OAuth 1 access secret are stored as random values (oarc_secret_key,
//    oaac_access_secret) and given out as hex HMAC-SHA1(stored, secret), so a copy of the
//    database alone does not reveal them (reference/mediawiki-oauth.md section 5).
//  - seal(plaintext, context) / open(): AES-256-GCM for what must be kept but not in the clear
//    (signing keys' private parts). `context` is bound as associated data (say "signing_key:
//    <kid>"), so a sealed value moved to another row does not open. Format:
//    "v1." + base64url(12-byte nonce || ciphertext || 16-byte tag). The AES key is
//    HMAC-SHA256(secret, "mwauth provider seal v1"), separate from the HMAC-SHA1 use.
//
// Where the secret lives (forDatabase): a random one per run for ":memory:"; beside a SQLite
// file in "<file>.secret" (created with mode 0600 and reused); for PostgreSQL in the
// environment variable MWAUTH_PROVIDER_SECRET (64 hex digits), so that every provider instance
// on one database has the same.
class ProviderSecret
{
public:
    static constexpr int Size = 32;
    static constexpr const char *EnvironmentVariable = "MWAUTH_PROVIDER_SECRET";

    // Errors: Io (the file cannot be created or read), MalformedKey (the file or variable is
    // not 64 hex digits), InvalidInput (PostgreSQL without the variable, naming it).
    static Result<ProviderSecret> forDatabase(const QString &location, Random &random);
    // 64 hex digits (surrounding white space ignored); MalformedKey otherwise.
    static Result<ProviderSecret> fromHex(QByteArrayView hex);
    static ProviderSecret generate(Random &random);

    QByteArray hex() const { return m_hex; }

    // Lower-case hex HMAC-SHA1 of `stored` keyed with the secret's hex text (40 digits).
    QByteArray derive(QByteArrayView stored) const;
    QByteArray seal(QByteArrayView plaintext, QByteArrayView context, Random &random) const;
    // Crypto when the value was changed, sealed with another secret or for another context;
    // MalformedToken when it is not in the format above.
    Result<QByteArray> open(QByteArrayView sealed, QByteArrayView context) const;

private:
    explicit ProviderSecret(QByteArray hex);

    QByteArray m_hex; // the secret as 64 lower-case hex digits
    QByteArray m_sealKey; // 32 bytes
};

} // namespace mwauth::provider
