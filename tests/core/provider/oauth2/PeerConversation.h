#pragma once

// Runs a peer client program (tests/peer/authlib_peer.py, tests/peer/node/openid_client_peer.mjs)
// against a provider served on this thread, as a conversation of JSON lines:
//
//   test -> peer   the configuration (one line)
//   peer -> test   {"step": name, "ok": bool, ...}       one per step, kept in steps()
//   peer -> test   {"request": what}                     answered by the handler, one line back
//   peer -> test   {"done": true}                        then the peer exits
//
// While it waits, the event loop runs (QSignalSpy::wait), so the provider on this thread
// answers the peer's HTTP requests. No sleeps.

#include <QJsonDocument>
#include <QJsonObject>
#include <QMap>
#include <QProcess>
#include <QSignalSpy>
#include <QStringList>

#include <functional>

namespace mwauth::provider::testing {

class PeerConversation
{
public:
    // Answers a {"request": ...} line with the object written back (an "error" member tells the
    // peer that the request failed).
    using Handler = std::function<QJsonObject(const QString &request)>;

    // Runs `program` with `arguments` in `workingDirectory` until it exits or `timeoutMs` passes.
    // Returns an empty string when the conversation ran to its end, else what went wrong
    // (the peer's standard error included).
    QString run(const QString &program, const QStringList &arguments, const QString &workingDirectory,
                const QJsonObject &config, const Handler &handler, int timeoutMs)
    {
        QProcess process;
        process.setWorkingDirectory(workingDirectory);
        QString protocolError;
        const auto drain = [&] {
            while (process.canReadLine()) {
                const QByteArray line = process.readLine().trimmed();
                if (line.isEmpty())
                    continue;
                QJsonParseError parseError;
                const QJsonDocument document = QJsonDocument::fromJson(line, &parseError);
                if (!document.isObject()) {
                    protocolError += QStringLiteral("a line that is not a JSON object: ")
                        + QString::fromUtf8(line.left(300)) + u'\n';
                    continue;
                }
                const QJsonObject message = document.object();
                if (message.contains(u"step")) {
                    m_steps.insert(message[u"step"].toString(), message);
                    m_order.append(message[u"step"].toString());
                } else if (message.contains(u"request")) {
                    const QJsonObject answer = handler(message[u"request"].toString());
                    process.write(QJsonDocument(answer).toJson(QJsonDocument::Compact) + '\n');
                } else if (message[u"done"].toBool()) {
                    m_done = true;
                }
            }
        };
        QObject::connect(&process, &QProcess::readyReadStandardOutput, &process, drain);
        QSignalSpy finished(&process, &QProcess::finished);
        process.start(program, arguments);
        if (!process.waitForStarted(30000))
            return QStringLiteral("cannot start %1: %2").arg(program, process.errorString());
        process.write(QJsonDocument(config).toJson(QJsonDocument::Compact) + '\n');
        if (!finished.wait(timeoutMs) && process.state() != QProcess::NotRunning) {
            process.kill();
            process.waitForFinished(5000);
            return QStringLiteral("the peer did not finish within %1 s; steps done: %2; its errors: %3")
                .arg(timeoutMs / 1000)
                .arg(m_order.join(u", "), QString::fromUtf8(process.readAllStandardError()).trimmed());
        }
        drain(); // lines that arrived with the exit
        m_stderr = QString::fromUtf8(process.readAllStandardError()).trimmed();
        if (process.exitStatus() != QProcess::NormalExit || process.exitCode() != 0)
            return QStringLiteral("the peer failed (exit code %1): %2").arg(process.exitCode()).arg(m_stderr);
        if (!protocolError.isEmpty())
            return protocolError + m_stderr;
        if (!m_done)
            return QStringLiteral("the peer stopped before the end of the conversation: ") + m_stderr;
        return {};
    }

    // A step's report; empty when the peer never reported it.
    QJsonObject step(const QString &name) const { return m_steps.value(name); }
    QString standardError() const { return m_stderr; }

private:
    QMap<QString, QJsonObject> m_steps;
    QStringList m_order;
    QString m_stderr;
    bool m_done = false;
};

// Why a peer's step failed, for QVERIFY2: its error and everything it reported.
inline QByteArray stepFailure(const QJsonObject &step)
{
    if (step.isEmpty())
        return "the peer did not report this step";
    return "the peer's step failed: " + step[u"error"].toString().toUtf8()
        + "\n  report: " + QJsonDocument(step).toJson(QJsonDocument::Compact).left(8000);
}

} // namespace mwauth::provider::testing
