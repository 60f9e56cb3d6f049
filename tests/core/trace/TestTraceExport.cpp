// HarWriter and CurlExporter on a real trace: Bob's clientlogin with a TOTP code against the
// local provider. The HAR has every member HAR 1.2 requires, with the right JSON types (the
// spec's required members, checked here one by one); the HAR and curl files contain none of
// the secrets used (password, TOTP seed and code, login token, session cookies) unless asked
// to reveal them; a revealed curl command runs and gets the same answer.

#include "../flows/FlowRunner.h"

#include "flows/ClientLoginFlow.h"
#include "http/FormCodec.h"
#include "provider/LocalProvider.h"
#include "trace/CurlExporter.h"
#include "trace/HarWriter.h"
#include "trace/Trace.h"

#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QNetworkAccessManager>
#include <QNetworkCookie>
#include <QNetworkProxy>
#include <QProcess>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>

using namespace mwauth;
using namespace mwauth::provider;

namespace {

// The members HAR 1.2 requires (http://www.softwareishard.com/blog/har-12-spec/), with their
// types. Returns the first problem, or an empty string.
QString checkHar(const QJsonObject &har)
{
    auto need = [](const QJsonObject &o, const QString &where, const QString &key,
                   QJsonValue::Type type) -> QString {
        if (!o.contains(key))
            return where + u": missing "_qs + key;
        if (o.value(key).type() != type)
            return where + u"."_qs + key + u" has the wrong type"_qs;
        return {};
    };
    auto nameValues = [&](const QJsonArray &list, const QString &where) -> QString {
        for (const QJsonValue &item : list) {
            if (!item.isObject())
                return where + u": not an object"_qs;
            for (const char *k : {"name", "value"})
                if (QString p = need(item.toObject(), where, QString::fromLatin1(k), QJsonValue::String);
                    !p.isEmpty())
                    return p;
        }
        return {};
    };
#define HAR_NEED(o, where, key, type)                                                                        \
    if (QString p = need(o, where, QStringLiteral(key), QJsonValue::type); !p.isEmpty())                     \
    return p
    HAR_NEED(har, u"root"_qs, "log", Object);
    const QJsonObject log = har.value(u"log"_qs).toObject();
    HAR_NEED(log, u"log"_qs, "version", String);
    if (log.value(u"version"_qs).toString() != u"1.2")
        return u"log.version is not 1.2"_qs;
    HAR_NEED(log, u"log"_qs, "creator", Object);
    HAR_NEED(log.value(u"creator"_qs).toObject(), u"creator"_qs, "name", String);
    HAR_NEED(log.value(u"creator"_qs).toObject(), u"creator"_qs, "version", String);
    HAR_NEED(log, u"log"_qs, "entries", Array);
    for (const QJsonValue &value : log.value(u"entries"_qs).toArray()) {
        const QJsonObject entry = value.toObject();
        HAR_NEED(entry, u"entry"_qs, "startedDateTime", String);
        if (!QDateTime::fromString(entry.value(u"startedDateTime"_qs).toString(), Qt::ISODateWithMs)
                 .isValid())
            return u"startedDateTime is not ISO 8601"_qs;
        HAR_NEED(entry, u"entry"_qs, "time", Double);
        HAR_NEED(entry, u"entry"_qs, "request", Object);
        HAR_NEED(entry, u"entry"_qs, "response", Object);
        HAR_NEED(entry, u"entry"_qs, "cache", Object);
        HAR_NEED(entry, u"entry"_qs, "timings", Object);
        const QJsonObject timings = entry.value(u"timings"_qs).toObject();
        HAR_NEED(timings, u"timings"_qs, "send", Double);
        HAR_NEED(timings, u"timings"_qs, "wait", Double);
        HAR_NEED(timings, u"timings"_qs, "receive", Double);
        const QJsonObject request = entry.value(u"request"_qs).toObject();
        HAR_NEED(request, u"request"_qs, "method", String);
        HAR_NEED(request, u"request"_qs, "url", String);
        HAR_NEED(request, u"request"_qs, "httpVersion", String);
        HAR_NEED(request, u"request"_qs, "cookies", Array);
        HAR_NEED(request, u"request"_qs, "headers", Array);
        HAR_NEED(request, u"request"_qs, "queryString", Array);
        HAR_NEED(request, u"request"_qs, "headersSize", Double);
        HAR_NEED(request, u"request"_qs, "bodySize", Double);
        for (const char *list : {"cookies", "headers", "queryString"})
            if (QString p = nameValues(request.value(QString::fromLatin1(list)).toArray(), u"request"_qs);
                !p.isEmpty())
                return p;
        if (request.contains(u"postData"_qs)) {
            HAR_NEED(request.value(u"postData"_qs).toObject(), u"postData"_qs, "mimeType", String);
            HAR_NEED(request.value(u"postData"_qs).toObject(), u"postData"_qs, "text", String);
        }
        const QJsonObject response = entry.value(u"response"_qs).toObject();
        HAR_NEED(response, u"response"_qs, "status", Double);
        HAR_NEED(response, u"response"_qs, "statusText", String);
        HAR_NEED(response, u"response"_qs, "httpVersion", String);
        HAR_NEED(response, u"response"_qs, "cookies", Array);
        HAR_NEED(response, u"response"_qs, "headers", Array);
        HAR_NEED(response, u"response"_qs, "content", Object);
        HAR_NEED(response, u"response"_qs, "redirectURL", String);
        HAR_NEED(response, u"response"_qs, "headersSize", Double);
        HAR_NEED(response, u"response"_qs, "bodySize", Double);
        HAR_NEED(response.value(u"content"_qs).toObject(), u"content"_qs, "size", Double);
        HAR_NEED(response.value(u"content"_qs).toObject(), u"content"_qs, "mimeType", String);
        if (QString p = nameValues(response.value(u"headers"_qs).toArray(), u"response"_qs); !p.isEmpty())
            return p;
        for (const QString &key : entry.keys()) {
            static const QStringList known {u"pageref"_qs, u"startedDateTime"_qs, u"time"_qs,
                                            u"request"_qs, u"response"_qs,        u"cache"_qs,
                                            u"timings"_qs, u"serverIPAddress"_qs, u"connection"_qs,
                                            u"comment"_qs};
            if (!known.contains(key) && !key.startsWith(u'_'))
                return u"entry member "_qs + key + u" is neither HAR nor a custom _field"_qs;
        }
    }
#undef HAR_NEED
    return {};
}

} // namespace

