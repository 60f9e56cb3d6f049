#include "PageTokens.h"

#include "common/ConstantTime.h"

namespace mwauth::provider::pages {

namespace {
const QString kSuffix = QStringLiteral("+\\");
}

QString pageToken(SessionData &session, const QString &key, Random &random)
{
    QString token = session.value(key).toString();
    if (token.isEmpty()) {
        token = QString::fromLatin1(random.bytes(20).toHex());
        session.insert(key, token);
    }
    return token + kSuffix;
}

bool pageTokenMatches(const SessionData &session, const QString &key, const QString &sent)
{
    const QString stored = session.value(key).toString();
    if (stored.isEmpty())
        return false;
    return constantTimeEquals(QString(stored + kSuffix).toUtf8(), sent.toUtf8());
}

} // namespace mwauth::provider::pages
