#pragma once

#include "provider/server/ProviderServer.h"

#include <QAbstractTableModel>
#include <QList>

namespace mwauth::ui {

// The local provider's served requests, newest last, for the provider panel's live log. Keeps
// the last `capacity` rows (oldest dropped first), so a load test cannot eat the memory.
class RequestLogModel : public QAbstractTableModel
{
    Q_OBJECT
public:
    enum Column { Time, Method, Target, Status, Client, User, Duration, ColumnCount };

    explicit RequestLogModel(int capacity = 5000, QObject *parent = nullptr);

    void append(const QList<provider::ProviderServer::ServedRequest> &requests);
    void clear();
    const provider::ProviderServer::ServedRequest &at(int row) const { return m_rows.at(row); }

    int rowCount(const QModelIndex &parent = {}) const override;
    int columnCount(const QModelIndex &parent = {}) const override;
    QVariant data(const QModelIndex &index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;

private:
    int m_capacity;
    QList<provider::ProviderServer::ServedRequest> m_rows;
};

} // namespace mwauth::ui
