#include "workbench/VerdictDescriber.h"

#include "widgets/TimeText.h"

#include <QCoreApplication>
#include <QJsonValue>

namespace mwauth::ui::VerdictDescriber {

namespace {
QString tr(const char *text)
{
    return QCoreApplication::translate("mwauth::ui::VerdictDescriber", text);
}

QString claimText(const std::optional<jose::Jwt> &token, const QString &claim)
{
    if (!token || !token->claims().contains(claim))
        return tr("none");
    const QJsonValue value = token->claims().value(claim);
    if (value.isString())
        return QLatin1Char('"') + value.toString() + QLatin1Char('"');
    return tr("a value that is not a string");
}

QString audienceText(const std::optional<jose::Jwt> &token)
{
    if (!token)
        return tr("none");
    const QStringList audiences = token->audiences();
    if (audiences.isEmpty())
        return tr("none");
    QStringList quoted;
    for (const QString &aud : audiences)
        quoted.append(QLatin1Char('"') + aud + QLatin1Char('"'));
    return quoted.join(QStringLiteral(", "));
}

QString atText(const VerificationSettings &settings)
{
    if (settings.atIsNow)
        return tr("now");
    return TimeText::absolute(settings.at);
}

// "Expired 3 h ago" from the token's own exp, relative to the verification moment.
QString timeHeadline(const std::optional<jose::Jwt> &token, const QString &claim, const QString &withTime,
                     const QString &withoutTime, const VerificationSettings &settings)
{
    const std::optional<double> when = token ? token->numericDate(claim) : std::nullopt;
    if (!when)
        return withoutTime;
    return withTime.arg(TimeText::relative(*when, settings.at));
}

VerdictText claimFailure(const jose::JwtVerdict &verdict, const std::optional<jose::Jwt> &token,
                         const VerificationSettings &settings)
{
    VerdictText text;
    text.state = VerdictBanner::State::Warning;
    const QString signatureNote = verdict.key.isNull()
        ? tr("The signature is valid, but the token is not acceptable.")
        : tr("The signature is valid (key %1), but the token is not acceptable.").arg(keyName(verdict.key));
    switch (verdict.error.code()) {
    case ErrorCode::Expired:
        text.headline = timeHeadline(token, QStringLiteral("exp"), tr("Expired %1"), tr("Expired"), settings);
        break;
    case ErrorCode::NotYetValid:
        text.headline = timeHeadline(token, QStringLiteral("nbf"), tr("Not yet valid: valid %1"),
                                     tr("Not yet valid"), settings);
        break;
    case ErrorCode::IssuedInFuture:
        text.headline = timeHeadline(token, QStringLiteral("iat"), tr("Issued in the future: %1"),
                                     tr("Issued in the future"), settings);
        break;
    case ErrorCode::WrongIssuer:
        text.headline = tr("Wrong issuer: expected \"%1\", token has %2")
                            .arg(settings.issuer, claimText(token, QStringLiteral("iss")));
        break;
    case ErrorCode::WrongAudience:
        text.headline
            = tr("Wrong audience: expected \"%1\", token has %2").arg(settings.audience, audienceText(token));
        break;
    case ErrorCode::WrongNonce:
        text.headline = tr("Wrong nonce: expected \"%1\", token has %2")
                            .arg(settings.nonce, claimText(token, QStringLiteral("nonce")));
        break;
    default:
        text.headline = tr("Not acceptable - %1").arg(verdict.error.message());
        break;
    }
    text.detail = signatureNote + QLatin1Char(' ') + verdict.error.message();
    if (!settings.atIsNow)
        text.detail += QLatin1Char(' ') + tr("Verification time: %1.").arg(atText(settings));
    return text;
}
} // namespace

QString keyName(const jose::Jwk &key)
{
    if (key.isNull())
        return tr("(unknown key)");
    if (!key.kid().isEmpty())
        return QLatin1Char('"') + key.kid() + QLatin1Char('"');
    return tr("thumbprint %1").arg(QString::fromLatin1(key.thumbprint()));
}

VerdictText describe(const jose::JwtVerdict &verdict, const std::optional<jose::Jwt> &token,
                     const VerificationSettings &settings)
{
    VerdictText text;
    if (verdict.valid) {
        text.state = VerdictBanner::State::Valid;
        text.headline = tr("Valid - verified with key %1").arg(keyName(verdict.key));
        text.detail = tr("Signature and claims check out at %1 (leeway %2 s).")
                          .arg(atText(settings))
                          .arg(settings.leeway);
        return text;
    }
    if (verdict.signatureVerified)
        return claimFailure(verdict, token, settings);

    text.state = VerdictBanner::State::Invalid;
    text.detail = verdict.error.message();
    switch (verdict.error.code()) {
    case ErrorCode::BadSignature:
        text.headline = tr("Invalid - bad signature");
        break;
    case ErrorCode::NoMatchingKey:
        text.headline = tr("Invalid - no key matches the token");
        break;
    case ErrorCode::AlgorithmKeyMismatch:
    case ErrorCode::WeakKey:
        text.headline = tr("Invalid - the key does not fit the token");
        break;
    case ErrorCode::MalformedToken:
    case ErrorCode::MalformedBase64:
    case ErrorCode::MalformedJson:
        text.headline = tr("Malformed: %1").arg(verdict.error.message());
        text.detail.clear();
        break;
    case ErrorCode::UnsupportedAlgorithm:
        text.headline = tr("Invalid - unsupported algorithm");
        break;
    default:
        text.headline = tr("Invalid - %1").arg(verdict.error.message());
        text.detail.clear();
        break;
    }
    return text;
}

} // namespace mwauth::ui::VerdictDescriber
