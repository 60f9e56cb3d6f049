#pragma once

#include <QString>
#include <QStringList>
#include <QTemporaryDir>

// A throwaway PostgreSQL server for tests: initdb into a temporary directory, then
// pg_ctl start on a free 127.0.0.1 port with its socket in that directory; stop() (or the
// destructor) shuts it down and the directory is removed. Trust authentication for the
// superuser "mwauth", C locale. PostgreSQL refuses to run as root, so as root the server
// runs as the "postgres" user (or "nobody") through runuser.
class PostgresTestServer
{
public:
    PostgresTestServer() = default;
    ~PostgresTestServer();
    PostgresTestServer(const PostgresTestServer &) = delete;
    PostgresTestServer &operator=(const PostgresTestServer &) = delete;

    // Starts the server. Returns an empty string on success, otherwise what went wrong
    // (which program, its output), for QFAIL.
    QString start();
    void stop();

    // A fresh database on the server; returns its URL for ProviderDatabase::open(), or an
    // empty string with `error` set.
    QString createDatabase(const QString &name, QString *error);

    int port() const { return m_port; }

private:
    QString findProgram(const QString &name) const;
    // Runs `program args` (as the server's user when we are root); empty string when it
    // exited with status 0, otherwise a description with its output.
    QString run(const QString &program, const QStringList &args, int timeoutMs);

    QTemporaryDir m_dir;
    QString m_runAs; // empty when not root
    QString m_dataDir;
    int m_port = 0;
    bool m_running = false;
};
