// LocalProviderAdmin: the signing-key operations of the admin client against a real local
// provider running on its ProviderHost thread, the rotation plan shown before a rotation, the
// key schedule drawn from the real lifetimes, and the published JWKS over HTTP afterwards.

#include "admin/KeyRotationPlan.h"
#include "admin/LocalProviderAdmin.h"
#include "jose/Jwks.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QSignalSpy>
#include <QSqlQuery>
#include <QTest>

#include <optional>

using namespace mwauth;
using namespace mwauth::admin;
using provider::SigningKeyInfo;
using provider::SigningKeyRotation;
using provider::SigningKeyState;

class TestLocalProviderAdmin : public QObject
{
    Q_OBJECT
private slots:
    void init();
    void cleanup();

    void listsTheKeyRing();
    void planThenRotate();
    void generateAndRetire();
    void refusalsAreClearErrors();
    void notRunning();
    void goneContextIsNotCalled();
    void scheduleOfRetiredKeys();

private:
    template<typename T>
    Result<T> wait(std::function<void(QObject *, Done<T>)> request)
    {
        std::optional<Result<T>> answer;
        request(this, [&answer](Result<T> result) { answer = std::move(result); });
        [&] { QTRY_VERIFY_WITH_TIMEOUT(answer.has_value(), 60000); }();
        return answer ? *answer : Result<T>(fail(ErrorCode::Internal, u"no answer"_qs));
    }
    Result<KeyRing> ring()
    {
        return wait<KeyRing>([this](QObject *c, Done<KeyRing> d) { m_admin->signingKeys(c, std::move(d)); });
    }
    QStringList kidsIn(const KeyRing &ring, SigningKeyState state)
    {
        QStringList kids;
        for (const SigningKeyInfo &key : ring.keys) {
            if (key.state == state)
                kids << key.kid;
        }
        return kids;
    }
    QJsonObject fetchJwks();

    SystemClock m_clock;
    SystemRandom m_random;
    std::unique_ptr<provider::ProviderHost> m_host;
    std::unique_ptr<LocalProviderAdmin> m_admin;
};

void TestLocalProviderAdmin::init()
{
    m_host = std::make_unique<provider::ProviderHost>(m_clock, m_random);
    QSignalSpy started(m_host.get(), &provider::ProviderHost::started);
    provider::LocalProviderOptions options;
    options.passwordIterations = 1000;
    QVERIFY(m_host->start(options));
    QTRY_COMPARE_WITH_TIMEOUT(started.count(), 1, 60000);
    m_admin = std::make_unique<LocalProviderAdmin>(*m_host, u"Admin"_qs);
}

void TestLocalProviderAdmin::cleanup()
{
    m_admin.reset();
    m_host.reset();
}

QJsonObject TestLocalProviderAdmin::fetchJwks()
{
    QNetworkAccessManager network;
    QNetworkReply *reply
        = network.get(QNetworkRequest(QUrl(m_host->info().restUrl.toString() + u"/oauth2/jwks"_qs)));
    [&] { QTRY_VERIFY_WITH_TIMEOUT(reply->isFinished(), 20000); }();
    const QJsonObject jwks = QJsonDocument::fromJson(reply->readAll()).object();
    delete reply;
    return jwks;
}

void TestLocalProviderAdmin::listsTheKeyRing()
{
    const Result<KeyRing> keys = ring();
    QVERIFY2(keys, qPrintable(keys ? QString() : keys.error().toString()));
    QCOMPARE(kidsIn(*keys, SigningKeyState::Current).size(), 1);
    QCOMPARE(kidsIn(*keys, SigningKeyState::Next).size(), 1);
    QCOMPARE(keys->maxTokenLifetime, provider::SigningKeyStore::DefaultMaxTokenLifetime);
    QVERIFY(qAbs(keys->now - static_cast<qint64>(m_clock.nowSeconds())) <= 2);
    // The JWKS the admin sees is the one clients fetch.
    QCOMPARE(keys->jwks, fetchJwks());
    QCOMPARE(keys->jwks.value(u"keys"_qs).toArray().size(), 2);
}

