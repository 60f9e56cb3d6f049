#include "SecretRef.h"

#include <QRegularExpression>

#include <array>

using namespace Qt::StringLiterals;

namespace mwauth::secrets {

namespace {

struct KindName
{
    SecretKind kind;
    QStringView name;
};

constexpr std::array<KindName, 8> kKindNames = {{
    {SecretKind::ClientSecret, u"client-secret"},
    {SecretKind::RsaPrivateKey, u"rsa-private-key"},
    {SecretKind::AccessToken, u"access-token"},
    {SecretKind::RefreshToken, u"refresh-token"},
    {SecretKind::OwnerOnlyToken, u"owner-only-token"},
    {SecretKind::TotpSeed, u"totp-seed"},
    {SecretKind::WebAuthnCredential, u"webauthn-credential"},
    {SecretKind::Password, u"password"},
}};

constexpr QStringView kPrefix = u"mwauth:";

} // namespace

QString secretKindName(SecretKind kind)
{
    for (const KindName &entry : kKindNames) {
        if (entry.kind == kind)
            return entry.name.toString();
    }
    return QString();
}

std::optional<SecretKind> secretKindFromName(const QString &name)
{
    for (const KindName &entry : kKindNames) {
        if (entry.name == name)
            return entry.kind;
    }
    return std::nullopt;
}

QList<SecretKind> allSecretKinds()
{
    QList<SecretKind> kinds;
    for (const KindName &entry : kKindNames)
        kinds << entry.kind;
    return kinds;
}

QString SecretRef::key() const
{
    return kPrefix + profileId + u':' + secretKindName(kind) + u':' + id;
}

Result<void> SecretRef::validate() const
{
    static const QRegularExpression profilePattern(u"^[A-Za-z0-9._-]{1,64}$"_s);
    if (!profilePattern.match(profileId).hasMatch())
        return fail(ErrorCode::InvalidInput,
                    u"A secret's profile id must be 1-64 characters from A-Z, a-z, 0-9, '.', '_' and '-'."_s);
    if (secretKindName(kind).isEmpty())
        return fail(ErrorCode::InvalidInput, u"Unknown kind of secret."_s);
    if (id.isEmpty() || id.size() > 256)
        return fail(ErrorCode::InvalidInput, u"A secret's id must be 1-256 characters long."_s);
    for (const QChar c : id) {
        if (c.category() == QChar::Other_Control)
            return fail(ErrorCode::InvalidInput, u"A secret's id must not contain control characters."_s);
    }
    return {};
}

Result<SecretRef> SecretRef::fromKey(const QString &key)
{
    if (!key.startsWith(kPrefix))
        return fail(ErrorCode::InvalidInput, u"A secret's key starts with \"mwauth:\"."_s);
    const QString rest = key.mid(kPrefix.size());
    const qsizetype first = rest.indexOf(u':');
    const qsizetype second = first < 0 ? -1 : rest.indexOf(u':', first + 1);
    if (second < 0)
        return fail(ErrorCode::InvalidInput, u"A secret's key is mwauth:<profile-id>:<kind>:<id>."_s);
    const std::optional<SecretKind> kind = secretKindFromName(rest.mid(first + 1, second - first - 1));
    if (!kind)
        return fail(ErrorCode::InvalidInput, u"A secret's key names an unknown kind."_s);
    SecretRef ref {rest.left(first), *kind, rest.mid(second + 1)};
    if (const Result<void> valid = ref.validate(); !valid)
        return valid.error();
    return ref;
}

} // namespace mwauth::secrets
