// IpRestrictions: the IPAddresses part of MediaWiki's MWRestrictions, IPv4 and IPv6 CIDR
// ranges, and what it refuses.

#include "provider/clients/IpRestrictions.h"

#include <QTest>

using namespace mwauth;
using namespace mwauth::provider;

class TestIpRestrictions : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void defaultAllowsEverything();
    void allows_data();
    void allows();
    void malformed_data();
    void malformed();
    void nullAddressIsRefused();
};

void TestIpRestrictions::defaultAllowsEverything()
{
    const IpRestrictions any;
    QVERIFY(any.allows(QHostAddress(QStringLiteral("127.0.0.1"))));
    QVERIFY(any.allows(QHostAddress(QStringLiteral("2001:db8::1"))));
    const Result<IpRestrictions> empty = IpRestrictions::parse(QString());
    QVERIFY(empty.ok());
    QVERIFY(empty->allows(QHostAddress(QStringLiteral("203.0.113.9"))));
    // MWRestrictions without IPAddresses (only "Pages", master) allows any address.
    const Result<IpRestrictions> pagesOnly = IpRestrictions::parse(QStringLiteral("{\"Pages\":[]}"));
    QVERIFY(pagesOnly.ok());
    QVERIFY(pagesOnly->allows(QHostAddress(QStringLiteral("::1"))));
    QCOMPARE(IpRestrictions::refusalMessage(),
             QStringLiteral("The request came from an invalid IP address."));
}

void TestIpRestrictions::allows_data()
{
    QTest::addColumn<QString>("json");
    QTest::addColumn<QString>("address");
    QTest::addColumn<bool>("allowed");
    const QString def = QStringLiteral("{\"IPAddresses\":[\"0.0.0.0/0\",\"::/0\"]}");
    QTest::newRow("default v4") << def << "127.0.0.1" << true;
    QTest::newRow("default v6") << def << "::1" << true;
    const QString net = QStringLiteral("{\"IPAddresses\":[\"10.0.0.0/8\",\"2001:db8::/32\",\"192.0.2.7\"]}");
    QTest::newRow("in v4 range") << net << "10.200.3.4" << true;
    QTest::newRow("v4 range edge") << net << "10.255.255.255" << true;
    QTest::newRow("outside v4 range") << net << "11.0.0.0" << false;
    QTest::newRow("loopback not listed") << net << "127.0.0.1" << false;
    QTest::newRow("single address") << net << "192.0.2.7" << true;
    QTest::newRow("next to single address") << net << "192.0.2.8" << false;
    QTest::newRow("in v6 range") << net << "2001:db8:ffff::1" << true;
    QTest::newRow("outside v6 range") << net << "2001:db9::1" << false;
    QTest::newRow("v4-mapped v6 peer in v4 range") << net << "::ffff:10.1.2.3" << true;
    QTest::newRow("v4-mapped v6 peer outside") << net << "::ffff:127.0.0.1" << false;
    QTest::newRow("v4 range does not take v6")
        << QStringLiteral("{\"IPAddresses\":[\"0.0.0.0/0\"]}") << "::1" << false;
    QTest::newRow("v6 range does not take v4")
        << QStringLiteral("{\"IPAddresses\":[\"::/0\"]}") << "127.0.0.1" << false;
    QTest::newRow("empty list allows none") << QStringLiteral("{\"IPAddresses\":[]}") << "127.0.0.1" << false;
    QTest::newRow("v4 /32") << QStringLiteral("{\"IPAddresses\":[\"127.0.0.1/32\"]}") << "127.0.0.1" << true;
    QTest::newRow("v6 /128") << QStringLiteral("{\"IPAddresses\":[\"::1/128\"]}") << "::1" << true;
    QTest::newRow("v4 /31 excludes") << QStringLiteral("{\"IPAddresses\":[\"127.0.0.2/31\"]}") << "127.0.0.1"
                                     << false;
}

void TestIpRestrictions::allows()
{
    QFETCH(QString, json);
    QFETCH(QString, address);
    QFETCH(bool, allowed);
    const Result<IpRestrictions> restrictions = IpRestrictions::parse(json);
    QVERIFY2(restrictions.ok(), restrictions.ok() ? "" : qPrintable(restrictions.error().message()));
    QCOMPARE(restrictions->allows(QHostAddress(address)), allowed);
}

void TestIpRestrictions::malformed_data()
{
    QTest::addColumn<QString>("json");
    QTest::addColumn<QString>("mentions");
    QTest::newRow("not json") << "{IPAddresses"
                              << "JSON object";
    QTest::newRow("a list") << "[\"0.0.0.0/0\"]"
                            << "JSON object";
    QTest::newRow("not a list") << "{\"IPAddresses\":\"10.0.0.0/8\"}"
                                << "not a list";
    QTest::newRow("number entry") << "{\"IPAddresses\":[10]}"
                                  << "not text";
    QTest::newRow("host name") << "{\"IPAddresses\":[\"localhost\"]}"
                               << "'localhost'";
    QTest::newRow("short v4") << "{\"IPAddresses\":[\"10.1\"]}"
                              << "'10.1'";
    QTest::newRow("v4 prefix 33") << "{\"IPAddresses\":[\"10.0.0.0/33\"]}"
                                  << "0-32";
    QTest::newRow("v6 prefix 129") << "{\"IPAddresses\":[\"::/129\"]}"
                                   << "0-128";
    QTest::newRow("negative prefix") << "{\"IPAddresses\":[\"10.0.0.0/-1\"]}"
                                     << "0-32";
    QTest::newRow("empty prefix") << "{\"IPAddresses\":[\"10.0.0.0/\"]}"
                                  << "0-32";
    QTest::newRow("junk prefix") << "{\"IPAddresses\":[\"10.0.0.0/8x\"]}"
                                 << "0-32";
    QTest::newRow("octet too big") << "{\"IPAddresses\":[\"10.0.0.256\"]}"
                                   << "'10.0.0.256'";
    QTest::newRow("scope id") << "{\"IPAddresses\":[\"fe80::1%eth0\"]}"
                              << "fe80::1%eth0";
    QTest::newRow("empty entry") << "{\"IPAddresses\":[\"\"]}"
                                 << "not an IP address";
}

void TestIpRestrictions::malformed()
{
    QFETCH(QString, json);
    QFETCH(QString, mentions);
    const Result<IpRestrictions> restrictions = IpRestrictions::parse(json);
    QVERIFY(!restrictions.ok());
    QCOMPARE(restrictions.error().code(), ErrorCode::InvalidInput);
    QVERIFY2(restrictions.error().message().contains(mentions), qPrintable(restrictions.error().message()));
}

void TestIpRestrictions::nullAddressIsRefused()
{
    QVERIFY(!IpRestrictions().allows(QHostAddress()));
}

QTEST_GUILESS_MAIN(TestIpRestrictions)
#include "TestIpRestrictions.moc"
