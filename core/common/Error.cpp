#include "Error.h"

#include <QMetaEnum>

namespace mwauth {

Error::Error(ErrorCode code, QString message, QString detail)
    : m_code(code)
    , m_message(std::move(message))
    , m_detail(std::move(detail))
{ }

QString Error::codeName() const
{
    return QString::fromLatin1(QMetaEnum::fromType<ErrorCode>().valueToKey(static_cast<int>(m_code)));
}

QString Error::toString() const
{
    if (m_detail.isEmpty())
        return m_message;
    return m_message + QStringLiteral(" (") + m_detail + QLatin1Char(')');
}

Error Error::prefixed(const QString &context) const
{
    return Error(m_code, context + QStringLiteral(": ") + m_message, m_detail);
}

} // namespace mwauth
