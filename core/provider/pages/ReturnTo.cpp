#include "ReturnTo.h"

#include "HtmlPage.h"
#include "PageRequest.h"

#include <QRegularExpression>

namespace mwauth::provider::pages {

const QString ReturnTo::MainPage = QStringLiteral("Main Page");

namespace {

constexpr qsizetype kMaxTitleLength = 255;
constexpr qsizetype kMaxQueryLength = 2000;

bool hasControlCharacter(const QString &text)
{
    for (const QChar c : text) {
        const char16_t u = c.unicode();
        if (u < 0x20 || u == 0x7f || (u >= 0x80 && u < 0xa0) || u == 0x2028 || u == 0x2029)
            return true;
    }
    return false;
}

} // namespace

bool ReturnTo::isSafeTitle(const QString &title)
{
    if (title.trimmed().isEmpty() || title.size() > kMaxTitleLength || hasControlCharacter(title))
        return false;
    for (const QChar c : QStringLiteral("#<>[]|{}\\%")) {
        if (title.contains(c))
            return false;
    }
    if (title.startsWith(u'/') || title.contains(QStringLiteral("//")))
        return false;
    // A URL scheme in front ("javascript:", "JavaScript :", "http:"). Namespaced titles such
    // as "Special:OATHManage" or "User:Alice" also have a colon, so only schemes are refused.
    static const QRegularExpression scheme(
        QStringLiteral("^\\s*(javascript|vbscript|data|file|https?|ftp|mailto|blob|about)\\s*:"),
        QRegularExpression::CaseInsensitiveOption);
    return !scheme.match(title).hasMatch();
}

std::optional<QList<std::pair<QString, QString>>> ReturnTo::decodeQuery(const QString &query)
{
    QList<std::pair<QString, QString>> pairs;
    const QStringList parts = query.split(u'&', Qt::SkipEmptyParts);
    for (const QString &part : parts) {
        const qsizetype eq = part.indexOf(u'=');
        QString name = eq < 0 ? part : part.first(eq);
        QString value = eq < 0 ? QString() : part.sliced(eq + 1);
        name = QUrl::fromPercentEncoding(name.replace(u'+', u' ').toUtf8());
        value = QUrl::fromPercentEncoding(value.replace(u'+', u' ').toUtf8());
        if (hasControlCharacter(name) || hasControlCharacter(value))
            return std::nullopt;
        if (!name.isEmpty())
            pairs.append({name, value});
    }
    return pairs;
}

QString ReturnTo::safeQuery(const QString &query)
{
    if (query.size() > kMaxQueryLength || hasControlCharacter(query))
        return {};
    const auto decoded = decodeQuery(query);
    if (!decoded)
        return {};
    QStringList pairs;
    for (const auto &[name, value] : *decoded) {
        if (name == u"title")
            continue;
        pairs.append(QString::fromLatin1(QUrl::toPercentEncoding(name)) % u'='
                     % QString::fromLatin1(QUrl::toPercentEncoding(value)));
    }
    return pairs.join(u'&');
}

ReturnTo ReturnTo::fromRequest(const IndexRequest &request)
{
    ReturnTo returnTo;
    const QString title = requestParam(request, "returnto");
    if (!isSafeTitle(title))
        return returnTo;
    returnTo.title = title.trimmed();
    returnTo.query = safeQuery(requestParam(request, "returntoquery"));
    return returnTo;
}

QUrl ReturnTo::target(const IndexRequest &request) const
{
    if (title.isEmpty())
        return indexUrl(request, MainPage);
    return indexUrl(request, title, query);
}

QString ReturnTo::hiddenFields() const
{
    if (title.isEmpty())
        return {};
    QString fields = html::hidden(QStringLiteral("returnto"), title);
    if (!query.isEmpty())
        fields += html::hidden(QStringLiteral("returntoquery"), query); // re-encoding it changes nothing
    return fields;
}

QString ReturnTo::linkQuery() const
{
    if (title.isEmpty())
        return {};
    QString out = u"returnto=" % encodedTitle(title);
    if (!query.isEmpty())
        out += u"&returntoquery=" % QString::fromLatin1(QUrl::toPercentEncoding(query));
    return out;
}

} // namespace mwauth::provider::pages
