#include "workbench/JwtWorkbenchPage.h"

#include "common/Clock.h"
#include "jose/Jws.h"
#include "widgets/VerdictBanner.h"
#include "workbench/KeyGeneratorPanel.h"
#include "workbench/TokenDecoderPanel.h"
#include "workbench/VerdictDescriber.h"
#include "workbench/VerifyPanel.h"

#include <QJsonDocument>
#include <QLabel>
#include <QScrollArea>
#include <QSplitter>
#include <QTabWidget>
#include <QTimer>
#include <QVBoxLayout>

#include <cmath>

namespace mwauth::ui {

namespace {
// Long enough to not decode on every keystroke, short enough to feel immediate.
constexpr int refreshDelayMs = 250;
} // namespace

JwtWorkbenchPage::JwtWorkbenchPage(const Clock *clock, QWidget *parent)
    : QWidget(parent)
    , m_clock(clock)
    , m_banner(new VerdictBanner(this))
    , m_decoder(new TokenDecoderPanel(this))
    , m_tabs(new QTabWidget(this))
    , m_verify(new VerifyPanel(this))
    , m_generator(new KeyGeneratorPanel(this))
    , m_refreshTimer(new QTimer(this))
{
    setObjectName(QStringLiteral("jwtWorkbenchPage"));
    m_decoder->setObjectName(QStringLiteral("tokenDecoder"));
    m_verify->setObjectName(QStringLiteral("verifyPanel"));
    m_generator->setObjectName(QStringLiteral("keyGenerator"));
    m_tabs->setObjectName(QStringLiteral("workbenchTabs"));

    auto *title = new QLabel(tr("<h2>JWT &amp; JWKS workbench</h2>"), this);
    title->setAccessibleName(tr("JWT and JWKS workbench"));

    auto *generatorScroll = new QScrollArea(this);
    generatorScroll->setWidgetResizable(true);
    generatorScroll->setFrameShape(QFrame::NoFrame);
    generatorScroll->setWidget(m_generator);
    m_tabs->addTab(m_verify, tr("&Verify"));
    m_tabs->addTab(generatorScroll, tr("Generate &key"));

    auto *splitter = new QSplitter(Qt::Horizontal, this);
    splitter->setChildrenCollapsible(false);
    splitter->addWidget(m_decoder);
    splitter->addWidget(m_tabs);
    splitter->setStretchFactor(0, 3);
    splitter->setStretchFactor(1, 2);
    splitter->setSizes({600, 400}); // the claims' meanings need the room more than the key

    auto *layout = new QVBoxLayout(this);
    layout->addWidget(title);
    layout->addWidget(m_banner);
    layout->addWidget(splitter, 1);

    m_refreshTimer->setSingleShot(true);
    m_refreshTimer->setInterval(refreshDelayMs);
    connect(m_refreshTimer, &QTimer::timeout, this, &JwtWorkbenchPage::refresh);
    connect(m_decoder, &TokenDecoderPanel::tokenEdited, this, &JwtWorkbenchPage::scheduleRefresh);
    connect(m_decoder, &TokenDecoderPanel::decodeRequested, this, &JwtWorkbenchPage::refresh);
    connect(m_verify, &VerifyPanel::changed, this, &JwtWorkbenchPage::scheduleRefresh);
    connect(m_generator, &KeyGeneratorPanel::useKeyRequested, this,
            [this](KeyMode mode, const QString &text) { useKey(static_cast<int>(mode), text); });
    connect(m_generator, &KeyGeneratorPanel::signRequested, this, &JwtWorkbenchPage::signWith);
    connect(m_generator, &KeyGeneratorPanel::generationStarted, this,
            [this] { emit statusMessage(tr("Generating a key...")); });
    connect(m_generator, &KeyGeneratorPanel::generationFinished, this, [this](const QString &error) {
        emit statusMessage(error.isEmpty() ? tr("Key generated.")
                                           : tr("Key generation failed: %1").arg(error));
    });
    refresh();
}

void JwtWorkbenchPage::scheduleRefresh()
{
    m_refreshTimer->start();
}

void JwtWorkbenchPage::refresh()
{
    m_refreshTimer->stop();
    const double now = m_clock->nowSeconds();
    const VerificationSettings settings = m_verify->settings(now);
    const Result<jose::Jwt> decoded = m_decoder->decode(settings.at);
    updateVerdict(now, decoded);
}

void JwtWorkbenchPage::updateVerdict(double now, const Result<jose::Jwt> &decoded)
{
    using State = VerdictBanner::State;
    const Result<jose::Jwks> keys = m_verify->keys();
    m_verify->showKeySummary(keys);

    const QByteArray token = m_decoder->token();
    if (token.isEmpty()) {
        m_banner->setVerdict(State::Neutral, tr("Paste a token to decode and verify it"),
                             tr("Or generate a key under \"Generate key\" and sign a payload."));
        return;
    }
    if (!decoded) {
        m_banner->setVerdict(State::Invalid, tr("Malformed: %1").arg(decoded.error().message()));
        return;
    }
    if (!m_verify->hasKeyText()) {
        m_banner->setVerdict(State::Neutral, tr("Decoded - not verified"),
                             tr("Paste a JWKS, JWK, PEM key or secret under \"Verify\" to check "
                                "the signature."));
        return;
    }
    if (!keys) {
        m_banner->setVerdict(State::Invalid, tr("Cannot verify - the key cannot be used"),
                             keys.error().message());
        return;
    }
    const VerificationSettings settings = m_verify->settings(now);
    jose::JwtValidator validator;
    validator.setNow(settings.at);
    validator.setLeeway(settings.leeway);
    validator.setIssuer(settings.issuer);
    validator.setAudience(settings.audience);
    validator.setNonce(settings.nonce);
    validator.setRequireExpiry(m_verify->requireExpiry());
    const jose::JwtVerdict verdict = validator.validate(token, *keys);
    const VerdictText text = VerdictDescriber::describe(verdict, *decoded, settings);
    m_banner->setVerdict(text.state, text.headline, text.detail);
}

void JwtWorkbenchPage::useKey(int mode, const QString &text)
{
    m_verify->setKey(static_cast<KeyMode>(mode), text);
    m_tabs->setCurrentWidget(m_verify);
    refresh();
    emit statusMessage(tr("The generated key is now the verification key."));
}

void JwtWorkbenchPage::signWith(const jose::Jwk &key)
{
    const Result<jose::JwsAlgorithm> alg = jose::algorithmFromName(key.alg());
    if (!alg) {
        emit statusMessage(tr("Cannot sign: %1").arg(alg.error().message()));
        return;
    }
    QJsonObject header;
    header.insert(QStringLiteral("alg"), jose::algorithmName(*alg));
    header.insert(QStringLiteral("typ"), QStringLiteral("JWT"));
    if (!key.kid().isEmpty())
        header.insert(QStringLiteral("kid"), key.kid());

    QJsonObject claims;
    bool demo = false;
    if (m_decoder->decoded()) {
        claims = m_decoder->decoded()->claims();
    } else {
        // Nothing decoded: a small payload of our own, valid for an hour from now.
        demo = true;
        const double now = std::floor(m_clock->nowSeconds());
        claims.insert(QStringLiteral("iss"), QStringLiteral("mwauth-console"));
        claims.insert(QStringLiteral("sub"), QStringLiteral("demo"));
        claims.insert(QStringLiteral("iat"), now);
        claims.insert(QStringLiteral("nbf"), now);
        claims.insert(QStringLiteral("exp"), now + 3600);
    }
    const Result<QByteArray> signedToken
        = jose::Jws::sign(header, QJsonDocument(claims).toJson(QJsonDocument::Compact), key);
    if (!signedToken) {
        m_banner->setVerdict(VerdictBanner::State::Invalid, tr("Could not sign"),
                             signedToken.error().message());
        return;
    }
    m_decoder->setTokenText(QString::fromLatin1(*signedToken));
    refresh();
    emit statusMessage(demo ? tr("Signed a demo payload (iss mwauth-console, valid 1 h) with "
                                 "the generated key.")
                            : tr("Signed the decoded payload with the generated key."));
}

} // namespace mwauth::ui
