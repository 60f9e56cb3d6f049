// A LocalProvider with several serving threads (LocalProviderOptions::workers) on a SQLite
// file: every thread answers on the one port, the answers are right whichever thread gives
// them, the tokens of every thread verify with the keys, and a key rotation made on one
// thread is what the others sign with from then on.
//
// How the test knows that a worker thread answered: the requests go out from a client thread
// over many connections (the kernel spreads connections over the servers on the port) while
// the test's own thread, where the provider's first server runs, is blocked until the first
// answer arrives. That answer can only come from another serving thread.

#include "common/Clock.h"
#include "common/Random.h"
#include "jose/Jwks.h"
#include "jose/Jws.h"
#include "jose/Jwt.h"
#include "provider/LocalProvider.h"

#include <QAtomicInteger>
#include <QJsonDocument>
#include <QJsonObject>
#include <QMutex>
#include <QSemaphore>
#include <QSet>
#include <QSqlQuery>
#include <QTcpServer>
#include <QTcpSocket>
#include <QTemporaryDir>
#include <QTest>
#include <QThread>

#include <memory>

using namespace mwauth;
using namespace mwauth::provider;

namespace {

// One HTTP/1.1 answer as read off a connection that the server closed after it.
struct RawAnswer
{
    int status = 0;
    QByteArray body;
    bool whileFirstThreadBlocked = false;
};

RawAnswer parseAnswer(const QByteArray &bytes)
{
    RawAnswer answer;
    const qsizetype headEnd = bytes.indexOf("\r\n\r\n");
    if (!bytes.startsWith("HTTP/1.1 ") || headEnd < 0)
        return answer;
    answer.status = bytes.mid(9, 3).toInt();
    answer.body = bytes.sliced(headEnd + 4);
    return answer;
}

// Sends the same request over `count` new connections from its own thread (with its own
// event loop) and collects the answers. `firstAnswer` is released once, when the first
// answer is complete.
class ConnectionFan : public QObject
{
public:
    ConnectionFan(quint16 port, QByteArray request, int count, QSemaphore &firstAnswer,
                  const QAtomicInteger<bool> &firstThreadBlocked)
        : m_port(port)
        , m_request(std::move(request))
        , m_count(count)
        , m_firstAnswer(firstAnswer)
        , m_blocked(firstThreadBlocked)
    { }

    // Runs on the fan's thread.
    void start()
    {
        for (int i = 0; i < m_count; ++i) {
            auto *socket = new QTcpSocket(this);
            auto buffer = std::make_shared<QByteArray>();
            connect(socket, &QTcpSocket::connected, socket, [this, socket] { socket->write(m_request); });
            connect(socket, &QIODevice::readyRead, socket,
                    [socket, buffer] { *buffer += socket->readAll(); });
            connect(socket, &QTcpSocket::disconnected, socket, [this, socket, buffer] {
                if (socket->isOpen())
                    *buffer += socket->readAll();
                finish(parseAnswer(*buffer));
                socket->deleteLater();
            });
            connect(socket, &QAbstractSocket::errorOccurred, socket, [this, socket, buffer](auto error) {
                if (error != QAbstractSocket::RemoteHostClosedError
                    && socket->state() != QAbstractSocket::ConnectedState) {
                    finish(RawAnswer {});
                    socket->deleteLater();
                }
            });
            socket->connectToHost(QHostAddress::LocalHost, m_port);
        }
    }

    QList<RawAnswer> answers() const
    {
        QMutexLocker lock(&m_mutex);
        return m_answers;
    }
    int answered() const { return m_done.loadAcquire(); }

private:
    void finish(RawAnswer answer)
    {
        answer.whileFirstThreadBlocked = m_blocked.loadAcquire();
        {
            QMutexLocker lock(&m_mutex);
            m_answers << answer;
        }
        if (m_done.fetchAndAddOrdered(1) == 0)
            m_firstAnswer.release();
    }

    quint16 m_port;
    QByteArray m_request;
    int m_count;
    QSemaphore &m_firstAnswer;
    const QAtomicInteger<bool> &m_blocked;
    mutable QMutex m_mutex;
    QList<RawAnswer> m_answers;
    QAtomicInteger<int> m_done = 0;
};

} // namespace

