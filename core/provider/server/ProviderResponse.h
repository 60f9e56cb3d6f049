#pragma once

#include "ProviderRequest.h"

#include <QByteArray>
#include <QJsonObject>
#include <QList>
#include <QString>
#include <optional>
#include <utility>

namespace mwauth::provider {

// What a service callback answers. The server adds the Content-Length, the session
// cookie when a session is started or ended, and (for api.php) MediaWiki's usual headers
// when the service did not set them itself.
struct ProviderResponse
{
    int status = 200;
    QByteArray contentType = "text/html; charset=utf-8";
    QByteArray body;
    QList<std::pair<QByteArray, QByteArray>> headers; // extra headers, in order

    // Set to keep `SessionData` for the client: the server saves it under the request's
    // session id, or under a new id (then it sends the `<wiki>_session` cookie).
    std::optional<SessionData> saveSession;
    // Set with saveSession when the session's privilege changes (a login): the data moves to
    // a new id, the old id is forgotten and the new cookie is sent, so an id an attacker
    // planted before the login is worthless after it (session fixation).
    bool renewSessionId = false;
    // Set to forget the request's session and expire its cookie (logout).
    bool endSession = false;

    void addHeader(QByteArray name, QByteArray value) { headers.append({std::move(name), std::move(value)}); }
    // First value of a header, case-insensitively; empty if absent.
    QByteArray header(QByteArrayView name) const;
    bool hasHeader(QByteArrayView name) const;

    // application/json; charset=utf-8 with the compact serialisation of `object`.
    static ProviderResponse json(const QJsonObject &object, int status = 200);
    // A small HTML page: "<title>" + "<h1>" with `title`, then a paragraph with `text`
    // (both HTML-escaped).
    static ProviderResponse html(int status, const QString &title, const QString &text);
};

using ApiResponse = ProviderResponse;
using RestResponse = ProviderResponse;
using IndexResponse = ProviderResponse;

} // namespace mwauth::provider
