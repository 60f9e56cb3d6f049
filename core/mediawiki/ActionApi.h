#pragma once

#include "http/HttpClient.h"

#include "common/Result.h"

#include <QJsonObject>
#include <QUrl>

namespace mwauth::mediawiki {

// MediaWiki's Action API (api.php): builds the requests and reads the answers. It does no
// I/O itself: a flow sends what request() builds through its HttpClient (so every call is an
// Exchange of the flow's step) and gives the response to parse().
//
// Every call asks for format=json&formatversion=2.
class ActionApi
{
public:
    explicit ActionApi(QUrl apiUrl);

    const QUrl &url() const { return m_url; }

    // GET api.php?<params>&format=json&formatversion=2
    http::HttpRequest get(const http::FormFields &params, const QString &step = {}) const;
    // POST api.php with the params (and format) in an x-www-form-urlencoded body.
    http::HttpRequest post(const http::FormFields &params, const QString &step = {}) const;
    // action=query&meta=tokens&type=<type>
    http::HttpRequest tokenRequest(const QString &type, const QString &step = {}) const;

    // The answer as a JSON object:
    //  - Protocol when it is not JSON (an HTML error page: its title and the HTTP status);
    //  - MalformedJson when it does not parse or is not an object;
    //  - Server when it carries MediaWiki's "error" member: the message is the error's info
    //    and code ("Invalid CSRF token. (badtoken)"), the detail is the code;
    //  - Server for an HTTP error status without a MediaWiki error.
    static Result<QJsonObject> parse(const Result<http::HttpResponse> &response);
    // The token of `type` from a meta=tokens answer ("logintoken"); Protocol when missing.
    static Result<QString> token(const QJsonObject &answer, const QString &type);

private:
    QUrl m_url;
};

} // namespace mwauth::mediawiki