class TestTraceExport : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void cleanupTestCase();
    void harHasTheRequiredMembers();
    void noSecretInTheFiles();
    void revealedSecretsAreThere();
    void curlCommandRuns();
    void unwritablePathIsAnIoError();

private:
    QStringList secrets() const;
    FixedClock m_clock {1763868000};
    SystemRandom m_random;
    std::unique_ptr<LocalProvider> m_provider;
    std::unique_ptr<QNetworkAccessManager> m_network;
    trace::Trace m_trace;
    QString m_password;
    QString m_seed;
    QTemporaryDir m_dir;
};

void TestTraceExport::initTestCase()
{
    m_provider = std::make_unique<LocalProvider>(m_clock, m_random);
    LocalProviderOptions options;
    options.demo = true;
    options.passwordIterations = 1000;
    QVERIFY(m_provider->start(options).ok());
    m_network = std::make_unique<QNetworkAccessManager>();
    m_network->setProxy(QNetworkProxy::NoProxy);
    http::HttpClient client(m_network.get(), &m_trace);
    flows::ClientLoginOptions login;
    login.apiUrl = m_provider->apiUrl();
    login.username = u"Bob"_qs;
    for (const DemoAccount &a : m_provider->demoAccounts()) {
        if (a.name == u"Bob") {
            m_password = a.password;
            m_seed = a.totpSecret;
        }
    }
    login.password = m_password;
    login.totpSecret = m_seed.toLatin1();
    flows::ClientLoginFlow flow(&client, login, m_clock);
    const auto run = mwauth::testing::runFlow(flow);
    QVERIFY2(run.result.ok(), qPrintable(run.result.error().toString()));
    QCOMPARE(m_trace.size(), 4);
}

void TestTraceExport::cleanupTestCase()
{
    m_network.reset();
    m_provider.reset();
}

QStringList TestTraceExport::secrets() const
{
    QStringList out {m_password, m_seed};
    for (const trace::Exchange &exchange : m_trace.exchanges()) {
        const auto form = http::decodeForm(exchange.requestBody);
        if (form) {
            for (const char *name : {"OATHToken", "logintoken", "password"}) {
                const QByteArray value = http::fieldValue(*form, name);
                if (!value.isEmpty()) {
                    out.append(QString::fromUtf8(value));
                    out.append(QString::fromLatin1(QUrl::toPercentEncoding(QString::fromUtf8(value))));
                }
            }
        }
        for (const auto &header : exchange.responseHeaders) {
            if (header.first.compare("Set-Cookie", Qt::CaseInsensitive) == 0)
                for (const QNetworkCookie &cookie : QNetworkCookie::parseCookies(header.second))
                    if (cookie.value().size() >= 4)
                        out.append(QString::fromUtf8(cookie.value()));
        }
    }
    out.removeDuplicates();
    return out;
}

