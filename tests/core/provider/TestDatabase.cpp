#include "TestDatabase.h"

#include <QtGlobal>

using mwauth::provider::Migrations;
using mwauth::provider::ProviderDatabase;
using mwauth::provider::SqlDialect;

TestDatabase::TestDatabase(const QString &stem)
    : m_stem(stem)
{ }

bool TestDatabase::start()
{
    if (!m_dir.isValid()) {
        m_error = QStringLiteral("The temporary directory could not be made: ") + m_dir.errorString();
        return false;
    }
#ifdef MWAUTH_TEST_POSTGRES
    if (const QString error = m_server.start(); !error.isEmpty()) {
        m_error = QStringLiteral("The throwaway PostgreSQL server could not be started: ") + error;
        return false;
    }
#endif
    return true;
}

void TestDatabase::stop()
{
#ifdef MWAUTH_TEST_POSTGRES
    m_server.stop();
#endif
}

QString TestDatabase::newLocation()
{
    ++m_count;
#ifdef MWAUTH_TEST_POSTGRES
    return namedLocation(QStringLiteral("mwauth_%1_%2").arg(m_stem).arg(m_count));
#else
    return namedLocation(QStringLiteral("%1-%2").arg(m_stem).arg(m_count));
#endif
}

QString TestDatabase::namedLocation(const QString &name)
{
#ifdef MWAUTH_TEST_POSTGRES
    QString error;
    const QString url = m_server.createDatabase(name, &error);
    if (!error.isEmpty()) {
        qWarning("%s", qPrintable(error));
        return {};
    }
    return url;
#else
    if (!m_dir.isValid()) {
        qWarning("%s", qPrintable(QStringLiteral("No temporary directory for ") + name));
        return {};
    }
    return m_dir.filePath(name + QStringLiteral(".sqlite"));
#endif
}

std::unique_ptr<ProviderDatabase> TestDatabase::open(const QString &location, const Migrations &migrations)
{
    auto db = ProviderDatabase::open(location, migrations);
    if (!db) {
        qWarning("%s", qPrintable(db.error().toString()));
        return nullptr;
    }
    return std::move(*db);
}

SqlDialect TestDatabase::dialect()
{
#ifdef MWAUTH_TEST_POSTGRES
    return SqlDialect::Postgres;
#else
    return SqlDialect::Sqlite;
#endif
}
