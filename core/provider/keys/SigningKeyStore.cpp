#include "SigningKeyStore.h"

#include "jose/KeyGenerator.h"

#include <QDateTime>
#include <QJsonArray>
#include <QJsonDocument>
#include <QSqlQuery>

#include <algorithm>
#include <atomic>

using namespace Qt::StringLiterals;

namespace mwauth::provider {

namespace {

const QString kColumns = u"sk_id, sk_kid, sk_alg, sk_state, sk_public_jwk, sk_created, sk_activated,"
                         " sk_retiring_since, sk_retire_after, sk_retired"_s;
const QString kActive = u"sk_state IN ('next', 'current', 'retiring')"_s;

QVariant nullableTime(qint64 time)
{
    return time > 0 ? QVariant(time) : QVariant(QMetaType::fromType<qlonglong>());
}

QByteArray sealContext(const QString &kid)
{
    return "signing_key:" + kid.toUtf8();
}

// Bumped after every change to the keys that a store of this process commits; the other
// stores (the provider's other serving threads) read their rows again when it moved.
std::atomic<quint64> g_keysGeneration {1};

} // namespace

QString signingKeyStateName(SigningKeyState state)
{
    switch (state) {
    case SigningKeyState::Next:
        return u"next"_s;
    case SigningKeyState::Current:
        return u"current"_s;
    case SigningKeyState::Retiring:
        return u"retiring"_s;
    case SigningKeyState::Retired:
        return u"retired"_s;
    }
    return {};
}

std::optional<SigningKeyState> signingKeyStateFromName(QStringView name)
{
    for (const SigningKeyState state : {SigningKeyState::Next, SigningKeyState::Current,
                                        SigningKeyState::Retiring, SigningKeyState::Retired}) {
        if (name == signingKeyStateName(state))
            return state;
    }
    return std::nullopt;
}

bool SigningKeyInfo::isPublishedAt(qint64 now) const
{
    switch (state) {
    case SigningKeyState::Next:
    case SigningKeyState::Current:
        return true;
    case SigningKeyState::Retiring:
        return retireAfter > now;
    case SigningKeyState::Retired:
        return false;
    }
    return false;
}

SigningKeyStore::SigningKeyStore(ProviderDatabase &db, const ProviderSecret &secret, const Clock &clock,
                                 Random &random)
    : m_db(db)
    , m_secret(secret)
    , m_clock(clock)
    , m_random(random)
{ }

QList<jose::JwsAlgorithm> SigningKeyStore::supportedAlgorithms()
{
    return {jose::JwsAlgorithm::RS256, jose::JwsAlgorithm::ES256, jose::JwsAlgorithm::EdDSA};
}

QStringList SigningKeyStore::supportedAlgorithmNames()
{
    QStringList names;
    for (const jose::JwsAlgorithm alg : supportedAlgorithms())
        names << jose::algorithmName(alg);
    return names;
}

Result<void> SigningKeyStore::checkSupported(jose::JwsAlgorithm alg)
{
    if (supportedAlgorithms().contains(alg))
        return {};
    return fail(ErrorCode::UnsupportedAlgorithm,
                u"The provider signs with %1; %2 is not offered for signing keys."_s.arg(
                    supportedAlgorithmNames().join(u", "_s), jose::algorithmName(alg)));
}

qint64 SigningKeyStore::now() const
{
    return static_cast<qint64>(m_clock.nowSeconds());
}

Result<SigningKeyStore::NewKey> SigningKeyStore::makeKey(jose::JwsAlgorithm alg)
{
    if (auto supported = checkSupported(alg); !supported)
        return supported.error();
    Result<jose::Jwk> generated = jose::KeyGenerator::generate(alg, jose::isRsa(alg) ? m_rsaBits : 2048);
    if (!generated)
        return generated.error();
    jose::Jwk key = *generated;
    NewKey made;
    made.kid = QString::fromLatin1(key.thumbprint());
    made.alg = jose::algorithmName(alg);
    key.setKid(made.kid);
    key.setAlg(made.alg);
    key.setUse(u"sig"_s);
    made.publicJwk = key.toPublicJson();
    const Result<QByteArray> pem = key.toPrivatePem();
    if (!pem)
        return pem.error();
    made.sealed = m_secret.seal(*pem, sealContext(made.kid), m_random);
    return made;
}

Result<QList<SigningKeyInfo>> SigningKeyStore::readKeys(const QString &where, const QVariantList &values)
{
    QSqlQuery query(m_db.database());
    const QString sql = u"SELECT "_s + kColumns + u" FROM signing_key"_s
        + (where.isEmpty() ? QString() : u" WHERE "_s + where) + u" ORDER BY sk_id"_s;
    if (!ProviderDatabase::run(query, sql, values))
        return ProviderDatabase::sqlError(u"The signing keys could not be read."_s, query.lastError());
    QList<SigningKeyInfo> keys;
    while (query.next()) {
        SigningKeyInfo info;
        info.id = query.value(0).toLongLong();
        info.kid = query.value(1).toString();
        info.alg = query.value(2).toString();
        const QString stateName = query.value(3).toString();
        const std::optional<SigningKeyState> state = signingKeyStateFromName(stateName);
        if (!state) {
            return fail(ErrorCode::Database,
                        u"Signing key '%1' has the unknown state '%2'."_s.arg(info.kid, stateName));
        }
        info.state = *state;
        info.publicJwk = QJsonDocument::fromJson(query.value(4).toString().toUtf8()).object();
        info.created = query.value(5).toLongLong();
        info.activated = query.value(6).toLongLong();
        info.retiringSince = query.value(7).toLongLong();
        info.retireAfter = query.value(8).toLongLong();
        info.retired = query.value(9).toLongLong();
        keys << info;
    }
    return keys;
}

Result<void> SigningKeyStore::insertKey(const NewKey &key, SigningKeyState state, qint64 time)
{
    QSqlQuery query(m_db.database());
    const QString sql
        = u"INSERT INTO signing_key (sk_kid, sk_alg, sk_state, sk_public_jwk, sk_private_sealed,"
          " sk_created, sk_activated) VALUES (?, ?, ?, ?, ?, ?, ?)"_s;
    const QVariantList values {
        key.kid,
        key.alg,
        signingKeyStateName(state),
        QString::fromUtf8(QJsonDocument(key.publicJwk).toJson(QJsonDocument::Compact)),
        QString::fromLatin1(key.sealed),
        time,
        nullableTime(state == SigningKeyState::Current ? time : 0),
    };
    if (!ProviderDatabase::run(query, sql, values)) {
        return ProviderDatabase::sqlError(u"The new signing key '%1' could not be stored."_s.arg(key.kid),
                                          query.lastError());
    }
    return {};
}

Result<void> SigningKeyStore::setState(qint64 id, SigningKeyState state, const QString &timeColumn,
                                       qint64 time, qint64 retireAfter)
{
    QSqlQuery query(m_db.database());
    QString sql = u"UPDATE signing_key SET sk_state = ?, "_s + timeColumn + u" = ?"_s;
    QVariantList values {signingKeyStateName(state), time};
    if (retireAfter > 0) {
        sql += u", sk_retire_after = ?"_s;
        values << retireAfter;
    }
    sql += u" WHERE sk_id = ?"_s;
    values << id;
    if (!ProviderDatabase::run(query, sql, values)) {
        return ProviderDatabase::sqlError(
            u"A signing key could not be made %1."_s.arg(signingKeyStateName(state)), query.lastError());
    }
    return {};
}

Result<void> SigningKeyStore::audit(const QString &actor, const QString &action, const QJsonObject &detail)
{
    QSqlQuery query(m_db.database());
    const QString timestamp = QDateTime::fromSecsSinceEpoch(now(), Qt::UTC).toString(u"yyyyMMddHHmmss"_s);
    const QVariantList values {
        timestamp,
        actor,
        action,
        QString::fromUtf8(QJsonDocument(detail).toJson(QJsonDocument::Compact)),
    };
    if (!ProviderDatabase::run(query,
                               u"INSERT INTO audit_log (al_timestamp, al_actor, al_action, al_detail)"
                               " VALUES (?, ?, ?, ?)"_s,
                               values)) {
        return ProviderDatabase::sqlError(u"The audit log entry could not be written."_s, query.lastError());
    }
    return {};
}

Result<void> SigningKeyStore::beginLocked()
{
    const bool sqlite = m_db.dialect() == SqlDialect::Sqlite;
    QSqlQuery query(m_db.database());
    if (!query.exec(sqlite ? u"BEGIN IMMEDIATE"_s : u"BEGIN"_s))
        return ProviderDatabase::sqlError(u"The signing keys could not be locked."_s, query.lastError());
    // PostgreSQL: held until the end of the transaction. Any fixed number will do; this one
    // is "mwkeys" in decimal ASCII codes, apart from the migrations' lock.
    if (!sqlite && !query.exec(u"SELECT pg_advisory_xact_lock(109119107101121115)"_s)) {
        const QSqlError error = query.lastError();
        rollback();
        return ProviderDatabase::sqlError(u"The signing keys could not be locked."_s, error);
    }
    return {};
}

Result<void> SigningKeyStore::commit()
{
    QSqlQuery query(m_db.database());
    if (!query.exec(u"COMMIT"_s)) {
        const QSqlError error = query.lastError();
        rollback();
        return ProviderDatabase::sqlError(u"The change to the signing keys could not be committed."_s, error);
    }
    g_keysGeneration.fetch_add(1, std::memory_order_release);
    return {};
}

void SigningKeyStore::rollback()
{
    QSqlQuery query(m_db.database());
    query.exec(u"ROLLBACK"_s);
}

// The current and the next key among `keys` (the last of each, should there be more).
SigningKeyStore::ActiveKeys SigningKeyStore::activeKeys(const QList<SigningKeyInfo> &keys)
{
    SigningKeyStore::ActiveKeys active;
    for (const SigningKeyInfo &key : keys) {
        if (key.state == SigningKeyState::Current)
            active.current = key;
        else if (key.state == SigningKeyState::Next)
            active.next = key;
    }
    return active;
}

// Takes the write lock and reads the current and next keys under it; on failure nothing is
// left locked.
Result<SigningKeyStore::ActiveKeys> SigningKeyStore::lockAndReadActive()
{
    if (auto locked = beginLocked(); !locked)
        return locked.error();
    const Result<QList<SigningKeyInfo>> under = readKeys(kActive);
    if (!under) {
        rollback();
        return under.error();
    }
    return activeKeys(*under);
}

Result<bool> SigningKeyStore::ensureKeys(jose::JwsAlgorithm alg, const QString &actor)
{
    if (auto supported = checkSupported(alg); !supported)
        return supported.error();
    const Result<QList<SigningKeyInfo>> before = readKeys(kActive);
    if (!before)
        return before.error();
    const ActiveKeys seen = activeKeys(*before);
    // A provider started with another secret than its keys were sealed with fails here, with
    // a clear error, not at its first signature.
    if (seen.current) {
        if (const Result<jose::Jwk> opened = privateKeyOf(*seen.current); !opened)
            return opened.error();
    }
    if (seen.current && seen.next)
        return false;

    // Keys are made before the lock is taken; under it the state is read again and a key is
    // made there only if another instance changed the plan meanwhile.
    const auto algOf = [alg](const std::optional<SigningKeyInfo> &key) {
        return key ? jose::algorithmFromName(key->alg).valueOr(alg) : alg;
    };
    std::optional<NewKey> preCurrent;
    if (!seen.current && !seen.next) {
        Result<NewKey> made = makeKey(alg);
        if (!made)
            return made.error();
        preCurrent = *made;
    }
    const jose::JwsAlgorithm plannedNextAlg = seen.current ? algOf(seen.current) : algOf(seen.next);
    Result<NewKey> preNext = makeKey(plannedNextAlg);
    if (!preNext)
        return preNext.error();

    const Result<ActiveKeys> lockedKeys = lockAndReadActive();
    if (!lockedKeys)
        return lockedKeys.error();
    const ActiveKeys &active = *lockedKeys;
    if (active.current && active.next) {
        rollback();
        return false;
    }
    const qint64 t = now();
    QJsonObject detail;
    jose::JwsAlgorithm nextAlg = alg;
    Result<void> step;
    if (active.current) {
        nextAlg = algOf(active.current);
    } else if (active.next) {
        step = setState(active.next->id, SigningKeyState::Current, u"sk_activated"_s, t);
        detail.insert(u"promoted"_s, active.next->kid);
        nextAlg = algOf(active.next);
    } else {
        Result<NewKey> current = preCurrent ? Result<NewKey>(*preCurrent) : makeKey(alg);
        step = current ? insertKey(*current, SigningKeyState::Current, t) : Result<void>(current.error());
        if (current)
            detail.insert(u"current"_s, current->kid);
    }
    if (step) {
        Result<NewKey> next = preNext->alg == jose::algorithmName(nextAlg) ? *preNext : makeKey(nextAlg);
        step = next ? insertKey(*next, SigningKeyState::Next, t) : Result<void>(next.error());
        if (next)
            detail.insert(u"next"_s, next->kid);
    }
    if (step)
        step = audit(actor, u"signingkey/ensure"_s, detail);
    if (!step) {
        rollback();
        return step.error();
    }
    if (auto committed = commit(); !committed)
        return committed.error();
    return true;
}

Result<SigningKeyInfo> SigningKeyStore::generate(jose::JwsAlgorithm alg, const QString &actor)
{
    // New keys are sealed with this secret: refuse when it is not the one of the keys there are.
    const Result<QList<SigningKeyInfo>> current = readKeys(u"sk_state = 'current'"_s);
    if (!current)
        return current.error();
    if (!current->isEmpty()) {
        if (const Result<jose::Jwk> opened = privateKeyOf(current->constLast()); !opened)
            return opened.error();
    }
    Result<NewKey> made = makeKey(alg);
    if (!made)
        return made.error();
    if (auto locked = beginLocked(); !locked)
        return locked.error();
    const qint64 t = now();
    Result<QList<SigningKeyInfo>> nexts = readKeys(u"sk_state = 'next'"_s);
    Result<void> step = nexts ? Result<void>() : Result<void>(nexts.error());
    QJsonArray replaced;
    if (step) {
        for (const SigningKeyInfo &old : std::as_const(*nexts)) {
            step = setState(old.id, SigningKeyState::Retired, u"sk_retired"_s, t);
            if (!step)
                break;
            replaced.append(old.kid);
        }
    }
    if (step)
        step = insertKey(*made, SigningKeyState::Next, t);
    if (step) {
        step = audit(actor, u"signingkey/generate"_s,
                     QJsonObject {{u"next"_s, made->kid}, {u"alg"_s, made->alg}, {u"replaced"_s, replaced}});
    }
    if (!step) {
        rollback();
        return step.error();
    }
    if (auto committed = commit(); !committed)
        return committed.error();
    const Result<QList<SigningKeyInfo>> stored = readKeys(u"sk_kid = ?"_s, {made->kid});
    if (!stored)
        return stored.error();
    if (stored->isEmpty())
        return fail(ErrorCode::Database, u"The new signing key '%1' was not stored."_s.arg(made->kid));
    return stored->constFirst();
}

Result<SigningKeyRotation> SigningKeyStore::rotate(const QString &actor)
{
    if (m_maxTokenLifetime <= 0)
        return fail(ErrorCode::InvalidInput, u"The longest token lifetime must be at least one second."_s);
    const auto noNext = [] {
        return fail(ErrorCode::Conflict,
                    u"There is no next signing key to promote. Generate one first, so that clients see "
                    "it in the JWKS before it signs."_s);
    };
    const Result<QList<SigningKeyInfo>> before = readKeys(kActive);
    if (!before)
        return before.error();
    const ActiveKeys seen = activeKeys(*before);
    if (!seen.next)
        return noNext();
    // The key that is to sign must open with this secret (and new keys are sealed with it).
    if (const Result<jose::Jwk> opened = privateKeyOf(*seen.next); !opened)
        return opened.error();
    const Result<jose::JwsAlgorithm> alg = jose::algorithmFromName(seen.next->alg);
    if (!alg)
        return alg.error();
    Result<NewKey> made = makeKey(*alg);
    if (!made)
        return made.error();

    const Result<ActiveKeys> lockedKeys = lockAndReadActive();
    if (!lockedKeys)
        return lockedKeys.error();
    const ActiveKeys &active = *lockedKeys;
    if (!active.next) {
        rollback();
        return noNext();
    }
    const qint64 t = now();
    SigningKeyRotation rotation;
    rotation.current = active.next->kid;
    rotation.next = made->kid;
    Result<void> step;
    if (active.current) {
        rotation.retiring = active.current->kid;
        rotation.retireAfter = t + m_maxTokenLifetime;
        step = setState(active.current->id, SigningKeyState::Retiring, u"sk_retiring_since"_s, t,
                        rotation.retireAfter);
    }
    if (step)
        step = setState(active.next->id, SigningKeyState::Current, u"sk_activated"_s, t);
    if (step)
        step = insertKey(*made, SigningKeyState::Next, t);
    if (step) {
        QJsonObject detail {{u"current"_s, rotation.current}, {u"next"_s, rotation.next}};
        if (!rotation.retiring.isEmpty()) {
            detail.insert(u"retiring"_s, rotation.retiring);
            detail.insert(u"retire_after"_s, rotation.retireAfter);
        }
        step = audit(actor, u"signingkey/rotate"_s, detail);
    }
    if (!step) {
        rollback();
        return step.error();
    }
    if (auto committed = commit(); !committed)
        return committed.error();
    return rotation;
}

Result<QStringList> SigningKeyStore::sweep(const QString &actor)
{
    const QString due = u"sk_state = 'retiring' AND sk_retire_after <= ?"_s;
    const Result<QList<SigningKeyInfo>> before = readKeys(due, {now()});
    if (!before)
        return before.error();
    if (before->isEmpty())
        return QStringList();
    if (auto locked = beginLocked(); !locked)
        return locked.error();
    const qint64 t = now();
    const Result<QList<SigningKeyInfo>> under = readKeys(due, {t});
    Result<void> step = under ? Result<void>() : Result<void>(under.error());
    QStringList retired;
    if (step) {
        for (const SigningKeyInfo &key : std::as_const(*under)) {
            step = setState(key.id, SigningKeyState::Retired, u"sk_retired"_s, t);
            if (step) {
                step = audit(actor, u"signingkey/retire"_s,
                             QJsonObject {{u"retired"_s, key.kid}, {u"retire_after"_s, key.retireAfter}});
            }
            if (!step)
                break;
            retired << key.kid;
        }
    }
    if (!step) {
        rollback();
        return step.error();
    }
    if (auto committed = commit(); !committed)
        return committed.error();
    return retired;
}

Result<SigningKeyInfo> SigningKeyStore::retire(const QString &kid, const QString &actor)
{
    if (auto locked = beginLocked(); !locked)
        return locked.error();
    const Result<QList<SigningKeyInfo>> found = readKeys(u"sk_kid = ?"_s, {kid});
    Result<void> step = found ? Result<void>() : Result<void>(found.error());
    if (step && found->isEmpty())
        step = fail(ErrorCode::NotFound, u"There is no signing key with kid \"%1\"."_s.arg(kid));
    if (step && found->constFirst().state == SigningKeyState::Current)
        step = fail(ErrorCode::Conflict,
                    u"Key %1 is the current key: it signs every new token. Rotate first (the next key takes "
                    "over), then retire this one."_s.arg(kid));
    if (step && found->constFirst().state == SigningKeyState::Retired)
        step = fail(ErrorCode::Conflict, u"Key %1 is retired already."_s.arg(kid));
    const qint64 t = now();
    if (step)
        step = setState(found->constFirst().id, SigningKeyState::Retired, u"sk_retired"_s, t);
    if (step) {
        const SigningKeyInfo &key = found->constFirst();
        QJsonObject detail {
            {u"retired"_s, key.kid}, {u"early"_s, true}, {u"was"_s, signingKeyStateName(key.state)}};
        if (key.retireAfter > 0)
            detail.insert(u"retire_after"_s, key.retireAfter);
        step = audit(actor, u"signingkey/retire"_s, detail);
    }
    if (!step) {
        rollback();
        return step.error();
    }
    if (auto committed = commit(); !committed)
        return committed.error();
    SigningKeyInfo retired = found->constFirst();
    retired.state = SigningKeyState::Retired;
    retired.retired = t;
    return retired;
}

Result<QList<SigningKeyInfo>> SigningKeyStore::cachedKeys()
{
    const quint64 generation = g_keysGeneration.load(std::memory_order_acquire);
    if (m_cacheValid && generation == m_cacheGeneration && !m_cacheRecheck.hasExpired())
        return m_cachedKeys;
    Result<QList<SigningKeyInfo>> keys = readKeys();
    if (!keys) {
        m_cacheValid = false;
        return keys.error();
    }
    m_cachedKeys = std::move(*keys);
    m_cacheValid = true;
    m_cacheGeneration = generation;
    m_cacheRecheck.setRemainingTime(RecheckMilliseconds);
    return m_cachedKeys;
}

Result<jose::Jwk> SigningKeyStore::currentKey()
{
    const Result<QList<SigningKeyInfo>> keys = cachedKeys();
    if (!keys)
        return keys.error();
    const SigningKeyInfo *current = nullptr;
    for (const SigningKeyInfo &key : *keys) {
        if (key.state == SigningKeyState::Current)
            current = &key; // the last one, should there be more
    }
    if (!current) {
        return fail(ErrorCode::NotFound,
                    u"The provider has no current signing key; starting the provider makes one."_s);
    }
    return privateKeyOf(*current);
}

Result<jose::Jwk> SigningKeyStore::privateKeyOf(const SigningKeyInfo &info)
{
    if (const auto cached = m_privateKeys.constFind(info.kid); cached != m_privateKeys.constEnd())
        return *cached;

    QSqlQuery query(m_db.database());
    if (!ProviderDatabase::run(query, u"SELECT sk_private_sealed FROM signing_key WHERE sk_id = ?"_s,
                               {info.id})
        || !query.next()) {
        return ProviderDatabase::sqlError(
            u"The private part of signing key '%1' could not be read."_s.arg(info.kid), query.lastError());
    }
    const QByteArray sealed = query.value(0).toString().toLatin1();
    query.finish();
    const Result<QByteArray> pem = m_secret.open(sealed, sealContext(info.kid));
    if (!pem) {
        return fail(ErrorCode::Crypto,
                    u"The private part of signing key '%1' does not open with this provider's secret: the "
                    "database was sealed with another secret, or the key's row was changed."_s.arg(info.kid),
                    pem.error().message());
    }
    Result<jose::Jwk> key = jose::Jwk::fromPem(*pem);
    if (!key)
        return key.error().prefixed(u"Signing key '%1': "_s.arg(info.kid));
    if (QString::fromLatin1(key->thumbprint()) != info.kid) {
        return fail(ErrorCode::Crypto,
                    u"The private part of signing key '%1' belongs to another key."_s.arg(info.kid));
    }
    key->setKid(info.kid);
    key->setAlg(info.alg);
    key->setUse(u"sig"_s);
    m_privateKeys.insert(info.kid, *key);
    return *key;
}

Result<jose::Jwk> SigningKeyStore::publicKeyOf(const SigningKeyInfo &info)
{
    if (const auto cached = m_publicKeys.constFind(info.kid); cached != m_publicKeys.constEnd())
        return *cached;
    Result<jose::Jwk> key = jose::Jwk::fromJson(info.publicJwk);
    if (!key)
        return key.error().prefixed(u"Signing key '%1': "_s.arg(info.kid));
    if (QString::fromLatin1(key->thumbprint()) != info.kid || key->alg() != info.alg)
        return fail(ErrorCode::MalformedKey,
                    u"The stored public key of '%1' does not match its kid."_s.arg(info.kid));
    m_publicKeys.insert(info.kid, *key);
    return *key;
}

Result<jose::Jwks> SigningKeyStore::publishedKeys()
{
    const Result<QList<SigningKeyInfo>> keys = cachedKeys();
    if (!keys)
        return keys.error();
    const qint64 t = now();
    QList<SigningKeyInfo> published;
    for (const SigningKeyInfo &info : *keys) {
        if (info.isPublishedAt(t))
            published << info;
    }
    const auto rank = [](SigningKeyState state) {
        return state == SigningKeyState::Current ? 0 : state == SigningKeyState::Next ? 1 : 2;
    };
    std::stable_sort(published.begin(), published.end(),
                     [&rank](const SigningKeyInfo &a, const SigningKeyInfo &b) {
                         if (rank(a.state) != rank(b.state))
                             return rank(a.state) < rank(b.state);
                         return a.id > b.id;
                     });
    QStringList kids;
    for (const SigningKeyInfo &info : std::as_const(published))
        kids << info.kid;
    if (kids == m_publishedKids && !kids.isEmpty())
        return m_published; // a kid names one key for ever: the same kids, the same set
    jose::Jwks jwks;
    for (const SigningKeyInfo &info : std::as_const(published)) {
        const Result<jose::Jwk> key = publicKeyOf(info);
        if (!key)
            return key.error();
        jwks.add(*key);
    }
    m_publishedKids = kids;
    m_published = jwks;
    m_publishedJson = jwks.toPublicJson();
    return jwks;
}

Result<QJsonObject> SigningKeyStore::publishedJwks()
{
    const Result<jose::Jwks> keys = publishedKeys();
    if (!keys)
        return keys.error();
    return m_publishedJson; // made with the set publishedKeys() returned
}

Result<jose::Jwk> SigningKeyStore::verificationKey(const QString &kid)
{
    Result<QList<SigningKeyInfo>> keys = cachedKeys();
    const auto byKid = [&kid](const SigningKeyInfo &key) { return key.kid == kid; };
    if (keys && std::none_of(keys->cbegin(), keys->cend(), byKid)) {
        // Perhaps made by another process since the rows were read (as before the cache, an
        // unknown kid costs one query).
        m_cacheValid = false;
        keys = cachedKeys();
    }
    if (!keys)
        return keys.error();
    const auto found = std::find_if(keys->cbegin(), keys->cend(), byKid);
    if (found == keys->cend())
        return fail(ErrorCode::NotFound, u"No signing key of this provider has the kid '%1'."_s.arg(kid));
    const SigningKeyInfo &info = *found;
    if (!info.isPublishedAt(now())) {
        return fail(ErrorCode::NotFound,
                    u"Signing key '%1' is retired: tokens it signed no longer verify."_s.arg(kid));
    }
    return publicKeyOf(info);
}

Result<QList<SigningKeyInfo>> SigningKeyStore::list()
{
    return cachedKeys();
}

} // namespace mwauth::provider