class TestProviderWorkers : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void cleanupTestCase();

    void workerCounts_data();
    void workerCounts();
    void memoryDatabaseRefusesWorkers();
    void everyThreadAnswersTokens();
    void everyThreadServesTheJwks();
    void rotationReachesEveryThread();
    void takenPortIsRefusedAndStopFreesIt();

private:
    // Sends `request` over `connections` connections from a client thread and returns every
    // answer (status 0 for none). With `blockThisThread`, this thread (the provider's first
    // server) is blocked until the first answer arrives, so that one came from a worker.
    QList<RawAnswer> fanOut(const QByteArray &request, int connections, bool blockThisThread = true);
    QByteArray tokenRequest() const;
    jose::Jwks servedJwks();

    SystemClock m_clock;
    SystemRandom m_random;
    QTemporaryDir m_dir;
    std::unique_ptr<LocalProvider> m_provider;
    QString m_clientId;
    QByteArray m_secret;
};

void TestProviderWorkers::initTestCase()
{
    QVERIFY(m_dir.isValid());
    m_provider = std::make_unique<LocalProvider>(m_clock, m_random);
    LocalProviderOptions options;
    options.database = m_dir.filePath(QStringLiteral("provider.sqlite"));
    options.demo = true; // Admin owns the client
    options.passwordIterations = 1000;
    options.workers = 3;
    const Result<void> started = m_provider->start(options);
    QVERIFY2(started.ok(), started.ok() ? "" : qPrintable(started.error().toString()));
    QCOMPARE(m_provider->workerCount(), 3);

    ClientRegistration registration;
    registration.name = QStringLiteral("Worker test machine");
    registration.callbackUrl = QStringLiteral("https://app.example/callback");
    registration.email = QStringLiteral("dev@example.org");
    registration.oauth2GrantTypes = {QStringLiteral("client_credentials")};
    registration.oauth2IsConfidential = true;
    registration.grants = {QStringLiteral("basic"), QStringLiteral("editpage")};
    registration.approved = true;
    registration.ownerId = m_provider->users()->findUser(QStringLiteral("Admin"))->id;
    const auto issued = m_provider->clients()->registerClient(registration, QStringLiteral("Admin"));
    QVERIFY2(issued.ok(), issued.ok() ? "" : qPrintable(issued.error().toString()));
    m_clientId = issued->client.consumerKey;
    m_secret = issued->secret;
}

void TestProviderWorkers::cleanupTestCase()
{
    m_provider.reset();
}

QByteArray TestProviderWorkers::tokenRequest() const
{
    const QByteArray body = "grant_type=client_credentials";
    const QByteArray basic = QByteArray(m_clientId.toLatin1() + ':' + m_secret).toBase64();
    return "POST " + m_provider->restUrl().path().toLatin1()
        + "/oauth2/access_token HTTP/1.1\r\nHost: 127.0.0.1\r\n" + "Authorization: Basic " + basic
        + "\r\nContent-Type: application/x-www-form-urlencoded\r\n"
        + "Content-Length: " + QByteArray::number(body.size()) + "\r\nConnection: close\r\n\r\n" + body;
}

QList<RawAnswer> TestProviderWorkers::fanOut(const QByteArray &request, int connections, bool blockThisThread)
{
    QSemaphore firstAnswer;
    QAtomicInteger<bool> blocked = blockThisThread;
    QThread thread;
    auto *fan = new ConnectionFan(m_provider->baseUrl().port(), request, connections, firstAnswer, blocked);
    fan->moveToThread(&thread);
    connect(&thread, &QThread::finished, fan, &QObject::deleteLater);
    thread.start();
    QMetaObject::invokeMethod(fan, [fan] { fan->start(); });
    // This thread (the provider's first server) serves nothing while it waits here.
    const bool someoneElseAnswered = !blockThisThread || firstAnswer.tryAcquire(1, 30000);
    blocked.storeRelease(false);
    QList<RawAnswer> answers;
    if (someoneElseAnswered) {
        [&] { QTRY_COMPARE_WITH_TIMEOUT(fan->answered(), connections, 30000); }();
        answers = fan->answers();
    }
    thread.quit();
    thread.wait();
    return answers;
}

