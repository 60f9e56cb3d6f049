#include "common/Random.h"

#include <QSet>
#include <QTest>

using namespace mwauth;

class TestRandom : public QObject
{
    Q_OBJECT
private slots:
    void systemBytesDiffer()
    {
        SystemRandom random;
        const QByteArray a = random.bytes(32);
        const QByteArray b = random.bytes(32);
        QCOMPARE(a.size(), 32);
        QVERIFY(a != b);
        QCOMPARE(random.bytes(0).size(), 0);
    }

    void tokenIsBase64Url()
    {
        SystemRandom random;
        const QByteArray t = random.token(32);
        QCOMPARE(t.size(), 43);
        for (char c : t)
            QVERIFY2(std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_', t.constData());
    }

    void unreservedStringUsesWholeAlphabet()
    {
        SystemRandom random;
        const QByteArray s = random.unreservedString(4000);
        QCOMPARE(s.size(), 4000);
        QSet<char> seen;
        for (char c : s) {
            QVERIFY(std::isalnum(static_cast<unsigned char>(c)) || QByteArray("-._~").contains(c));
            seen.insert(c);
        }
        // 66 symbols, 4000 draws: every one shows up unless the sampling is broken.
        QCOMPARE(seen.size(), 66);
    }

    void fixedRandomRepeats()
    {
        FixedRandom random(QByteArray("\x01\x02\x03", 3));
        QCOMPARE(random.bytes(5), QByteArray("\x01\x02\x03\x01\x02", 5));
        QCOMPARE(random.bytes(2), QByteArray("\x03\x01", 2));
    }
};

QTEST_GUILESS_MAIN(TestRandom)
#include "TestRandom.moc"
