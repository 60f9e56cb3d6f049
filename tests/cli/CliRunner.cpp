#include "CliRunner.h"

#include <QProcessEnvironment>
#include <QSignalSpy>
#include <QStringDecoder>

QByteArray CliRun::describe() const
{
    return "exit code " + QByteArray::number(exitCode) + (crashed ? " (crashed)" : "") + "\n--- stdout:\n"
        + out.left(2000) + "\n--- stderr:\n" + err.left(2000);
}

CliRun runCli(const QStringList &arguments, const QByteArray &input, int timeoutMs)
{
    QProcess process;
    QProcessEnvironment environment = QProcessEnvironment::systemEnvironment();
    // The JWKS tests talk to 127.0.0.1; no proxy must stand in between.
    for (const char *name :
         {"http_proxy", "https_proxy", "all_proxy", "HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY"})
        environment.remove(QString::fromLatin1(name));
    process.setProcessEnvironment(environment);
    process.setProgram(QStringLiteral(MWAUTH_CLI_PATH));
    process.setArguments(arguments);

    CliRun run;
    QSignalSpy finished(&process, &QProcess::finished);
    process.start();
    if (!process.waitForStarted(10000))
        return run;
    if (!input.isEmpty())
        process.write(input);
    process.closeWriteChannel();
    if (process.state() != QProcess::NotRunning && finished.isEmpty())
        finished.wait(timeoutMs);
    if (process.state() != QProcess::NotRunning) {
        process.kill();
        process.waitForFinished(5000);
        return run;
    }
    run.finished = true;
    run.crashed = process.exitStatus() == QProcess::CrashExit;
    run.exitCode = process.exitCode();
    run.out = process.readAllStandardOutput();
    run.err = process.readAllStandardError();
    return run;
}

QString cliDataPath(const QString &name)
{
    return QStringLiteral(MWAUTH_SOURCE_DIR "/tests/cli/data/") + name;
}

QString sharedFixturePath(const QString &relative)
{
    return QStringLiteral(MWAUTH_SHARED_DIR "/peers/mediawiki/fixtures/") + relative;
}

bool isReadableText(const QByteArray &text)
{
    QStringDecoder decoder(QStringDecoder::Utf8);
    const QString decoded = decoder(text);
    if (decoder.hasError())
        return false;
    for (const QChar c : decoded) {
        if (c.unicode() < 0x20 && c != u'\n' && c != u'\t')
            return false;
        if (c.unicode() == 0x7f)
            return false;
    }
    return true;
}
