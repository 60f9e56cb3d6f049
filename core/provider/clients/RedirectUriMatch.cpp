#include "RedirectUriMatch.h"

#include <QUrl>

namespace mwauth::provider {

namespace {

bool hasDotSegment(const QString &encodedPath)
{
    const QStringList segments = encodedPath.split(QLatin1Char('/'));
    for (const QString &segment : segments) {
        const QString decoded = QUrl::fromPercentEncoding(segment.toUtf8());
        if (decoded == u"." || decoded == u"..")
            return true;
    }
    return false;
}

bool isSafeForPrefixMatch(const QString &uri)
{
    for (const QChar c : uri) {
        if (c.isSpace() || c.category() == QChar::Other_Control || c == u'\\')
            return false;
    }
    return true;
}

// A registered component is a prefix of the requested one (or equal when `exact`);
// a component that was not registered allows anything (componentMatches()).
bool componentMatches(bool expectedPresent, const QString &expected, bool gotPresent, const QString &got,
                      bool exact)
{
    if (!expectedPresent)
        return true;
    if (!gotPresent)
        return false;
    return exact ? got == expected : got.startsWith(expected);
}

bool prefixMatch(const QString &registered, const QString &uri)
{
    if (!isSafeForPrefixMatch(uri))
        return false;
    const QUrl known(registered, QUrl::StrictMode);
    const QUrl got(uri, QUrl::StrictMode);
    if (!known.isValid() || !got.isValid() || got.scheme().isEmpty() || got.host().isEmpty())
        return false;
    if (!got.userInfo().isEmpty() || got.hasFragment())
        return false;
    const QString gotPath = got.path(QUrl::FullyEncoded);
    if (hasDotSegment(gotPath))
        return false;

    const bool schemeOk = known.scheme() == u"http" ? (got.scheme() == u"http" || got.scheme() == u"https")
                                                    : known.scheme() == got.scheme();
    if (!schemeOk || known.host(QUrl::FullyEncoded) != got.host(QUrl::FullyEncoded))
        return false;
    if (known.port(-1) != 1 && known.port(-1) != got.port(-1))
        return false;
    const QString knownPath = known.path(QUrl::FullyEncoded);
    if (!componentMatches(!knownPath.isEmpty(), knownPath, !gotPath.isEmpty(), gotPath, known.hasQuery()))
        return false;
    return componentMatches(known.hasQuery(), known.query(QUrl::FullyEncoded), got.hasQuery(),
                            got.query(QUrl::FullyEncoded), false);
}

} // namespace

bool matchesRedirectUri(const OAuthClient &client, const QString &uri)
{
    if (uri.isEmpty() || client.callbackUrl.isEmpty())
        return false;
    if (!client.callbackIsPrefix)
        return uri == client.callbackUrl;
    return prefixMatch(client.callbackUrl, uri);
}

} // namespace mwauth::provider
