#pragma once

#include "jose/Jwt.h"

#include <QWidget>

class QTabWidget;
class QTimer;

namespace mwauth {
class Clock;
}

namespace mwauth::ui {

class KeyGeneratorPanel;
class TokenDecoderPanel;
class VerdictBanner;
class VerifyPanel;

// The JWT & JWKS workbench: paste a token to decode it, paste a key to verify it, or
// generate a key, sign the payload with it and then break the token on purpose.
//
//   +----------------------------------------------------------+
//   | verdict banner (icon + headline + detail)                |
//   +---------------------------+------------------------------+
//   | token field               | [Verify] [Generate key] tabs |
//   | header tree               |                              |
//   | payload tree (+ meanings) |                              |
//   | signature size and bytes  |                              |
//   +---------------------------+------------------------------+
//
// Decoding and verification run after a short pause in typing (or at once on
// Ctrl+Return). Verification is jose::JwtValidator; this page only words its verdict.
class JwtWorkbenchPage : public QWidget
{
    Q_OBJECT
public:
    // `clock` says what "now" is (verify-at-now, the "in 59 min" texts); not owned and must
    // outlive the page.
    explicit JwtWorkbenchPage(const Clock *clock, QWidget *parent = nullptr);

    // Decodes and verifies now instead of after the typing pause.
    void refresh();

signals:
    // A one-line message for the status bar.
    void statusMessage(const QString &message);

private:
    void scheduleRefresh();
    void updateVerdict(double now, const Result<jose::Jwt> &decoded);
    void useKey(int mode, const QString &text);
    void signWith(const jose::Jwk &key);

    const Clock *m_clock;
    VerdictBanner *m_banner;
    TokenDecoderPanel *m_decoder;
    QTabWidget *m_tabs;
    VerifyPanel *m_verify;
    KeyGeneratorPanel *m_generator;
    QTimer *m_refreshTimer;
};

} // namespace mwauth::ui
