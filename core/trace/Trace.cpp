#include "Trace.h"

namespace mwauth::trace {

QByteArray headerValue(const HeaderList &headers, QByteArrayView name)
{
    for (const auto &header : headers) {
        if (header.first.compare(name, Qt::CaseInsensitive) == 0)
            return header.second;
    }
    return {};
}

Trace::Trace(QObject *parent)
    : QObject(parent)
{ }

int Trace::append(Exchange exchange)
{
    exchange.id = m_nextId++;
    m_exchanges.append(std::move(exchange));
    Q_EMIT exchangeAppended(m_exchanges.constLast());
    return m_exchanges.constLast().id;
}

bool Trace::setNote(int id, const QString &note)
{
    for (Exchange &exchange : m_exchanges) {
        if (exchange.id == id) {
            exchange.note = note;
            Q_EMIT exchangeUpdated(exchange);
            return true;
        }
    }
    return false;
}

const Exchange *Trace::find(int id) const
{
    for (const Exchange &exchange : m_exchanges) {
        if (exchange.id == id)
            return &exchange;
    }
    return nullptr;
}

void Trace::clear()
{
    m_exchanges.clear();
    m_nextId = 1;
    Q_EMIT cleared();
}

} // namespace mwauth::trace
