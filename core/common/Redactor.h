#pragma once

#include <QByteArray>
#include <QJsonValue>
#include <QList>
#include <QString>

namespace mwauth {

// Masks secrets before text reaches a log, a trace, a HAR file or the screen.
// It knows the protocol's secret parameter names (password, client_secret, code,
// access_token, oauth_signature, OATHToken, ...), Authorization and Cookie headers,
// JWT-shaped strings, and any value registered with addSecret().
//
// Redaction keeps the shape (names, lengths are hidden) so a trace still reads well:
//   "code=abc&state=x"        -> "code=[redacted]&state=x"
//   "Authorization: Bearer ey" -> "Bearer [redacted]"
class Redactor
{
public:
    static const QString mask; // "[redacted]"

    // True for parameter, field or JSON member names whose values are secret.
    static bool isSecretName(QStringView name);

    // Also mask this exact value wherever it appears (ignored if shorter than 4 chars).
    void addSecret(const QString &value);

    // Free text: known secret values and anything shaped like a JWT.
    QString text(const QString &input) const;
    // An application/x-www-form-urlencoded body or a URL query.
    QString form(const QString &encoded) const;
    // A URL: its query and fragment parameters, and any user:password part.
    QString url(const QString &input) const;
    // One HTTP header value, judged by the header's name.
    QString header(const QString &name, const QString &value) const;
    // A JSON document: secret members' values masked, recursively.
    QJsonValue json(const QJsonValue &input) const;

private:
    QString knownSecrets(QString input) const;
    QList<QString> m_secrets;
};

} // namespace mwauth
