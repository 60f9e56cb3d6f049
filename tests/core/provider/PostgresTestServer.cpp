#include "PostgresTestServer.h"

#include <QDir>
#include <QFile>
#include <QHostAddress>
#include <QProcess>
#include <QSqlDatabase>
#include <QSqlError>
#include <QSqlQuery>
#include <QStandardPaths>
#include <QTcpServer>

#include <pwd.h>
#include <unistd.h>

PostgresTestServer::~PostgresTestServer()
{
    stop();
}

QString PostgresTestServer::findProgram(const QString &name) const
{
    QString found = QStandardPaths::findExecutable(name);
    if (!found.isEmpty())
        return found;
    // Debian keeps the server programs out of PATH, one folder per major version.
    const QDir versions(QStringLiteral("/usr/lib/postgresql"));
    QStringList majors = versions.entryList(QDir::Dirs | QDir::NoDotAndDotDot);
    std::sort(majors.begin(), majors.end(),
              [](const QString &a, const QString &b) { return a.toInt() > b.toInt(); });
    for (const QString &major : std::as_const(majors)) {
        found = QStandardPaths::findExecutable(name, {versions.filePath(major + QStringLiteral("/bin"))});
        if (!found.isEmpty())
            return found;
    }
    return {};
}

QString PostgresTestServer::run(const QString &program, const QStringList &args, int timeoutMs)
{
    QProcess process;
    process.setWorkingDirectory(m_dir.path());
    process.setProcessChannelMode(QProcess::MergedChannels);
    QString shown = program;
    if (m_runAs.isEmpty()) {
        process.start(program, args);
    } else {
        QString runuser = QStandardPaths::findExecutable(QStringLiteral("runuser"));
        if (runuser.isEmpty())
            runuser = QStandardPaths::findExecutable(QStringLiteral("runuser"),
                                                     {QStringLiteral("/usr/sbin"), QStringLiteral("/sbin")});
        if (runuser.isEmpty())
            return QStringLiteral("runuser (util-linux) is needed to run %1 as %2 but was not found.")
                .arg(program, m_runAs);
        shown = QStringLiteral("runuser -u %1 -- %2").arg(m_runAs, program);
        process.start(runuser,
                      QStringList {QStringLiteral("-u"), m_runAs, QStringLiteral("--"), program} + args);
    }
    if (!process.waitForStarted(10000))
        return QStringLiteral("%1 could not be started: %2").arg(shown, process.errorString());
    if (!process.waitForFinished(timeoutMs)) {
        process.kill();
        process.waitForFinished(5000);
        return QStringLiteral("%1 did not finish within %2 s: %3")
            .arg(shown)
            .arg(timeoutMs / 1000)
            .arg(QString::fromLocal8Bit(process.readAll()));
    }
    if (process.exitStatus() != QProcess::NormalExit || process.exitCode() != 0)
        return QStringLiteral("%1 failed with exit code %2: %3")
            .arg(shown)
            .arg(process.exitCode())
            .arg(QString::fromLocal8Bit(process.readAll()));
    return {};
}

