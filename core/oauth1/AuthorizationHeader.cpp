#include "AuthorizationHeader.h"

#include <QSet>

namespace mwauth::oauth1::AuthorizationHeader {

namespace {

constexpr qsizetype maxHeaderSize = 8 * 1024;
constexpr qsizetype maxPairs = 64;

bool isSpace(char c)
{
    return c == ' ' || c == '\t';
}

// A parameter name as it may appear in a message: printable ASCII only, at most 40
// characters (names are not secrets; values are never shown).
QString displayName(QByteArrayView name)
{
    QString out;
    for (char c : name.first(std::min<qsizetype>(name.size(), 40)))
        out.append(c >= 0x20 && c < 0x7f ? QChar::fromLatin1(c) : QLatin1Char('?'));
    if (name.size() > 40)
        out.append(QStringLiteral("..."));
    return out;
}

Error malformed(const QString &message)
{
    return fail(ErrorCode::MalformedHeader, message);
}

// The realm is a quoted-string, not percent-encoded by RFC 5849; keep it readable and
// only escape what would break the quoting or is not printable ASCII.
void appendRealm(QByteArray &out, const QByteArray &realm)
{
    static constexpr char hex[] = "0123456789ABCDEF";
    for (char c : realm) {
        const auto b = static_cast<unsigned char>(c);
        if (b < 0x20 || b >= 0x7f || c == '"' || c == '\\' || c == '%') {
            out.append('%');
            out.append(hex[b >> 4]);
            out.append(hex[b & 0x0f]);
        } else {
            out.append(c);
        }
    }
}

} // namespace

QByteArray encode(const http::FormFields &oauthParameters, const QByteArray &realm)
{
    QByteArray out = "OAuth ";
    bool first = true;
    if (!realm.isEmpty()) {
        out.append("realm=\"");
        appendRealm(out, realm);
        out.append('"');
        first = false;
    }
    for (const auto &[name, value] : oauthParameters) {
        if (!first)
            out.append(", ");
        first = false;
        out.append(http::percentEncode(name));
        out.append("=\"");
        out.append(http::percentEncode(value));
        out.append('"');
    }
    return out;
}

Result<http::FormFields> parse(QByteArrayView headerValue)
{
    if (headerValue.size() > maxHeaderSize) {
        return malformed(QStringLiteral("The Authorization header is %1 bytes long; at most %2 are accepted.")
                             .arg(headerValue.size())
                             .arg(maxHeaderSize));
    }
    const QByteArrayView input = headerValue.trimmed();
    qsizetype pos = 0;
    while (pos < input.size() && !isSpace(input.at(pos)))
        ++pos;
    const QByteArrayView scheme = input.first(pos);
    if (scheme.compare("OAuth", Qt::CaseInsensitive) != 0) {
        if (scheme.isEmpty())
            return malformed(QStringLiteral("The Authorization header is empty."));
        // Show the scheme only when it looks like one: a bare token could be a secret.
        if (scheme.size() <= 20 && !scheme.contains('=') && !scheme.contains('"')) {
            return malformed(QStringLiteral("The Authorization header uses the scheme '%1', not OAuth.")
                                 .arg(displayName(scheme)));
        }
        return malformed(QStringLiteral("The Authorization header does not start with the scheme OAuth."));
    }

    http::FormFields fields;
    QSet<QByteArray> seen;
    qsizetype pairs = 0;
    const auto skipSpaces = [&] {
        while (pos < input.size() && isSpace(input.at(pos)))
            ++pos;
    };

    while (true) {
        skipSpaces();
        // Empty list elements (",,") are allowed, as in any HTTP #rule list.
        while (pos < input.size() && input.at(pos) == ',') {
            ++pos;
            skipSpaces();
        }
        if (pos >= input.size())
            break;

        const qsizetype nameStart = pos;
        while (pos < input.size() && input.at(pos) != '=' && input.at(pos) != ',' && !isSpace(input.at(pos))
               && input.at(pos) != '"')
            ++pos;
        const QByteArrayView rawName = input.sliced(nameStart, pos - nameStart);
        if (rawName.isEmpty()) {
            return malformed(QStringLiteral("The Authorization header has a value without a parameter "
                                            "name at position %1.")
                                 .arg(nameStart + 1));
        }
        const QString shownName = displayName(rawName);
        skipSpaces();
        if (pos >= input.size() || input.at(pos) != '=') {
            return malformed(QStringLiteral("The parameter '%1' in the Authorization header has no "
                                            "'=' and value.")
                                 .arg(shownName));
        }
        ++pos;
        skipSpaces();
        if (pos >= input.size() || input.at(pos) != '"') {
            return malformed(QStringLiteral("The value of parameter '%1' in the Authorization header is "
                                            "not in double quotes.")
                                 .arg(shownName));
        }
        ++pos;
        const qsizetype close = input.indexOf('"', pos);
        if (close < 0) {
            return malformed(QStringLiteral("The value of parameter '%1' in the Authorization header has "
                                            "no closing double quote.")
                                 .arg(shownName));
        }
        const QByteArrayView rawValue = input.sliced(pos, close - pos);
        pos = close + 1;

        if (++pairs > maxPairs) {
            return malformed(
                QStringLiteral("The Authorization header has more than %1 parameters.").arg(maxPairs));
        }
        Result<QByteArray> name = http::percentDecode(rawName);
        if (!name) {
            return malformed(QStringLiteral("The parameter name '%1' in the Authorization header has a "
                                            "bad percent escape.")
                                 .arg(shownName));
        }
        Result<QByteArray> value = http::percentDecode(rawValue);
        if (!value) {
            return malformed(QStringLiteral("The value of parameter '%1' in the Authorization header has "
                                            "a bad percent escape.")
                                 .arg(shownName));
        }
        if (seen.contains(*name)) {
            return malformed(QStringLiteral("The parameter '%1' appears more than once in the "
                                            "Authorization header.")
                                 .arg(displayName(*name)));
        }
        seen.insert(*name);
        if (name->compare("realm", Qt::CaseInsensitive) != 0)
            fields.append({std::move(*name), std::move(*value)});

        skipSpaces();
        if (pos < input.size() && input.at(pos) != ',') {
            return malformed(QStringLiteral("The Authorization header needs a comma after the value of "
                                            "parameter '%1'.")
                                 .arg(shownName));
        }
    }

    if (pairs == 0)
        return malformed(QStringLiteral("The OAuth Authorization header has no parameters."));
    return fields;
}

} // namespace mwauth::oauth1::AuthorizationHeader
