// Drives the JWT & JWKS workbench through its real widgets: paste tokens and keys, set the
// verification time, generate a key off the GUI thread, sign, tamper.

#include "GuiTestSupport.h"

#include "common/Clock.h"
#include "widgets/JsonTreeView.h"
#include "widgets/SecretField.h"
#include "widgets/VerdictBanner.h"
#include "workbench/JwtWorkbenchPage.h"
#include "workbench/KeyGeneratorPanel.h"

#include <QCheckBox>
#include <QComboBox>
#include <QDateTimeEdit>
#include <QFile>
#include <QJsonDocument>
#include <QJsonObject>
#include <QLabel>
#include <QLineEdit>
#include <QPointer>
#include <QProgressBar>
#include <QPushButton>
#include <QSignalSpy>
#include <QTabWidget>
#include <QThreadPool>
#include <QTimer>
#include <QToolButton>

using namespace mwauth;
using namespace mwauth::ui;

namespace {
// RFC 7515 appendix A.1 (HS256) and A.2 (RS256): the published tokens and keys. Their
// payload has exp 1300819380 (2011-03-22 18:43:00 UTC).
const char rfcHs256Token[] =
    "eyJ0eXAiOiJKV1QiLA0KICJhbGciOiJIUzI1NiJ9."
    "eyJpc3MiOiJqb2UiLA0KICJleHAiOjEzMDA4MTkzODAsDQogImh0dHA6Ly9leGFtcGxlLmNvbS9pc19yb290Ijp0cnVlfQ."
    "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk";
const char rfcHs256Jwk[] =
    R"({"kty":"oct","k":"AyM1SysPpbyDfgZld3umj1qzKObwVMkoqQ-EstJQLr_T-1qS0gZH75aKtMN3Yj0iPS4hcgUuTwjAzZr1Z9CAow"})";
const char rfcRs256Token[] =
    "eyJhbGciOiJSUzI1NiJ9."
    "eyJpc3MiOiJqb2UiLA0KICJleHAiOjEzMDA4MTkzODAsDQogImh0dHA6Ly9leGFtcGxlLmNvbS9pc19yb290Ijp0cnVlfQ."
    "cC4hiUPoj9Eetdgtv3hF80EGrhuB__dzERat0XF9g2VtQgr9PJbu3XOiZj5RZmh7AAuHIm4Bh-0Qc_lF5YKt_O8W2Fp5jujGbds9uJdbF9CUAr7t1dnZcAcQjbKBYNX4"
    "BAynRFdiuB--f_nZLgrnbyTyWzO75vRK5h6xBArLIARNPvkSjtQBMHlb1L07Qe7K0GarZRmB_eSN9383LcOLn6_dO--xi12jzDwusC-eOkHWEsqtFZESc6BfI7noOPqv"
    "hJ1phCnvWh6IeYI2w9QOYEUipUTI8np6LbgGY9Fs98rqVt5AXLIhWkWywlVmtVrBp0igcN_IoypGlUPQGe77Rw";
const char rfcRs256PublicJwk[] =
    R"({"kty":"RSA","e":"AQAB","n":"ofgWCuLjybRlzo0tZWJjNiuSfb4p4fAkd_wWJcyQoTbji9k0l8W26mPddxHmfHQp-Vaw-4qPCJrcS2mJPMEzP1Pt0Bm4d4QlL-yRT-SFd2lZS-pCgNMsD1W_YpRPEwOWvG6b32690r2jZ47soMZo9wGzjb_7OMg0LOL-bSf63kpaSHSXndS5z5rexMdbBYUsLA9e-KXBdQOS-UTo7WTBEMa2R2CapHg665xsmtdVMTBQY4uDZlxvb3qCo5ZwKh9kG4LT6_I5IhlJH7aGhyxXFvUK-DWNmoudF8NAco9_h9iaGNj8q2ethFkMLs91kzk2PAcDTW9gb54h4FRWyuXpoQ"})";
constexpr qint64 rfcExp = 1300819380;

// The MediaWiki OAuth extension's access token (fixtures/oauth-ext): RS256, exp
// 1795408430.895195 = 2026-11-23 04:33:50.895 UTC, aud 795286f8ceb97b56d913f0e6e27d6dea.
const char mediawikiFixtures[] = MWAUTH_SHARED_DIR "/peers/mediawiki/fixtures/oauth-ext/";
constexpr qint64 mediawikiExp = 1795408430;

QByteArray readFixture(const char *name)
{
    QFile file(QString::fromUtf8(mediawikiFixtures) + QString::fromUtf8(name));
    if (!file.open(QIODevice::ReadOnly))
        return {};
    return file.readAll().trimmed();
}
} // namespace

