#pragma once

// The same action=clientlogin conversations against the real MediaWiki 1.39 + OATHAuth
// (peers/mediawiki/start.sh, started and stopped here on a free loopback port, with the
// wiki's default throttles) and against our provider (ProviderServer + LoginApi with the
// same users), at the real current time. Both must answer with the same statuses, message
// codes, request ids, API error codes and texts, and warnings; the real wiki's answers must
// be the ones documented in peers/mediawiki/README.md. Each scenario has users of its own
// on both peers, so throttles and the TOTP replay guard of one do not reach another.

#include "LoginTestProvider.h"
#include "MediaWikiPeerSupport.h"

#include <QMap>
#include <QObject>
#include <QProcessEnvironment>
#include <QTemporaryDir>
#include <memory>

namespace mwauth::provider::testing::peer {

class TestMediaWikiPeer : public QObject
{
    Q_OBJECT

private:
    QProcessEnvironment wikiEnvironment() const;
    QString runScript(const QString &script, bool &ok) const;
    // Runs a maintenance script of the wiki; its output when it fails, else empty.
    QString runMaintenance(const QStringList &arguments) const;
    // Makes the same user on both peers, with Bob's TOTP seed when `totp`; an error or empty.
    QString addUser(const QString &name, const QString &password, bool totp);
    QUrl wikiBase() const { return QUrl(u"http://127.0.0.1:"_qs + QString::number(m_wikiPort)); }
    // Runs `scenario` on the wiki and on the provider: the wiki must answer `wanted`, the
    // provider what the wiki answered.
    void compareOnBoth(const Scenario &scenario, const QList<Step> &wanted);
    QList<Step> runConversation(const QUrl &base);
    bool portOpen() const;

    QTemporaryDir m_wikiDir;
    int m_wikiPort = 0;
    bool m_wikiStarted = false;
    QMap<QString, QList<Step>> m_transcripts;

    SystemClock m_clock;
    SystemRandom m_random;
    std::unique_ptr<LoginTestProvider> m_provider;
    UserStore *m_users = nullptr; // m_provider's
    ProviderServer *m_server = nullptr; // m_provider's

private Q_SLOTS:
    void initTestCase();
    void cleanupTestCase();

    void conversationIsTheDocumentedOne_data();
    void conversationIsTheDocumentedOne();
    void bothPeersAnswerAlike();

    void oldLoginTokenIsBadAfterLogin();
    void sixthAttemptAfterFiveWrongPasswordsIsThrottled();
    void totpCodeWorksOnce();
    void emptyOathTokenIsAFailedVerification();
    void rememberMeMakesLongerCookies();
    void refusedRequests();
    void unknownParametersAreWarnedAbout();
    void passwordAttemptsOfATotpUserAreThrottled();
    void missingOrEmptyTokenIsMissingParam();
    void unknownParametersAreListedInTheOrderSent();
    void emptyCredentialsHaveNoPrimaryProvider();
    void securitySensitiveOperationStatus();
};

} // namespace mwauth::provider::testing::peer
