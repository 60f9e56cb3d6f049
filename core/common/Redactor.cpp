#include "Redactor.h"

#include <QJsonArray>
#include <QJsonObject>
#include <QRegularExpression>
#include <QUrl>

#include <algorithm>
#include <array>

namespace mwauth {

const QString Redactor::mask = QStringLiteral("[redacted]");

namespace {

constexpr std::array secretNames = {
    "password",
    "passwd",
    "retype",
    "client_secret",
    "code",
    "code_verifier",
    "access_token",
    "refresh_token",
    "id_token",
    "token",
    "secret",
    "assertion",
    "client_assertion",
    "oauth_signature",
    "oauth_token_secret",
    "oauth_verifier",
    "oathtoken",
    "otp",
    "totp",
    "recovery_code",
    "logintoken",
    "csrftoken",
    "wpedittoken",
    "private_key",
    "d",
    "p",
    "q",
    "dp",
    "dq",
    "qi",
    "k",
    "consumer_secret",
    "access_secret",
    "token_secret",
    "totp_secret",
    "cookie",
};

const QRegularExpression &jwtPattern()
{
    static const QRegularExpression re(
        QStringLiteral(R"(eyJ[A-Za-z0-9_-]{4,}\.[A-Za-z0-9_-]{4,}\.[A-Za-z0-9_-]*)"));
    return re;
}

} // namespace

bool Redactor::isSecretName(QStringView name)
{
    return std::any_of(secretNames.begin(), secretNames.end(), [name](const char *candidate) {
        return name.compare(QLatin1StringView(candidate), Qt::CaseInsensitive) == 0;
    });
}

void Redactor::addSecret(const QString &value)
{
    if (value.size() >= 4 && !m_secrets.contains(value))
        m_secrets.append(value);
    // Longest first, so a secret containing another is masked whole.
    std::sort(m_secrets.begin(), m_secrets.end(),
              [](const QString &a, const QString &b) { return a.size() > b.size(); });
}

QString Redactor::knownSecrets(QString input) const
{
    for (const QString &secret : m_secrets)
        input.replace(secret, mask);
    return input;
}

QString Redactor::text(const QString &input) const
{
    QString out = knownSecrets(input);
    out.replace(jwtPattern(), mask);
    return out;
}

QString Redactor::form(const QString &encoded) const
{
    QStringList pairs = encoded.split(QLatin1Char('&'));
    for (QString &pair : pairs) {
        const qsizetype eq = pair.indexOf(QLatin1Char('='));
        if (eq < 0)
            continue;
        const QString name = QString(pair.left(eq)).replace(QLatin1Char('+'), QLatin1Char(' '));
        const QString decodedName = QUrl::fromPercentEncoding(name.toUtf8());
        if (isSecretName(decodedName))
            pair = pair.left(eq + 1) + mask;
    }
    return text(pairs.join(QLatin1Char('&')));
}

QString Redactor::url(const QString &input) const
{
    QString out = input;
    // user:password@ in the authority
    static const QRegularExpression userInfo(QStringLiteral(R"(^([A-Za-z][A-Za-z0-9+.-]*://)([^/@?#]*)@)"));
    const auto m = userInfo.match(out);
    if (m.hasMatch())
        out.replace(m.capturedStart(2), m.capturedLength(2), mask);
    const qsizetype hash = out.indexOf(QLatin1Char('#'));
    QString fragment;
    if (hash >= 0) {
        fragment = out.mid(hash + 1);
        out.truncate(hash);
    }
    const qsizetype question = out.indexOf(QLatin1Char('?'));
    if (question >= 0)
        out = out.left(question + 1) + form(out.mid(question + 1));
    if (hash >= 0)
        out += QLatin1Char('#') + form(fragment);
    return text(out);
}

QString Redactor::header(const QString &name, const QString &value) const
{
    const auto is
        = [&name](const char *n) { return name.compare(QLatin1StringView(n), Qt::CaseInsensitive) == 0; };
    if (is("authorization") || is("proxy-authorization")) {
        const qsizetype space = value.indexOf(QLatin1Char(' '));
        const QString scheme = space < 0 ? QString() : value.left(space);
        if (scheme.compare(QLatin1String("OAuth"), Qt::CaseInsensitive) == 0) {
            // Keep the parameter names and the public ones; mask the signature.
            static const QRegularExpression sig(QStringLiteral(R"((oauth_signature\s*=\s*")[^"]*("))"));
            QString out = value;
            out.replace(sig, QStringLiteral("\\1") + mask + QStringLiteral("\\2"));
            return text(out);
        }
        return scheme.isEmpty() ? mask : scheme + QLatin1Char(' ') + mask;
    }
    if (is("cookie")) {
        QStringList parts = value.split(QLatin1Char(';'));
        for (QString &part : parts) {
            const qsizetype eq = part.indexOf(QLatin1Char('='));
            if (eq >= 0)
                part = part.left(eq + 1) + mask;
        }
        return parts.join(QLatin1Char(';'));
    }
    if (is("set-cookie")) {
        const qsizetype eq = value.indexOf(QLatin1Char('='));
        const qsizetype semi = value.indexOf(QLatin1Char(';'));
        if (eq < 0)
            return value;
        return value.left(eq + 1) + mask + (semi > eq ? value.mid(semi) : QString());
    }
    if (is("location") || is("referer") || is("content-location"))
        return url(value);
    return text(value);
}

QJsonValue Redactor::json(const QJsonValue &input) const
{
    if (input.isObject()) {
        QJsonObject object = input.toObject();
        for (auto it = object.begin(); it != object.end(); ++it) {
            // "code" in JSON is an error code ({"error":{"code":"badtoken"}}), not an
            // authorization code: those travel in URLs and forms.
            const bool secret = isSecretName(it.key()) && it.key() != QLatin1String("code");
            if (secret && (it.value().isString() || it.value().isDouble()))
                it.value() = mask;
            else
                it.value() = json(it.value());
        }
        return object;
    }
    if (input.isArray()) {
        QJsonArray array = input.toArray();
        for (auto it = array.begin(); it != array.end(); ++it)
            *it = json(*it);
        return array;
    }
    if (input.isString())
        return text(input.toString());
    return input;
}

} // namespace mwauth
