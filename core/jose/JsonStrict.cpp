#include "JsonStrict.h"

#include <QJsonDocument>
#include <QJsonParseError>
#include <QList>
#include <QSet>

namespace mwauth::jose::JsonStrict {

namespace {

int hexValue(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

// Reads the string that starts at json[pos] == '"'; returns its unescaped value and
// moves pos past the closing quote. nullopt if the string does not end.
std::optional<QString> readString(QByteArrayView json, qsizetype &pos)
{
    QString value;
    qsizetype runStart = ++pos;
    auto flushRun = [&](qsizetype end) {
        if (end > runStart)
            value += QString::fromUtf8(json.sliced(runStart, end - runStart));
    };
    while (pos < json.size()) {
        const char c = json[pos];
        if (c == '"') {
            flushRun(pos);
            ++pos;
            return value;
        }
        if (c != '\\') {
            ++pos;
            continue;
        }
        flushRun(pos);
        if (pos + 1 >= json.size())
            return std::nullopt;
        const char e = json[pos + 1];
        pos += 2;
        switch (e) {
        case 'b':
            value += QLatin1Char('\b');
            break;
        case 'f':
            value += QLatin1Char('\f');
            break;
        case 'n':
            value += QLatin1Char('\n');
            break;
        case 'r':
            value += QLatin1Char('\r');
            break;
        case 't':
            value += QLatin1Char('\t');
            break;
        case 'u': {
            if (pos + 4 > json.size())
                return std::nullopt;
            int unit = 0;
            for (int k = 0; k < 4; ++k) {
                const int h = hexValue(json[pos + k]);
                if (h < 0)
                    return std::nullopt;
                unit = unit * 16 + h;
            }
            value += QChar(static_cast<char16_t>(unit));
            pos += 4;
            break;
        }
        default:
            value += QLatin1Char(e);
            break; // '"', '\\', '/'
        }
        runStart = pos;
    }
    return std::nullopt;
}

bool isJsonSpace(char c)
{
    return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

} // namespace

std::optional<QString> findDuplicateMember(QByteArrayView json)
{
    // One entry per open container: the names seen so far, or nullopt for an array.
    QList<std::optional<QSet<QString>>> open;
    qsizetype pos = 0;
    while (pos < json.size()) {
        const char c = json[pos];
        if (c == '{') {
            open.append(QSet<QString>());
            ++pos;
        } else if (c == '[') {
            open.append(std::nullopt);
            ++pos;
        } else if (c == '}' || c == ']') {
            if (!open.isEmpty())
                open.removeLast();
            ++pos;
        } else if (c == '"') {
            std::optional<QString> text = readString(json, pos);
            if (!text)
                return std::nullopt;
            qsizetype next = pos;
            while (next < json.size() && isJsonSpace(json[next]))
                ++next;
            const bool isName = next < json.size() && json[next] == ':';
            if (isName && !open.isEmpty() && open.last().has_value()) {
                QSet<QString> &names = *open.last();
                if (names.contains(*text))
                    return text;
                names.insert(*text);
            }
        } else {
            ++pos;
        }
    }
    return std::nullopt;
}

Result<QJsonObject> parseObject(QByteArrayView json, ErrorCode code, const QString &what)
{
    QJsonParseError error;
    const QJsonDocument doc = QJsonDocument::fromJson(json.toByteArray(), &error);
    if (error.error != QJsonParseError::NoError) {
        return fail(code,
                    QStringLiteral("%1 is not valid JSON: %2 at offset %3.")
                        .arg(what, error.errorString())
                        .arg(error.offset));
    }
    if (!doc.isObject()) {
        return fail(
            code,
            QStringLiteral("%1 is JSON but not an object (found %2).")
                .arg(what, doc.isArray() ? QStringLiteral("an array") : QStringLiteral("a bare value")));
    }
    if (std::optional<QString> duplicate = findDuplicateMember(json)) {
        return fail(code,
                    QStringLiteral("%1 has the member \"%2\" more than once; a duplicate name "
                                   "is ambiguous, so it is refused.")
                        .arg(what, duplicate->left(60)));
    }
    return doc.object();
}

} // namespace mwauth::jose::JsonStrict