class TestJwtWorkbench : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase();
    void init();
    void cleanup();

    void rfcRs256TokenVerifiesWithItsPublicJwk();
    void mediawikiTokenExpiredNowAndValidBeforeExp();
    void wrongAudienceAndIssuerAreNamed();
    void garbageIsMalformed_data();
    void garbageIsMalformed();
    void secretMode();
    void unusableKeyIsExplained();
    void claimsAreExplained();
    void ctrlReturnDecodesAtOnce();
    void copyJsonButtonAndShortcut();
    void generateSignVerifyTamper();
    void generationKeepsTheGuiResponsive();
    void resultForClosedPageIsIgnored();

private:
    template<typename T> T *child(const char *name)
    {
        T *widget = m_page->findChild<T *>(QString::fromLatin1(name));
        if (!widget)
            qWarning("no child %s", name);
        return widget;
    }
    QString headline() { return child<QLabel>("verdictHeadline")->text(); }
    VerdictBanner::State state() { return child<VerdictBanner>("verdictBanner")->state(); }
    void pasteToken(const QByteArray &token) { test::pasteInto(child<QPlainTextEdit>("tokenEdit"), QString::fromLatin1(token)); }
    void pasteKey(const QByteArray &key) { test::pasteInto(child<QPlainTextEdit>("keyEdit"), QString::fromLatin1(key)); }
    void verifyAt(qint64 seconds);
    void showTab(const char *panelName);

    test::IsolatedSettings m_settings;
    SystemClock m_clock;
    QPointer<JwtWorkbenchPage> m_page;
};

void TestJwtWorkbench::initTestCase()
{
    QVERIFY(m_settings.isValid());
    QVERIFY2(!readFixture("access-token-authorization-code.jwt").isEmpty(), mediawikiFixtures);
}

void TestJwtWorkbench::init()
{
    m_page = new JwtWorkbenchPage(&m_clock);
    m_page->resize(1280, 760);
    m_page->show();
    QApplication::setActiveWindow(m_page);
    QVERIFY(QTest::qWaitForWindowActive(m_page));
    QCOMPARE(state(), VerdictBanner::State::Neutral);
}

void TestJwtWorkbench::cleanup()
{
    delete m_page;
}

void TestJwtWorkbench::showTab(const char *panelName)
{
    auto *tabs = child<QTabWidget>("workbenchTabs");
    for (int i = 0; i < tabs->count(); ++i) {
        QWidget *page = tabs->widget(i);
        if (page->objectName() == QLatin1String(panelName) || page->findChild<QWidget *>(QLatin1String(panelName))) {
            QTest::mouseClick(tabs->tabBar(), Qt::LeftButton, {}, tabs->tabBar()->tabRect(i).center());
            QCOMPARE(tabs->currentIndex(), i);
            return;
        }
    }
    QFAIL("tab not found");
}

// Unticks "Now" with the mouse and sets the date-time editor to `seconds`.
void TestJwtWorkbench::verifyAt(qint64 seconds)
{
    auto *now = child<QCheckBox>("verifyAtNowCheck");
    if (now->isChecked())
        QTest::mouseClick(now, Qt::LeftButton, {}, QPoint(8, now->height() / 2));
    QVERIFY(!now->isChecked());
    auto *at = child<QDateTimeEdit>("verifyAtEdit");
    QVERIFY(at->isEnabled());
    at->setDateTime(QDateTime::fromSecsSinceEpoch(seconds, Qt::UTC));
}

