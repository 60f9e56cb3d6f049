#pragma once

#include "common/Result.h"

#include <QHostAddress>
#include <QList>
#include <QPair>
#include <QString>

namespace mwauth::provider {

// The "IPAddresses" part of a consumer's restrictions (oarc_restrictions, MediaWiki's
// MWRestrictions JSON, reference/mediawiki-oauth.md section 4): the address ranges requests
// of that consumer may come from, IPv4 and IPv6 CIDR ranges or single addresses, e.g.
//
//   {"IPAddresses":["0.0.0.0/0","::/0"]}        (the default: anywhere)
//   {"IPAddresses":["10.0.0.0/8","2001:db8::/32","192.0.2.7"]}
//
// MWRestrictions::checkIP: an address is allowed when it is in one of the ranges. Without an
// "IPAddresses" member every address is allowed (MWRestrictions' default); an empty list
// allows none. IPv4-mapped IPv6 peers (::ffff:a.b.c.d, what a dual-stack socket reports) are
// checked as the IPv4 address they carry.
//
// parse() refuses what MWRestrictions refuses (InvalidInput, naming the bad entry): JSON that
// is not an object, "IPAddresses" that is not a list of strings, an entry that is not an
// address or a range (prefix length out of range, junk after the address).
class IpRestrictions
{
public:
    // Anywhere (0.0.0.0/0 and ::/0).
    IpRestrictions();

    static Result<IpRestrictions> parse(const QString &restrictionsJson);
    // One entry: "a.b.c.d", "a.b.c.d/n", an IPv6 address or "v6/n".
    static Result<QPair<QHostAddress, int>> parseRange(const QString &entry);

    bool allows(const QHostAddress &address) const;
    // Whether a consumer with these stored restrictions (oarc_restrictions) takes a request
    // from `peer`; restrictions that do not parse allow nothing (fail closed, logged).
    static bool allowsRequest(const QString &restrictionsJson, const QHostAddress &peer);
    const QList<QPair<QHostAddress, int>> &ranges() const { return m_ranges; }

    // The message MediaWiki answers a request from elsewhere with
    // (mwoauthdatastore-bad-source-ip).
    static QString refusalMessage(); // "The request came from an invalid IP address."

private:
    QList<QPair<QHostAddress, int>> m_ranges;
};

} // namespace mwauth::provider
