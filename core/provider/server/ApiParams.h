#pragma once

#include "ProviderRequest.h"

#include <QString>
#include <optional>

namespace mwauth::provider {

// Why an api.php request's parameters were refused, as an Action API error code + info.
struct ApiParamProblem
{
    QString code;
    QString info;
};

// Fills `request.params`, `queryParamNames` and `postParamNames` from `request.query`
// and `request.form`, as PHP + MediaWiki's WebRequest do: within one source the last value
// of a repeated name wins; a POST value replaces a query value of the same name.
// Every name and value must be valid UTF-8 in Unicode normalization form C without C0
// control characters other than tab, LF and CR; otherwise MediaWiki's "badutf8" error for
// the first such parameter (request.params is left empty).
std::optional<ApiParamProblem> mergeApiParams(ApiRequest &request);

// The format version a request asks for, read from undecoded fields (for errors that
// happen before the parameters are valid): "2"/"latest" in the body or the query.
bool asksForFormatVersion2(const http::FormFields &query, const http::FormFields &form);

} // namespace mwauth::provider
