#pragma once

#include "common/Random.h"
#include "provider/server/ProviderRequest.h"

#include <QString>

namespace mwauth::provider::pages {

// CSRF tokens of the pages, bound to the session like MediaWiki's: the session keeps 20
// random bytes in hex under `key` (LoginService::LoginTokenKey for the login form, as
// wpLoginToken; LoginService::EditTokenKey for every other form) and forms carry
// "<hex>+\" (the same value api.php's meta=tokens hands out).

// The token for `key`, made and stored in `session` when it has none yet (the caller must
// then save the session: compare the session before and after).
QString pageToken(SessionData &session, const QString &key, Random &random);
// True only if the session has a `key` token and `sent` equals it (constant-time compare).
bool pageTokenMatches(const SessionData &session, const QString &key, const QString &sent);

} // namespace mwauth::provider::pages
