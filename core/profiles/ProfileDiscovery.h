#pragma once

#include "Profile.h"
#include "common/Result.h"

#include <QObject>
#include <QStringList>
#include <QUrl>

class QNetworkAccessManager;
class QNetworkReply;

namespace mwauth::profiles {

// Finds out what a server is, asynchronously, on an injected QNetworkAccessManager (never
// blocks the calling thread), and describes it as a Profile (without id and name: the caller
// names it):
//
//   MediaWiki    the URL may be the wiki's address, its api.php or index.php. Tried in order:
//                the api.php the URL names, <url>/api.php, <url>/w/api.php, each with
//                action=query&meta=siteinfo&siprop=general. The answering api.php gives
//                rest.php beside it and index.php from siteinfo's "script"; "generator" and
//                "sitename" are kept; the issuer is siteinfo's "server" (its origin).
//   OIDC issuer  <issuer>/.well-known/openid-configuration; the document must name exactly
//                that issuer and have authorization_endpoint, token_endpoint, jwks_uri and
//                response_types_supported.
//
// finished() is emitted exactly once per discover call, later from the event loop. Errors
// (user-readable, naming the URL): MalformedUrl (not http/https), Network (unreachable,
// refused, an HTTP error, not a MediaWiki, a MediaWiki API that refuses siteinfo), Timeout,
// MalformedJson (the answer is not the JSON expected). One discovery at a time per object.
class ProfileDiscovery : public QObject
{
    Q_OBJECT
public:
    explicit ProfileDiscovery(QNetworkAccessManager &network, QObject *parent = nullptr);
    ~ProfileDiscovery() override;

    void discoverMediaWiki(const QUrl &url);
    void discoverOidc(const QUrl &issuer);

    void setTimeout(int milliseconds) { m_timeoutMs = milliseconds; }

    // The api.php URLs tried for `url`, in order (empty for a URL that is not http/https).
    static QList<QUrl> mediaWikiCandidates(const QUrl &url);

Q_SIGNALS:
    void finished(const mwauth::Result<mwauth::profiles::Profile> &result);

private:
    void tryNextCandidate();
    void onSiteInfo(QNetworkReply *reply);
    void onOidcDocument(QNetworkReply *reply, const QUrl &issuer);
    QNetworkReply *get(const QUrl &url);
    void finish(const Result<Profile> &result);

    QNetworkAccessManager &m_network;
    int m_timeoutMs = 15000;
    QUrl m_given;
    QList<QUrl> m_candidates;
    QStringList m_reasons; // why each tried candidate was not a MediaWiki API
};

} // namespace mwauth::profiles