void TestTraceExport::harHasTheRequiredMembers()
{
    const QString path = m_dir.filePath(u"login.har"_qs);
    QVERIFY(trace::HarWriter::write(m_trace, path).ok());
    QFile file(path);
    QVERIFY(file.open(QIODevice::ReadOnly));
    QJsonParseError error;
    const QJsonDocument har = QJsonDocument::fromJson(file.readAll(), &error);
    QCOMPARE(error.error, QJsonParseError::NoError);
    const QString problem = checkHar(har.object());
    QVERIFY2(problem.isEmpty(), qPrintable(problem));
    const QJsonArray entries = har[u"log"_qs][u"entries"_qs].toArray();
    QCOMPARE(entries.size(), 4);
    QCOMPARE(entries.at(1)[u"_step"_qs].toString(), u"clientlogin"_qs);
    QCOMPARE(entries.at(1)[u"request"_qs][u"method"_qs].toString(), u"POST"_qs);
    QCOMPARE(entries.at(1)[u"response"_qs][u"status"_qs].toInt(), 200);
    // Form parameters are listed, the secret ones masked.
    bool sawPassword = false;
    for (const QJsonValue &param : entries.at(1)[u"request"_qs][u"postData"_qs][u"params"_qs].toArray()) {
        if (param[u"name"_qs].toString() == u"password") {
            sawPassword = true;
            QCOMPARE(param[u"value"_qs].toString(), u"[redacted]"_qs);
        }
        if (param[u"name"_qs].toString() == u"username")
            QCOMPARE(param[u"value"_qs].toString(), u"Bob"_qs);
    }
    QVERIFY(sawPassword);
}

void TestTraceExport::noSecretInTheFiles()
{
    const QString harPath = m_dir.filePath(u"redacted.har"_qs);
    const QString curlPath = m_dir.filePath(u"redacted.sh"_qs);
    QVERIFY(trace::HarWriter::write(m_trace, harPath).ok());
    QVERIFY(trace::CurlExporter::write(m_trace, curlPath).ok());
    const QStringList used = secrets();
    QVERIFY2(used.size() >= 6, qPrintable(used.join(u", "_qs))); // password, seed, code, token, cookies
    for (const QString &path : {harPath, curlPath}) {
        QFile file(path);
        QVERIFY(file.open(QIODevice::ReadOnly));
        const QString text = QString::fromUtf8(file.readAll());
        QVERIFY(text.contains(u"[redacted]"_qs));
        for (const QString &secret : used)
            QVERIFY2(!text.contains(secret), qPrintable(path + u" contains "_qs + secret));
    }
}

void TestTraceExport::revealedSecretsAreThere()
{
    trace::HarWriter::Options options;
    options.revealSecrets = true;
    const QByteArray har = QJsonDocument(trace::HarWriter::toJson(m_trace, options)).toJson();
    QVERIFY(har.contains(m_password.toUtf8()));
    QVERIFY(trace::CurlExporter::script(m_trace, true).contains(m_password));
}

void TestTraceExport::curlCommandRuns()
{
    // The first exchange (the login token), revealed, run by a shell: the same answer shape.
    const QString command = trace::CurlExporter::command(m_trace.exchanges().first());
    QVERIFY(command.startsWith(u"curl -sS "_qs));
    QProcess shell;
    // The provider answers from this thread: wait with an event loop, not waitForFinished.
    QSignalSpy finished(&shell, &QProcess::finished);
    shell.start(u"sh"_qs, {u"-c"_qs, command + u" --noproxy '*'"_qs});
    QVERIFY(finished.wait(30000));
    QCOMPARE(shell.exitCode(), 0);
    const QJsonDocument answer = QJsonDocument::fromJson(shell.readAllStandardOutput());
    QVERIFY(!answer[u"query"_qs][u"tokens"_qs][u"logintoken"_qs].toString().isEmpty());
    // Quoting: a single quote survives the shell.
    QCOMPARE(trace::CurlExporter::shellQuote(u"it's"_qs), u"'it'\\''s'"_qs);
}

void TestTraceExport::unwritablePathIsAnIoError()
{
    const Result<void> written = trace::HarWriter::write(m_trace, m_dir.filePath(u"missing/dir/x.har"_qs));
    QCOMPARE(written.error().code(), ErrorCode::Io);
    QVERIFY(written.error().message().startsWith(u"cannot write "_qs));
}

QTEST_GUILESS_MAIN(TestTraceExport)
#include "TestTraceExport.moc"
