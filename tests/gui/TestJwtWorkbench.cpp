// Drives the JWT & JWKS workbench through its real widgets: paste tokens and keys, set the
// verification time, read the verdict banner and the decoded claims.

#include "WorkbenchDriver.h"

#include "common/Clock.h"
#include "widgets/JsonTreeView.h"

#include <QComboBox>
#include <QJsonDocument>
#include <QJsonObject>
#include <QLineEdit>
#include <QPushButton>

using namespace mwauth;
using namespace mwauth::test;
using namespace mwauth::ui;

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
    void bearerPrefixAndLineBreaksAreIgnored();

private:
    IsolatedSettings m_settings;
    SystemClock m_clock;
    WorkbenchDriver m_ui;
};

void TestJwtWorkbench::initTestCase()
{
    QVERIFY(m_settings.isValid());
    QVERIFY2(!readFixture("access-token-authorization-code.jwt").isEmpty(), mediawikiFixtures);
}

void TestJwtWorkbench::init()
{
    QVERIFY(m_ui.open(&m_clock));
    QCOMPARE(m_ui.state(), VerdictBanner::State::Neutral);
}

void TestJwtWorkbench::cleanup()
{
    m_ui.close();
}

void TestJwtWorkbench::rfcRs256TokenVerifiesWithItsPublicJwk()
{
    m_ui.pasteToken(rfcRs256Token);
    m_ui.pasteKey(rfcRs256PublicJwk);
    QCOMPARE(m_ui.child<QComboBox>("keyModeCombo")->currentText(), QStringLiteral("JWKS / JWK"));
    // The RFC's token expired in 2011: at real now it must say so, after a good signature.
    QTRY_VERIFY2(m_ui.headline().startsWith(u"Expired "), qPrintable(m_ui.headline()));
    QVERIFY(m_ui.headline().endsWith(u" ago"));
    QCOMPARE(m_ui.state(), VerdictBanner::State::Warning);
    QVERIFY(m_ui.detail().contains(u"signature is valid"));

    m_ui.verifyAt(rfcExp - 600);
    QTRY_VERIFY2(m_ui.headline().startsWith(u"Valid - verified with key thumbprint "),
                 qPrintable(m_ui.headline()));
    QCOMPARE(m_ui.state(), VerdictBanner::State::Valid);
    QVERIFY(m_ui.child<QLabel>("keySummary")->text().contains(u"RSA 2048 bits"));
}

void TestJwtWorkbench::mediawikiTokenExpiredNowAndValidBeforeExp()
{
    m_ui.pasteToken(readFixture("access-token-authorization-code.jwt"));
    m_ui.pasteKey(readFixture("oauth2-public-key.pem"));
    QCOMPARE(m_ui.child<QComboBox>("keyModeCombo")->currentText(), QStringLiteral("PEM")); // detected
    // At real now: expired once exp + 60 s leeway has passed (2026-11-23 04:34:50 UTC);
    // a machine whose clock is earlier must see it valid. Both are checked against the
    // clock, away from the boundary.
    const qint64 now = QDateTime::currentSecsSinceEpoch();
    if (now > mediawikiExp + 120) {
        QTRY_VERIFY2(m_ui.headline().startsWith(u"Expired "), qPrintable(m_ui.headline()));
        QVERIFY(m_ui.headline().endsWith(u" ago"));
        QCOMPARE(m_ui.state(), VerdictBanner::State::Warning);
    } else if (now < mediawikiExp - 60) {
        QTRY_VERIFY2(m_ui.headline().startsWith(u"Valid - "), qPrintable(m_ui.headline()));
    }

    m_ui.verifyAt(mediawikiExp + 3 * 3600 + 10);
    QTRY_COMPARE(m_ui.headline(), QStringLiteral("Expired 3 h ago"));

    m_ui.verifyAt(mediawikiExp - 1800);
    QTRY_VERIFY2(m_ui.headline().startsWith(u"Valid - verified with key "), qPrintable(m_ui.headline()));
    QCOMPARE(m_ui.state(), VerdictBanner::State::Valid);
}

