// The MediaWiki peer test's scenarios beyond the documented conversation: tokens after a
// login, throttles, TOTP reuse, rememberMe, refused requests, warnings, empty credentials
// and the security level (see TestMediaWikiPeer.h).

#include "TestMediaWikiPeer.h"

using namespace mwauth;
using namespace mwauth::provider;
using namespace mwauth::provider::testing::peer;
using mwauth::provider::testing::LoginTestProvider;

void TestMediaWikiPeer::oldLoginTokenIsBadAfterLogin()
{
    const QString user = u"AliceRenew"_qs;
    QCOMPARE(addUser(user, kAlicePassword, false), QString());
    compareOnBoth(
        [&](const QUrl &base) {
            Conversation conversation(base);
            const QString oldToken = conversation.loginToken();
            QList<Step> steps {stepOf(conversation.login(user, kAlicePassword, oldToken))};
            steps.append(conversation.userInfo());
            steps.append(stepOf(conversation.login(user, kAlicePassword, oldToken)));
            const QString newToken = conversation.loginToken();
            steps.append(Step {u"new token"_qs, newToken != oldToken ? u"differs"_qs : u"same"_qs, {}});
            steps.append(stepOf(conversation.login(user, kAlicePassword, newToken)));
            return steps;
        },
        {
            {u"PASS"_qs, {}, {}},
            {u"userinfo"_qs, user, {}},
            {u"error:badtoken"_qs, {}, {}, u"Invalid CSRF token."_qs},
            {u"new token"_qs, u"differs"_qs, {}},
            {u"PASS"_qs, {}, {}},
        });
}

// $wgPasswordAttemptThrottle's first limit: after 5 failed attempts for a name within 300 s
// the 6th is refused before the password is looked at, in any session.
void TestMediaWikiPeer::sixthAttemptAfterFiveWrongPasswordsIsThrottled()
{
    const QString user = u"AliceThrottle"_qs;
    QCOMPARE(addUser(user, kAlicePassword, false), QString());
    QList<Step> wanted(5, Step {u"FAIL"_qs, u"wrongpassword"_qs, {}});
    wanted.append(Step {u"FAIL"_qs, u"login-throttled"_qs, {}});
    wanted.append(Step {u"FAIL"_qs, u"login-throttled"_qs, {}});
    compareOnBoth(
        [&](const QUrl &base) {
            QList<Step> steps;
            Conversation conversation(base);
            const QString token = conversation.loginToken();
            for (int i = 0; i < 5; ++i)
                steps.append(stepOf(conversation.login(user, kWrongPassword, token)));
            steps.append(stepOf(conversation.login(user, kAlicePassword, token)));
            Conversation other(base);
            steps.append(stepOf(other.login(user, kAlicePassword, other.loginToken())));
            return steps;
        },
        wanted);
}

// OATHAuth's replay guard: the code that logged in once is refused on the next login (within
// the same 30 s step); the next step's code works.
void TestMediaWikiPeer::totpCodeWorksOnce()
{
    const QString user = u"BobReuse"_qs;
    QCOMPARE(addUser(user, kBobPassword, true), QString());
    compareOnBoth(
        [&](const QUrl &base) {
            const double now = m_clock.nowSeconds();
            const QString code = bobCode(now);
            QList<Step> steps;
            Conversation first(base);
            const QString firstToken = first.loginToken();
            steps.append(stepOf(first.login(user, kBobPassword, firstToken)));
            steps.append(stepOf(first.continueWith(code, firstToken)));
            Conversation second(base);
            const QString secondToken = second.loginToken();
            steps.append(stepOf(second.login(user, kBobPassword, secondToken)));
            steps.append(stepOf(second.continueWith(code, secondToken)));
            steps.append(stepOf(second.continueWith(bobCode(now + 30), secondToken)));
            steps.append(second.userInfo());
            return steps;
        },
        {
            {u"UI"_qs, u"oathauth-auth-ui"_qs, {kTotpRequestId}},
            {u"PASS"_qs, {}, {}},
            {u"UI"_qs, u"oathauth-auth-ui"_qs, {kTotpRequestId}},
            {u"UI"_qs, u"oathauth-login-failed"_qs, {kTotpRequestId}},
            {u"PASS"_qs, {}, {}},
            {u"userinfo"_qs, user, {}},
        });
}

