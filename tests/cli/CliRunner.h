#pragma once

#include <QByteArray>
#include <QProcess>
#include <QString>
#include <QStringList>

// Runs the real, built `mwauth` binary (MWAUTH_CLI_PATH) for the CLI tests.
//
// The wait runs an event loop (QSignalSpy), so servers that live in the test's own thread
// (the JWKS QHttpServer) keep answering while the CLI talks to them.
struct CliRun
{
    bool finished = false;
    bool crashed = false; // ended by a signal (QProcess::CrashExit)
    int exitCode = -1;
    QByteArray out;
    QByteArray err;

    QString outText() const { return QString::fromUtf8(out); }
    QString errText() const { return QString::fromUtf8(err); }
    // A description for failure messages: exit code and both streams.
    QByteArray describe() const;
};

CliRun runCli(const QStringList &arguments, const QByteArray &input = {}, int timeoutMs = 60000);

// Where test data lives.
QString cliDataPath(const QString &name); // tests/cli/data/<name>
QString sharedFixturePath(const QString &relative); // <shared>/peers/mediawiki/fixtures/<relative>

// True if `text` is one or more readable lines: no control characters but '\n'/'\t'
// and valid UTF-8.
bool isReadableText(const QByteArray &text);

// The process ended by itself (no crash, no hang).
#define CLI_VERIFY_RAN(run)                                                                                  \
    do {                                                                                                     \
        QVERIFY2((run).finished, "mwauth did not finish in time");                                           \
        QVERIFY2(!(run).crashed, (run).describe().prepend("mwauth crashed: ").constData());                  \
    } while (false)

// A failed run: the expected exit code, nothing on stdout, a readable "mwauth ..." message
// on stderr that contains `needle` (case-insensitive).
#define CLI_VERIFY_ERROR(run, code, needle)                                                                  \
    do {                                                                                                     \
        CLI_VERIFY_RAN(run);                                                                                 \
        QVERIFY2((run).exitCode == (code), (run).describe().constData());                                    \
        QVERIFY2((run).out.isEmpty(), (run).describe().constData());                                         \
        QVERIFY2((run).err.startsWith("mwauth"), (run).describe().constData());                              \
        QVERIFY2(isReadableText((run).err), (run).describe().constData());                                   \
        QVERIFY2((run).errText().contains(QString(needle), Qt::CaseInsensitive),                             \
                 (run).describe().constData());                                                              \
    } while (false)
