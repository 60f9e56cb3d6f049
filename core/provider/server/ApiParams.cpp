#include "ApiParams.h"

#include "ApiErrors.h"

#include <QStringDecoder>

namespace mwauth::provider {

namespace {

// Decodes strict UTF-8 and checks what MediaWiki's UtfNormal cleanup would change.
std::optional<QString> cleanText(const QByteArray &bytes)
{
    QStringDecoder decoder(QStringDecoder::Utf8, QStringDecoder::Flag::Stateless);
    QString text = decoder.decode(bytes);
    if (decoder.hasError())
        return std::nullopt;
    for (QChar c : std::as_const(text)) {
        const char16_t u = c.unicode();
        if (u < 0x20 && u != u'\t' && u != u'\n' && u != u'\r')
            return std::nullopt;
    }
    if (text.normalized(QString::NormalizationForm_C) != text)
        return std::nullopt;
    return text;
}

// The printable form of a raw parameter name for an error message.
QString nameForMessage(const QByteArray &name)
{
    const auto clean = cleanText(name);
    return clean ? *clean : QString::fromUtf8(name);
}

} // namespace

std::optional<ApiParamProblem> mergeApiParams(ApiRequest &request)
{
    QHash<QString, QString> params;
    QSet<QString> queryNames;
    QSet<QString> postNames;
    const auto take
        = [&](const http::FormFields &fields, QSet<QString> &names) -> std::optional<ApiParamProblem> {
        for (const auto &[rawName, rawValue] : fields) {
            const auto name = cleanText(rawName);
            if (!name)
                return ApiParamProblem {QStringLiteral("badutf8"),
                                        apimessages::badUtf8(nameForMessage(rawName))};
            const auto value = cleanText(rawValue);
            if (!value)
                return ApiParamProblem {QStringLiteral("badutf8"), apimessages::badUtf8(*name)};
            params.insert(*name, *value);
            names.insert(*name);
        }
        return std::nullopt;
    };
    if (auto problem = take(request.query, queryNames))
        return problem;
    if (auto problem = take(request.form, postNames))
        return problem;
    request.params = std::move(params);
    request.queryParamNames = std::move(queryNames);
    request.postParamNames = std::move(postNames);
    return std::nullopt;
}

bool asksForFormatVersion2(const http::FormFields &query, const http::FormFields &form)
{
    QByteArray version;
    for (const http::FormFields *fields : {&query, &form}) {
        for (const auto &[name, value] : *fields) {
            if (name == "formatversion")
                version = value;
        }
    }
    return version == "2" || version == "latest";
}

} // namespace mwauth::provider