// logincontinue with OATHToken empty or left out: a failed verification, the login stays
// pending and a valid code then passes.
void TestMediaWikiPeer::emptyOathTokenIsAFailedVerification()
{
    const QString user = u"BobEmpty"_qs;
    QCOMPARE(addUser(user, kBobPassword, true), QString());
    compareOnBoth(
        [&](const QUrl &base) {
            QList<Step> steps;
            Conversation conversation(base);
            const QString token = conversation.loginToken();
            steps.append(stepOf(conversation.login(user, kBobPassword, token)));
            steps.append(stepOf(conversation.continueWith(QString(), token)));
            steps.append(stepOf(conversation.post(
                u"action=clientlogin&format=json&logincontinue=1&logintoken="_qs + encode(token))));
            steps.append(stepOf(conversation.continueWith(bobCode(m_clock.nowSeconds()), token)));
            return steps;
        },
        {
            {u"UI"_qs, u"oathauth-auth-ui"_qs, {kTotpRequestId}},
            {u"UI"_qs, u"oathauth-login-failed"_qs, {kTotpRequestId}},
            {u"UI"_qs, u"oathauth-login-failed"_qs, {kTotpRequestId}},
            {u"PASS"_qs, {}, {}},
        });
}

// rememberMe=1: the user cookies last 180 days instead of 30 and a token cookie is added;
// the session cookie stays a session cookie. For a TOTP user the choice made with the
// password applies when the code passes.
void TestMediaWikiPeer::rememberMeMakesLongerCookies()
{
    const QString alice = u"AliceRemember"_qs;
    const QString bob = u"BobRemember"_qs;
    QCOMPARE(addUser(alice, kAlicePassword, false), QString());
    QCOMPARE(addUser(bob, kBobPassword, true), QString());
    const auto afterLogin = [](Step step, const Conversation &conversation) {
        step.cookies = conversation.cookieSummary();
        return step;
    };
    compareOnBoth(
        [&](const QUrl &base) {
            QList<Step> steps;
            Conversation remembered(base);
            steps.append(afterLogin(
                stepOf(remembered.login(alice, kAlicePassword, remembered.loginToken(), u"&rememberMe=1"_qs)),
                remembered));
            Conversation plain(base);
            steps.append(afterLogin(stepOf(plain.login(alice, kAlicePassword, plain.loginToken())), plain));
            Conversation twoStep(base);
            const QString token = twoStep.loginToken();
            steps.append(stepOf(twoStep.login(bob, kBobPassword, token, u"&rememberMe=1"_qs)));
            steps.append(
                afterLogin(stepOf(twoStep.continueWith(bobCode(m_clock.nowSeconds()), token)), twoStep));
            return steps;
        },
        {
            {u"PASS"_qs,
             {},
             {},
             {},
             {},
             u"oathwikiToken 180d, oathwikiUserID 180d, oathwikiUserName 180d, oathwiki_session session"_qs},
            {u"PASS"_qs,
             {},
             {},
             {},
             {},
             u"oathwikiUserID 30d, oathwikiUserName 30d, oathwiki_session session"_qs},
            {u"UI"_qs, u"oathauth-auth-ui"_qs, {kTotpRequestId}},
            {u"PASS"_qs,
             {},
             {},
             {},
             {},
             u"oathwikiToken 180d, oathwikiUserID 180d, oathwikiUserName 180d, oathwiki_session session"_qs},
        });
}

