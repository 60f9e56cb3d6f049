#pragma once

// Helpers shared by the two files of ConsumerPages (not a public interface). Every text
// argument is escaped here; `extra` and table cells are trusted markup.

#include "common/Result.h"
#include "provider/clients/OAuthClient.h"
#include "provider/server/ProviderRequest.h"

#include <QList>
#include <QString>
#include <QStringList>

namespace mwauth::provider::pages::consumerhtml {

// What follows "<title>/" in the request's title ("" when nothing does).
QString subpageOf(const IndexRequest &request, const QString &title);
// An error shown next to a field (nothing when `error` is empty).
QString fieldError(const QString &error);
QString textField(const QString &id, const QString &label, const QString &value, const QString &error,
                  const QString &extra = {});
QString textArea(const QString &id, const QString &label, const QString &value, const QString &error);
// A checkbox or radio button (`type`) with its own value.
QString choice(const QString &type, const QString &name, const QString &value, const QString &label,
               bool checked);
QString table(const QStringList &headings, const QList<QStringList> &rows);
// The IPAddresses of MWRestrictions JSON.
QStringList ipRangesOf(const QString &restrictions);
// MWRestrictions JSON of CIDR ranges, one a line ("" for none: the default). InvalidInput
// naming a line that is not a range.
Result<QString> restrictionsFrom(const QString &lines);
// The public details of a consumer as a <dl>.
QString consumerDetails(const OAuthClient &client, const QString &owner);

} // namespace mwauth::provider::pages::consumerhtml
