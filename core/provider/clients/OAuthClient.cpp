#include "OAuthClient.h"

#include <QDateTime>

namespace mwauth::provider {

namespace {

struct StageName
{
    ClientStage stage;
    const char *name;
};

constexpr StageName stageNames[] = {
    {ClientStage::Proposed, "proposed"}, {ClientStage::Approved, "approved"},
    {ClientStage::Rejected, "rejected"}, {ClientStage::Expired, "expired"},
    {ClientStage::Disabled, "disabled"},
};

} // namespace

QString clientStageName(ClientStage stage)
{
    for (const StageName &entry : stageNames) {
        if (entry.stage == stage)
            return QString::fromLatin1(entry.name);
    }
    return QStringLiteral("stage %1").arg(static_cast<int>(stage));
}

bool clientStageFromName(const QString &name, ClientStage &stage)
{
    for (const StageName &entry : stageNames) {
        if (name.compare(QLatin1StringView(entry.name), Qt::CaseInsensitive) == 0) {
            stage = entry.stage;
            return true;
        }
    }
    return false;
}

ClientStage OAuthClient::stageAt(qint64 nowSeconds) const
{
    if (stage != ClientStage::Proposed)
        return stage;
    QDateTime since = QDateTime::fromString(stageTimestamp, QStringLiteral("yyyyMMddHHmmss"));
    if (!since.isValid())
        return stage; // an unreadable timestamp expires nothing
    since.setTimeSpec(Qt::UTC);
    return nowSeconds - since.toSecsSinceEpoch() >= RequestExpirationAge ? ClientStage::Expired : stage;
}

bool OAuthClient::isUsableBy(qint64 user, qint64 nowSeconds) const
{
    if (deleted)
        return false;
    const ClientStage current = stageAt(nowSeconds);
    if (current == ClientStage::Approved && !ownerOnly)
        return true;
    if (current == ClientStage::Proposed || current == ClientStage::Approved)
        return user != 0 && user == userId;
    return false;
}

} // namespace mwauth::provider
