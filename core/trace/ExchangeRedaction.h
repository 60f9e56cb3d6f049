#pragma once

#include "trace/Exchange.h"

#include "common/Redactor.h"

namespace mwauth::trace {

// A copy of `exchange` fit to be shown or written: secret query/form parameters, JSON
// members, Authorization/Cookie/Set-Cookie header values and every secret the Redactor knows
// are replaced by Redactor::mask. A form or query value is masked when its name is secret
// (Redactor::isSecretName, plus MediaWiki's "credential" and "RecoveryCode") or when its
// decoded value contains a known secret, so percent-encoding cannot hide one.
Exchange redactedExchange(const Exchange &exchange, const Redactor &redactor);

// The same rules for one part.
QByteArray redactedForm(const QByteArray &encoded, const Redactor &redactor);
QUrl redactedUrl(const QUrl &url, const Redactor &redactor);
QByteArray redactedBody(const QByteArray &body, const QByteArray &contentType, const Redactor &redactor);

} // namespace mwauth::trace