void TestJwtWorkbench::rfcRs256TokenVerifiesWithItsPublicJwk()
{
    pasteToken(rfcRs256Token);
    pasteKey(rfcRs256PublicJwk);
    QCOMPARE(child<QComboBox>("keyModeCombo")->currentText(), QStringLiteral("JWKS / JWK"));
    // The RFC's token expired in 2011: at real now it must say so, after a good signature.
    QTRY_VERIFY2(headline().startsWith(u"Expired "), qPrintable(headline()));
    QVERIFY(headline().endsWith(u" ago"));
    QCOMPARE(state(), VerdictBanner::State::Warning);
    QVERIFY(child<QLabel>("verdictDetail")->text().contains(u"signature is valid"));

    verifyAt(rfcExp - 600);
    QTRY_VERIFY2(headline().startsWith(u"Valid - verified with key thumbprint "), qPrintable(headline()));
    QCOMPARE(state(), VerdictBanner::State::Valid);
    QVERIFY(child<QLabel>("keySummary")->text().contains(u"RSA 2048 bits"));
}

void TestJwtWorkbench::mediawikiTokenExpiredNowAndValidBeforeExp()
{
    pasteToken(readFixture("access-token-authorization-code.jwt"));
    pasteKey(readFixture("oauth2-public-key.pem"));
    QCOMPARE(child<QComboBox>("keyModeCombo")->currentText(), QStringLiteral("PEM")); // detected
    QVERIFY(QDateTime::currentSecsSinceEpoch() > mediawikiExp + 60);
    QTRY_VERIFY2(headline().startsWith(u"Expired "), qPrintable(headline()));
    QCOMPARE(state(), VerdictBanner::State::Warning);

    verifyAt(mediawikiExp + 3 * 3600 + 10);
    QTRY_COMPARE(headline(), QStringLiteral("Expired 3 h ago"));

    verifyAt(mediawikiExp - 1800);
    QTRY_VERIFY2(headline().startsWith(u"Valid - verified with key "), qPrintable(headline()));
    QCOMPARE(state(), VerdictBanner::State::Valid);
}

void TestJwtWorkbench::wrongAudienceAndIssuerAreNamed()
{
    pasteToken(readFixture("access-token-authorization-code.jwt"));
    pasteKey(readFixture("oauth2-public-key.pem"));
    verifyAt(mediawikiExp - 1800);
    QTRY_COMPARE(state(), VerdictBanner::State::Valid);

    QTest::keyClicks(child<QLineEdit>("audienceEdit"), QStringLiteral("some-other-client"));
    QTRY_COMPARE(headline(), QStringLiteral("Wrong audience: expected \"some-other-client\", "
                                            "token has \"795286f8ceb97b56d913f0e6e27d6dea\""));
    QCOMPARE(state(), VerdictBanner::State::Warning);
    child<QLineEdit>("audienceEdit")->clear();
    QTest::keyClicks(child<QLineEdit>("audienceEdit"), QStringLiteral("795286f8ceb97b56d913f0e6e27d6dea"));
    QTest::keyClicks(child<QLineEdit>("issuerEdit"), QStringLiteral("https://wiki.example"));
    QTRY_COMPARE(headline(), QStringLiteral("Wrong issuer: expected \"https://wiki.example\", "
                                            "token has \"http://127.0.0.1:8765\""));
}

void TestJwtWorkbench::garbageIsMalformed_data()
{
    QTest::addColumn<QByteArray>("token");
    QTest::newRow("words") << QByteArray("this is not a token");
    QTest::newRow("two parts") << QByteArray("eyJhbGciOiJSUzI1NiJ9.eyJpc3MiOiJqb2UifQ");
    QTest::newRow("bad base64url") << QByteArray("eyJhbGciOiJSUzI1NiJ9.e$$$.AAAA");
    QTest::newRow("header not JSON") << QByteArray("bm90IGpzb24.eyJpc3MiOiJqb2UifQ.AAAA");
    QTest::newRow("alg none") << QByteArray("eyJhbGciOiJub25lIn0.eyJpc3MiOiJqb2UifQ.");
}

