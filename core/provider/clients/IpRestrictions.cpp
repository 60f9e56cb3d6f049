#include "IpRestrictions.h"

#include "common/Logging.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>

namespace mwauth::provider {

namespace {

Error invalid(const QString &message)
{
    return fail(ErrorCode::InvalidInput, message);
}

// An entry shown in a message: printable, at most 60 characters.
QString shown(const QString &entry)
{
    QString out;
    for (const QChar c : entry.left(60))
        out.append(c.isPrint() ? c : QChar(u'?'));
    return entry.size() > 60 ? out + u"..." : out;
}

// ::ffff:a.b.c.d as a.b.c.d; any other address unchanged.
QHostAddress unmapped(const QHostAddress &address)
{
    if (address.protocol() == QAbstractSocket::IPv6Protocol) {
        bool isV4 = false;
        const quint32 v4 = address.toIPv4Address(&isV4);
        if (isV4)
            return QHostAddress(v4);
    }
    return address;
}

} // namespace

IpRestrictions::IpRestrictions()
    : m_ranges {{QHostAddress(QStringLiteral("0.0.0.0")), 0}, {QHostAddress(QStringLiteral("::")), 0}}
{ }

QString IpRestrictions::refusalMessage()
{
    return QStringLiteral("The request came from an invalid IP address.");
}

Result<QPair<QHostAddress, int>> IpRestrictions::parseRange(const QString &entry)
{
    const QString text = entry.trimmed();
    const qsizetype slash = text.indexOf(u'/');
    const QString addressText = slash < 0 ? text : text.first(slash);
    QHostAddress address;
    // QHostAddress also reads "1" or "1.2" as IPv4 addresses and accepts scope ids: only
    // dotted quads and plain IPv6 addresses are addresses here.
    const bool dottedQuad = addressText.count(u'.') == 3 && !addressText.contains(u':');
    const bool ipv6 = addressText.contains(u':') && !addressText.contains(u'%');
    if ((!dottedQuad && !ipv6) || !address.setAddress(addressText))
        return invalid(
            QStringLiteral("The IP restriction '%1' is not an IP address or range.").arg(shown(entry)));
    const int maxPrefix = address.protocol() == QAbstractSocket::IPv4Protocol ? 32 : 128;
    int prefix = maxPrefix;
    if (slash >= 0) {
        const QString prefixText = text.sliced(slash + 1);
        bool ok = !prefixText.isEmpty() && prefixText.size() <= 3;
        for (const QChar c : prefixText)
            ok = ok && c.isDigit() && c.unicode() < 128;
        prefix = ok ? prefixText.toInt(&ok) : -1;
        if (!ok || prefix < 0 || prefix > maxPrefix)
            return invalid(QStringLiteral("The IP range '%1' has a prefix length outside 0-%2.")
                               .arg(shown(entry))
                               .arg(maxPrefix));
    }
    return QPair<QHostAddress, int>(address, prefix);
}

Result<IpRestrictions> IpRestrictions::parse(const QString &restrictionsJson)
{
    IpRestrictions restrictions;
    if (restrictionsJson.trimmed().isEmpty())
        return restrictions;
    QJsonParseError error {};
    const QJsonDocument document = QJsonDocument::fromJson(restrictionsJson.toUtf8(), &error);
    if (error.error != QJsonParseError::NoError || !document.isObject())
        return invalid(QStringLiteral("The consumer's restrictions are not a JSON object."));
    const QJsonObject object = document.object();
    if (!object.contains(u"IPAddresses"))
        return restrictions;
    const QJsonValue list = object.value(u"IPAddresses");
    if (!list.isArray())
        return invalid(QStringLiteral("The consumer's IPAddresses restriction is not a list."));
    restrictions.m_ranges.clear();
    for (const QJsonValue &value : list.toArray()) {
        if (!value.isString())
            return invalid(
                QStringLiteral("The consumer's IPAddresses restriction has an entry that is not text."));
        Result<QPair<QHostAddress, int>> range = parseRange(value.toString());
        if (!range)
            return range.error();
        restrictions.m_ranges.append(*range);
    }
    return restrictions;
}

bool IpRestrictions::allowsRequest(const QString &restrictionsJson, const QHostAddress &peer)
{
    const Result<IpRestrictions> restrictions = parse(restrictionsJson);
    if (!restrictions) {
        qCWarning(log::providerServer).noquote()
            << "A consumer's restrictions do not parse; refusing its request:"
            << restrictions.error().message();
        return false;
    }
    return restrictions->allows(peer);
}

bool IpRestrictions::allows(const QHostAddress &address) const
{
    if (address.isNull())
        return false;
    const QHostAddress peer = unmapped(address);
    for (const auto &[network, prefix] : m_ranges) {
        if (network.protocol() == peer.protocol() && peer.isInSubnet(network, prefix))
            return true;
    }
    return false;
}

} // namespace mwauth::provider
