// TraceStore on a SQLite file: save, list, load, search, remove; nothing secret is stored
// (the database file is searched for the secrets); bad ids and paths give clear errors.

#include "trace/TraceStore.h"

#include <QFile>
#include <QTemporaryDir>
#include <QTest>

using namespace mwauth;
using namespace mwauth::trace;

namespace {

void fillSample(Trace &trace)
{
    trace.addSecret(u"S3cret-Passw0rd"_qs);
    Exchange tokens;
    tokens.step = u"tokens"_qs;
    tokens.method = "GET";
    tokens.url = QUrl(u"http://127.0.0.1:1/w/api.php?action=query&meta=tokens&type=login"_qs);
    tokens.status = 200;
    tokens.startedAt = QDateTime::fromSecsSinceEpoch(1763868000, Qt::UTC);
    tokens.responseHeaders
        = {{"Content-Type", "application/json"}, {"Set-Cookie", "wiki_session=abcdef123456; path=/"}};
    tokens.responseBody = R"({"query":{"tokens":{"logintoken":"0123456789abcdef+\\"}}})";
    trace.append(tokens);
    Exchange login;
    login.step = u"clientlogin"_qs;
    login.method = "POST";
    login.url = QUrl(u"http://127.0.0.1:1/w/api.php"_qs);
    login.requestHeaders
        = {{"Content-Type", "application/x-www-form-urlencoded"}, {"Cookie", "wiki_session=abcdef123456"}};
    login.requestBody
        = "action=clientlogin&username=Alice&password=S3cret-Passw0rd&logintoken=0123456789abcdef%2B%5C";
    login.status = 200;
    login.responseHeaders = {{"Content-Type", "application/json"}};
    login.responseBody = R"({"clientlogin":{"status":"PASS","username":"Alice"}})";
    trace.append(login);
}

} // namespace

class TestTraceStore : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void saveListLoadSearchRemove();
    void noSecretInTheDatabase();
    void errors();
};

void TestTraceStore::saveListLoadSearchRemove()
{
    QTemporaryDir dir;
    auto store = TraceStore::open(dir.filePath(u"traces.sqlite"_qs));
    QVERIFY2(store.ok(), qPrintable(store.error().toString()));
    Trace trace;
    fillSample(trace);
    const QDateTime when = QDateTime::fromSecsSinceEpoch(1763868100, Qt::UTC);
    const Result<qint64> id = (*store)->save(trace, u"Alice logs in"_qs, when);
    QVERIFY2(id.ok(), qPrintable(id.error().toString()));

    const auto list = (*store)->list();
    QVERIFY(list.ok());
    QCOMPARE(list->size(), 1);
    QCOMPARE(list->first().title, u"Alice logs in"_qs);
    QCOMPARE(list->first().savedAt, when);
    QCOMPARE(list->first().exchanges, 2);

    Trace loaded;
    QVERIFY((*store)->load(*id, loaded).ok());
    QCOMPARE(loaded.size(), 2);
    QCOMPARE(loaded.exchanges().at(1).step, u"clientlogin"_qs);
    QCOMPARE(loaded.exchanges().at(1).method, QByteArray("POST"));
    QCOMPARE(loaded.exchanges().at(1).status, 200);
    QCOMPARE(loaded.exchanges().at(0).startedAt, trace.exchanges().at(0).startedAt);
    QCOMPARE(loaded.exchanges().at(1).requestHeader("Content-Type"),
             QByteArray("application/x-www-form-urlencoded"));
    QVERIFY(loaded.exchanges().at(1).requestBody.contains("username=Alice"));

    const auto hits = (*store)->search(u"CLIENTLOGIN"_qs);
    QVERIFY(hits.ok());
    QCOMPARE(hits->size(), 1);
    QCOMPARE(hits->first().exchange, 2);
    QCOMPARE(hits->first().traceId, *id);
    QCOMPARE((*store)->search(u"100%"_qs)->size(), 0); // LIKE wildcards are literal
    QCOMPARE((*store)->search(u"S3cret-Passw0rd"_qs)->size(), 0); // never stored

    QVERIFY((*store)->remove(*id).ok());
    QCOMPARE((*store)->list()->size(), 0);
    QCOMPARE((*store)->search(u"Alice"_qs)->size(), 0);
}

void TestTraceStore::noSecretInTheDatabase()
{
    QTemporaryDir dir;
    const QString path = dir.filePath(u"traces.sqlite"_qs);
    {
        auto store = TraceStore::open(path);
        QVERIFY(store.ok());
        Trace trace;
        fillSample(trace);
        QVERIFY((*store)->save(trace, u"t"_qs, QDateTime::currentDateTimeUtc()).ok());
    }
    QFile file(path);
    QVERIFY(file.open(QIODevice::ReadOnly));
    const QByteArray bytes = file.readAll();
    QVERIFY(bytes.contains("clientlogin"));
    for (const QByteArray &secret :
         {QByteArray("S3cret-Passw0rd"), QByteArray("abcdef123456"), QByteArray("0123456789abcdef")})
        QVERIFY2(!bytes.contains(secret), secret.constData());
}

void TestTraceStore::errors()
{
    QTemporaryDir dir;
    auto store = TraceStore::open(dir.filePath(u"traces.sqlite"_qs));
    QVERIFY(store.ok());
    Trace into;
    QCOMPARE((*store)->load(42, into).error().code(), ErrorCode::NotFound);
    QCOMPARE((*store)->remove(42).error().code(), ErrorCode::NotFound);
    QCOMPARE((*store)->search(u"  "_qs).error().code(), ErrorCode::InvalidInput);
    const auto bad = TraceStore::open(dir.filePath(u"no/such/dir/x.sqlite"_qs));
    QCOMPARE(bad.error().code(), ErrorCode::Database);
}

QTEST_GUILESS_MAIN(TestTraceStore)
#include "TestTraceStore.moc"
