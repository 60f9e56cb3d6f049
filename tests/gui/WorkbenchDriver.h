#pragma once

// Test vectors and a small driver for the JWT & JWKS workbench tests: finds the real
// widgets by objectName and operates them the way a user does.

#include "GuiTestSupport.h"

#include "widgets/VerdictBanner.h"
#include "workbench/JwtWorkbenchPage.h"

#include <QCheckBox>
#include <QDateTimeEdit>
#include <QFile>
#include <QLabel>
#include <QPointer>
#include <QTabBar>
#include <QTabWidget>

namespace mwauth::test {

// RFC 7515 appendix A.1 (HS256) and A.2 (RS256): the published tokens and keys. Their
// payload has exp 1300819380 (2011-03-22 18:43:00 UTC).
inline const char rfcHs256Token[]
    = "eyJ0eXAiOiJKV1QiLA0KICJhbGciOiJIUzI1NiJ9."
      "eyJpc3MiOiJqb2UiLA0KICJleHAiOjEzMDA4MTkzODAsDQogImh0dHA6Ly9leGFtcGxlLmNvbS9pc19yb290Ijp0cnVlfQ."
      "dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk";
inline const char rfcHs256Jwk[]
    = R"({"kty":"oct","k":"AyM1SysPpbyDfgZld3umj1qzKObwVMkoqQ-EstJQLr_T-1qS0gZH75aKtMN3Yj0iPS4hcgUuTwjAzZr1Z9CAow"})";
inline const char rfcRs256Token[]
    = "eyJhbGciOiJSUzI1NiJ9."
      "eyJpc3MiOiJqb2UiLA0KICJleHAiOjEzMDA4MTkzODAsDQogImh0dHA6Ly9leGFtcGxlLmNvbS9pc19yb290Ijp0cnVlfQ."
      "cC4hiUPoj9Eetdgtv3hF80EGrhuB__dzERat0XF9g2VtQgr9PJbu3XOiZj5RZmh7AAuHIm4Bh-0Qc_lF5YKt_"
      "O8W2Fp5jujGbds9uJdbF9CUAr7t1dnZcAcQjbKBYNX4"
      "BAynRFdiuB--f_nZLgrnbyTyWzO75vRK5h6xBArLIARNPvkSjtQBMHlb1L07Qe7K0GarZRmB_eSN9383LcOLn6_dO--"
      "xi12jzDwusC-eOkHWEsqtFZESc6BfI7noOPqv"
      "hJ1phCnvWh6IeYI2w9QOYEUipUTI8np6LbgGY9Fs98rqVt5AXLIhWkWywlVmtVrBp0igcN_IoypGlUPQGe77Rw";
inline const char rfcRs256PublicJwk[]
    = R"({"kty":"RSA","e":"AQAB","n":"ofgWCuLjybRlzo0tZWJjNiuSfb4p4fAkd_wWJcyQoTbji9k0l8W26mPddxHmfHQp-Vaw-4qPCJrcS2mJPMEzP1Pt0Bm4d4QlL-yRT-SFd2lZS-pCgNMsD1W_YpRPEwOWvG6b32690r2jZ47soMZo9wGzjb_7OMg0LOL-bSf63kpaSHSXndS5z5rexMdbBYUsLA9e-KXBdQOS-UTo7WTBEMa2R2CapHg665xsmtdVMTBQY4uDZlxvb3qCo5ZwKh9kG4LT6_I5IhlJH7aGhyxXFvUK-DWNmoudF8NAco9_h9iaGNj8q2ethFkMLs91kzk2PAcDTW9gb54h4FRWyuXpoQ"})";
inline constexpr qint64 rfcExp = 1300819380;

// The MediaWiki OAuth extension's access token (fixtures/oauth-ext): RS256, exp
// 1795408430.895195 = 2026-11-23 04:33:50.895 UTC, aud 795286f8ceb97b56d913f0e6e27d6dea.
inline const char mediawikiFixtures[] = MWAUTH_SHARED_DIR "/peers/mediawiki/fixtures/oauth-ext/";
inline constexpr qint64 mediawikiExp = 1795408430;

inline QByteArray readFixture(const char *name)
{
    QFile file(QString::fromUtf8(mediawikiFixtures) + QString::fromUtf8(name));
    if (!file.open(QIODevice::ReadOnly))
        return {};
    return file.readAll().trimmed();
}

class WorkbenchDriver
{
public:
    QPointer<ui::JwtWorkbenchPage> page;

    // A new page at 1280x760, shown and active (false if the window never became active).
    bool open(const Clock *clock)
    {
        page = new ui::JwtWorkbenchPage(clock);
        page->resize(1280, 760);
        page->show();
        QApplication::setActiveWindow(page);
        return QTest::qWaitForWindowActive(page);
    }
    void close() { delete page; }

    template<typename T>
    T *child(const char *name) const
    {
        T *widget = page->findChild<T *>(QString::fromLatin1(name));
        if (!widget)
            qWarning("no child %s", name);
        return widget;
    }
    QString headline() const { return child<QLabel>("verdictHeadline")->text(); }
    QString detail() const { return child<QLabel>("verdictDetail")->text(); }
    ui::VerdictBanner::State state() const { return child<ui::VerdictBanner>("verdictBanner")->state(); }
    void pasteToken(const QByteArray &token) const
    {
        pasteInto(child<QPlainTextEdit>("tokenEdit"), QString::fromLatin1(token));
    }
    void pasteKey(const QByteArray &key) const
    {
        pasteInto(child<QPlainTextEdit>("keyEdit"), QString::fromLatin1(key));
    }

    // Unticks "Now" with the mouse and sets the date-time editor to `seconds` (UTC).
    void verifyAt(qint64 seconds) const
    {
        auto *now = child<QCheckBox>("verifyAtNowCheck");
        if (now->isChecked())
            QTest::mouseClick(now, Qt::LeftButton, {}, QPoint(8, now->height() / 2));
        QVERIFY(!now->isChecked());
        auto *at = child<QDateTimeEdit>("verifyAtEdit");
        QVERIFY(at->isEnabled());
        at->setDateTime(QDateTime::fromSecsSinceEpoch(seconds, Qt::UTC));
    }

    // Clicks the tab that holds the widget named `panelName`.
    void showTab(const char *panelName) const
    {
        auto *tabs = child<QTabWidget>("workbenchTabs");
        for (int i = 0; i < tabs->count(); ++i) {
            QWidget *tab = tabs->widget(i);
            if (tab->objectName() == QLatin1String(panelName)
                || tab->findChild<QWidget *>(QLatin1String(panelName))) {
                QTest::mouseClick(tabs->tabBar(), Qt::LeftButton, {}, tabs->tabBar()->tabRect(i).center());
                QCOMPARE(tabs->currentIndex(), i);
                return;
            }
        }
        QFAIL("tab not found");
    }
};

} // namespace mwauth::test
