#pragma once

#include "SigningKeyStore.h"
#include "provider/server/ProviderServer.h"

#include <QByteArray>
#include <QJsonObject>

namespace mwauth::provider {

// The provider's JWKS endpoint (not in MediaWiki; advertised as `jwks_uri` in discovery):
//
//   GET|HEAD <script>/rest.php/oauth2/jwks   200 {"keys": [...]}: every published key
//                                            (SigningKeyStore::publishedJwks: current, next,
//                                            retiring), each with kid, alg and use "sig"
//   any other method                         405, MediaWiki's REST error shape, Allow: GET, HEAD
//   the keys cannot be read                  500, MediaWiki's REST error shape (no detail)
//
// Headers of a 200: `Content-Type: application/json` and
// `Cache-Control: public, max-age=300` (CacheMaxAge). Why caching is safe:
//  - a key is published as `next` before it signs; as long as an admin rotates no sooner than
//    CacheMaxAge after the next key appeared (`mwauth provider keys list` shows its age), a
//    client's cached JWKS already holds the key that signs after the rotation (and clients
//    refetch on an unknown kid anyway);
//  - a retired key may linger in a cache for up to CacheMaxAge after its retire_after, but
//    every token it signed has expired by then.
// The rotation lead time therefore only has to exceed CacheMaxAge (5 minutes), far below the
// one-hour token lifetime.
class KeysApi
{
public:
    static constexpr int CacheMaxAge = 300;
    static constexpr const char *Route = "/oauth2/jwks";

    // `keys` must outlive the KeysApi.
    explicit KeysApi(SigningKeyStore &keys);

    // Registers the REST route Route on `server`.
    void install(ProviderServer &server);

    RestResponse jwks(const RestRequest &request);

private:
    SigningKeyStore &m_keys;
    // The last key set served and its serialised form: an unchanged set is sent again
    // without serialising it anew.
    QJsonObject m_servedKeys;
    QByteArray m_servedBody;
};

} // namespace mwauth::provider