void TestLocalProviderAdmin::planThenRotate()
{
    const Result<KeyRing> before = ring();
    QVERIFY(before);
    const QString current = kidsIn(*before, SigningKeyState::Current).constFirst();
    const QString next = kidsIn(*before, SigningKeyState::Next).constFirst();

    const KeyRotationPlan plan = KeyRotationPlan::forRing(*before);
    QVERIFY(plan.possible);
    QCOMPARE(plan.promoted, next);
    QCOMPARE(plan.demoted, current);
    QCOMPARE(plan.demotedPublishedUntil, before->now + before->maxTokenLifetime);
    QCOMPARE(plan.newNextAlg, u"RS256"_qs);
    QVERIFY(plan.describe().contains(next));
    QVERIFY(plan.describe().contains(current));

    const Result<SigningKeyRotation> rotation = wait<SigningKeyRotation>(
        [this](QObject *c, Done<SigningKeyRotation> d) { m_admin->rotateSigningKeys(c, std::move(d)); });
    QVERIFY2(rotation, qPrintable(rotation ? QString() : rotation.error().toString()));
    QCOMPARE(rotation->current, plan.promoted);
    QCOMPARE(rotation->retiring, plan.demoted);
    QVERIFY(qAbs(rotation->retireAfter - plan.demotedPublishedUntil) <= 2);

    const Result<KeyRing> after = ring();
    QCOMPARE(kidsIn(*after, SigningKeyState::Current), QStringList {next});
    QCOMPARE(kidsIn(*after, SigningKeyState::Retiring), QStringList {current});
    QCOMPARE(kidsIn(*after, SigningKeyState::Next).size(), 1);
    // Clients see three keys: current, next and the retiring one.
    const QJsonArray published = fetchJwks().value(u"keys"_qs).toArray();
    QCOMPARE(published.size(), 3);
    QStringList kids;
    for (const QJsonValue key : published)
        kids << key.toObject().value(u"kid"_qs).toString();
    QVERIFY(kids.contains(current) && kids.contains(next));

    // The schedule: the old key signed until the rotation and is published until retireAfter.
    const QList<KeySpan> spans = keySchedule(*after);
    const auto old
        = std::find_if(spans.begin(), spans.end(), [&](const KeySpan &s) { return s.kid == current; });
    QVERIFY(old != spans.end());
    QCOMPARE(old->signingUntil, after->keys.at(old - spans.begin()).retiringSince);
    QCOMPARE(old->publishedUntil, rotation->retireAfter);
    const auto promoted
        = std::find_if(spans.begin(), spans.end(), [&](const KeySpan &s) { return s.kid == next; });
    QVERIFY(promoted->signingFrom > 0);
    QCOMPARE(promoted->signingUntil, 0);
    QCOMPARE(promoted->publishedUntil, 0);
}

void TestLocalProviderAdmin::generateAndRetire()
{
    const Result<SigningKeyInfo> generated = wait<SigningKeyInfo>([this](QObject *c, Done<SigningKeyInfo> d) {
        m_admin->generateSigningKey(jose::JwsAlgorithm::ES256, c, std::move(d));
    });
    QVERIFY2(generated, qPrintable(generated ? QString() : generated.error().toString()));
    QCOMPARE(generated->alg, u"ES256"_qs);
    QCOMPARE(generated->state, SigningKeyState::Next);
    const Result<KeyRing> keys = ring();
    QCOMPARE(kidsIn(*keys, SigningKeyState::Next), QStringList {generated->kid});
    QCOMPARE(KeyRotationPlan::forRing(*keys).newNextAlg, u"ES256"_qs);

    const Result<SigningKeyInfo> retired
        = wait<SigningKeyInfo>([this, kid = generated->kid](QObject *c, Done<SigningKeyInfo> d) {
              m_admin->retireSigningKey(kid, c, std::move(d));
          });
    QVERIFY(retired);
    QCOMPARE(retired->state, SigningKeyState::Retired);
    const Result<KeyRing> after = ring();
    QVERIFY(kidsIn(*after, SigningKeyState::Next).isEmpty());
    const KeyRotationPlan plan = KeyRotationPlan::forRing(*after);
    QVERIFY(!plan.possible);
    QVERIFY(plan.describe().contains(u"Generate one first"_qs));
    QCOMPARE(fetchJwks().value(u"keys"_qs).toArray().size(), 1);
}