void TestJwtWorkbench::wrongAudienceAndIssuerAreNamed()
{
    m_ui.pasteToken(readFixture("access-token-authorization-code.jwt"));
    m_ui.pasteKey(readFixture("oauth2-public-key.pem"));
    m_ui.verifyAt(mediawikiExp - 1800);
    QTRY_COMPARE(m_ui.state(), VerdictBanner::State::Valid);

    QTest::keyClicks(m_ui.child<QLineEdit>("audienceEdit"), QStringLiteral("some-other-client"));
    QTRY_COMPARE(m_ui.headline(),
                 QStringLiteral("Wrong audience: expected \"some-other-client\", "
                                "token has \"795286f8ceb97b56d913f0e6e27d6dea\""));
    QCOMPARE(m_ui.state(), VerdictBanner::State::Warning);
    m_ui.child<QLineEdit>("audienceEdit")->clear();
    QTest::keyClicks(m_ui.child<QLineEdit>("audienceEdit"),
                     QStringLiteral("795286f8ceb97b56d913f0e6e27d6dea"));
    QTest::keyClicks(m_ui.child<QLineEdit>("issuerEdit"), QStringLiteral("https://wiki.example"));
    QTRY_COMPARE(m_ui.headline(),
                 QStringLiteral("Wrong issuer: expected \"https://wiki.example\", "
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
    m_ui.pasteKey(rfcRs256PublicJwk);
    m_ui.pasteToken(token);
    QTRY_COMPARE(m_ui.state(), VerdictBanner::State::Invalid);
    const QString text = m_ui.headline();
    QVERIFY2(text.startsWith(u"Malformed: ") || text.startsWith(u"Invalid - unsupported algorithm"),
             qPrintable(text));
    QVERIFY2(text.size() > 20 || !m_ui.detail().isEmpty(), qPrintable(text));
    QCOMPARE(m_ui.child<JsonTreeView>("payloadTree")->topLevelItemCount(), 0);
    QVERIFY(!m_ui.child<QPushButton>("copyJsonButton")->isEnabled());
}

void TestJwtWorkbench::secretMode()
{
    m_ui.pasteToken(rfcHs256Token);
    auto *mode = m_ui.child<QComboBox>("keyModeCombo");
    mode->setCurrentIndex(mode->findText(QStringLiteral("Secret (HS*)")));
    QTest::keyClicks(m_ui.child<QPlainTextEdit>("keyEdit"), QStringLiteral("not the secret"));
    m_ui.verifyAt(rfcExp - 600);
    QTRY_COMPARE(m_ui.headline(), QStringLiteral("Invalid - bad signature"));
    QCOMPARE(m_ui.state(), VerdictBanner::State::Invalid);

    // The RFC's real key is binary: as an oct JWK it verifies (mode follows the JSON paste).
    mode->setCurrentIndex(mode->findText(QStringLiteral("JWKS / JWK")));
    m_ui.pasteKey(rfcHs256Jwk);
    QTRY_VERIFY2(m_ui.headline().startsWith(u"Valid - verified with key "), qPrintable(m_ui.headline()));
}

void TestJwtWorkbench::unusableKeyIsExplained()
{
    m_ui.pasteToken(rfcRs256Token);
    m_ui.pasteKey(R"({"kty":"RSA","e":"AQAB"})");
    QTRY_COMPARE(m_ui.headline(), QStringLiteral("Cannot verify - the key cannot be used"));
    QVERIFY(m_ui.detail().startsWith(u"JWK: "));
    m_ui.pasteKey("{ not json");
    QTRY_VERIFY(m_ui.detail().contains(u"not valid JSON"));
}

void TestJwtWorkbench::claimsAreExplained()
{
    m_ui.pasteToken(readFixture("access-token-authorization-code.jwt"));
    m_ui.verifyAt(mediawikiExp - 59 * 60);
    auto *payload = m_ui.child<JsonTreeView>("payloadTree");
    QTRY_VERIFY(payload->explanationFor(QStringLiteral("exp")).contains(u"(in 59 min)"));
    QVERIFY(
        payload->explanationFor(QStringLiteral("exp")).startsWith(u"Expires 2026-11-23 04:33:50.895 UTC"));
    QVERIFY(payload->explanationFor(QStringLiteral("iat")).startsWith(u"Issued 2026-11-23 03:33:50.898 UTC"));
    QCOMPARE(payload->explanationFor(QStringLiteral("iss")), QStringLiteral("Issuer - who made the token"));
    QVERIFY(payload->explanationFor(QStringLiteral("scopes")).startsWith(u"Scopes"));
    QVERIFY(
        m_ui.child<JsonTreeView>("headerTree")->explanationFor(QStringLiteral("alg")).contains(u"SHA-256"));
    // MediaWiki's fractional exp stays exact in the value column.
    QCOMPARE(payload->findItems(QStringLiteral("exp"), Qt::MatchExactly).value(0)->text(1),
             QStringLiteral("1795408430.895195"));
    QVERIFY(m_ui.child<QLabel>("signatureInfo")->text().contains(u"256 bytes (RS256), 342 base64url"));
    QCOMPARE(m_ui.child<QPlainTextEdit>("signatureHex")->toPlainText().size(), 256 * 3 - 1);

    m_ui.verifyAt(mediawikiExp + 3 * 3600 + 10);
    QTRY_VERIFY(payload->explanationFor(QStringLiteral("exp")).endsWith(u"(expired 3 h ago)"));
}

void TestJwtWorkbench::ctrlReturnDecodesAtOnce()
{
    auto *edit = m_ui.child<QPlainTextEdit>("tokenEdit");
    QApplication::clipboard()->setText(QString::fromLatin1(rfcRs256Token));
    edit->setFocus();
    QTest::keyClick(edit, Qt::Key_V, Qt::ControlModifier);
    QCOMPARE(m_ui.child<JsonTreeView>("payloadTree")->topLevelItemCount(), 0); // still waiting
    QTest::keyClick(edit, Qt::Key_Return, Qt::ControlModifier);
    QCOMPARE(m_ui.child<JsonTreeView>("payloadTree")->topLevelItemCount(), 3);
    QCOMPARE(m_ui.headline(), QStringLiteral("Decoded - not verified"));
    QVERIFY(!edit->toPlainText().contains(QLatin1Char('\n'))); // the shortcut added no line
}

void TestJwtWorkbench::copyJsonButtonAndShortcut()
{
    m_ui.pasteToken(rfcRs256Token);
    auto *copy = m_ui.child<QPushButton>("copyJsonButton");
    QTRY_VERIFY(copy->isEnabled());
    QApplication::clipboard()->clear();
    QTest::mouseClick(copy, Qt::LeftButton);
    QJsonObject json = QJsonDocument::fromJson(QApplication::clipboard()->text().toUtf8()).object();
    QCOMPARE(json.value(u"header").toObject().value(u"alg").toString(), QStringLiteral("RS256"));
    QCOMPARE(json.value(u"payload").toObject().value(u"iss").toString(), QStringLiteral("joe"));

    QApplication::clipboard()->clear();
    QTest::keyClick(m_ui.page, Qt::Key_C, Qt::ControlModifier | Qt::ShiftModifier);
    // A button's shortcut animates a click: the copy lands a moment later.
    QTRY_VERIFY(!QApplication::clipboard()->text().isEmpty());
    json = QJsonDocument::fromJson(QApplication::clipboard()->text().toUtf8()).object();
    QCOMPARE(json.value(u"payload").toObject().value(u"exp").toInteger(), rfcExp);
}

void TestJwtWorkbench::bearerPrefixAndLineBreaksAreIgnored()
{
    // As copied from an Authorization header or a wrapped log line.
    QByteArray wrapped = QByteArray("Bearer ") + rfcRs256Token;
    wrapped.insert(60, "\n  ");
    wrapped.insert(200, "\r\n");
    m_ui.pasteToken(wrapped);
    m_ui.pasteKey(rfcRs256PublicJwk);
    m_ui.verifyAt(rfcExp - 600);
    QTRY_VERIFY2(m_ui.headline().startsWith(u"Valid - "), qPrintable(m_ui.headline()));
    QCOMPARE(m_ui.child<JsonTreeView>("payloadTree")->topLevelItemCount(), 3);
}

QTEST_MAIN(TestJwtWorkbench)
#include "TestJwtWorkbench.moc"
