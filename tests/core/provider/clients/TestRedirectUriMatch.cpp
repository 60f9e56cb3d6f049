// matchesRedirectUri(): MediaWiki 1.39's exact match, and the prefix match of
// MWOAuthServer::checkCallback with our refusals of open-redirect tricks.

#include "provider/clients/RedirectUriMatch.h"

#include <QTest>

using namespace mwauth::provider;

class TestRedirectUriMatch : public QObject
{
    Q_OBJECT

private slots:
    void matching_data();
    void matching();
};

void TestRedirectUriMatch::matching_data()
{
    QTest::addColumn<QString>("registered");
    QTest::addColumn<bool>("prefix");
    QTest::addColumn<QString>("uri");
    QTest::addColumn<bool>("matches");

    const QString cb = QStringLiteral("https://app.example.org/oauth/callback");
    const auto row
        = [](const char *name, const QString &registered, bool prefix, const char *uri, bool matches) {
              QTest::newRow(name) << registered << prefix << QString::fromUtf8(uri) << matches;
          };
    // Exact (REL1_39: strcmp).
    row("exact: same", cb, false, "https://app.example.org/oauth/callback", true);
    row("exact: empty", cb, false, "", false);
    row("exact: other host", cb, false, "https://evil.example/oauth/callback", false);
    row("exact: host case", cb, false, "https://APP.example.org/oauth/callback", false);
    row("exact: path case", cb, false, "https://app.example.org/OAuth/callback", false);
    row("exact: trailing slash", cb, false, "https://app.example.org/oauth/callback/", false);
    row("exact: trailing dot host", cb, false, "https://app.example.org./oauth/callback", false);
    row("exact: extra query", cb, false, "https://app.example.org/oauth/callback?next=/", false);
    row("exact: longer path", cb, false, "https://app.example.org/oauth/callback/../../evil", false);
    row("exact: userinfo", cb, false, "https://app.example.org@evil.example/oauth/callback", false);
    row("exact: http downgrade", cb, false, "http://app.example.org/oauth/callback", false);
    row("exact: explicit port", cb, false, "https://app.example.org:443/oauth/callback", false);
    row("exact: fragment", cb, false, "https://app.example.org/oauth/callback#x", false);
    row("exact: encoded", cb, false, "https://app.example.org/oauth/%63allback", false);
    // Loopback: exact on REL1_39, the port included (reference section 8).
    const QString loop = QStringLiteral("http://127.0.0.1:8766/callback");
    row("loopback: same port", loop, false, "http://127.0.0.1:8766/callback", true);
    row("loopback: other port", loop, false, "http://127.0.0.1:9999/callback", false);
    row("loopback: no port", loop, false, "http://127.0.0.1/callback", false);
    row("loopback: localhost is not 127.0.0.1", loop, false, "http://localhost:8766/callback", false);
    row("loopback: [::1]", loop, false, "http://[::1]:8766/callback", false);

    // Prefix (checkCallback).
    const QString pre = QStringLiteral("https://app.example.org/oauth");
    row("prefix: same", pre, true, "https://app.example.org/oauth", true);
    row("prefix: below", pre, true, "https://app.example.org/oauth/callback?state=1", true);
    row("prefix: host case folds", pre, true, "https://APP.Example.org/oauth/cb", true);
    row("prefix: path case", pre, true, "https://app.example.org/OAUTH/cb", false);
    row("prefix: other host", pre, true, "https://evil.example/oauth/cb", false);
    row("prefix: suffix host", pre, true, "https://app.example.org.evil.example/oauth/cb", false);
    row("prefix: trailing dot host", pre, true, "https://app.example.org./oauth/cb", false);
    row("prefix: userinfo", pre, true, "https://app.example.org@evil.example/oauth/cb", false);
    row("prefix: userinfo same host", pre, true, "https://user:pw@app.example.org/oauth/cb", false);
    row("prefix: backslash", pre, true, "https://app.example.org\\@evil.example/oauth/cb", false);
    row("prefix: dot-dot", pre, true, "https://app.example.org/oauth/../evil", false);
    row("prefix: dot-dot deeper", pre, true, "https://app.example.org/oauth/cb/../../../evil", false);
    row("prefix: encoded dot-dot", pre, true, "https://app.example.org/oauth/%2e%2e/evil", false);
    row("prefix: encoded dot-dot upper", pre, true, "https://app.example.org/oauth/%2E%2E/evil", false);
    row("prefix: single dot", pre, true, "https://app.example.org/oauth/./cb", false);
    row("prefix: fragment", pre, true, "https://app.example.org/oauth/cb#frag", false);
    row("prefix: space", pre, true, "https://app.example.org/oauth/c b", false);
    row("prefix: newline", pre, true, "https://app.example.org/oauth/cb\nLocation: x", false);
    row("prefix: scheme-relative", pre, true, "//evil.example/oauth", false);
    row("prefix: relative", pre, true, "/oauth/cb", false);
    row("prefix: downgrade to http", pre, true, "http://app.example.org/oauth/cb", false);
    row("prefix: other port", pre, true, "https://app.example.org:8443/oauth/cb", false);
    row("prefix: javascript", pre, true, "javascript:alert(1)//app.example.org/oauth", false);
    const QString http = QStringLiteral("http://app.example.org/oauth");
    row("prefix: http registered, https ok", http, true, "https://app.example.org/oauth/cb", true);
    const QString anyPort = QStringLiteral("http://localhost:1/cb");
    row("prefix: port 1 = any port", anyPort, true, "http://localhost:53682/cb/x", true);
    row("prefix: port 1, other host", anyPort, true, "http://127.0.0.1:53682/cb", false);
    const QString withQuery = QStringLiteral("https://app.example.org/oauth?app=1");
    row("prefix: query makes path exact", withQuery, true, "https://app.example.org/oauth?app=1&x=2", true);
    row("prefix: query, longer path", withQuery, true, "https://app.example.org/oauth/more?app=1", false);
    row("prefix: query missing", withQuery, true, "https://app.example.org/oauth", false);
    row("prefix: query other", withQuery, true, "https://app.example.org/oauth?app=2", false);
    const QString hostOnly = QStringLiteral("https://app.example.org");
    row("prefix: host only, any path", hostOnly, true, "https://app.example.org/anything", true);
    row("prefix: host only, other host", hostOnly, true, "https://app.example.org.evil.example/", false);
}

void TestRedirectUriMatch::matching()
{
    QFETCH(QString, registered);
    QFETCH(bool, prefix);
    QFETCH(QString, uri);
    QFETCH(bool, matches);
    OAuthClient client;
    client.callbackUrl = registered;
    client.callbackIsPrefix = prefix;
    QCOMPARE(matchesRedirectUri(client, uri), matches);
}

QTEST_GUILESS_MAIN(TestRedirectUriMatch)
#include "TestRedirectUriMatch.moc"