void TestLocalProviderAdmin::refusalsAreClearErrors()
{
    const QString current = kidsIn(*ring(), SigningKeyState::Current).constFirst();
    const Result<SigningKeyInfo> refused
        = wait<SigningKeyInfo>([this, current](QObject *c, Done<SigningKeyInfo> d) {
              m_admin->retireSigningKey(current, c, std::move(d));
          });
    QVERIFY(!refused);
    QCOMPARE(refused.error().code(), ErrorCode::Conflict);
    const Result<SigningKeyInfo> unsupported
        = wait<SigningKeyInfo>([this](QObject *c, Done<SigningKeyInfo> d) {
              m_admin->generateSigningKey(jose::JwsAlgorithm::HS256, c, std::move(d));
          });
    QVERIFY(!unsupported);
    QCOMPARE(unsupported.error().code(), ErrorCode::UnsupportedAlgorithm);
    QCOMPARE(kidsIn(*ring(), SigningKeyState::Current), QStringList {current});
}

void TestLocalProviderAdmin::notRunning()
{
    QSignalSpy stopped(m_host.get(), &provider::ProviderHost::stopped);
    QVERIFY(m_host->stop());
    QTRY_COMPARE(stopped.count(), 1);
    const Result<KeyRing> keys = ring();
    QVERIFY(!keys);
    QCOMPARE(keys.error().code(), ErrorCode::InvalidInput);
    QVERIFY(keys.error().message().contains(u"not running"_qs));
}

void TestLocalProviderAdmin::goneContextIsNotCalled()
{
    bool called = false;
    auto *context = new QObject;
    m_admin->signingKeys(context, [&called](Result<KeyRing>) { called = true; });
    delete context;
    // A later request on the same thread is answered after the first one would have been.
    const Result<KeyRing> keys = ring();
    QVERIFY(keys);
    QCoreApplication::processEvents();
    QVERIFY(!called);
}

void TestLocalProviderAdmin::scheduleOfRetiredKeys()
{
    KeyRing ring;
    ring.now = 5000;
    ring.maxTokenLifetime = 3600;
    SigningKeyInfo early; // retired while retiring, before its retireAfter
    early.kid = u"a"_qs;
    early.state = SigningKeyState::Retired;
    early.created = 100;
    early.activated = 200;
    early.retiringSince = 1000;
    early.retireAfter = 4600;
    early.retired = 1500;
    SigningKeyInfo swept = early; // retired by the sweep after its retireAfter
    swept.kid = u"b"_qs;
    swept.retired = 4700;
    SigningKeyInfo replaced; // a next key that never signed
    replaced.kid = u"c"_qs;
    replaced.state = SigningKeyState::Retired;
    replaced.created = 300;
    replaced.retired = 400;
    ring.keys = {early, swept, replaced};
    const QList<KeySpan> spans = keySchedule(ring);
    QCOMPARE(spans.at(0).publishedUntil, 1500);
    QCOMPARE(spans.at(0).signingUntil, 1000);
    QCOMPARE(spans.at(1).publishedUntil, 4600);
    QCOMPARE(spans.at(2).publishedUntil, 400);
    QCOMPARE(spans.at(2).signingFrom, 0);
}

QTEST_GUILESS_MAIN(TestLocalProviderAdmin)
#include "TestLocalProviderAdmin.moc"
