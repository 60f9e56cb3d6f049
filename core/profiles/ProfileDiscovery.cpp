#include "ProfileDiscovery.h"

#include <QJsonDocument>
#include <QJsonObject>
#include <QMetaObject>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QNetworkRequest>
#include <QUrlQuery>

using namespace Qt::StringLiterals;

namespace mwauth::profiles {

namespace {

constexpr qsizetype kMaxBody = 2 * 1024 * 1024;

bool isHttp(const QUrl &url)
{
    return url.isValid() && (url.scheme() == u"http" || url.scheme() == u"https") && !url.host().isEmpty();
}

QString shown(const QUrl &url)
{
    return url.toString(QUrl::RemoveQuery | QUrl::RemoveFragment | QUrl::RemoveUserInfo);
}

// The URL with its last path segment replaced by `file`.
QUrl sibling(const QUrl &url, const QString &file)
{
    QUrl result = url;
    QString path = url.path();
    path.truncate(path.lastIndexOf(u'/') + 1);
    result.setPath(path + file);
    result.setQuery(QString());
    result.setFragment(QString());
    return result;
}

// Why a reply cannot be used, or an empty string. `status` is the HTTP status.
QString transportProblem(QNetworkReply *reply, int &status)
{
    status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
    if (status == 0)
        return reply->errorString();
    if (status != 200)
        return u"HTTP %1"_s.arg(status);
    return QString();
}

} // namespace

ProfileDiscovery::ProfileDiscovery(QNetworkAccessManager &network, QObject *parent)
    : QObject(parent)
    , m_network(network)
{ }

ProfileDiscovery::~ProfileDiscovery() = default;

QList<QUrl> ProfileDiscovery::mediaWikiCandidates(const QUrl &url)
{
    if (!isHttp(url))
        return {};
    QUrl base = url;
    base.setQuery(QString());
    base.setFragment(QString());
    QString path = base.path();
    if (path.endsWith(u"/api.php"))
        return {base};
    if (path.endsWith(u"/index.php"))
        return {sibling(base, u"api.php"_s)};
    while (path.endsWith(u'/'))
        path.chop(1);
    QList<QUrl> list;
    for (const QString &suffix : {u"/api.php"_s, u"/w/api.php"_s}) {
        QUrl candidate = base;
        candidate.setPath(path + suffix);
        list << candidate;
    }
    return list;
}

QNetworkReply *ProfileDiscovery::get(const QUrl &url)
{
    QNetworkRequest request(url);
    request.setAttribute(QNetworkRequest::RedirectPolicyAttribute, QNetworkRequest::NoLessSafeRedirectPolicy);
    request.setMaximumRedirectsAllowed(5);
    request.setTransferTimeout(m_timeoutMs);
    request.setHeader(QNetworkRequest::UserAgentHeader, QByteArray("MWAuthConsole/" MWAUTH_VERSION));
    request.setRawHeader("Accept", "application/json");
    QNetworkReply *reply = m_network.get(request);
    reply->setParent(this);
    return reply;
}

void ProfileDiscovery::finish(const Result<Profile> &result)
{
    // Always later than the call that started the discovery.
    QMetaObject::invokeMethod(
        this, [this, result] { Q_EMIT finished(result); }, Qt::QueuedConnection);
}

void ProfileDiscovery::discoverMediaWiki(const QUrl &url)
{
    m_given = url;
    m_reasons.clear();
    m_candidates = mediaWikiCandidates(url);
    if (m_candidates.isEmpty()) {
        finish(fail(
            ErrorCode::MalformedUrl,
            tr("\"%1\" is not an http or https URL of a wiki.").arg(url.toString(QUrl::RemoveUserInfo))));
        return;
    }
    tryNextCandidate();
}

void ProfileDiscovery::tryNextCandidate()
{
    if (m_candidates.isEmpty()) {
        finish(fail(ErrorCode::Network,
                    tr("No MediaWiki found at %1: no api.php there answered action=query&meta=siteinfo (%2).")
                        .arg(shown(m_given), m_reasons.join(u"; "_s))));
        return;
    }
    QUrl url = m_candidates.takeFirst();
    QUrlQuery query;
    query.addQueryItem(u"action"_s, u"query"_s);
    query.addQueryItem(u"meta"_s, u"siteinfo"_s);
    query.addQueryItem(u"siprop"_s, u"general"_s);
    query.addQueryItem(u"format"_s, u"json"_s);
    query.addQueryItem(u"formatversion"_s, u"2"_s);
    url.setQuery(query);
    QNetworkReply *reply = get(url);
    connect(reply, &QNetworkReply::finished, this, [this, reply] { onSiteInfo(reply); });
}

void ProfileDiscovery::onSiteInfo(QNetworkReply *reply)
{
    reply->deleteLater();
    QUrl api = reply->url();
    api.setQuery(QString());
    int status = 0;
    const QString problem = transportProblem(reply, status);
    if (status == 0) {
        // Nothing answered at all: the next candidate is on the same host, so stop here.
        if (reply->error() == QNetworkReply::OperationCanceledError
            || reply->error() == QNetworkReply::TimeoutError)
            finish(fail(ErrorCode::Timeout,
                        tr("%1 did not answer within %2 seconds.")
                            .arg(shown(api), QString::number(m_timeoutMs / 1000))));
        else
            finish(fail(ErrorCode::Network, tr("Could not reach %1: %2.").arg(shown(api), problem)));
        return;
    }
    if (!problem.isEmpty()) {
        m_reasons << shown(api) + u": "_s + problem;
        tryNextCandidate();
        return;
    }
    const QByteArray body = reply->read(kMaxBody + 1);
    QJsonParseError parseError;
    const QJsonDocument document = QJsonDocument::fromJson(body, &parseError);
    if (parseError.error != QJsonParseError::NoError || !document.isObject()) {
        const QString type = reply->header(QNetworkRequest::ContentTypeHeader).toString();
        if (type.startsWith(u"application/json")) {
            finish(
                fail(ErrorCode::MalformedJson,
                     tr("%1 answered with malformed JSON (%2 at byte %3); it is not a working MediaWiki API.")
                         .arg(shown(api), parseError.errorString(), QString::number(parseError.offset))));
            return;
        }
        m_reasons << shown(api) + u": not JSON ("_s + (type.isEmpty() ? u"no content type"_s : type) + u')';
        tryNextCandidate();
        return;
    }
    const QJsonObject root = document.object();
    if (root.value(u"error"_s).isObject()) {
        const QJsonObject error = root.value(u"error"_s).toObject();
        finish(
            fail(ErrorCode::Network,
                 tr("%1 is a MediaWiki API but refused action=query&meta=siteinfo: %2 (%3).")
                     .arg(shown(api), error.value(u"info"_s).toString(), error.value(u"code"_s).toString())));
        return;
    }
    const QJsonObject general = root.value(u"query"_s).toObject().value(u"general"_s).toObject();
    const QString server = general.value(u"server"_s).toString();
    const QString script = general.value(u"script"_s).toString();
    const QString generator = general.value(u"generator"_s).toString();
    if (general.isEmpty() || server.isEmpty() || script.isEmpty() || !generator.startsWith(u"MediaWiki")) {
        finish(fail(ErrorCode::MalformedJson,
                    tr("%1 answered JSON without the MediaWiki siteinfo it should have (query.general with "
                       "server, script and generator).")
                        .arg(shown(api))));
        return;
    }
    Profile profile;
    profile.kind = Profile::Kind::MediaWiki;
    profile.baseUrl = m_given;
    profile.apiUrl = api;
    profile.restUrl = sibling(api, u"rest.php"_s);
    profile.indexUrl = sibling(api, script.mid(script.lastIndexOf(u'/') + 1));
    QUrl issuer(server.startsWith(u"//") ? api.scheme() + u':' + server : server);
    profile.issuer = issuer.adjusted(QUrl::RemovePath | QUrl::RemoveQuery | QUrl::RemoveFragment);
    profile.siteName = general.value(u"sitename"_s).toString();
    profile.generator = generator;
    finish(profile);
}

void ProfileDiscovery::discoverOidc(const QUrl &issuer)
{
    if (!isHttp(issuer) || issuer.hasQuery() || issuer.hasFragment()) {
        finish(fail(ErrorCode::MalformedUrl,
                    tr("\"%1\" is not an issuer: an http or https URL without query or fragment.")
                        .arg(issuer.toString(QUrl::RemoveUserInfo))));
        return;
    }
    QUrl url = issuer;
    QString path = url.path();
    while (path.endsWith(u'/'))
        path.chop(1);
    url.setPath(path + u"/.well-known/openid-configuration"_s);
    QNetworkReply *reply = get(url);
    connect(reply, &QNetworkReply::finished, this, [this, reply, issuer] { onOidcDocument(reply, issuer); });
}

void ProfileDiscovery::onOidcDocument(QNetworkReply *reply, const QUrl &issuer)
{
    reply->deleteLater();
    const QString where = shown(reply->url());
    int status = 0;
    const QString problem = transportProblem(reply, status);
    if (!problem.isEmpty()) {
        if (status == 0 && reply->error() == QNetworkReply::OperationCanceledError)
            finish(fail(
                ErrorCode::Timeout,
                tr("%1 did not answer within %2 seconds.").arg(where, QString::number(m_timeoutMs / 1000))));
        else
            finish(fail(ErrorCode::Network,
                        tr("No OpenID Connect discovery document at %1: %2.").arg(where, problem)));
        return;
    }
    QJsonParseError parseError;
    const QJsonDocument document = QJsonDocument::fromJson(reply->read(kMaxBody + 1), &parseError);
    if (parseError.error != QJsonParseError::NoError || !document.isObject()) {
        finish(fail(ErrorCode::MalformedJson,
                    tr("The discovery document at %1 is not a JSON object (%2).")
                        .arg(where,
                             parseError.error != QJsonParseError::NoError ? parseError.errorString()
                                                                          : tr("another JSON value"))));
        return;
    }
    const QJsonObject metadata = document.object();
    const QString named = metadata.value(u"issuer"_s).toString();
    QString expected = issuer.toString();
    if (named != expected && named + u'/' != expected) {
        finish(fail(ErrorCode::MalformedJson,
                    tr("The discovery document at %1 names the issuer \"%2\", not \"%3\"; OpenID Connect "
                       "requires them to be identical.")
                        .arg(where, named, expected)));
        return;
    }
    for (const QString &key : {u"authorization_endpoint"_s, u"token_endpoint"_s, u"jwks_uri"_s}) {
        if (!isHttp(QUrl(metadata.value(key).toString()))) {
            finish(fail(ErrorCode::MalformedJson,
                        tr("The discovery document at %1 has no usable \"%2\".").arg(where, key)));
            return;
        }
    }
    if (!metadata.value(u"response_types_supported"_s).isArray()) {
        finish(fail(ErrorCode::MalformedJson,
                    tr("The discovery document at %1 has no \"response_types_supported\" list.").arg(where)));
        return;
    }
    Profile profile;
    profile.kind = Profile::Kind::OidcIssuer;
    profile.baseUrl = issuer;
    profile.issuer = QUrl(named);
    profile.metadata = metadata;
    finish(profile);
}

} // namespace mwauth::profiles
