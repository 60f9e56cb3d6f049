#pragma once

#include "SecretRef.h"
#include "common/Result.h"

#include <QList>
#include <QString>

namespace mwauth::secrets {

// The non-secret list of every secret the console put in a store, kept in the app's SQLite
// database (table secret_index, made by AppDatabase's migrations), so that "forget this
// profile" finds and removes all of them. It holds SecretRefs only, never a value.
class SecretIndex
{
public:
    // `connectionName`: an open QSqlDatabase connection that has the secret_index table.
    explicit SecretIndex(QString connectionName);

    Result<void> add(const SecretRef &ref);
    Result<void> remove(const SecretRef &ref);
    // The refs of one profile, in kind then id order.
    Result<QList<SecretRef>> refs(const QString &profileId) const;
    Result<QList<SecretRef>> all() const;

private:
    QString m_connectionName;
};

} // namespace mwauth::secrets