QString PostgresTestServer::start()
{
    if (!m_dir.isValid())
        return QStringLiteral("No temporary directory for the PostgreSQL server: %1")
            .arg(m_dir.errorString());
    if (!QSqlDatabase::isDriverAvailable(QStringLiteral("QPSQL")))
        return QStringLiteral("Qt's QPSQL driver is not installed (Debian: libqt6sql6-psql).");
    const QString initdb = findProgram(QStringLiteral("initdb"));
    const QString pgCtl = findProgram(QStringLiteral("pg_ctl"));
    if (initdb.isEmpty() || pgCtl.isEmpty())
        return QStringLiteral("initdb/pg_ctl not found in PATH or /usr/lib/postgresql/*/bin "
                              "(Debian: apt-get install postgresql).");

    if (::geteuid() == 0) {
        const passwd *user = ::getpwnam("postgres");
        if (!user)
            user = ::getpwnam("nobody");
        if (!user)
            return QStringLiteral(
                "Running as root, but there is neither a 'postgres' nor a 'nobody' user to run "
                "PostgreSQL as.");
        m_runAs = QString::fromLocal8Bit(user->pw_name);
        if (::chown(QFile::encodeName(m_dir.path()).constData(), user->pw_uid, user->pw_gid) != 0)
            return QStringLiteral("Could not hand %1 to the user %2.").arg(m_dir.path(), m_runAs);
    }

    m_dataDir = m_dir.filePath(QStringLiteral("data"));
    QString error = run(initdb,
                        {QStringLiteral("-D"), m_dataDir, QStringLiteral("-U"), QStringLiteral("mwauth"),
                         QStringLiteral("--auth=trust"), QStringLiteral("--encoding=UTF8"),
                         QStringLiteral("--no-locale"), QStringLiteral("--no-sync")},
                        120000);
    if (!error.isEmpty())
        return QStringLiteral("initdb failed: ") + error;

    QTcpServer probe;
    if (!probe.listen(QHostAddress::LocalHost, 0))
        return QStringLiteral("No free port on 127.0.0.1: %1").arg(probe.errorString());
    m_port = probe.serverPort();
    probe.close();

    const QString options = QStringLiteral("-p %1 -k %2 -c listen_addresses=127.0.0.1 -c fsync=off")
                                .arg(m_port)
                                .arg(m_dir.path());
    error = run(pgCtl,
                {QStringLiteral("-D"), m_dataDir, QStringLiteral("-l"),
                 m_dir.filePath(QStringLiteral("server.log")), QStringLiteral("-w"), QStringLiteral("-t"),
                 QStringLiteral("60"), QStringLiteral("-o"), options, QStringLiteral("start")},
                90000);
    if (!error.isEmpty()) {
        QFile log(m_dir.filePath(QStringLiteral("server.log")));
        const QString logText
            = log.open(QIODevice::ReadOnly) ? QString::fromLocal8Bit(log.readAll()) : QString();
        return QStringLiteral("pg_ctl start failed: ") + error + QStringLiteral("\nserver log:\n") + logText;
    }
    m_running = true;
    return {};
}

void PostgresTestServer::stop()
{
    if (!m_running)
        return;
    m_running = false;
    const QString pgCtl = findProgram(QStringLiteral("pg_ctl"));
    const QString error = run(pgCtl,
                              {QStringLiteral("-D"), m_dataDir, QStringLiteral("-m"),
                               QStringLiteral("immediate"), QStringLiteral("-w"), QStringLiteral("stop")},
                              60000);
    if (!error.isEmpty())
        qWarning("Stopping the test PostgreSQL server failed: %s", qPrintable(error));
}

QString PostgresTestServer::createDatabase(const QString &name, QString *error)
{
    const QString connection = QStringLiteral("mwauth-test-admin-") + name;
    {
        QSqlDatabase admin = QSqlDatabase::addDatabase(QStringLiteral("QPSQL"), connection);
        admin.setHostName(QStringLiteral("127.0.0.1"));
        admin.setPort(m_port);
        admin.setUserName(QStringLiteral("mwauth"));
        admin.setDatabaseName(QStringLiteral("postgres"));
        if (!admin.open()) {
            *error = QStringLiteral("Could not connect to the test server: ") + admin.lastError().text();
        } else {
            QSqlQuery query(admin);
            if (!query.exec(QStringLiteral("CREATE DATABASE ") + name))
                *error = QStringLiteral("CREATE DATABASE failed: ") + query.lastError().text();
        }
        admin.close();
    }
    QSqlDatabase::removeDatabase(connection);
    if (!error->isEmpty())
        return {};
    return QStringLiteral("postgresql://mwauth@127.0.0.1:%1/%2").arg(m_port).arg(name);
}
