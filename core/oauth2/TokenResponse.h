#pragma once

#include "common/Result.h"
#include "oauth2/ErrorResponse.h"

#include <QByteArray>
#include <QJsonObject>
#include <QStringList>

#include <optional>

namespace mwauth::oauth2 {

// A successful token endpoint answer (RFC 6749 section 5.1, OIDC Core 3.1.3.3):
//
//   {"token_type":"Bearer","expires_in":3600,"access_token":"<JWT>","refresh_token":"def50200..."}
//
// MediaWiki sends neither "scope" nor "id_token" (reference section 1.2); the local provider
// and other OIDC servers add them.
struct TokenResponse
{
    QByteArray accessToken;
    QString tokenType; // as sent ("Bearer"; compare case-insensitively, RFC 6749 5.1)
    std::optional<qint64> expiresIn; // seconds
    QByteArray refreshToken; // empty when none was issued
    std::optional<QStringList> scope; // nullopt: not sent (then it is what was asked)
    QByteArray idToken; // empty when none
    QJsonObject raw; // the whole answer, for display

    // Strict parsing of a 2xx body: one JSON object without duplicate members,
    // "access_token" a non-empty string, "token_type" a non-empty string, "expires_in"
    // (when present) a non-negative integral number, "refresh_token", "scope", "id_token"
    // (when present) strings. MalformedJson otherwise, naming the member.
    static Result<TokenResponse> fromJson(QByteArrayView body);

    // A whole token endpoint reply: 200 with JSON gives fromJson(); an OAuth 2 error body
    // (any status) gives ErrorCode::Server with the server's error, description and hint;
    // anything else (an HTML error page, an empty body) gives Protocol that says what
    // came instead of JSON (status and content type).
    static Result<TokenResponse> fromReply(int httpStatus, const QByteArray &contentType,
                                           QByteArrayView body);

    bool isBearer() const { return tokenType.compare(QLatin1String("Bearer"), Qt::CaseInsensitive) == 0; }
};

// What a JSON endpoint answered when it should have been JSON: "HTTP 502 with text/html
// (an error page?) where JSON was expected". Shared by the flows' other JSON calls.
Error unexpectedBody(const QString &what, int httpStatus, const QByteArray &contentType, QByteArrayView body);

} // namespace mwauth::oauth2