// Requests the API refuses before any login step: the token in the URL, no token.
void TestMediaWikiPeer::refusedRequests()
{
    const QString user = u"AliceRefused"_qs;
    QCOMPARE(addUser(user, kAlicePassword, false), QString());
    const QString mustPost
        = u"The following parameter was found in the query string, but must be in the POST body: logintoken."_qs;
    const QString missing = u"The \"logintoken\" parameter must be set."_qs;
    compareOnBoth(
        [&](const QUrl &base) {
            QList<Step> steps;
            Conversation conversation(base);
            const QString token = conversation.loginToken();
            const QString params = conversation.loginParams(user, kAlicePassword);
            const QString tokenParam = u"logintoken="_qs + encode(token);
            steps.append(stepOf(conversation.get(params + u'&' + tokenParam)));
            steps.append(stepOf(conversation.post(params, tokenParam)));
            steps.append(stepOf(conversation.post(params)));
            // Nothing was logged in by the refused requests; the token still works.
            steps.append(conversation.userInfo());
            steps.append(stepOf(conversation.login(user, kAlicePassword, token)));
            return steps;
        },
        {
            {u"error:mustpostparams"_qs, {}, {}, mustPost},
            {u"error:mustpostparams"_qs, {}, {}, mustPost},
            {u"error:missingparam"_qs, {}, {}, missing},
            {u"userinfo"_qs, u"127.0.0.1"_qs, {}},
            {u"PASS"_qs, {}, {}},
        });
}

// Parameters clientlogin does not know are named in a warning, in every kind of answer.
void TestMediaWikiPeer::unknownParametersAreWarnedAbout()
{
    const QString alice = u"AliceParams"_qs;
    const QString bob = u"BobParams"_qs;
    QCOMPARE(addUser(alice, kAlicePassword, false), QString());
    QCOMPARE(addUser(bob, kBobPassword, true), QString());
    const QString one = u"main: Unrecognized parameter: frobnicate."_qs;
    const QString two = u"main: Unrecognized parameters: frobnicate, zzz."_qs;
    compareOnBoth(
        [&](const QUrl &base) {
            QList<Step> steps;
            Conversation wrong(base);
            steps.append(stepOf(wrong.login(alice, kWrongPassword, wrong.loginToken(), u"&frobnicate=1"_qs)));
            Conversation right(base);
            steps.append(
                stepOf(right.login(alice, kAlicePassword, right.loginToken(), u"&frobnicate=1&zzz=2"_qs)));
            Conversation twoStep(base);
            const QString token = twoStep.loginToken();
            steps.append(stepOf(twoStep.login(bob, kBobPassword, token, u"&frobnicate=1"_qs)));
            steps.append(stepOf(twoStep.post(u"action=clientlogin&format=json&logincontinue=1&OATHToken="_qs
                                             + wrongBobCode(m_clock.nowSeconds()) + u"&logintoken="_qs
                                             + encode(token) + u"&frobnicate=1"_qs)));
            return steps;
        },
        {
            {u"FAIL"_qs, u"wrongpassword"_qs, {}, {}, one},
            {u"PASS"_qs, {}, {}, {}, two},
            {u"UI"_qs, u"oathauth-auth-ui"_qs, {kTotpRequestId}, {}, one},
            {u"UI"_qs, u"oathauth-login-failed"_qs, {kTotpRequestId}, {}, one},
        });
}

// The password throttle counts every attempt, not only wrong passwords: a TOTP user whose
// right password is answered with the code prompt 5 times (each a new session, never
// continued) is refused on the 6th.
void TestMediaWikiPeer::passwordAttemptsOfATotpUserAreThrottled()
{
    const QString user = u"BobThrottle"_qs;
    QCOMPARE(addUser(user, kBobPassword, true), QString());
    QList<Step> wanted(5, Step {u"UI"_qs, u"oathauth-auth-ui"_qs, {kTotpRequestId}});
    wanted.append(Step {u"FAIL"_qs, u"login-throttled"_qs, {}});
    compareOnBoth(
        [&](const QUrl &base) {
            QList<Step> steps;
            for (int i = 0; i < 6; ++i) {
                Conversation conversation(base);
                steps.append(stepOf(conversation.login(user, kBobPassword, conversation.loginToken())));
            }
            return steps;
        },
        wanted);
}

