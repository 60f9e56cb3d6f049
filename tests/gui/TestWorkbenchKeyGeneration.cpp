// The workbench's key generator through its real widgets: generate off the GUI thread,
// reveal, sign, verify, tamper; a page closed during generation is never called back.

#include "WorkbenchDriver.h"

#include "common/Clock.h"
#include "widgets/JsonTreeView.h"
#include "widgets/SecretField.h"
#include "workbench/KeyGeneratorPanel.h"

#include <QComboBox>
#include <QLineEdit>
#include <QProgressBar>
#include <QPushButton>
#include <QSignalSpy>
#include <QThreadPool>
#include <QTimer>
#include <QToolButton>

using namespace mwauth;
using namespace mwauth::test;
using namespace mwauth::ui;

class TestWorkbenchKeyGeneration : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase();
    void init();
    void cleanup();

    void generateSignVerifyTamper();
    void generationKeepsTheGuiResponsive();
    void resultForClosedPageIsIgnored();

private:
    IsolatedSettings m_settings;
    SystemClock m_clock;
    WorkbenchDriver m_ui;
};

void TestWorkbenchKeyGeneration::initTestCase()
{
    QVERIFY(m_settings.isValid());
    QVERIFY2(!readFixture("access-token-authorization-code.jwt").isEmpty(), mediawikiFixtures);
}

void TestWorkbenchKeyGeneration::init()
{
    QVERIFY(m_ui.open(&m_clock));
    QCOMPARE(m_ui.state(), VerdictBanner::State::Neutral);
}

void TestWorkbenchKeyGeneration::cleanup()
{
    m_ui.close();
}

void TestWorkbenchKeyGeneration::generateSignVerifyTamper()
{
    m_ui.showTab("keyGenerator");
    auto *alg = m_ui.child<QComboBox>("algCombo");
    alg->setCurrentIndex(alg->findText(QStringLiteral("ES256")));
    QVERIFY(!m_ui.child<QComboBox>("rsaBitsCombo")->isEnabled()); // RSA size only for RS*/PS*
    QSignalSpy done(m_ui.child<KeyGeneratorPanel>("keyGenerator"), &KeyGeneratorPanel::generationFinished);
    QTest::mouseClick(m_ui.child<QPushButton>("generateKeyButton"), Qt::LeftButton);
    QTRY_COMPARE_WITH_TIMEOUT(done.size(), 1, 30000);
    QCOMPARE(done.at(0).at(0).toString(), QString()); // no error

    // The private key is masked until revealed.
    auto *secret = m_ui.child<SecretField>("privateJwkField");
    QVERIFY(!secret->displayedText().contains(u"\"d\""));
    QVERIFY(secret->secret().contains(u"\"d\""));
    QTest::mouseClick(secret->findChild<QToolButton *>(QStringLiteral("revealButton")), Qt::LeftButton);
    QVERIFY(secret->displayedText().contains(u"\"d\""));
    QVERIFY(!m_ui.child<QPlainTextEdit>("publicJwkText")->toPlainText().contains(u"\"d\""));
    QVERIFY(
        m_ui.child<QPlainTextEdit>("publicPemText")->toPlainText().startsWith(u"-----BEGIN PUBLIC KEY-----"));
    const QString thumbprint = m_ui.child<QLineEdit>("thumbprintEdit")->text();
    QCOMPARE(thumbprint.size(), 43); // SHA-256, base64url

    QTest::mouseClick(m_ui.child<QPushButton>("signButton"), Qt::LeftButton);
    const QByteArray token = m_ui.child<QPlainTextEdit>("tokenEdit")->toPlainText().toLatin1();
    QCOMPARE(token.count('.'), 2);
    QTest::mouseClick(m_ui.child<QPushButton>("useKeyButton"), Qt::LeftButton);
    QTRY_COMPARE(m_ui.headline(), QStringLiteral("Valid - verified with key \"%1\"").arg(thumbprint));
    QCOMPARE(m_ui.child<JsonTreeView>("headerTree")
                 ->findItems(QStringLiteral("alg"), Qt::MatchExactly)
                 .value(0)
                 ->text(1),
             QStringLiteral("ES256"));

    // Tamper: replace one character in the middle of the signature, by keyboard.
    auto *edit = m_ui.child<QPlainTextEdit>("tokenEdit");
    edit->setFocus();
    QTest::keyClick(edit, Qt::Key_End, Qt::ControlModifier);
    for (int i = 0; i < 20; ++i)
        QTest::keyClick(edit, Qt::Key_Left);
    QTest::keyClick(edit, Qt::Key_Left, Qt::ShiftModifier);
    const QChar old = edit->textCursor().selectedText().at(0);
    QTest::keyClicks(edit, old == u'A' ? QStringLiteral("B") : QStringLiteral("A"));
    QCOMPARE(edit->toPlainText().size(), token.size());
    QVERIFY(edit->toPlainText().toLatin1() != token);
    QTRY_COMPARE(m_ui.headline(), QStringLiteral("Invalid - bad signature"));
    QCOMPARE(m_ui.state(), VerdictBanner::State::Invalid);
}

