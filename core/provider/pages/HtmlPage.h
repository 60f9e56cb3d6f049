#pragma once

#include "provider/server/ProviderResponse.h"

#include <QString>
#include <QStringView>
#include <QUrl>

namespace mwauth::provider::pages {

// Escapes text for HTML element content and for quoted attribute values: & < > " ' become
// character references. Everything a page prints that did not come from a literal in our
// code goes through it (user names, messages, tokens, URLs).
QString htmlEscape(QStringView text);

// The headers every page of the provider carries: no framing (X-Frame-Options and CSP
// frame-ancestors), no scripts or other sub-resources (CSP default-src 'none', only inline
// style), forms only to this origin (form-action 'self'), no MIME sniffing, no caching (the
// pages hold CSRF tokens, TOTP seeds or recovery codes), no Referer to other sites.
void addPageHeaders(ProviderResponse &response);

// A 302 to `location` with the page headers and a tiny body that names the target.
ProviderResponse redirectResponse(const QUrl &location);

// One server-rendered page of the provider, MediaWiki-like and small: lang="en", a <main>
// with one <h1>, an optional error summary (role="alert") and notices (role="status").
// No JavaScript; styles inline.
//
//   HtmlPage page(u"Log in"_s);
//   page.addError(outcome.message);            // text, escaped
//   page.addHtml(form);                         // markup built with the helpers below
//   return page.response(400);
class HtmlPage
{
public:
    explicit HtmlPage(QString title);

    // Text shown in the error summary at the top (escaped; "\n" becomes a line break).
    void addError(const QString &text);
    // A highlighted notice under the heading (escaped).
    void addNotice(const QString &text);
    // A paragraph of text (escaped).
    void addParagraph(const QString &text);
    // Trusted markup, appended as is: only pass what the helpers below produced.
    void addHtml(const QString &html);

    QString title() const { return m_title; }
    QString render() const;
    // The page as a response: text/html; charset=utf-8 plus addPageHeaders().
    ProviderResponse response(int status = 200) const;

private:
    QString m_title;
    QStringList m_errors;
    QStringList m_notices;
    QString m_body;
};

// Markup helpers; every argument is text and escaped here.
namespace html {
QString hidden(const QString &name, const QString &value);
// A labelled <input>: `type` "text", "password", ...; `extra` are trusted attributes
// (e.g. u"autocomplete=\"username\" autofocus"_s).
QString input(const QString &id, const QString &name, const QString &type, const QString &label,
              const QString &value = {}, const QString &extra = {});
QString checkbox(const QString &id, const QString &name, const QString &label, bool checked);
QString textarea(const QString &id, const QString &name, const QString &label, const QString &extra = {});
// <button type="submit">, with a name/value when `name` is not empty.
QString submit(const QString &label, const QString &name = {}, const QString &value = {});
// <form method="post" action="`action`"> ... </form>; `content` is trusted markup.
QString postForm(const QString &action, const QString &content, const QString &label = {});
// <a href="`href`">text</a>
QString link(const QString &href, const QString &text);
// <pre> with the text escaped.
QString pre(const QString &text);
} // namespace html

} // namespace mwauth::provider::pages
