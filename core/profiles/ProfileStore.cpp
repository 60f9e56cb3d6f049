#include "ProfileStore.h"

#include "secrets/SecretRef.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QSet>
#include <QSqlError>
#include <QSqlQuery>
#include <QVariant>

using namespace Qt::StringLiterals;

namespace mwauth::profiles {

namespace {

constexpr QStringView kFormat = u"mwauth-profiles";
constexpr int kVersion = 1;

Error sqlError(const QSqlQuery &query)
{
    return fail(ErrorCode::Database, u"The app database could not be used."_s, query.lastError().text());
}

bool run(QSqlQuery &query, const QString &sql, const QVariantList &values)
{
    if (!query.prepare(sql))
        return false;
    for (const QVariant &value : values) {
        // A null QString would bind as SQL NULL; the text columns are NOT NULL with '' for none.
        if (value.typeId() == QMetaType::QString && value.toString().isNull())
            query.addBindValue(u""_s);
        else
            query.addBindValue(value);
    }
    return query.exec();
}

const QString kProfileColumns
    = u"id, name, kind, base_url, api_url, rest_url, index_url, issuer, site_name, generator, metadata"_s;

Profile profileFromRow(const QSqlQuery &q)
{
    Profile p;
    p.id = q.value(0).toString();
    p.name = q.value(1).toString();
    profileKindFromName(q.value(2).toString(), p.kind);
    p.baseUrl = QUrl(q.value(3).toString());
    p.apiUrl = QUrl(q.value(4).toString());
    p.restUrl = QUrl(q.value(5).toString());
    p.indexUrl = QUrl(q.value(6).toString());
    p.issuer = QUrl(q.value(7).toString());
    p.siteName = q.value(8).toString();
    p.generator = q.value(9).toString();
    p.metadata = QJsonDocument::fromJson(q.value(10).toString().toUtf8()).object();
    return p;
}

QJsonObject profileToJson(const Profile &p, const QList<ConsumerRecord> &consumers)
{
    QJsonArray list;
    for (const ConsumerRecord &c : consumers)
        list.append(QJsonObject {{u"client_id"_s, c.clientId},
                                 {u"name"_s, c.name},
                                 {u"oauth_version"_s, c.oauthVersion},
                                 {u"confidential"_s, c.confidential},
                                 {u"owner_only"_s, c.ownerOnly},
                                 {u"redirect_uri"_s, c.redirectUri},
                                 {u"grants"_s, QJsonArray::fromStringList(c.grants)}});
    QJsonObject object {{u"name"_s, p.name},
                        {u"kind"_s, profileKindName(p.kind)},
                        {u"base_url"_s, p.baseUrl.toString()},
                        {u"api_url"_s, p.apiUrl.toString()},
                        {u"rest_url"_s, p.restUrl.toString()},
                        {u"index_url"_s, p.indexUrl.toString()},
                        {u"issuer"_s, p.issuer.toString()},
                        {u"site_name"_s, p.siteName},
                        {u"generator"_s, p.generator},
                        {u"consumers"_s, list}};
    if (!p.metadata.isEmpty())
        object.insert(u"metadata"_s, p.metadata);
    return object;
}

Error malformed(int index, const QString &what)
{
    return fail(ErrorCode::MalformedJson,
                u"Profile %1 of the file: %2"_s.arg(QString::number(index + 1), what));
}

Result<QString> stringField(const QJsonObject &o, const QString &key, int index, bool required)
{
    const QJsonValue v = o.value(key);
    if (v.isUndefined() && !required)
        return QString();
    if (!v.isString())
        return malformed(index, u"\"%1\" must be a string."_s.arg(key));
    return v.toString();
}

Result<QUrl> urlField(const QJsonObject &o, const QString &key, int index)
{
    const Result<QString> text = stringField(o, key, index, false);
    if (!text)
        return text.error();
    if (text->isEmpty())
        return QUrl();
    const QUrl url(*text, QUrl::StrictMode);
    if (!url.isValid() || (url.scheme() != u"http" && url.scheme() != u"https") || url.host().isEmpty())
        return malformed(index, u"\"%1\" must be an http or https URL."_s.arg(key));
    return url;
}

Result<ConsumerRecord> consumerFromJson(const QJsonValue &value, int index)
{
    if (!value.isObject())
        return malformed(index, u"each consumer must be an object."_s);
    const QJsonObject o = value.toObject();
    ConsumerRecord c;
    const Result<QString> id = stringField(o, u"client_id"_s, index, true);
    if (!id || id->isEmpty())
        return malformed(index, u"each consumer needs a \"client_id\" string."_s);
    c.clientId = *id;
    const Result<QString> name = stringField(o, u"name"_s, index, false);
    const Result<QString> redirect = stringField(o, u"redirect_uri"_s, index, false);
    if (!name || !redirect)
        return !name ? name.error() : redirect.error();
    c.name = *name;
    c.redirectUri = *redirect;
    const QJsonValue version = o.value(u"oauth_version"_s);
    if (!version.isDouble() || (version.toInt() != 1 && version.toInt() != 2))
        return malformed(index, u"a consumer's \"oauth_version\" must be 1 or 2."_s);
    c.oauthVersion = version.toInt();
    for (const QString &flag : {u"confidential"_s, u"owner_only"_s}) {
        const QJsonValue v = o.value(flag);
        if (!v.isUndefined() && !v.isBool())
            return malformed(index, u"a consumer's \"%1\" must be true or false."_s.arg(flag));
    }
    c.confidential = o.value(u"confidential"_s).toBool(true);
    c.ownerOnly = o.value(u"owner_only"_s).toBool(false);
    const QJsonValue grants = o.value(u"grants"_s);
    if (!grants.isUndefined()) {
        if (!grants.isArray())
            return malformed(index, u"a consumer's \"grants\" must be a list of strings."_s);
        for (const QJsonValue &g : grants.toArray()) {
            if (!g.isString())
                return malformed(index, u"a consumer's \"grants\" must be a list of strings."_s);
            c.grants << g.toString();
        }
    }
    // Anything that looks like a secret is refused rather than silently dropped.
    for (const QString &key : o.keys()) {
        if (key.contains(u"secret") || key.contains(u"token") || key.contains(u"password")
            || key.contains(u"key"))
            return malformed(index,
                             u"a consumer has a field \"%1\": profile files never carry secrets."_s.arg(key));
    }
    return c;
}

struct Imported
{
    Profile profile;
    QList<ConsumerRecord> consumers;
};

Result<Imported> profileFromJson(const QJsonValue &value, int index)
{
    if (!value.isObject())
        return malformed(index, u"it must be an object."_s);
    const QJsonObject o = value.toObject();
    Imported result;
    Profile &p = result.profile;
    const Result<QString> name = stringField(o, u"name"_s, index, true);
    if (!name)
        return name.error();
    if (const Result<void> valid = ProfileStore::validateName(*name); !valid)
        return malformed(index, valid.error().message());
    p.name = *name;
    const Result<QString> kind = stringField(o, u"kind"_s, index, true);
    if (!kind)
        return kind.error();
    if (!profileKindFromName(*kind, p.kind) || p.kind == Profile::Kind::LocalProvider)
        return malformed(index, u"\"kind\" must be \"mediawiki\" or \"oidc\"."_s);
    const std::pair<QString, QUrl *> urls[] = {{u"base_url"_s, &p.baseUrl},
                                               {u"api_url"_s, &p.apiUrl},
                                               {u"rest_url"_s, &p.restUrl},
                                               {u"index_url"_s, &p.indexUrl},
                                               {u"issuer"_s, &p.issuer}};
    for (const auto &[key, target] : urls) {
        const Result<QUrl> url = urlField(o, key, index);
        if (!url)
            return url.error();
        *target = *url;
    }
    if (p.kind == Profile::Kind::MediaWiki && !p.apiUrl.isValid())
        return malformed(index, u"a MediaWiki profile needs \"api_url\"."_s);
    if (p.kind == Profile::Kind::OidcIssuer && !p.issuer.isValid())
        return malformed(index, u"an OpenID Connect profile needs \"issuer\"."_s);
    const Result<QString> siteName = stringField(o, u"site_name"_s, index, false);
    const Result<QString> generator = stringField(o, u"generator"_s, index, false);
    if (!siteName || !generator)
        return !siteName ? siteName.error() : generator.error();
    p.siteName = *siteName;
    p.generator = *generator;
    const QJsonValue metadata = o.value(u"metadata"_s);
    if (!metadata.isUndefined() && !metadata.isObject())
        return malformed(index, u"\"metadata\" must be an object."_s);
    p.metadata = metadata.toObject();
    const QJsonValue consumers = o.value(u"consumers"_s);
    if (!consumers.isUndefined() && !consumers.isArray())
        return malformed(index, u"\"consumers\" must be a list."_s);
    for (const QJsonValue &c : consumers.toArray()) {
        Result<ConsumerRecord> consumer = consumerFromJson(c, index);
        if (!consumer)
            return consumer.error();
        result.consumers << *consumer;
    }
    return result;
}

} // namespace

ProfileStore::ProfileStore(AppDatabase &database, Random &random)
    : m_database(database)
    , m_random(random)
{ }

Result<void> ProfileStore::validateName(const QString &name)
{
    if (name.trimmed().isEmpty() || name.size() > 100)
        return fail(ErrorCode::InvalidInput,
                    u"A profile's name must be 1-100 characters and not only spaces."_s);
    for (const QChar c : name) {
        if (c.category() == QChar::Other_Control)
            return fail(ErrorCode::InvalidInput, u"A profile's name must not contain control characters."_s);
    }
    return {};
}

Result<void> ProfileStore::insert(const Profile &p)
{
    QSqlQuery q(m_database.database());
    if (!run(q, u"SELECT 1 FROM profile WHERE name = ? OR id = ?"_s, {p.name, p.id}))
        return sqlError(q);
    if (q.next() || p.name == Profile::localProvider().name || p.id == Profile::localProviderId)
        return fail(ErrorCode::Conflict, u"There is a profile named \"%1\" already."_s.arg(p.name));
    const QString metadata = p.metadata.isEmpty()
        ? QString()
        : QString::fromUtf8(QJsonDocument(p.metadata).toJson(QJsonDocument::Compact));
    if (!run(q,
             u"INSERT INTO profile ("_s + kProfileColumns + u") VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"_s,
             {p.id, p.name, profileKindName(p.kind), p.baseUrl.toString(), p.apiUrl.toString(),
              p.restUrl.toString(), p.indexUrl.toString(), p.issuer.toString(), p.siteName, p.generator,
              metadata}))
        return sqlError(q);
    return {};
}

Result<Profile> ProfileStore::add(Profile profile)
{
    if (const Result<void> valid = validateName(profile.name); !valid)
        return valid.error();
    if (profile.kind == Profile::Kind::LocalProvider)
        return fail(ErrorCode::InvalidInput,
                    u"The local provider's profile is built in; it cannot be added."_s);
    if (profile.id.isEmpty())
        profile.id = QString::fromLatin1(m_random.bytes(8).toHex());
    if (const Result<void> valid
        = secrets::SecretRef {profile.id, secrets::SecretKind::Password, u"x"_s}.validate();
        !valid)
        return valid.error();
    if (const Result<void> inserted = insert(profile); !inserted)
        return inserted.error();
    return profile;
}

Result<QList<Profile>> ProfileStore::list() const
{
    QList<Profile> profiles {Profile::localProvider()};
    QSqlQuery q(m_database.database());
    if (!run(q, u"SELECT "_s + kProfileColumns + u" FROM profile ORDER BY name"_s, {}))
        return sqlError(q);
    while (q.next())
        profiles << profileFromRow(q);
    return profiles;
}

Result<Profile> ProfileStore::find(const QString &nameOrId) const
{
    const Profile local = Profile::localProvider();
    if (nameOrId == local.name || nameOrId == local.id)
        return local;
    QSqlQuery q(m_database.database());
    if (!run(q,
             u"SELECT "_s + kProfileColumns + u" FROM profile WHERE name = ? UNION ALL SELECT "_s
                 + kProfileColumns + u" FROM profile WHERE id = ?"_s,
             {nameOrId, nameOrId}))
        return sqlError(q);
    if (!q.next())
        return fail(ErrorCode::NotFound, u"There is no profile named \"%1\"."_s.arg(nameOrId));
    return profileFromRow(q);
}

Result<void> ProfileStore::remove(const QString &id)
{
    if (id == Profile::localProviderId)
        return fail(ErrorCode::InvalidInput,
                    u"The local provider's profile is built in; it cannot be removed."_s);
    QSqlDatabase db = m_database.database();
    QSqlQuery q(db);
    if (!db.transaction())
        return fail(ErrorCode::Database, u"The app database could not be used."_s, db.lastError().text());
    if (!run(q, u"DELETE FROM consumer WHERE profile_id = ?"_s, {id})
        || !run(q, u"DELETE FROM profile WHERE id = ?"_s, {id})) {
        db.rollback();
        return sqlError(q);
    }
    if (q.numRowsAffected() != 1) {
        db.rollback();
        return fail(ErrorCode::NotFound, u"There is no profile with the id \"%1\"."_s.arg(id));
    }
    if (!db.commit())
        return fail(ErrorCode::Database, u"The app database could not be used."_s, db.lastError().text());
    return {};
}

Result<void> ProfileStore::insertConsumer(const ConsumerRecord &c)
{
    QSqlQuery q(m_database.database());
    if (!run(q,
             u"INSERT OR REPLACE INTO consumer (profile_id, client_id, name, oauth_version, confidential, "
             "owner_only, redirect_uri, grants) VALUES (?, ?, ?, ?, ?, ?, ?, ?)"_s,
             {c.profileId, c.clientId, c.name, c.oauthVersion, c.confidential ? 1 : 0, c.ownerOnly ? 1 : 0,
              c.redirectUri,
              QString::fromUtf8(
                  QJsonDocument(QJsonArray::fromStringList(c.grants)).toJson(QJsonDocument::Compact))}))
        return sqlError(q);
    return {};
}

Result<void> ProfileStore::saveConsumer(const ConsumerRecord &consumer)
{
    if (consumer.clientId.isEmpty() || (consumer.oauthVersion != 1 && consumer.oauthVersion != 2))
        return fail(ErrorCode::InvalidInput,
                    u"A consumer needs a client id and an OAuth version of 1 or 2."_s);
    if (consumer.profileId != Profile::localProviderId) {
        QSqlQuery q(m_database.database());
        if (!run(q, u"SELECT 1 FROM profile WHERE id = ?"_s, {consumer.profileId}))
            return sqlError(q);
        if (!q.next())
            return fail(ErrorCode::NotFound,
                        u"There is no profile with the id \"%1\"."_s.arg(consumer.profileId));
    }
    return insertConsumer(consumer);
}

Result<QList<ConsumerRecord>> ProfileStore::consumers(const QString &profileId) const
{
    QSqlQuery q(m_database.database());
    if (!run(q,
             u"SELECT profile_id, client_id, name, oauth_version, confidential, owner_only, redirect_uri, "
             u"grants "
             "FROM consumer WHERE profile_id = ? ORDER BY name, client_id"_s,
             {profileId}))
        return sqlError(q);
    QList<ConsumerRecord> list;
    while (q.next()) {
        ConsumerRecord c;
        c.profileId = q.value(0).toString();
        c.clientId = q.value(1).toString();
        c.name = q.value(2).toString();
        c.oauthVersion = q.value(3).toInt();
        c.confidential = q.value(4).toInt() != 0;
        c.ownerOnly = q.value(5).toInt() != 0;
        c.redirectUri = q.value(6).toString();
        const QJsonArray grants = QJsonDocument::fromJson(q.value(7).toString().toUtf8()).array();
        for (const QJsonValue &g : grants)
            c.grants << g.toString();
        list << c;
    }
    return list;
}

Result<QByteArray> ProfileStore::exportJson(const QStringList &profileIds) const
{
    const Result<QList<Profile>> profiles = list();
    if (!profiles)
        return profiles.error();
    QJsonArray array;
    for (const Profile &p : *profiles) {
        if (p.isBuiltIn() || (!profileIds.isEmpty() && !profileIds.contains(p.id)))
            continue;
        const Result<QList<ConsumerRecord>> cs = consumers(p.id);
        if (!cs)
            return cs.error();
        array.append(profileToJson(p, *cs));
    }
    const QJsonObject document {
        {u"format"_s, kFormat.toString()}, {u"version"_s, kVersion}, {u"profiles"_s, array}};
    return QJsonDocument(document).toJson(QJsonDocument::Indented);
}

Result<QList<Profile>> ProfileStore::importJson(const QByteArray &json)
{
    QJsonParseError parseError;
    const QJsonDocument document = QJsonDocument::fromJson(json, &parseError);
    if (parseError.error != QJsonParseError::NoError)
        return fail(ErrorCode::MalformedJson,
                    u"The profile file is not JSON: %1 at byte %2."_s.arg(
                        parseError.errorString(), QString::number(parseError.offset)));
    const QJsonObject root = document.object();
    if (!document.isObject() || root.value(u"format"_s).toString() != kFormat)
        return fail(ErrorCode::MalformedJson,
                    u"The file is not an MWAuth Console profile export (\"format\": \"mwauth-profiles\")."_s);
    if (root.value(u"version"_s).toInt(-1) != kVersion)
        return fail(ErrorCode::MalformedJson,
                    u"The profile file has an unknown \"version\"; this program reads 1."_s);
    if (!root.value(u"profiles"_s).isArray())
        return fail(ErrorCode::MalformedJson, u"The profile file has no \"profiles\" list."_s);
    const QJsonArray array = root.value(u"profiles"_s).toArray();
    QList<Imported> imported;
    QSet<QString> names;
    for (int i = 0; i < array.size(); ++i) {
        Result<Imported> one = profileFromJson(array.at(i), i);
        if (!one)
            return one.error();
        if (names.contains(one->profile.name))
            return fail(ErrorCode::Conflict,
                        u"The profile file names \"%1\" twice."_s.arg(one->profile.name));
        names.insert(one->profile.name);
        imported << *one;
    }
    QSqlDatabase db = m_database.database();
    if (!db.transaction())
        return fail(ErrorCode::Database, u"The app database could not be used."_s, db.lastError().text());
    QList<Profile> added;
    for (Imported &one : imported) {
        one.profile.id = QString::fromLatin1(m_random.bytes(8).toHex());
        Result<void> done = insert(one.profile);
        for (qsizetype i = 0; done && i < one.consumers.size(); ++i) {
            one.consumers[i].profileId = one.profile.id;
            done = insertConsumer(one.consumers.at(i));
        }
        if (!done) {
            db.rollback();
            return done.error();
        }
        added << one.profile;
    }
    if (!db.commit()) {
        db.rollback();
        return fail(ErrorCode::Database, u"The app database could not be used."_s, db.lastError().text());
    }
    return added;
}

} // namespace mwauth::profiles