// ApiMain checks the token before anything else: a logintoken that is missing or empty is
// "missingparam", for a GET (where it would otherwise be mustpostparams) as for a POST.
void TestMediaWikiPeer::missingOrEmptyTokenIsMissingParam()
{
    const QString user = u"AliceNoToken"_qs;
    QCOMPARE(addUser(user, kAlicePassword, false), QString());
    const Step missing {u"error:missingparam"_qs, {}, {}, u"The \"logintoken\" parameter must be set."_qs};
    compareOnBoth(
        [&](const QUrl &base) {
            QList<Step> steps;
            Conversation fresh(base); // no session at all
            steps.append(stepOf(fresh.get(u"action=clientlogin&format=json"_qs)));
            Conversation conversation(base);
            const QString token = conversation.loginToken();
            const QString params = conversation.loginParams(user, kAlicePassword);
            steps.append(stepOf(conversation.get(u"action=clientlogin&format=json"_qs)));
            steps.append(stepOf(conversation.get(params)));
            steps.append(stepOf(conversation.get(params + u"&logintoken="_qs)));
            steps.append(stepOf(conversation.post(params + u"&logintoken="_qs)));
            steps.append(stepOf(conversation.post(params, u"logintoken="_qs)));
            // None of them logged in or spent a throttle attempt; the token still works.
            steps.append(conversation.userInfo());
            steps.append(stepOf(conversation.login(user, kAlicePassword, token)));
            return steps;
        },
        {
            missing,
            missing,
            missing,
            missing,
            missing,
            missing,
            {u"userinfo"_qs, u"127.0.0.1"_qs, {}},
            {u"PASS"_qs, {}, {}},
        });
}

// The warning names unknown parameters in the order they were sent, the POST body's before
// the query string's (PHP's $_POST + $_GET), not sorted.
void TestMediaWikiPeer::unknownParametersAreListedInTheOrderSent()
{
    const QString user = u"AliceOrder"_qs;
    QCOMPARE(addUser(user, kAlicePassword, false), QString());
    compareOnBoth(
        [&](const QUrl &base) {
            QList<Step> steps;
            Conversation wrong(base);
            steps.append(
                withMessage(wrong.post(wrong.loginParams(user, kWrongPassword) + u"&zeta=1&alpha=2"_qs
                                           + u"&logintoken="_qs + encode(wrong.loginToken()),
                                       u"mu=3&beta=4"_qs)));
            Conversation right(base);
            steps.append(
                stepOf(right.login(user, kAlicePassword, right.loginToken(), u"&zulu=1&echo=2&bravo=3"_qs)));
            return steps;
        },
        {
            {u"FAIL"_qs,
             u"wrongpassword"_qs,
             {},
             {},
             u"main: Unrecognized parameters: zeta, alpha, mu, beta."_qs,
             {},
             u"Incorrect username or password entered.\nPlease try again."_qs},
            {u"PASS"_qs, {}, {}, {}, u"main: Unrecognized parameters: zulu, echo, bravo."_qs},
        });
}

// Empty username and password with a valid token: no primary provider takes the request.
void TestMediaWikiPeer::emptyCredentialsHaveNoPrimaryProvider()
{
    const Step noPrimary {u"FAIL"_qs,
                          u"authmanager-authn-no-primary"_qs,
                          {},
                          {},
                          {},
                          {},
                          u"The supplied credentials could not be authenticated."_qs};
    compareOnBoth(
        [&](const QUrl &base) {
            QList<Step> steps;
            Conversation conversation(base);
            const QString token = conversation.loginToken();
            steps.append(withMessage(conversation.login(QString(), QString(), token)));
            steps.append(
                withMessage(conversation.login(QString(), QString(), token, u"&formatversion=2"_qs)));
            steps.append(conversation.userInfo());
            return steps;
        },
        {noPrimary, noPrimary, {u"userinfo"_qs, u"127.0.0.1"_qs, {}}});
}

