#include "MultipartCodec.h"

#include <QList>
#include <QString>
#include <optional>
#include <utility>

namespace mwauth::http {

namespace {

using Parameters = QList<std::pair<QByteArray, QByteArray>>; // names in lower case

bool isTokenChar(char c)
{
    constexpr QByteArrayView others("!#$%&'*+-.^_`|~");
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || others.contains(c);
}

QString shown(QByteArrayView bytes)
{
    return QString::fromUtf8(bytes.first(qMin<qsizetype>(bytes.size(), 80)));
}

// `; name=value; name="quoted \" value"` after a media type or disposition type.
Result<Parameters> parseParameters(QByteArrayView text)
{
    Parameters parameters;
    qsizetype i = 0;
    const auto skipSpace = [&] {
        while (i < text.size() && (text[i] == ' ' || text[i] == '\t'))
            ++i;
    };
    while (true) {
        skipSpace();
        if (i >= text.size())
            return parameters;
        if (text[i] != ';')
            return fail(ErrorCode::InvalidInput,
                        QStringLiteral("Expected \";\" before \"%1\".").arg(shown(text.sliced(i))));
        ++i;
        skipSpace();
        if (i >= text.size())
            return parameters; // a trailing ";" is harmless
        const qsizetype nameStart = i;
        while (i < text.size() && isTokenChar(text[i]))
            ++i;
        const QByteArray name = text.sliced(nameStart, i - nameStart).toByteArray().toLower();
        skipSpace();
        if (name.isEmpty() || i >= text.size() || text[i] != '=')
            return fail(ErrorCode::InvalidInput,
                        QStringLiteral("The parameter at \"%1\" is not name=value.")
                            .arg(shown(text.sliced(nameStart))));
        ++i;
        skipSpace();
        QByteArray value;
        if (i < text.size() && text[i] == '"') {
            ++i;
            bool closed = false;
            while (i < text.size()) {
                const char c = text[i++];
                if (c == '"') {
                    closed = true;
                    break;
                }
                if (c == '\\' && i < text.size())
                    value.append(text[i++]);
                else
                    value.append(c);
            }
            if (!closed)
                return fail(ErrorCode::InvalidInput,
                            QStringLiteral("The quoted value of parameter \"%1\" has no closing quote.")
                                .arg(QString::fromLatin1(name)));
        } else {
            if (i < text.size() && text[i] == '\'')
                return fail(
                    ErrorCode::InvalidInput,
                    QStringLiteral("The value of parameter \"%1\" is in single quotes; use double quotes.")
                        .arg(QString::fromLatin1(name)));
            const qsizetype valueStart = i;
            while (i < text.size() && isTokenChar(text[i]))
                ++i;
            value = text.sliced(valueStart, i - valueStart).toByteArray();
        }
        parameters.append({name, value});
    }
}

std::optional<QByteArray> parameter(const Parameters &parameters, QByteArrayView name)
{
    for (const auto &[key, value] : parameters) {
        if (key == name)
            return value;
    }
    return std::nullopt;
}

QByteArrayView mediaType(QByteArrayView headerValue)
{
    const qsizetype semicolon = headerValue.indexOf(';');
    return (semicolon < 0 ? headerValue : headerValue.first(semicolon)).trimmed();
}

struct Part
{
    QByteArray name;
    bool isFile = false;
};

// The headers of part number `number` (1-based), up to the empty line.
Result<Part> parsePartHeaders(QByteArrayView headers, int number)
{
    const auto partError = [number](const QString &what) {
        return fail(ErrorCode::InvalidInput, QStringLiteral("Part %1: %2").arg(number).arg(what));
    };
    std::optional<QByteArray> disposition;
    qsizetype start = 0;
    while (start < headers.size()) {
        qsizetype end = headers.indexOf("\r\n", start);
        if (end < 0)
            end = headers.size();
        const QByteArrayView line = headers.sliced(start, end - start);
        start = end + 2;
        if (line.contains('\n') || line.contains('\r'))
            return partError(
                QStringLiteral("a header line ends with a bare LF or CR; lines must end with CRLF."));
        if (line.startsWith(' ') || line.startsWith('\t'))
            return partError(QStringLiteral("folded header lines are not allowed (RFC 7578)."));
        const qsizetype colon = line.indexOf(':');
        if (colon <= 0)
            return partError(
                QStringLiteral("the header line \"%1\" has no name and colon.").arg(shown(line)));
        if (line.first(colon).compare("content-disposition", Qt::CaseInsensitive) == 0) {
            if (disposition)
                return partError(QStringLiteral("it has two Content-Disposition headers."));
            disposition = line.sliced(colon + 1).trimmed().toByteArray();
        }
    }
    if (!disposition)
        return partError(QStringLiteral("it has no Content-Disposition header."));
    const QByteArrayView type = mediaType(*disposition);
    if (type.compare("form-data", Qt::CaseInsensitive) != 0)
        return partError(
            QStringLiteral("its Content-Disposition is \"%1\", not form-data.").arg(shown(type)));
    auto parameters = parseParameters(QByteArrayView(*disposition).sliced(type.size()));
    if (!parameters)
        return parameters.error().prefixed(QStringLiteral("Part %1: Content-Disposition").arg(number));
    const auto name = parameter(*parameters, "name");
    if (!name || name->isEmpty())
        return partError(QStringLiteral("its Content-Disposition has no name."));
    Part part;
    part.name = *name;
    part.isFile
        = parameter(*parameters, "filename").has_value() || parameter(*parameters, "filename*").has_value();
    return part;
}

} // namespace

bool isMultipartFormData(QByteArrayView contentType)
{
    return mediaType(contentType).compare("multipart/form-data", Qt::CaseInsensitive) == 0;
}

Result<QByteArray> multipartBoundary(QByteArrayView contentType)
{
    const QByteArrayView type = mediaType(contentType);
    if (type.compare("multipart/form-data", Qt::CaseInsensitive) != 0)
        return fail(ErrorCode::InvalidInput,
                    QStringLiteral("The content type \"%1\" is not multipart/form-data.").arg(shown(type)));
    const qsizetype semicolon = contentType.indexOf(';');
    auto parameters = parseParameters(semicolon < 0 ? QByteArrayView() : contentType.sliced(semicolon));
    if (!parameters)
        return parameters.error().prefixed(QStringLiteral("The multipart/form-data content type"));
    const auto boundary = parameter(*parameters, "boundary");
    if (!boundary || boundary->isEmpty())
        return fail(ErrorCode::InvalidInput,
                    QStringLiteral("The multipart/form-data content type has no boundary parameter."));
    if (boundary->size() > 70)
        return fail(ErrorCode::InvalidInput,
                    QStringLiteral("The multipart boundary has %1 characters; at most 70 are allowed.")
                        .arg(boundary->size()));
    return *boundary;
}

Result<MultipartForm> decodeMultipartForm(QByteArrayView body, QByteArrayView contentType,
                                          qsizetype maxFields)
{
    auto boundary = multipartBoundary(contentType);
    if (!boundary)
        return boundary.error();
    const QByteArray delimiter = "--" + *boundary;
    const QByteArray innerDelimiter = "\r\n" + delimiter;

    qsizetype pos = 0;
    if (!body.startsWith(delimiter)) {
        const qsizetype first = body.indexOf(innerDelimiter);
        if (first < 0)
            return fail(ErrorCode::InvalidInput,
                        QStringLiteral("The body does not contain the boundary \"%1\" of its content type.")
                            .arg(QString::fromUtf8(*boundary)));
        pos = first + 2; // the preamble is ignored
    }

    MultipartForm form;
    int number = 0;
    while (true) {
        // `pos` is at a delimiter: "--boundary", then "--" (the end) or padding and CRLF.
        pos += delimiter.size();
        if (body.sliced(pos).startsWith("--"))
            return form; // the epilogue is ignored
        while (pos < body.size() && (body[pos] == ' ' || body[pos] == '\t'))
            ++pos;
        if (!body.sliced(pos).startsWith("\r\n")) {
            if (body.sliced(pos).startsWith("\n"))
                return fail(ErrorCode::InvalidInput,
                            QStringLiteral(
                                "A boundary line ends with a bare LF; multipart lines must end with CRLF."));
            if (pos >= body.size())
                return fail(ErrorCode::InvalidInput,
                            QStringLiteral("The body ends after a boundary without the closing \"%1--\".")
                                .arg(QString::fromUtf8(delimiter)));
            return fail(ErrorCode::InvalidInput,
                        QStringLiteral("A boundary line is followed by \"%1\" instead of a line end.")
                            .arg(shown(body.sliced(pos, qMin<qsizetype>(body.size() - pos, 20)))));
        }
        pos += 2;
        ++number;
        const qsizetype next = body.indexOf(innerDelimiter, pos);
        if (next < 0)
            return fail(
                ErrorCode::InvalidInput,
                QStringLiteral("Part %1 is not followed by a boundary: the closing \"%2--\" is missing.")
                    .arg(number)
                    .arg(QString::fromUtf8(delimiter)));
        const QByteArrayView part = body.sliced(pos, next - pos);
        pos = next + 2;

        qsizetype headersEnd = 0;
        qsizetype valueStart = 0;
        if (part.startsWith("\r\n")) {
            valueStart = 2; // no headers at all
        } else {
            headersEnd = part.indexOf("\r\n\r\n");
            if (headersEnd < 0)
                return fail(
                    ErrorCode::InvalidInput,
                    QStringLiteral("Part %1: its headers do not end with an empty line.").arg(number));
            valueStart = headersEnd + 4;
        }
        auto parsed = parsePartHeaders(part.first(headersEnd), number);
        if (!parsed)
            return parsed.error();
        if (parsed->isFile) {
            ++form.skippedFiles;
            continue;
        }
        if (form.fields.size() >= maxFields)
            return fail(ErrorCode::InvalidInput,
                        QStringLiteral("The body has more than %1 fields.").arg(maxFields));
        form.fields.append({parsed->name, part.sliced(valueStart).toByteArray()});
    }
}

} // namespace mwauth::http
