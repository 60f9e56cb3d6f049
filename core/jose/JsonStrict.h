#pragma once

// Internal to core/jose: JSON parsing that refuses what QJsonDocument lets through.

#include "common/Result.h"

#include <QByteArrayView>
#include <QJsonObject>
#include <QString>

#include <optional>

namespace mwauth::jose::JsonStrict {

// The first member name that occurs twice within one object, at any depth, compared
// after unescaping ("alg" and "\u0061lg" are the same name). QJsonDocument keeps only
// one of them silently, so a token could show a reader one "alg" and a verifier another.
// `json` must already be valid JSON (this is a scan, not a validator).
std::optional<QString> findDuplicateMember(QByteArrayView json);

// Parses `json` as one JSON object with no duplicate member names. Failures carry
// `code` and a message that starts with `what` ("The token's header", "The JWK").
Result<QJsonObject> parseObject(QByteArrayView json, ErrorCode code, const QString &what);

} // namespace mwauth::jose::JsonStrict
