// TimeText: NumericDate values for people. Runs in TZ=Europe/Berlin (set in main below,
// whoever starts it) so the local part differs from UTC; expected strings come from date(1) and the RFCs'
// definitions, not from this code.

#include "widgets/TimeText.h"

#include <QTest>

#include <ctime>

using namespace mwauth::ui;

class TestTimeText : public QObject
{
    Q_OBJECT
private slots:
    void duration_data();
    void duration();
    void relative_data();
    void relative();
    void absolute_data();
    void absolute();
};

void TestTimeText::duration_data()
{
    QTest::addColumn<double>("seconds");
    QTest::addColumn<QString>("expected");
    QTest::newRow("zero") << 0.0 << QStringLiteral("less than a second");
    QTest::newRow("fraction") << 0.4 << QStringLiteral("less than a second");
    QTest::newRow("45 s") << 45.9 << QStringLiteral("45 s");
    QTest::newRow("59 min") << 59 * 60 + 59.0 << QStringLiteral("59 min");
    QTest::newRow("1 h") << 3600.0 << QStringLiteral("1 h");
    QTest::newRow("3 h 5 min") << 3 * 3600 + 5 * 60 + 30.0 << QStringLiteral("3 h 5 min");
    QTest::newRow("12 h") << 12 * 3600 + 7 * 60.0 << QStringLiteral("12 h");
    QTest::newRow("negative") << -(3 * 3600.0) << QStringLiteral("3 h");
    QTest::newRow("4 days 20 h") << 4 * 86400 + 20 * 3600 + 100.0 << QStringLiteral("4 days 20 h");
    QTest::newRow("12 days") << 12 * 86400 + 5 * 3600.0 << QStringLiteral("12 days");
}

void TestTimeText::duration()
{
    QFETCH(double, seconds);
    QFETCH(QString, expected);
    QCOMPARE(TimeText::duration(seconds), expected);
}

void TestTimeText::relative_data()
{
    QTest::addColumn<double>("when");
    QTest::addColumn<double>("reference");
    QTest::addColumn<QString>("expected");
    QTest::newRow("future") << 1000.0 + 59 * 60 << 1000.0 << QStringLiteral("in 59 min");
    QTest::newRow("past") << 1000.0 << 1000.0 + 3 * 3600 + 20 << QStringLiteral("3 h ago");
    QTest::newRow("now") << 1000.5 << 1000.0 << QStringLiteral("now");
}

void TestTimeText::relative()
{
    QFETCH(double, when);
    QFETCH(double, reference);
    QFETCH(QString, expected);
    QCOMPARE(TimeText::relative(when, reference), expected);
}

void TestTimeText::absolute_data()
{
    QTest::addColumn<double>("seconds");
    QTest::addColumn<QString>("expected");
    // TZ=Europe/Berlin date -d @1795408430 -> Mon Nov 23 05:33:50 CET 2026
    QTest::newRow("MediaWiki exp, fractional")
        << 1795408430.895195 << QStringLiteral("2026-11-23 04:33:50.895 UTC (05:33:50 CET local)");
    // RFC 7519 section 3.1's example exp, 2011-03-22 18:43:00 UTC; CET that day.
    QTest::newRow("RFC 7519 exp") << 1300819380.0
                                  << QStringLiteral("2011-03-22 18:43:00 UTC (19:43:00 CET local)");
    // Summer time and a different local date: 2026-07-01 23:30:00 UTC is 01:30 CEST on 07-02.
    QTest::newRow("other local date")
        << 1782948600.0 << QStringLiteral("2026-07-01 23:30:00 UTC (2026-07-02 01:30:00 CEST local)");
    QTest::newRow("out of range") << 1e300 << QStringLiteral("(out of range: 1.0000000000000001e+300)");
}

void TestTimeText::absolute()
{
    QFETCH(double, seconds);
    QFETCH(QString, expected);
    QCOMPARE(TimeText::absolute(seconds), expected);
}

int main(int argc, char *argv[])
{
    // Before Qt reads the zone: the expected local times are Berlin's.
    qputenv("TZ", "Europe/Berlin");
    tzset();
    QCoreApplication app(argc, argv);
    TestTimeText test;
    QTEST_SET_MAIN_SOURCE_PATH
    return QTest::qExec(&test, argc, argv);
}
#include "TestTimeText.moc"
