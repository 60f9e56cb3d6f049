#include "HtmlPage.h"

namespace mwauth::provider::pages {

namespace {

const char kStyle[]
    = "body{font-family:sans-serif;margin:2em auto;max-width:40em;padding:0 1em;color:#202122}"
      "label{display:block;margin-top:1em;font-weight:bold}"
      "input[type=text],input[type=password],textarea{width:100%;box-sizing:border-box;"
      "padding:.4em;font-size:1em}"
      "textarea{height:8em;font-family:monospace}"
      "label.checkbox{font-weight:normal}"
      "button{margin-top:1em;padding:.4em 1em;font-size:1em}"
      "form{margin-bottom:1em}"
      ".error{border:2px solid #d33;background:#fee7e6;padding:.5em 1em;margin:1em 0}"
      ".notice{border:2px solid #36c;background:#eaf3ff;padding:.5em 1em;margin:1em 0}"
      "pre,code{background:#f8f9fa;overflow-wrap:anywhere;white-space:pre-wrap}";

QString withLineBreaks(const QString &text)
{
    return htmlEscape(text).replace(u'\n', QStringLiteral("<br>"));
}

} // namespace

QString htmlEscape(QStringView text)
{
    QString out;
    out.reserve(text.size() + text.size() / 8);
    for (const QChar c : text) {
        switch (c.unicode()) {
        case u'&':
            out += QStringLiteral("&amp;");
            break;
        case u'<':
            out += QStringLiteral("&lt;");
            break;
        case u'>':
            out += QStringLiteral("&gt;");
            break;
        case u'"':
            out += QStringLiteral("&quot;");
            break;
        case u'\'':
            out += QStringLiteral("&#39;");
            break;
        default:
            out += c;
        }
    }
    return out;
}

void addPageHeaders(ProviderResponse &response)
{
    response.addHeader("X-Frame-Options", "DENY");
    response.addHeader(
        "Content-Security-Policy",
        "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'; frame-ancestors 'none'");
    response.addHeader("X-Content-Type-Options", "nosniff");
    response.addHeader("Referrer-Policy", "same-origin");
    response.addHeader("Cache-Control", "no-store");
}

ProviderResponse redirectResponse(const QUrl &location)
{
    const QString target = location.toString(QUrl::FullyEncoded);
    HtmlPage page(QStringLiteral("Redirecting"));
    page.addHtml(u"<p>Continue to " % html::link(target, target) % u".</p>");
    ProviderResponse response = page.response(302);
    response.addHeader("Location", location.toEncoded());
    return response;
}

HtmlPage::HtmlPage(QString title)
    : m_title(std::move(title))
{ }

void HtmlPage::addError(const QString &text)
{
    m_errors.append(text);
}

void HtmlPage::addNotice(const QString &text)
{
    m_notices.append(text);
}

void HtmlPage::addParagraph(const QString &text)
{
    m_body += u"<p>" % withLineBreaks(text) % u"</p>\n";
}

void HtmlPage::addHtml(const QString &html)
{
    m_body += html;
    m_body += u'\n';
}

QString HtmlPage::render() const
{
    const QString title = htmlEscape(m_title);
    QString out = u"<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
                  "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n<title>"
        % title % u"</title>\n<style>" % QLatin1StringView(kStyle)
        % u"</style>\n</head>\n<body>\n<main>\n<h1>" % title % u"</h1>\n";
    if (!m_errors.isEmpty()) {
        out += QStringLiteral("<div class=\"error\" role=\"alert\" id=\"errors\">\n");
        for (const QString &error : m_errors)
            out += u"<p>" % withLineBreaks(error) % u"</p>\n";
        out += QStringLiteral("</div>\n");
    }
    for (const QString &notice : m_notices)
        out += u"<div class=\"notice\" role=\"status\"><p>" % withLineBreaks(notice) % u"</p></div>\n";
    out += m_body;
    out += QStringLiteral("</main>\n</body>\n</html>\n");
    return out;
}

ProviderResponse HtmlPage::response(int status) const
{
    ProviderResponse response;
    response.status = status;
    response.contentType = "text/html; charset=utf-8";
    response.body = render().toUtf8();
    addPageHeaders(response);
    return response;
}

namespace html {

QString hidden(const QString &name, const QString &value)
{
    return u"<input type=\"hidden\" name=\"" % htmlEscape(name) % u"\" value=\"" % htmlEscape(value) % u"\">";
}

QString input(const QString &id, const QString &name, const QString &type, const QString &label,
              const QString &value, const QString &extra)
{
    QString out = u"<label for=\"" % htmlEscape(id) % u"\">" % htmlEscape(label) % u"</label>\n<input type=\""
        % htmlEscape(type) % u"\" id=\"" % htmlEscape(id) % u"\" name=\"" % htmlEscape(name) % u'"';
    if (!value.isEmpty())
        out += u" value=\"" % htmlEscape(value) % u'"';
    if (!extra.isEmpty())
        out += u' ' % extra;
    out += u'>';
    return out;
}

QString checkbox(const QString &id, const QString &name, const QString &label, bool checked)
{
    return u"<label class=\"checkbox\" for=\"" % htmlEscape(id) % u"\"><input type=\"checkbox\" id=\""
        % htmlEscape(id) % u"\" name=\"" % htmlEscape(name) % u"\" value=\"1\""
        % (checked ? QStringLiteral(" checked") : QString()) % u"> " % htmlEscape(label) % u"</label>";
}

QString textarea(const QString &id, const QString &name, const QString &label, const QString &extra)
{
    return u"<label for=\"" % htmlEscape(id) % u"\">" % htmlEscape(label) % u"</label>\n<textarea id=\""
        % htmlEscape(id) % u"\" name=\"" % htmlEscape(name) % u'"'
        % (extra.isEmpty() ? QString() : QString(u' ' + extra)) % u"></textarea>";
}

QString submit(const QString &label, const QString &name, const QString &value)
{
    if (name.isEmpty())
        return u"<button type=\"submit\">" % htmlEscape(label) % u"</button>";
    return u"<button type=\"submit\" name=\"" % htmlEscape(name) % u"\" value=\"" % htmlEscape(value) % u"\">"
        % htmlEscape(label) % u"</button>";
}

QString postForm(const QString &action, const QString &content, const QString &label)
{
    QString out = u"<form method=\"post\" action=\"" % htmlEscape(action) % u'"';
    if (!label.isEmpty())
        out += u" aria-label=\"" % htmlEscape(label) % u'"';
    out += u">\n" % content % u"\n</form>";
    return out;
}

QString link(const QString &href, const QString &text)
{
    return u"<a href=\"" % htmlEscape(href) % u"\">" % htmlEscape(text) % u"</a>";
}

QString pre(const QString &text)
{
    return u"<pre>" % htmlEscape(text) % u"</pre>";
}

} // namespace html

} // namespace mwauth::provider::pages