jose::Jwks TestProviderWorkers::servedJwks()
{
    const QByteArray request = "GET " + m_provider->restUrl().path().toLatin1()
        + "/oauth2/jwks HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n";
    const QList<RawAnswer> answers = fanOut(request, 1, false);
    if (answers.size() != 1 || answers.first().status != 200)
        return {};
    const auto keys = jose::Jwks::fromJson(answers.first().body);
    return keys ? *keys : jose::Jwks();
}

void TestProviderWorkers::workerCounts_data()
{
    QTest::addColumn<bool>("file");
    QTest::addColumn<int>("workers");
    QTest::addColumn<int>("expected");
    QTest::newRow("memory, default") << false << 0 << 1;
    QTest::newRow("memory, 1") << false << 1 << 1;
    QTest::newRow("file, default") << true << 0 << qMax(1, QThread::idealThreadCount());
    QTest::newRow("file, 1") << true << 1 << 1;
    QTest::newRow("file, 2") << true << 2 << 2;
}

void TestProviderWorkers::workerCounts()
{
    QFETCH(bool, file);
    QFETCH(int, workers);
    QFETCH(int, expected);
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    LocalProvider provider(m_clock, m_random);
    LocalProviderOptions options;
    options.database = file ? dir.filePath(QStringLiteral("p.sqlite")) : QStringLiteral(":memory:");
    options.workers = workers;
    const Result<void> started = provider.start(options);
    QVERIFY2(started.ok(), started.ok() ? "" : qPrintable(started.error().toString()));
    QCOMPARE(provider.workerCount(), expected);
    provider.stop();
    QCOMPARE(provider.workerCount(), 0);
    QVERIFY(!provider.isRunning());
}

void TestProviderWorkers::memoryDatabaseRefusesWorkers()
{
    for (const QString &location : {QStringLiteral(":memory:"), QStringLiteral("sqlite::memory:")}) {
        LocalProvider provider(m_clock, m_random);
        LocalProviderOptions options;
        options.database = location;
        options.workers = 2;
        const Result<void> started = provider.start(options);
        QVERIFY(!started.ok());
        QCOMPARE(started.error().code(), ErrorCode::InvalidInput);
        QVERIFY2(started.error().message().contains(QStringLiteral("in-memory"))
                     && started.error().message().contains(QStringLiteral("2 threads")),
                 qPrintable(started.error().message()));
        QVERIFY(!provider.isRunning());
    }
    LocalProvider provider(m_clock, m_random);
    LocalProviderOptions options;
    options.workers = -1;
    const Result<void> started = provider.start(options);
    QVERIFY(!started.ok());
    QCOMPARE(started.error().code(), ErrorCode::InvalidInput);
    QVERIFY2(started.error().message().contains(QStringLiteral("at least 1")),
             qPrintable(started.error().message()));
}

void TestProviderWorkers::everyThreadAnswersTokens()
{
    const QList<RawAnswer> answers = fanOut(tokenRequest(), 24);
    QCOMPARE(answers.size(), 24);
    const Result<jose::Jwk> current = m_provider->keys()->currentKey();
    QVERIFY(current.ok());
    const jose::Jwks jwks = servedJwks();
    QVERIFY(!jwks.keys().isEmpty());
    int fromOtherThreads = 0;
    QSet<QString> jtis;
    for (const RawAnswer &answer : answers) {
        QCOMPARE(answer.status, 200);
        const QJsonObject json = QJsonDocument::fromJson(answer.body).object();
        QCOMPARE(json.value(QStringLiteral("token_type")).toString(), QStringLiteral("Bearer"));
        const QByteArray token = json.value(QStringLiteral("access_token")).toString().toLatin1();
        const auto parts = jose::Jws::parse(token);
        QVERIFY(parts.ok());
        QCOMPARE(parts->header.value(QStringLiteral("kid")).toString(), current->kid());
        // Verifies with the served JWKS and with the first thread's key store.
        QVERIFY(jose::Jws::verify(*parts, jwks).ok());
        const auto key = m_provider->keys()->verificationKey(current->kid());
        QVERIFY(key.ok());
        QVERIFY(jose::Jws::verify(*parts, *key).ok());
        const QJsonObject claims = QJsonDocument::fromJson(parts->payload).object();
        QCOMPARE(claims.value(QStringLiteral("aud")).toString(), m_clientId);
        QCOMPARE(claims.value(QStringLiteral("iss")).toString(), m_provider->issuer().toString());
        jtis.insert(claims.value(QStringLiteral("jti")).toString());
        if (answer.whileFirstThreadBlocked)
            ++fromOtherThreads;
    }
    QCOMPARE(jtis.size(), 24); // every token its own
    QVERIFY(fromOtherThreads >= 1);
    // Every token was recorded, whichever thread issued it.
    QSqlQuery query(m_provider->database()->database());
    QVERIFY(query.exec(QStringLiteral("SELECT COUNT(*) FROM oauth2_access_tokens")) && query.next());
    QVERIFY(query.value(0).toInt() >= 24);
}

