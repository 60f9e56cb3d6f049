#include "AuthManager.h"

#include <QJsonArray>

namespace mwauth::mediawiki {

namespace {

// formatversion 2 writes true/false; formatversion 1 writes "" for true and omits false.
bool apiBool(const QJsonObject &object, const QString &key)
{
    if (!object.contains(key))
        return false;
    const QJsonValue value = object.value(key);
    return value.isBool() ? value.toBool() : true;
}

} // namespace

QString AuthRequest::shortName() const
{
    const qsizetype slash = id.lastIndexOf(u'\\');
    return slash < 0 ? id : id.mid(slash + 1);
}

const AuthField *AuthRequest::field(const QString &name) const
{
    for (const AuthField &f : fields) {
        if (f.name == name)
            return &f;
    }
    return nullptr;
}

AuthField authFieldFromJson(const QString &name, const QJsonObject &json)
{
    AuthField field;
    field.name = name;
    field.type = json.value(QStringLiteral("type")).toString();
    field.label = json.value(QStringLiteral("label")).toString();
    field.help = json.value(QStringLiteral("help")).toString();
    field.optional = apiBool(json, QStringLiteral("optional"));
    field.sensitive = apiBool(json, QStringLiteral("sensitive"));
    if (json.contains(QStringLiteral("value")))
        field.value = json.value(QStringLiteral("value")).toVariant().toString();
    const QJsonObject options = json.value(QStringLiteral("options")).toObject();
    for (auto it = options.begin(); it != options.end(); ++it)
        field.options.append({it.key(), it.value().toString()});
    return field;
}

AuthRequest authRequestFromJson(const QJsonObject &json)
{
    AuthRequest request;
    request.id = json.value(QStringLiteral("id")).toString();
    request.required = json.value(QStringLiteral("required")).toString();
    request.provider = json.value(QStringLiteral("provider")).toString();
    request.account = json.value(QStringLiteral("account")).toString();
    request.metadata = json.value(QStringLiteral("metadata")).toObject();
    const QJsonObject fields = json.value(QStringLiteral("fields")).toObject();
    for (auto it = fields.begin(); it != fields.end(); ++it)
        request.fields.append(authFieldFromJson(it.key(), it.value().toObject()));
    return request;
}

Result<ClientLoginResponse> ClientLoginResponse::fromApi(const QJsonObject &answer)
{
    const QJsonValue member = answer.value(QStringLiteral("clientlogin"));
    if (!member.isObject())
        return fail(ErrorCode::MalformedJson, QStringLiteral("the wiki's answer has no clientlogin object"));
    const QJsonObject object = member.toObject();
    ClientLoginResponse response;
    response.statusName = object.value(QStringLiteral("status")).toString();
    if (response.statusName == u"PASS")
        response.status = Status::Pass;
    else if (response.statusName == u"FAIL")
        response.status = Status::Fail;
    else if (response.statusName == u"UI")
        response.status = Status::Ui;
    else if (response.statusName == u"REDIRECT")
        response.status = Status::Redirect;
    else if (response.statusName == u"RESTART")
        response.status = Status::Restart;
    else
        return fail(ErrorCode::Protocol,
                    QStringLiteral("unknown clientlogin status \"%1\"").arg(response.statusName.left(40)));
    response.username = object.value(QStringLiteral("username")).toString();
    response.message = object.value(QStringLiteral("message")).toString();
    response.messageCode = object.value(QStringLiteral("messagecode")).toString();
    response.redirectTarget = object.value(QStringLiteral("redirecttarget")).toString();
    for (const QJsonValue &request : object.value(QStringLiteral("requests")).toArray())
        response.requests.append(authRequestFromJson(request.toObject()));
    if (response.status == Status::Ui && response.requests.isEmpty())
        return fail(ErrorCode::Protocol, QStringLiteral("clientlogin answered UI without any request"));
    if (response.status == Status::Redirect && response.redirectTarget.isEmpty())
        return fail(ErrorCode::Protocol, QStringLiteral("clientlogin answered REDIRECT without a target"));
    return response;
}

const AuthRequest *ClientLoginResponse::moduleSelect() const
{
    for (const AuthRequest &request : requests) {
        if (request.isModuleSelect())
            return &request;
    }
    return nullptr;
}

} // namespace mwauth::mediawiki