void TestJwtWorkbench::garbageIsMalformed()
{
    QFETCH(QByteArray, token);
    pasteKey(rfcRs256PublicJwk);
    pasteToken(token);
    QTRY_COMPARE(state(), VerdictBanner::State::Invalid);
    const QString text = headline();
    QVERIFY2(text.startsWith(u"Malformed: ") || text.startsWith(u"Invalid - unsupported algorithm"),
             qPrintable(text));
    QVERIFY2(text.size() > 20 || !child<QLabel>("verdictDetail")->text().isEmpty(), qPrintable(text));
    QCOMPARE(child<JsonTreeView>("payloadTree")->topLevelItemCount(), 0);
    QVERIFY(!child<QPushButton>("copyJsonButton")->isEnabled());
}

void TestJwtWorkbench::secretMode()
{
    pasteToken(rfcHs256Token);
    auto *mode = child<QComboBox>("keyModeCombo");
    mode->setCurrentIndex(mode->findText(QStringLiteral("Secret (HS*)")));
    QTest::keyClicks(child<QPlainTextEdit>("keyEdit"), QStringLiteral("not the secret"));
    verifyAt(rfcExp - 600);
    QTRY_COMPARE(headline(), QStringLiteral("Invalid - bad signature"));
    QCOMPARE(state(), VerdictBanner::State::Invalid);

    // The RFC's real key is binary: as an oct JWK it verifies (mode follows the JSON paste).
    mode->setCurrentIndex(mode->findText(QStringLiteral("JWKS / JWK")));
    pasteKey(rfcHs256Jwk);
    QTRY_VERIFY2(headline().startsWith(u"Valid - verified with key "), qPrintable(headline()));
}

void TestJwtWorkbench::unusableKeyIsExplained()
{
    pasteToken(rfcRs256Token);
    pasteKey(R"({"kty":"RSA","e":"AQAB"})");
    QTRY_COMPARE(headline(), QStringLiteral("Cannot verify - the key cannot be used"));
    QVERIFY(child<QLabel>("verdictDetail")->text().startsWith(u"JWK: "));
    pasteKey("{ not json");
    QTRY_VERIFY(child<QLabel>("verdictDetail")->text().contains(u"not valid JSON"));
}

void TestJwtWorkbench::claimsAreExplained()
{
    pasteToken(readFixture("access-token-authorization-code.jwt"));
    verifyAt(mediawikiExp - 59 * 60);
    auto *payload = child<JsonTreeView>("payloadTree");
    QTRY_VERIFY(payload->explanationFor(QStringLiteral("exp")).contains(u"(in 59 min)"));
    QVERIFY(payload->explanationFor(QStringLiteral("exp")).startsWith(u"Expires 2026-11-23 04:33:50.895 UTC"));
    QVERIFY(payload->explanationFor(QStringLiteral("iat")).startsWith(u"Issued 2026-11-23 03:33:50.898 UTC"));
    QCOMPARE(payload->explanationFor(QStringLiteral("iss")), QStringLiteral("Issuer - who made the token"));
    QVERIFY(payload->explanationFor(QStringLiteral("scopes")).startsWith(u"Scopes"));
    QVERIFY(child<JsonTreeView>("headerTree")->explanationFor(QStringLiteral("alg")).contains(u"SHA-256"));
    // MediaWiki's fractional exp stays exact in the value column.
    QCOMPARE(payload->findItems(QStringLiteral("exp"), Qt::MatchExactly).value(0)->text(1),
             QStringLiteral("1795408430.895195"));
    QVERIFY(child<QLabel>("signatureInfo")->text().contains(u"256 bytes (RS256), 342 base64url"));
    QCOMPARE(child<QPlainTextEdit>("signatureHex")->toPlainText().size(), 256 * 3 - 1);

    verifyAt(mediawikiExp + 3 * 3600 + 10);
    QTRY_VERIFY(payload->explanationFor(QStringLiteral("exp")).endsWith(u"(expired 3 h ago)"));
}

