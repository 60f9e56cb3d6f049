#include "SessionTokens.h"

#include "common/ConstantTime.h"

namespace mwauth::provider {

const QString TokenSuffix = QStringLiteral("+\\");

QString sessionToken(SessionData &session, const QString &key, Random &random)
{
    QString token = session.value(key).toString();
    if (token.isEmpty()) {
        token = QString::fromLatin1(random.bytes(20).toHex());
        session.insert(key, token);
    }
    return token + TokenSuffix;
}

bool sessionTokenMatches(const SessionData &session, const QString &key, const QString &sent)
{
    const QString stored = session.value(key).toString();
    if (stored.isEmpty())
        return false;
    return constantTimeEquals(QString(stored + TokenSuffix).toUtf8(), sent.toUtf8());
}

} // namespace mwauth::provider
