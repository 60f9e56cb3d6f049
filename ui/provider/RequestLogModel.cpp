#include "RequestLogModel.h"

#include <QBrush>
#include <QDateTime>
#include <QLocale>
#include <QPalette>

namespace mwauth::ui {

RequestLogModel::RequestLogModel(int capacity, QObject *parent)
    : QAbstractTableModel(parent)
    , m_capacity(qMax(1, capacity))
{ }

void RequestLogModel::append(const QList<provider::ProviderServer::ServedRequest> &requests)
{
    if (requests.isEmpty())
        return;
    // Drop the oldest first so that at most m_capacity rows remain.
    const qsizetype incoming = qMin<qsizetype>(requests.size(), m_capacity);
    const qsizetype overflow = m_rows.size() + incoming - m_capacity;
    if (overflow > 0) {
        beginRemoveRows({}, 0, static_cast<int>(overflow) - 1);
        m_rows.remove(0, overflow);
        endRemoveRows();
    }
    const int first = static_cast<int>(m_rows.size());
    beginInsertRows({}, first, first + static_cast<int>(incoming) - 1);
    m_rows.append(requests.sliced(requests.size() - incoming));
    endInsertRows();
}

void RequestLogModel::clear()
{
    beginResetModel();
    m_rows.clear();
    endResetModel();
}

int RequestLogModel::rowCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : static_cast<int>(m_rows.size());
}

int RequestLogModel::columnCount(const QModelIndex &parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

QVariant RequestLogModel::data(const QModelIndex &index, int role) const
{
    if (!index.isValid() || index.row() >= m_rows.size())
        return {};
    const provider::ProviderServer::ServedRequest &row = m_rows.at(index.row());
    if (role == Qt::DisplayRole || role == Qt::ToolTipRole) {
        switch (index.column()) {
        case Time:
            return QDateTime::fromMSecsSinceEpoch(row.startedMs).toString(QStringLiteral("HH:mm:ss.zzz"));
        case Method:
            return QString::fromLatin1(row.method);
        case Target:
            return row.target;
        case Status:
            return row.status;
        case Client:
            return row.client;
        case User:
            return row.user;
        case Duration:
            return tr("%1 ms").arg(QLocale().toString(static_cast<double>(row.durationUs) / 1000.0, 'f', 1));
        default:
            return {};
        }
    }
    if (role == Qt::ForegroundRole && index.column() == Status && row.status >= 400)
        return QBrush(row.status >= 500 ? Qt::red : QColor(0xb3, 0x5c, 0x00));
    if (role == Qt::TextAlignmentRole && (index.column() == Status || index.column() == Duration))
        return QVariant::fromValue(Qt::AlignRight | Qt::AlignVCenter);
    return {};
}

QVariant RequestLogModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return {};
    switch (section) {
    case Time:
        return tr("Time");
    case Method:
        return tr("Method");
    case Target:
        return tr("Path");
    case Status:
        return tr("Status");
    case Client:
        return tr("Client");
    case User:
        return tr("User");
    case Duration:
        return tr("Duration");
    default:
        return {};
    }
}

} // namespace mwauth::ui