void TestJwtWorkbench::ctrlReturnDecodesAtOnce()
{
    auto *edit = child<QPlainTextEdit>("tokenEdit");
    QApplication::clipboard()->setText(QString::fromLatin1(rfcRs256Token));
    edit->setFocus();
    QTest::keyClick(edit, Qt::Key_V, Qt::ControlModifier);
    QCOMPARE(child<JsonTreeView>("payloadTree")->topLevelItemCount(), 0); // still waiting
    QTest::keyClick(edit, Qt::Key_Return, Qt::ControlModifier);
    QCOMPARE(child<JsonTreeView>("payloadTree")->topLevelItemCount(), 3);
    QCOMPARE(headline(), QStringLiteral("Decoded - not verified"));
    QVERIFY(!edit->toPlainText().contains(QLatin1Char('\n'))); // the shortcut added no line
}

void TestJwtWorkbench::copyJsonButtonAndShortcut()
{
    pasteToken(rfcRs256Token);
    auto *copy = child<QPushButton>("copyJsonButton");
    QTRY_VERIFY(copy->isEnabled());
    QApplication::clipboard()->clear();
    QTest::mouseClick(copy, Qt::LeftButton);
    QJsonObject json = QJsonDocument::fromJson(QApplication::clipboard()->text().toUtf8()).object();
    QCOMPARE(json.value(u"header").toObject().value(u"alg").toString(), QStringLiteral("RS256"));
    QCOMPARE(json.value(u"payload").toObject().value(u"iss").toString(), QStringLiteral("joe"));

    QApplication::clipboard()->clear();
    QTest::keyClick(m_page, Qt::Key_C, Qt::ControlModifier | Qt::ShiftModifier);
    // A button's shortcut animates a click: the copy lands a moment later.
    QTRY_VERIFY(!QApplication::clipboard()->text().isEmpty());
    json = QJsonDocument::fromJson(QApplication::clipboard()->text().toUtf8()).object();
    QCOMPARE(json.value(u"payload").toObject().value(u"exp").toInteger(), rfcExp);
}

void TestJwtWorkbench::generateSignVerifyTamper()
{
    showTab("keyGenerator");
    auto *alg = child<QComboBox>("algCombo");
    alg->setCurrentIndex(alg->findText(QStringLiteral("ES256")));
    QVERIFY(!child<QComboBox>("rsaBitsCombo")->isEnabled()); // RSA size only for RS*/PS*
    QSignalSpy done(child<KeyGeneratorPanel>("keyGenerator"), &KeyGeneratorPanel::generationFinished);
    QTest::mouseClick(child<QPushButton>("generateKeyButton"), Qt::LeftButton);
    QTRY_COMPARE_WITH_TIMEOUT(done.size(), 1, 30000);
    QCOMPARE(done.at(0).at(0).toString(), QString()); // no error

    // The private key is masked until revealed.
    auto *secret = child<SecretField>("privateJwkField");
    QVERIFY(!secret->displayedText().contains(u"\"d\""));
    QVERIFY(secret->secret().contains(u"\"d\""));
    QTest::mouseClick(secret->findChild<QToolButton *>(QStringLiteral("revealButton")), Qt::LeftButton);
    QVERIFY(secret->displayedText().contains(u"\"d\""));
    QVERIFY(!child<QPlainTextEdit>("publicJwkText")->toPlainText().contains(u"\"d\""));
    QVERIFY(child<QPlainTextEdit>("publicPemText")->toPlainText().startsWith(u"-----BEGIN PUBLIC KEY-----"));
    const QString thumbprint = child<QLineEdit>("thumbprintEdit")->text();
    QCOMPARE(thumbprint.size(), 43); // SHA-256, base64url

    QTest::mouseClick(child<QPushButton>("signButton"), Qt::LeftButton);
    const QByteArray token = child<QPlainTextEdit>("tokenEdit")->toPlainText().toLatin1();
    QCOMPARE(token.count('.'), 2);
    QTest::mouseClick(child<QPushButton>("useKeyButton"), Qt::LeftButton);
    QTRY_COMPARE(headline(), QStringLiteral("Valid - verified with key \"%1\"").arg(thumbprint));
    QCOMPARE(child<JsonTreeView>("headerTree")->findItems(QStringLiteral("alg"), Qt::MatchExactly).value(0)->text(1),
             QStringLiteral("ES256"));

    // Tamper: replace one character in the middle of the signature, by keyboard.
    auto *edit = child<QPlainTextEdit>("tokenEdit");
    edit->setFocus();
    QTest::keyClick(edit, Qt::Key_End, Qt::ControlModifier);
    for (int i = 0; i < 20; ++i)
        QTest::keyClick(edit, Qt::Key_Left);
    QTest::keyClick(edit, Qt::Key_Left, Qt::ShiftModifier);
    const QChar old = edit->textCursor().selectedText().at(0);
    QTest::keyClicks(edit, old == u'A' ? QStringLiteral("B") : QStringLiteral("A"));
    QCOMPARE(edit->toPlainText().size(), token.size());
    QVERIFY(edit->toPlainText().toLatin1() != token);
    QTRY_COMPARE(headline(), QStringLiteral("Invalid - bad signature"));
    QCOMPARE(state(), VerdictBanner::State::Invalid);
}