void TestWorkbenchKeyGeneration::generationKeepsTheGuiResponsive()
{
    m_ui.showTab("keyGenerator");
    auto *alg = m_ui.child<QComboBox>("algCombo");
    alg->setCurrentIndex(alg->findText(QStringLiteral("RS256")));
    auto *bits = m_ui.child<QComboBox>("rsaBitsCombo");
    bits->setCurrentIndex(bits->findData(4096));
    int ticks = 0;
    QTimer ticker;
    connect(&ticker, &QTimer::timeout, this, [&ticks] { ++ticks; });
    ticker.start(1);
    QSignalSpy done(m_ui.child<KeyGeneratorPanel>("keyGenerator"), &KeyGeneratorPanel::generationFinished);
    QTest::mouseClick(m_ui.child<QPushButton>("generateKeyButton"), Qt::LeftButton);
    // Busy at once, and the button cannot start a second run.
    QVERIFY(m_ui.child<QProgressBar>("generateBusy")->isVisible());
    QVERIFY(!m_ui.child<QPushButton>("generateKeyButton")->isEnabled());
    QTRY_COMPARE_WITH_TIMEOUT(done.size(), 1, 120000);
    QVERIFY2(ticks > 0, "the event loop did not run while the key was generated");
    QVERIFY(!m_ui.child<QProgressBar>("generateBusy")->isVisible());
    QVERIFY(m_ui.child<QPushButton>("generateKeyButton")->isEnabled());
    QVERIFY(m_ui.child<QPlainTextEdit>("publicJwkText")->toPlainText().contains(u"\"RSA\""));
    QVERIFY(m_ui.child<QLabel>("generateStatus")->text().startsWith(u"Generated a new RS256 key in "));
}

void TestWorkbenchKeyGeneration::resultForClosedPageIsIgnored()
{
    m_ui.showTab("keyGenerator");
    auto *alg = m_ui.child<QComboBox>("algCombo");
    alg->setCurrentIndex(alg->findText(QStringLiteral("PS256")));
    auto *bits = m_ui.child<QComboBox>("rsaBitsCombo");
    bits->setCurrentIndex(bits->findData(3072));
    QTest::mouseClick(m_ui.child<QPushButton>("generateKeyButton"), Qt::LeftButton);
    QVERIFY(m_ui.child<KeyGeneratorPanel>("keyGenerator")->isGenerating());
    delete m_ui.page; // closed while the worker runs
    QVERIFY(m_ui.page.isNull());
    QVERIFY(QThreadPool::globalInstance()->waitForDone(120000));
    // Deliver whatever the worker posted (the finished signal, the job's deleteLater).
    QCoreApplication::sendPostedEvents();
    QCoreApplication::sendPostedEvents(nullptr, QEvent::DeferredDelete);
    QCoreApplication::processEvents();
    m_ui.page = new JwtWorkbenchPage(&m_clock); // the next test's page still works
    QCOMPARE(m_ui.page->findChild<VerdictBanner *>()->state(), VerdictBanner::State::Neutral);
}

QTEST_MAIN(TestWorkbenchKeyGeneration)
#include "TestWorkbenchKeyGeneration.moc"
