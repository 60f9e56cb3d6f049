#pragma once

// Where the provider tests keep their databases. Built into a test without
// MWAUTH_TEST_POSTGRES: SQLite files in a temporary directory. Built with it (the *_postgres
// tests, label `provider`): databases on a throwaway PostgreSQL server (PostgresTestServer),
// which must start or the test fails.
//
//   TestDatabase m_databases {u"throttle"_s};
//   initTestCase: QVERIFY2(m_databases.start(), qPrintable(m_databases.errorString()));
//   init:         m_location = m_databases.newLocation(); QVERIFY(!m_location.isEmpty());
//                 m_db = TestDatabase::open(m_location); QVERIFY(m_db);
//                 QCOMPARE(m_db->dialect(), TestDatabase::dialect());
//   cleanupTestCase: m_databases.stop();

#include "provider/db/ProviderDatabase.h"

#include <QString>
#include <QTemporaryDir>

#include <memory>

#ifdef MWAUTH_TEST_POSTGRES
#include "PostgresTestServer.h"
#endif

class TestDatabase
{
public:
    // `stem` names the databases: "<stem>-<n>.sqlite" or "mwauth_<stem>_<n>".
    explicit TestDatabase(const QString &stem);
    TestDatabase(const TestDatabase &) = delete;
    TestDatabase &operator=(const TestDatabase &) = delete;

    // Starts the PostgreSQL server (or checks the temporary directory); false, with
    // errorString() saying why, when that fails.
    bool start();
    QString errorString() const { return m_error; }
    // Stops the PostgreSQL server; nothing for SQLite (the directory goes with the object).
    void stop();

    // A new empty database (the next number): a SQLite file path or a PostgreSQL URL for
    // ProviderDatabase::open(); empty, after a qWarning that says why, when it cannot be made.
    QString newLocation();
    // The same with a name of its own ("<name>.sqlite" or the database "<name>").
    QString namedLocation(const QString &name);

    // Opens `location`; null, after a qWarning with the error, when that fails.
    static std::unique_ptr<mwauth::provider::ProviderDatabase>
    open(const QString &location,
         const mwauth::provider::Migrations &migrations = mwauth::provider::Migrations::standard());

    // The dialect the databases of this build speak.
    static mwauth::provider::SqlDialect dialect();
    static bool isPostgres() { return dialect() == mwauth::provider::SqlDialect::Postgres; }

private:
    QString m_stem;
    QString m_error;
    int m_count = 0;
    QTemporaryDir m_dir;
#ifdef MWAUTH_TEST_POSTGRES
    PostgresTestServer m_server;
#endif
};
