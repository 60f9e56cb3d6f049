#pragma once

#include "http/FormCodec.h"

#include <QByteArray>
#include <QHash>
#include <QHostAddress>
#include <QList>
#include <QMap>
#include <QSet>
#include <QString>
#include <QUrl>
#include <QVariantMap>
#include <utility>

namespace mwauth::provider {

// What a session holds between requests (string keys, Qt values). Services decide the keys.
using SessionData = QVariantMap;

// One HTTP request as the provider's services see it, after routing. Plain data: the
// server fills it and hands it to a service callback by const reference.
struct HttpRequest
{
    QByteArray method; // "GET", "POST", ... (upper case)
    QString path; // the decoded URL path, e.g. "/w/rest.php/oauth2/token"
    // What the route matched: for rest.php the path after it ("/oauth2/token"), for
    // index.php the page title ("Special:OAuth/authorize"), empty for api.php.
    QString routePath;
    http::FormFields query; // the decoded query string, in order
    // The decoded body when it is application/x-www-form-urlencoded or multipart/form-data
    // (file parts left out), else empty.
    http::FormFields form;
    QByteArray body; // the raw body
    QList<std::pair<QByteArray, QByteArray>> headers; // names as sent
    QMap<QByteArray, QByteArray> cookies; // from the Cookie header(s); first one wins
    QHostAddress peer;
    QUrl baseUrl; // "http://127.0.0.1:<port>" of the server that took the request
    QString scriptPath; // "/w" or ""

    // The session named by the `<wiki>_session` cookie if the store knows it; otherwise
    // `sessionId` is empty and `session` is empty.
    QByteArray sessionId;
    SessionData session;

    // First value of a header, case-insensitively; empty if absent.
    QByteArray header(QByteArrayView name) const;
    // First value of a query field; empty if absent.
    QByteArray queryValue(QByteArrayView name) const;
    // First value of a form body field; empty if absent.
    QByteArray formValue(QByteArrayView name) const;
};

// An Action API (api.php) request. Parameters are merged like MediaWiki's WebRequest
// ($_GET + $_POST, a POST value replacing a query value of the same name); which names
// came in the query string and which in the POST body is kept, because some modules
// refuse parameters that were not POSTed (error "mustpostparams").
struct ApiRequest : HttpRequest
{
    QHash<QString, QString> params; // valid UTF-8, NFC, no stray control characters
    QSet<QString> queryParamNames; // names present in the query string
    QSet<QString> postParamNames; // names present in the POST body

    bool hasParam(const QString &name) const { return params.contains(name); }
    QString param(const QString &name, const QString &fallback = {}) const
    {
        return params.value(name, fallback);
    }
    // True if `name` was sent in the POST body (it may also have been in the query).
    bool wasPosted(const QString &name) const { return postParamNames.contains(name); }
    // True if `name` appeared in the query string (whether or not it was also POSTed).
    bool inQueryString(const QString &name) const { return queryParamNames.contains(name); }
    // "<baseUrl><scriptPath>/api.php", what MediaWiki names in its error "docref".
    QString apiUrl() const;
};

// A request to `<script>/rest.php/<routePath>` or `<script>/index.php` (title in routePath).
using RestRequest = HttpRequest;
using IndexRequest = HttpRequest;

} // namespace mwauth::provider
