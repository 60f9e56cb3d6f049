#include "PageRequest.h"

namespace mwauth::provider::pages {

namespace {

bool hasField(const http::FormFields &fields, QByteArrayView name)
{
    for (const auto &field : fields) {
        if (field.first == name)
            return true;
    }
    return false;
}

} // namespace

QString requestParam(const IndexRequest &request, QByteArrayView name)
{
    if (hasField(request.form, name))
        return QString::fromUtf8(request.formValue(name));
    return QString::fromUtf8(request.queryValue(name));
}

bool hasRequestParam(const IndexRequest &request, QByteArrayView name)
{
    return hasField(request.form, name) || hasField(request.query, name);
}

QString encodedTitle(const QString &title)
{
    QString underscored = title;
    underscored.replace(u' ', u'_');
    return QString::fromLatin1(QUrl::toPercentEncoding(underscored, ":/!$()*,;@~"));
}

QString indexPath(const IndexRequest &request, const QString &title, const QString &query)
{
    QString path = request.scriptPath % u"/index.php?title=" % encodedTitle(title);
    if (!query.isEmpty())
        path += u'&' % query;
    return path;
}

QUrl indexUrl(const IndexRequest &request, const QString &title, const QString &query)
{
    return QUrl(request.baseUrl.toString(QUrl::StripTrailingSlash) + indexPath(request, title, query),
                QUrl::StrictMode);
}

} // namespace mwauth::provider::pages
