#include "jose/Jwt.h"

#include "JsonStrict.h"

#include "common/ConstantTime.h"

#include <QDateTime>
#include <QJsonArray>

#include <cmath>

namespace mwauth::jose {

namespace {

QString formatTime(double seconds)
{
    const QDateTime time
        = QDateTime::fromMSecsSinceEpoch(static_cast<qint64>(std::floor(seconds * 1000.0)), Qt::UTC);
    return time.toString(Qt::ISODate);
}

// How far apart two times are, for messages ("42.0 s", "3.5 min", "26.0 h").
QString describeDifference(double seconds)
{
    const double magnitude = std::fabs(seconds);
    if (magnitude < 120)
        return QStringLiteral("%1 s").arg(magnitude, 0, 'f', 1);
    if (magnitude < 7200)
        return QStringLiteral("%1 min").arg(magnitude / 60, 0, 'f', 1);
    return QStringLiteral("%1 h").arg(magnitude / 3600, 0, 'f', 1);
}

} // namespace

Result<Jwt> Jwt::decode(QByteArrayView compact)
{
    Result<JwsParts> parts = Jws::parse(compact);
    if (!parts)
        return parts.error();
    Result<QJsonObject> claims = JsonStrict::parseObject(parts->payload, ErrorCode::MalformedJson,
                                                         QStringLiteral("The token's payload (claims)"));
    if (!claims)
        return claims.error();
    Jwt jwt;
    jwt.m_parts = std::move(parts).value();
    jwt.m_claims = std::move(claims).value();
    return jwt;
}

std::optional<double> Jwt::numericDate(const QString &claim) const
{
    const QJsonValue value = m_claims.value(claim);
    if (!value.isDouble())
        return std::nullopt;
    const double seconds = value.toDouble();
    if (!std::isfinite(seconds))
        return std::nullopt;
    return seconds;
}

QStringList Jwt::audiences() const
{
    const QJsonValue aud = m_claims.value(QStringLiteral("aud"));
    if (aud.isString())
        return {aud.toString()};
    QStringList out;
    if (aud.isArray()) {
        const QJsonArray array = aud.toArray();
        for (const QJsonValue &entry : array) {
            if (entry.isString())
                out.append(entry.toString());
        }
    }
    return out;
}

JwtVerdict JwtValidator::validate(QByteArrayView compact, const Jwks &keys) const
{
    Result<Jwt> jwt = Jwt::decode(compact);
    if (!jwt) {
        JwtVerdict verdict;
        verdict.error = jwt.error();
        return verdict;
    }
    return finish(*jwt, Jws::verify(jwt->parts(), keys));
}

JwtVerdict JwtValidator::validate(QByteArrayView compact, const Jwk &key) const
{
    Result<Jwt> jwt = Jwt::decode(compact);
    if (!jwt) {
        JwtVerdict verdict;
        verdict.error = jwt.error();
        return verdict;
    }
    Result<void> verified = Jws::verify(jwt->parts(), key);
    return finish(*jwt, verified ? Result<Jwk>(key) : Result<Jwk>(verified.error()));
}

JwtVerdict JwtValidator::finish(const Jwt &jwt, Result<Jwk> verified) const
{
    JwtVerdict verdict;
    if (!verified) {
        verdict.error = verified.error();
        return verdict;
    }
    verdict.signatureVerified = true;
    verdict.key = std::move(verified).value();
    Result<void> claims = validateClaims(jwt);
    if (!claims) {
        verdict.error = claims.error();
        return verdict;
    }
    verdict.valid = true;
    return verdict;
}

Result<void> JwtValidator::validateClaims(const Jwt &jwt) const
{
    if (std::isnan(m_now)) {
        return fail(ErrorCode::Internal,
                    QStringLiteral("The validator was given no time to check the token's dates against."));
    }
    const QJsonObject &claims = jwt.claims();
    // A date claim that is present must be a number (RFC 7519 section 2, NumericDate).
    for (const char *name : {"exp", "nbf", "iat"}) {
        const QString claim = QLatin1StringView(name);
        if (claims.contains(claim) && !jwt.numericDate(claim)) {
            return fail(ErrorCode::MalformedToken,
                        QStringLiteral("The claim \"%1\" is not a number of seconds since the "
                                       "epoch (NumericDate).")
                            .arg(claim));
        }
    }

    const std::optional<double> exp = jwt.numericDate(QStringLiteral("exp"));
    if (!exp && m_requireExpiry) {
        return fail(ErrorCode::MissingClaim,
                    QStringLiteral("The token has no expiry (\"exp\" claim), which is required."));
    }
    if (exp && m_now >= *exp + m_leeway) {
        return fail(ErrorCode::Expired,
                    QStringLiteral("The token expired at %1 (%2 ago, allowing %3 s of leeway).")
                        .arg(formatTime(*exp), describeDifference(m_now - *exp))
                        .arg(m_leeway));
    }
    const std::optional<double> nbf = jwt.numericDate(QStringLiteral("nbf"));
    if (nbf && m_now + m_leeway < *nbf) {
        return fail(ErrorCode::NotYetValid,
                    QStringLiteral("The token is not valid before %1 (%2 from now, allowing %3 s "
                                   "of leeway).")
                        .arg(formatTime(*nbf), describeDifference(*nbf - m_now))
                        .arg(m_leeway));
    }
    const std::optional<double> iat = jwt.numericDate(QStringLiteral("iat"));
    if (iat && m_now + m_leeway < *iat) {
        return fail(ErrorCode::IssuedInFuture,
                    QStringLiteral("The token says it was issued at %1, %2 in the future "
                                   "(allowing %3 s of leeway); check the clocks.")
                        .arg(formatTime(*iat), describeDifference(*iat - m_now))
                        .arg(m_leeway));
    }

    if (!m_issuer.isEmpty()) {
        const QJsonValue iss = claims.value(QStringLiteral("iss"));
        if (!iss.isString()) {
            return fail(
                ErrorCode::WrongIssuer,
                QStringLiteral("The token has no issuer (\"iss\" claim); expected '%1'.").arg(m_issuer));
        }
        if (iss.toString() != m_issuer) {
            return fail(ErrorCode::WrongIssuer,
                        QStringLiteral("The token was issued by '%1', not by the expected '%2'.")
                            .arg(iss.toString().left(200), m_issuer));
        }
    }
    if (!m_audience.isEmpty()) {
        const QStringList audiences = jwt.audiences();
        if (audiences.isEmpty()) {
            return fail(ErrorCode::WrongAudience,
                        QStringLiteral("The token has no audience (\"aud\" claim); expected "
                                       "'%1'.")
                            .arg(m_audience));
        }
        if (!audiences.contains(m_audience)) {
            return fail(ErrorCode::WrongAudience,
                        QStringLiteral("The token is meant for %1, not for '%2'.")
                            .arg(QLatin1Char('\'') + audiences.join(QStringLiteral("', '")).left(200)
                                     + QLatin1Char('\''),
                                 m_audience));
        }
    }
    if (!m_nonce.isEmpty()) {
        const QJsonValue nonce = claims.value(QStringLiteral("nonce"));
        if (!nonce.isString()) {
            return fail(ErrorCode::WrongNonce,
                        QStringLiteral("The token has no \"nonce\" claim, but one was sent with "
                                       "the request."));
        }
        if (!constantTimeEquals(nonce.toString().toUtf8(), m_nonce.toUtf8())) {
            return fail(ErrorCode::WrongNonce,
                        QStringLiteral("The token's nonce is not the one sent with the request "
                                       "(a replayed or mixed-up response)."));
        }
    }
    for (const QString &claim : m_required) {
        if (!claims.contains(claim)) {
            return fail(ErrorCode::MissingClaim,
                        QStringLiteral("The token lacks the required claim \"%1\".").arg(claim));
        }
    }
    return {};
}

} // namespace mwauth::jose
