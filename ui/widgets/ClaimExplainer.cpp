#include "widgets/ClaimExplainer.h"

#include "jose/JwsAlgorithm.h"
#include "widgets/TimeText.h"

#include <QCoreApplication>
#include <QJsonArray>

namespace mwauth::ui {

namespace {
QString tr(const char *text)
{
    return QCoreApplication::translate("mwauth::ui::ClaimExplainer", text);
}

QString describeAlgorithm(const QString &name)
{
    using jose::JwsAlgorithm;
    const Result<JwsAlgorithm> alg = jose::algorithmFromName(name);
    if (!alg)
        return tr("Algorithm - \"%1\" is not one this console accepts").arg(name);
    switch (*alg) {
    case JwsAlgorithm::HS256:
        return tr("Algorithm - HMAC with SHA-256 (a shared secret)");
    case JwsAlgorithm::HS384:
        return tr("Algorithm - HMAC with SHA-384 (a shared secret)");
    case JwsAlgorithm::HS512:
        return tr("Algorithm - HMAC with SHA-512 (a shared secret)");
    case JwsAlgorithm::RS256:
        return tr("Algorithm - RSA PKCS#1 v1.5 with SHA-256 (MediaWiki's choice)");
    case JwsAlgorithm::RS384:
        return tr("Algorithm - RSA PKCS#1 v1.5 with SHA-384");
    case JwsAlgorithm::RS512:
        return tr("Algorithm - RSA PKCS#1 v1.5 with SHA-512");
    case JwsAlgorithm::PS256:
        return tr("Algorithm - RSA-PSS with SHA-256");
    case JwsAlgorithm::ES256:
        return tr("Algorithm - ECDSA on P-256 with SHA-256");
    case JwsAlgorithm::ES384:
        return tr("Algorithm - ECDSA on P-384 with SHA-384");
    case JwsAlgorithm::EdDSA:
        return tr("Algorithm - EdDSA (Ed25519)");
    }
    return {};
}

QString countOf(const QJsonValue &value)
{
    if (value.isArray())
        return tr(" (%1 listed)").arg(value.toArray().size());
    return {};
}
} // namespace

QString ClaimExplainer::describeTime(const QString &label, const QJsonValue &value, const QString &future,
                                     const QString &past) const
{
    if (!value.isDouble())
        return tr("%1 - but the value is not a number, so it cannot be checked").arg(label);
    const double when = value.toDouble();
    const QString relative = TimeText::relative(when, m_reference);
    const QString tail = (when >= m_reference ? future : past).arg(relative);
    return label + QLatin1Char(' ') + TimeText::absolute(when) + QStringLiteral(" (") + tail
        + QLatin1Char(')');
}

QString ClaimExplainer::explainClaim(const QString &name, const QJsonValue &value) const
{
    if (name == u"iss")
        return tr("Issuer - who made the token");
    if (name == u"sub")
        return tr("Subject - whom the token is about (on MediaWiki: the user's ID)");
    if (name == u"aud") {
        return tr("Audience - who the token is for (on MediaWiki: the client or consumer key)")
            + countOf(value);
    }
    if (name == u"exp")
        return describeTime(tr("Expires"), value, tr("%1"), tr("expired %1"));
    if (name == u"nbf")
        return describeTime(tr("Not valid before"), value, tr("valid %1"), tr("valid since %1"));
    if (name == u"iat")
        return describeTime(tr("Issued"), value, tr("%1, in the future"), tr("%1"));
    if (name == u"auth_time")
        return describeTime(tr("User authenticated"), value, tr("%1, in the future"), tr("%1"));
    if (name == u"jti")
        return tr("JWT ID - this token's unique identifier (servers use it to refuse replays "
                  "and to revoke)");
    if (name == u"nonce")
        return tr("Nonce - the value the client sent with its request; it ties the token to "
                  "that request");
    if (name == u"azp")
        return tr("Authorized party - the client the token was issued to");
    if (name == u"scopes")
        return tr("Scopes - what the token allows (MediaWiki access tokens list grants here)")
            + countOf(value);
    if (name == u"scope")
        return tr("Scope - what the token allows, space-separated");
    if (name == u"client_id")
        return tr("Client ID - the OAuth client the token was issued to");
    if (name == u"grants")
        return tr("Grants - MediaWiki permission groups the user granted to this consumer") + countOf(value);
    if (name == u"at_hash")
        return tr("Access token hash - binds this ID token to the access token issued with it");
    if (name == u"c_hash")
        return tr("Code hash - binds this ID token to the authorization code");
    if (name == u"acr")
        return tr("Authentication context class - how strongly the user authenticated");
    if (name == u"amr")
        return tr("Authentication methods - how the user authenticated (pwd, otp, ...)");
    if (name == u"sid")
        return tr("Session ID - the provider's login session");
    if (name == u"username" || name == u"preferred_username")
        return tr("User name");
    if (name == u"realname" || name == u"name")
        return tr("Real name, if the user set one");
    if (name == u"email")
        return tr("E-mail address (needs a grant that allows it)");
    if (name == u"confirmed_email" || name == u"email_verified")
        return tr("Whether the e-mail address is confirmed");
    if (name == u"editcount")
        return tr("MediaWiki edit count");
    if (name == u"blocked")
        return tr("Whether the user is blocked on the wiki");
    if (name == u"registered")
        return tr("Account registration time (MediaWiki timestamp, UTC)");
    if (name == u"groups")
        return tr("MediaWiki user groups") + countOf(value);
    if (name == u"rights")
        return tr("MediaWiki user rights available to this consumer") + countOf(value);
    return {};
}

QString ClaimExplainer::explainHeader(const QString &name, const QJsonValue &value) const
{
    if (name == u"alg")
        return describeAlgorithm(value.toString());
    if (name == u"typ")
        return tr("Type - what kind of token this is");
    if (name == u"kid")
        return tr("Key ID - which key signed it; find it in the issuer's JWKS");
    if (name == u"cty")
        return tr("Content type - what the payload is");
    if (name == u"jku")
        return tr("JWK Set URL - where the signer says its keys are (never trust it blindly)");
    if (name == u"jwk")
        return tr("Embedded key - a key the token brings along (never trust it blindly)");
    if (name == u"x5c" || name == u"x5u")
        return tr("X.509 certificate (chain) for the signing key");
    if (name == u"x5t" || name == u"x5t#S256")
        return tr("X.509 certificate thumbprint of the signing key");
    if (name == u"crit")
        return tr("Critical extensions - the receiver must understand them or reject the token");
    return {};
}

} // namespace mwauth::ui