void TestJwtWorkbench::generationKeepsTheGuiResponsive()
{
    showTab("keyGenerator");
    auto *alg = child<QComboBox>("algCombo");
    alg->setCurrentIndex(alg->findText(QStringLiteral("RS256")));
    auto *bits = child<QComboBox>("rsaBitsCombo");
    bits->setCurrentIndex(bits->findData(4096));
    int ticks = 0;
    QTimer ticker;
    connect(&ticker, &QTimer::timeout, this, [&ticks] { ++ticks; });
    ticker.start(1);
    QSignalSpy done(child<KeyGeneratorPanel>("keyGenerator"), &KeyGeneratorPanel::generationFinished);
    QTest::mouseClick(child<QPushButton>("generateKeyButton"), Qt::LeftButton);
    // Busy at once, and the button cannot start a second run.
    QVERIFY(child<QProgressBar>("generateBusy")->isVisible());
    QVERIFY(!child<QPushButton>("generateKeyButton")->isEnabled());
    QTRY_COMPARE_WITH_TIMEOUT(done.size(), 1, 120000);
    QVERIFY2(ticks > 0, "the event loop did not run while the key was generated");
    QVERIFY(!child<QProgressBar>("generateBusy")->isVisible());
    QVERIFY(child<QPushButton>("generateKeyButton")->isEnabled());
    QVERIFY(child<QPlainTextEdit>("publicJwkText")->toPlainText().contains(u"\"RSA\""));
    QVERIFY(child<QLabel>("generateStatus")->text().startsWith(u"Generated a new RS256 key in "));
}

void TestJwtWorkbench::resultForClosedPageIsIgnored()
{
    showTab("keyGenerator");
    auto *alg = child<QComboBox>("algCombo");
    alg->setCurrentIndex(alg->findText(QStringLiteral("PS256")));
    auto *bits = child<QComboBox>("rsaBitsCombo");
    bits->setCurrentIndex(bits->findData(3072));
    QTest::mouseClick(child<QPushButton>("generateKeyButton"), Qt::LeftButton);
    QVERIFY(child<KeyGeneratorPanel>("keyGenerator")->isGenerating());
    delete m_page; // closed while the worker runs
    QVERIFY(m_page.isNull());
    QVERIFY(QThreadPool::globalInstance()->waitForDone(120000));
    // Deliver whatever the worker posted (the finished signal, the job's deleteLater).
    QCoreApplication::sendPostedEvents();
    QCoreApplication::sendPostedEvents(nullptr, QEvent::DeferredDelete);
    QCoreApplication::processEvents();
    m_page = new JwtWorkbenchPage(&m_clock); // the next test's page still works
    QCOMPARE(m_page->findChild<VerdictBanner *>()->state(), VerdictBanner::State::Neutral);
}

QTEST_MAIN(TestJwtWorkbench)
#include "TestJwtWorkbench.moc"