void TestProviderWorkers::everyThreadServesTheJwks()
{
    const QByteArray request = "GET " + m_provider->restUrl().path().toLatin1()
        + "/oauth2/jwks HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n";
    const QList<RawAnswer> answers = fanOut(request, 16);
    QCOMPARE(answers.size(), 16);
    const auto published = m_provider->keys()->publishedJwks();
    QVERIFY(published.ok());
    for (const RawAnswer &answer : answers) {
        QCOMPARE(answer.status, 200);
        QCOMPARE(QJsonDocument::fromJson(answer.body).object(), *published);
    }
}

void TestProviderWorkers::rotationReachesEveryThread()
{
    // Every thread has signed with the current key (and cached it) before the rotation.
    QCOMPARE(fanOut(tokenRequest(), 16).size(), 16);
    const Result<SigningKeyRotation> rotation = m_provider->keys()->rotate(QStringLiteral("test"));
    QVERIFY2(rotation.ok(), rotation.ok() ? "" : qPrintable(rotation.error().toString()));

    const QList<RawAnswer> answers = fanOut(tokenRequest(), 24);
    QCOMPARE(answers.size(), 24);
    const jose::Jwks jwks = servedJwks();
    QVERIFY(!jwks.keys().isEmpty());
    int fromOtherThreads = 0;
    for (const RawAnswer &answer : answers) {
        QCOMPARE(answer.status, 200);
        const QByteArray token = QJsonDocument::fromJson(answer.body)
                                     .object()
                                     .value(QStringLiteral("access_token"))
                                     .toString()
                                     .toLatin1();
        const auto parts = jose::Jws::parse(token);
        QVERIFY(parts.ok());
        QCOMPARE(parts->header.value(QStringLiteral("kid")).toString(), rotation->current);
        QVERIFY(jose::Jws::verify(*parts, jwks).ok());
        if (answer.whileFirstThreadBlocked)
            ++fromOtherThreads;
    }
    QVERIFY(fromOtherThreads >= 1);
    // The new next key and the retiring one are published by every thread too.
    QStringList kids;
    for (const jose::Jwk &key : jwks.keys())
        kids << key.kid();
    QVERIFY(kids.contains(rotation->next));
    QVERIFY(kids.contains(rotation->retiring));
}

void TestProviderWorkers::takenPortIsRefusedAndStopFreesIt()
{
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    QTcpServer plain; // without SO_REUSEPORT: nobody may share its port
    QVERIFY(plain.listen(QHostAddress::LocalHost));
    LocalProvider provider(m_clock, m_random);
    LocalProviderOptions options;
    options.database = dir.filePath(QStringLiteral("p.sqlite"));
    options.workers = 2;
    options.port = plain.serverPort();
    const Result<void> started = provider.start(options);
    QVERIFY(!started.ok());
    QCOMPARE(started.error().code(), ErrorCode::Network);
    QVERIFY2(started.error().message().contains(QString::number(plain.serverPort())),
             qPrintable(started.error().message()));
    QVERIFY(!provider.isRunning());
    plain.close();

    options.port = 0;
    QVERIFY(provider.start(options).ok());
    const quint16 port = quint16(provider.baseUrl().port());
    QCOMPARE(provider.workerCount(), 2);
    provider.stop();
    QTcpServer again; // every thread's socket is closed
    QVERIFY2(again.listen(QHostAddress::LocalHost, port), qPrintable(again.errorString()));
}

QTEST_GUILESS_MAIN(TestProviderWorkers)
#include "TestProviderWorkers.moc"
