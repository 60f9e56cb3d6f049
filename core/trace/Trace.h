#pragma once

#include "trace/Exchange.h"

#include "common/Redactor.h"

#include <QList>
#include <QObject>

namespace mwauth::trace {

// The exchanges of one flow run (or one session), in order. HttpClient appends to it; the
// inspector, TraceStore, HarWriter and CurlExporter read it.
//
// The trace keeps the raw exchanges. Its Redactor knows the secrets the flow handled (the
// password, the client secret, tokens it received): whoever shows or writes the trace asks
// redactor() unless the user explicitly reveals secrets.
class Trace : public QObject
{
    Q_OBJECT

public:
    explicit Trace(QObject *parent = nullptr);

    // Gives the exchange the next id (1, 2, ...), stores it and emits exchangeAppended.
    // Returns the id.
    int append(Exchange exchange);
    // Sets the note of exchange `id` (emits exchangeUpdated); false for an unknown id.
    bool setNote(int id, const QString &note);

    const QList<Exchange> &exchanges() const { return m_exchanges; }
    // The exchange with `id`, or nullptr.
    const Exchange *find(int id) const;
    qsizetype size() const { return m_exchanges.size(); }
    void clear();

    // The secrets seen in this trace; flows add every secret they send or receive.
    Redactor &redactor() { return m_redactor; }
    const Redactor &redactor() const { return m_redactor; }
    void addSecret(const QString &value) { m_redactor.addSecret(value); }

Q_SIGNALS:
    void exchangeAppended(const mwauth::trace::Exchange &exchange);
    void exchangeUpdated(const mwauth::trace::Exchange &exchange);
    void cleared();

private:
    QList<Exchange> m_exchanges;
    Redactor m_redactor;
    int m_nextId = 1;
};

} // namespace mwauth::trace
