#pragma once

#include "common/Result.h"

#include <QByteArray>
#include <QUrl>

class QNetworkAccessManager;

namespace mwauth::cli::HttpDownload {

struct Limits
{
    int timeoutMs = 15000; // for the whole transfer, redirects included
    qsizetype maxBytes = 1024 * 1024; // body size; larger answers are cut off and refused
};

// GET `url` (http or https) and return the body of a 200 answer. Follows up to 5
// redirects that do not downgrade https to http. Errors: ErrorCode::Timeout when the
// limit passes, Network for connection/TLS failures, non-200 statuses and bodies over
// the size limit.
//
// It waits in a local QEventLoop: the CLI has no other event loop running (main() does
// not call exec()), so nothing is re-entered. Not for use in the GUI.
Result<QByteArray> get(QNetworkAccessManager &network, const QUrl &url, Limits limits);

} // namespace mwauth::cli::HttpDownload
