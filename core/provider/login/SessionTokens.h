#pragma once

#include "common/Random.h"
#include "provider/server/ProviderRequest.h"

#include <QString>

namespace mwauth::provider {

// Session-bound tokens like MediaWiki's, shared by api.php (meta=tokens, logintoken, token) and
// the pages' forms: the session keeps 20 random bytes in hex under `key`
// (LoginService::LoginTokenKey: the login token, the pages' wpLoginToken;
// LoginService::EditTokenKey: the csrf token, every other form's wpEditToken) and clients send
// "<hex>+\".

// The token for `key`, made and stored in `session` when it has none yet (the caller must
// then save the session: compare the session before and after).
QString sessionToken(SessionData &session, const QString &key, Random &random);
// True only if the session has a `key` token and `sent` equals it (constant-time compare).
bool sessionTokenMatches(const SessionData &session, const QString &key, const QString &sent);
// "+\": what MediaWiki appends to every token (alone, it is an anonymous user's csrf token).
extern const QString TokenSuffix;

} // namespace mwauth::provider