// meta=authmanagerinfo&amisecuritysensitiveoperation: "reauth" for an anonymous session,
// "ok" right after a login; the same keys on both peers apart from our two additions, which
// only the provider has, and only once logged in: the elevated level ends
// $wgReauthenticateTime (300 s) after the login.
void TestMediaWikiPeer::securitySensitiveOperationStatus()
{
    const QString user = u"AliceElevated"_qs;
    QCOMPARE(addUser(user, kAlicePassword, false), QString());
    const QString query
        = u"action=query&meta=authmanagerinfo&amisecuritysensitiveoperation=foo&format=json"_qs;
    const QString v2 = u"&formatversion=2"_qs;
    QMap<QString, QList<QJsonObject>> additions; // per peer, per authmanagerinfo step
    QMap<QString, double> passedAt; // per peer: the time just before its login
    compareOnBoth(
        [&](const QUrl &base) {
            QList<QJsonObject> &added = additions[base.toString()];
            const auto info = [&](Conversation &conversation, const QString &params) {
                added.append(QJsonObject());
                return authManagerInfoStep(conversation.get(params), added.last());
            };
            QList<Step> steps;
            Conversation conversation(base);
            steps.append(info(conversation, query));
            steps.append(info(conversation, query + v2));
            const QString token = conversation.loginToken();
            passedAt.insert(base.toString(), m_clock.nowSeconds());
            steps.append(stepOf(conversation.login(user, kAlicePassword, token)));
            steps.append(info(conversation, query));
            steps.append(info(conversation, query + v2));
            return steps;
        },
        {
            {u"authmanagerinfo"_qs,
             u"reauth"_qs,
             {},
             u"canauthenticatenow,cancreateaccounts,securitysensitiveoperationstatus"_qs},
            {u"authmanagerinfo"_qs,
             u"reauth"_qs,
             {},
             u"canauthenticatenow,cancreateaccounts,canlinkaccounts,securitysensitiveoperationstatus"_qs},
            {u"PASS"_qs, {}, {}},
            {u"authmanagerinfo"_qs,
             u"ok"_qs,
             {},
             u"canauthenticatenow,cancreateaccounts,securitysensitiveoperationstatus"_qs},
            {u"authmanagerinfo"_qs,
             u"ok"_qs,
             {},
             u"canauthenticatenow,cancreateaccounts,canlinkaccounts,securitysensitiveoperationstatus"_qs},
        });
    if (QTest::currentTestFailed())
        return;

    const QList<QJsonObject> wiki = additions.value(wikiBase().toString());
    const QList<QJsonObject> ours = additions.value(m_server->baseUrl().toString());
    const double loginStart = passedAt.value(m_server->baseUrl().toString());
    QCOMPARE(wiki.size(), 4);
    QCOMPARE(ours.size(), 4);
    for (const QJsonObject &added : wiki)
        QVERIFY2(added.isEmpty(), QJsonDocument(added).toJson().constData());
    QVERIFY2(ours.at(0).isEmpty() && ours.at(1).isEmpty(),
             "the provider added its keys for an anonymous session");
    for (int i = 2; i < 4; ++i) {
        const QJsonObject &added = ours.at(i);
        QVERIFY2(added.keys() == kOurAuthManagerInfoKeys, QJsonDocument(added).toJson().constData());
        const QDateTime expiry
            = QDateTime::fromString(added[u"x-mwauth-elevatedsecurityexpiry"_qs].toString(), Qt::ISODate);
        QVERIFY2(expiry.isValid() && expiry.timeSpec() == Qt::UTC, QJsonDocument(added).toJson().constData());
        // The provider's login happened between passedAt and now; its timestamp has whole seconds.
        const double expirySeconds = double(expiry.toSecsSinceEpoch());
        QVERIFY2(expirySeconds >= std::floor(loginStart + 300) - 1
                     && expirySeconds <= m_clock.nowSeconds() + 300,
                 qPrintable(u"expiry "_qs + expiry.toString(Qt::ISODate) + u", login at "_qs
                            + QString::number(loginStart, 'f', 3)));
        const QJsonValue remaining = added[u"x-mwauth-elevatedsecurityremaining"_qs];
        QVERIFY2(remaining.isDouble() && remaining.toDouble() >= 295 && remaining.toDouble() <= 300,
                 QJsonDocument(added).toJson().constData());
    }
}
