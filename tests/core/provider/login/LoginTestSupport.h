#pragma once

// Structural comparison of api.php answers with the recorded MediaWiki responses: the same
// keys, the same JSON types, and the same values except where a value is a secret or
// depends on the run (tokens, user ids, the server's port in docrefs).

#include <QJsonArray>
#include <QJsonObject>
#include <QJsonValue>
#include <QSet>
#include <QStringList>

namespace mwauth::provider::testing {

struct ShapeOptions
{
    QString fixtureBaseUrl = QStringLiteral("http://127.0.0.1:8089");
    QString actualBaseUrl; // replaces fixtureBaseUrl in the fixture's strings
    // Keys whose values may differ (only their type must match).
    QSet<QString> anyValue {QStringLiteral("logintoken"), QStringLiteral("csrftoken")};
};

inline QString jsonTypeName(const QJsonValue &value)
{
    switch (value.type()) {
    case QJsonValue::Null:
        return QStringLiteral("null");
    case QJsonValue::Bool:
        return QStringLiteral("bool");
    case QJsonValue::Double:
        return QStringLiteral("number");
    case QJsonValue::String:
        return QStringLiteral("string");
    case QJsonValue::Array:
        return QStringLiteral("array");
    case QJsonValue::Object:
        return QStringLiteral("object");
    case QJsonValue::Undefined:
        break;
    }
    return QStringLiteral("undefined");
}

// Appends a sentence per difference to `problems`; numbers compare by type only (ids).
inline void compareShape(const QJsonValue &expected, const QJsonValue &actual, const QString &path,
                         const ShapeOptions &options, QStringList &problems)
{
    if (expected.type() != actual.type()) {
        problems.append(QStringLiteral("%1: expected a %2, got a %3")
                            .arg(path, jsonTypeName(expected), jsonTypeName(actual)));
        return;
    }
    const QString key = path.section(u'.', -1);
    if (expected.isObject()) {
        const QJsonObject e = expected.toObject();
        const QJsonObject a = actual.toObject();
        QStringList ek = e.keys();
        QStringList ak = a.keys();
        if (ek != ak)
            problems.append(
                QStringLiteral("%1: keys [%2] expected, got [%3]").arg(path, ek.join(u','), ak.join(u',')));
        for (const QString &k : ek) {
            if (a.contains(k))
                compareShape(e.value(k), a.value(k), path + u'.' + k, options, problems);
        }
    } else if (expected.isArray()) {
        const QJsonArray e = expected.toArray();
        const QJsonArray a = actual.toArray();
        if (e.size() != a.size()) {
            problems.append(
                QStringLiteral("%1: %2 elements expected, got %3").arg(path).arg(e.size()).arg(a.size()));
            return;
        }
        for (qsizetype i = 0; i < e.size(); ++i)
            compareShape(e.at(i), a.at(i), path + QStringLiteral("[%1]").arg(i), options, problems);
    } else if (expected.isString() && !options.anyValue.contains(key)) {
        QString want = expected.toString();
        if (!options.actualBaseUrl.isEmpty())
            want.replace(options.fixtureBaseUrl, options.actualBaseUrl);
        if (want != actual.toString())
            problems.append(
                QStringLiteral("%1: \"%2\" expected, got \"%3\"").arg(path, want, actual.toString()));
    } else if (expected.isBool() && expected.toBool() != actual.toBool()) {
        problems.append(
            QStringLiteral("%1: %2 expected").arg(path, expected.toBool() ? u"true"_qs : u"false"_qs));
    }
}

inline QStringList shapeDifferences(const QJsonObject &expected, const QJsonObject &actual,
                                    const ShapeOptions &options)
{
    QStringList problems;
    compareShape(expected, actual, QStringLiteral("$"), options, problems);
    return problems;
}

} // namespace mwauth::provider::testing
