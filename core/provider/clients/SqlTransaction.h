#pragma once

#include "provider/db/ProviderDatabase.h"

namespace mwauth::provider {

// A transaction on a ProviderDatabase connection that rolls back when it goes out of scope
// unless commit() was called. Internal to core/provider/clients.
class SqlTransaction
{
public:
    explicit SqlTransaction(QSqlDatabase &db)
        : m_db(db)
        , m_open(db.transaction())
    { }
    ~SqlTransaction()
    {
        if (m_open)
            m_db.rollback();
    }
    SqlTransaction(const SqlTransaction &) = delete;
    SqlTransaction &operator=(const SqlTransaction &) = delete;

    bool started() const { return m_open; }
    // Database error with `what` as its sentence when the commit fails (then rolled back).
    Result<void> commit(const QString &what)
    {
        m_open = false;
        if (!m_db.commit()) {
            const QSqlError error = m_db.lastError();
            m_db.rollback();
            return ProviderDatabase::sqlError(what, error);
        }
        return {};
    }

private:
    QSqlDatabase &m_db;
    bool m_open;
};

} // namespace mwauth::provider
