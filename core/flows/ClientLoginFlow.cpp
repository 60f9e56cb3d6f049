#include "ClientLoginFlow.h"

#include "otp/Base32.h"
#include "otp/Otp.h"
#include "otp/VirtualAuthenticator.h"

#include <QDateTime>
#include <QJsonDocument>
#include <QUrlQuery>
#include <cmath>

namespace mwauth::flows {

using mediawiki::ClientLoginResponse;

ClientLoginFlow::ClientLoginFlow(http::HttpClient *http, ClientLoginOptions options, const Clock &clock,
                                 QObject *parent)
    : Flow(http, parent)
    , m_options(std::move(options))
    , m_clock(clock)
    , m_api(m_options.apiUrl)
    , m_credential(m_options.webAuthnCredential)
{
    secret(m_options.password);
    secret(m_options.recoveryCode);
    secret(QString::fromLatin1(m_options.totpSecret));
}

void ClientLoginFlow::secret(const QString &value)
{
    if (http()->trace() && !value.isEmpty())
        http()->trace()->addSecret(value);
}

QString ClientLoginFlow::origin() const
{
    return m_options.apiUrl
        .adjusted(QUrl::RemovePath | QUrl::RemoveQuery | QUrl::RemoveFragment | QUrl::RemoveUserInfo)
        .toString(QUrl::StripTrailingSlash);
}

QString ClientLoginFlow::moduleOf(const mediawiki::AuthRequest &request) const
{
    const QString name = request.shortName();
    if (name == u"TOTPAuthenticationRequest")
        return QStringLiteral("totp");
    if (name == u"RecoveryCodesAuthenticationRequest")
        return QStringLiteral("recoverycodes");
    if (name == u"WebAuthnAuthenticationRequest")
        return QStringLiteral("webauthn");
    return {};
}

void ClientLoginFlow::run()
{
    const QString scheme = m_options.apiUrl.scheme();
    if (!m_options.apiUrl.isValid() || (scheme != u"http" && scheme != u"https"))
        return fail(Error(ErrorCode::MalformedUrl, tr("the API URL must be an http(s) URL of api.php")));
    if (m_options.username.isEmpty())
        return fail(Error(ErrorCode::InvalidInput, tr("a user name is needed")));
    if (m_options.reauthenticate)
        checkSession();
    else
        fetchToken();
}

void ClientLoginFlow::checkSession()
{
    step(QStringLiteral("session"), tr("Is this session logged in?"));
    send(m_api.get({{"action", "query"}, {"meta", "userinfo"}}), [this](Result<http::HttpResponse> response) {
        const Result<QJsonObject> answer = mediawiki::ActionApi::parse(response);
        if (!answer)
            return fail(answer.error());
        const QJsonObject info
            = answer->value(QStringLiteral("query"))[QStringLiteral("userinfo")].toObject();
        const bool anonymous
            = info.value(QStringLiteral("id")).toInteger() == 0 || info.contains(QStringLiteral("anon"));
        if (anonymous)
            return fail(
                Error(ErrorCode::InvalidInput,
                      tr("reauthentication needs a logged-in session; this session is not logged in")));
        const QString name = info.value(QStringLiteral("name")).toString();
        if (name != m_options.username)
            return fail(Error(ErrorCode::InvalidInput,
                              tr("this session is logged in as %1, not %2").arg(name, m_options.username)));
        fetchToken();
    });
}

void ClientLoginFlow::fetchToken()
{
    step(QStringLiteral("tokens"), tr("Get a login token"));
    send(m_api.tokenRequest(QStringLiteral("login")), [this](Result<http::HttpResponse> response) {
        const Result<QJsonObject> answer = mediawiki::ActionApi::parse(response);
        if (!answer)
            return fail(answer.error());
        const Result<QString> token = mediawiki::ActionApi::token(*answer, QStringLiteral("logintoken"));
        if (!token)
            return fail(token.error());
        m_token = *token;
        secret(m_token);
        if (m_options.password.isEmpty()) {
            InputRequest request;
            request.kind = InputRequest::Kind::Secret;
            request.id = QStringLiteral("password");
            request.label = tr("Password for %1").arg(m_options.username);
            return ask(request);
        }
        sendLogin();
    });
}

void ClientLoginFlow::sendLogin()
{
    step(m_options.reauthenticate ? QStringLiteral("reauthenticate") : QStringLiteral("clientlogin"),
         tr("Log in as %1").arg(m_options.username));
    QUrl returnUrl = m_options.returnUrl;
    if (returnUrl.isEmpty())
        returnUrl = QUrl(origin() + u'/');
    http::FormFields fields {
        {"action", "clientlogin"},
        {"username", m_options.username.toUtf8()},
        {"password", m_options.password.toUtf8()},
        {"loginreturnurl", returnUrl.toEncoded()},
    };
    if (m_options.rememberMe)
        fields.emplaceBack("rememberMe", "1");
    fields.emplaceBack("logintoken", m_token.toUtf8());
    send(m_api.post(fields), [this](Result<http::HttpResponse> response) { handleAnswer(response); });
}

void ClientLoginFlow::sendContinue(const http::FormFields &answers)
{
    step(QStringLiteral("continue"), tr("Answer the wiki's request"));
    http::FormFields fields {{"action", "clientlogin"}, {"logincontinue", "1"}};
    fields.append(answers);
    fields.emplaceBack("logintoken", m_token.toUtf8());
    send(m_api.post(fields), [this](Result<http::HttpResponse> response) { handleAnswer(response); });
}

void ClientLoginFlow::handleAnswer(const Result<http::HttpResponse> &response)
{
    const Result<QJsonObject> answer = mediawiki::ActionApi::parse(response);
    if (!answer)
        return fail(answer.error());
    const Result<ClientLoginResponse> parsed = ClientLoginResponse::fromApi(*answer);
    if (!parsed)
        return fail(parsed.error());
    m_last = *parsed;
    const ClientLoginResponse &login = *parsed;
    switch (login.status) {
    case ClientLoginResponse::Status::Pass:
        return queryAuthManagerInfo(login.username.isEmpty() ? m_options.username : login.username);
    case ClientLoginResponse::Status::Fail:
        return fail(Error(ErrorCode::Server, tr("login failed: %1").arg(login.message.simplified()),
                          login.messageCode));
    case ClientLoginResponse::Status::Restart:
        return fail(Error(ErrorCode::Server,
                          tr("the wiki asks to start again (RESTART: the account is not linked): %1")
                              .arg(login.message.simplified()),
                          login.messageCode));
    case ClientLoginResponse::Status::Redirect: {
        InputRequest request;
        request.kind = InputRequest::Kind::OpenBrowser;
        request.id = QStringLiteral("redirect");
        request.label = tr("Log in with the other site, then give the address the browser returned to");
        request.url = QUrl(login.redirectTarget);
        return ask(request);
    }
    case ClientLoginResponse::Status::Ui:
        return handleUi(login);
    }
}

void ClientLoginFlow::handleUi(const ClientLoginResponse &response)
{
    if (response.messageCode.endsWith(u"throttled"))
        return fail(Error(ErrorCode::Server,
                          tr("the wiki throttles this login: %1").arg(response.message.simplified()),
                          response.messageCode));

    const mediawiki::AuthRequest *select = response.moduleSelect();
    QList<mediawiki::AuthRequest> requests;
    for (const mediawiki::AuthRequest &request : response.requests) {
        if (!request.isModuleSelect())
            requests.append(request);
    }
    QString current = select ? select->metadata.value(QStringLiteral("currentModule")).toString() : QString();
    if (current.isEmpty() && !requests.isEmpty())
        current = moduleOf(requests.first());

    if (!m_options.module.isEmpty() && current != m_options.module) {
        if (m_switchTried)
            return fail(Error(
                ErrorCode::Server,
                tr("the wiki did not switch to module %1 (it asks for %2)").arg(m_options.module, current)));
        if (!select)
            return fail(Error(ErrorCode::InvalidInput,
                              tr("the wiki offers no other module than %1 here")
                                  .arg(current.isEmpty() ? tr("this one") : current)));
        m_switchTried = true;
        step(QStringLiteral("switch module"), tr("Switch to %1").arg(m_options.module));
        http::FormFields fields {{"action", "clientlogin"},
                                 {"logincontinue", "1"},
                                 {"newModule", m_options.module.toUtf8()},
                                 {"logintoken", m_token.toUtf8()}};
        send(m_api.post(fields), [this](Result<http::HttpResponse> r) { handleAnswer(r); });
        return;
    }
    if (requests.isEmpty())
        return fail(Error(ErrorCode::Protocol, tr("the wiki asks only for a module choice")));

    // A computed TOTP code the wiki refused: once more in the next time step (the code may
    // have been used already in this step), then the user is asked.
    const bool computedRefused = m_computedTotpSent && current == u"totp";
    m_computedTotpSent = false;
    if (computedRefused && m_computedTotpRetries >= 1)
        m_options.totpSecret.clear();

    m_module = current;
    m_message = response.message;
    m_queue.clear();
    m_answers.clear();
    for (const mediawiki::AuthRequest &request : std::as_const(requests)) {
        for (const mediawiki::AuthField &field : request.fields) {
            if (field.type == u"null" || field.type == u"button")
                continue;
            if (field.type == u"hidden" && field.value && !field.value->isEmpty())
                continue; // information for the client (auth_info)
            m_queue.append({field, request});
        }
    }
    if (computedRefused && m_computedTotpRetries < 1) {
        ++m_computedTotpRetries;
        const double now = m_clock.nowSeconds();
        const double next = (std::floor(now / 30.0) + 1) * 30.0;
        const int waitMs = int(std::ceil((next - now) * 1000.0)) + 50;
        step(QStringLiteral("wait for next code"),
             tr("The computed code was refused: waiting for the next one"), waitMs + stepTimeoutMs());
        QTimer::singleShot(waitMs, Qt::PreciseTimer, this, [this] {
            if (!isFinished())
                nextField();
        });
        return;
    }
    nextField();
}

void ClientLoginFlow::fillTotp(const PendingField &)
{
    const Result<QByteArray> key = otp::Base32::decode(m_options.totpSecret);
    if (!key)
        return fail(key.error().prefixed(tr("TOTP secret")));
    otp::TotpParameters parameters;
    parameters.secret = *key;
    double now = m_clock.nowSeconds();
    // A retry uses the step after the refused one even if the timer fired a little early
    // (servers accept codes within one step of their time).
    if (m_computedStep > 0 && otp::timeStep(now, parameters.period) <= m_computedStep)
        now = double(m_computedStep + 1) * parameters.period;
    const Result<QString> code = otp::totp(parameters, now);
    if (!code)
        return fail(code.error().prefixed(tr("TOTP secret")));
    secret(*code);
    m_computedStep = otp::timeStep(now, parameters.period);
    m_computedTotpSent = true;
    m_answers.emplaceBack("OATHToken", code->toUtf8());
    nextField();
}

void ClientLoginFlow::nextField()
{
    if (isFinished())
        return;
    if (m_queue.isEmpty())
        return sendContinue(m_answers);
    const PendingField pending = m_queue.takeFirst();
    const mediawiki::AuthField &field = pending.field;

    if (field.name == u"OATHToken" && !m_options.totpSecret.isEmpty())
        return fillTotp(pending);
    if (field.name == u"RecoveryCode" && !m_options.recoveryCode.isEmpty() && !m_recoveryCodeUsed) {
        m_recoveryCodeUsed = true;
        m_answers.emplaceBack("RecoveryCode", m_options.recoveryCode.toUtf8());
        return nextField();
    }
    const mediawiki::AuthField *authInfo = pending.request.field(QStringLiteral("auth_info"));
    if (field.name == u"credential" && authInfo && !m_credential.isEmpty()) {
        Result<otp::VirtualAuthenticator> key = otp::VirtualAuthenticator::fromJson(m_credential);
        if (!key)
            return fail(key.error().prefixed(tr("WebAuthn credential")));
        const Result<QByteArray> assertion
            = key->answer(authInfo->value.value_or(QString()).toUtf8(), origin());
        if (!assertion)
            return fail(assertion.error().prefixed(tr("WebAuthn")));
        m_credential = key->toJson();
        m_updatedCredential = m_credential;
        secret(QString::fromUtf8(*assertion));
        m_answers.emplaceBack("credential", *assertion);
        return nextField();
    }

    InputRequest request;
    request.id = field.name;
    request.label = field.label.isEmpty() ? field.name : field.label;
    request.help = m_message.isEmpty() ? field.help : m_message + u'\n' + field.help;
    request.optional = field.optional;
    if (field.name == u"OATHToken") {
        request.kind = InputRequest::Kind::TotpCode;
    } else if (field.name == u"RecoveryCode") {
        request.kind = InputRequest::Kind::RecoveryCode;
    } else if (field.name == u"credential" && authInfo) {
        request.kind = InputRequest::Kind::WebAuthnAssertion;
        request.data.insert(QStringLiteral("auth_info"), authInfo->value.value_or(QString()));
        request.data.insert(QStringLiteral("origin"), origin());
    } else if (field.type == u"select" || field.type == u"multiselect") {
        request.kind = InputRequest::Kind::ModuleChoice;
        for (const auto &option : field.options)
            request.choices.append({option.first, option.second});
    } else if (field.isSecret()) {
        request.kind = InputRequest::Kind::Secret;
    } else {
        request.kind = InputRequest::Kind::Text;
    }
    m_queue.prepend(pending); // answered in inputProvided
    ask(request);
}

void ClientLoginFlow::inputProvided(const InputRequest &request, const QString &answer)
{
    if (request.id == u"password" && !m_last.has_value()) { // asked before the first clientlogin
        m_options.password = answer;
        secret(answer);
        return sendLogin();
    }
    if (request.kind == InputRequest::Kind::OpenBrowser) {
        // The address the browser came back to: its query parameters continue the login.
        const QUrl returned(answer.trimmed());
        http::FormFields fields;
        const QUrlQuery query(returned);
        for (const auto &item : query.queryItems(QUrl::FullyDecoded))
            fields.emplaceBack(item.first.toUtf8(), item.second.toUtf8());
        return sendContinue(fields);
    }
    if (!m_queue.isEmpty() && m_queue.first().field.name == request.id)
        m_queue.removeFirst();
    // A code or answer the user typed is secret in the trace when the field is (all 2FA
    // fields are).
    if (request.kind != InputRequest::Kind::Text && request.kind != InputRequest::Kind::ModuleChoice)
        secret(answer);
    QString value = answer;
    if (request.kind == InputRequest::Kind::TotpCode || request.kind == InputRequest::Kind::RecoveryCode)
        value = value.trimmed();
    m_answers.emplaceBack(request.id.toUtf8(), value.toUtf8());
    nextField();
}

void ClientLoginFlow::queryAuthManagerInfo(const QString &username)
{
    step(QStringLiteral("authmanagerinfo"), tr("Read the security level"));
    send(m_api.get({{"action", "query"},
                    {"meta", "authmanagerinfo|userinfo"},
                    {"amisecuritysensitiveoperation", m_options.securityOperation.toUtf8()}}),
         [this, username](Result<http::HttpResponse> response) {
             FlowOutcome outcome;
             outcome.values.insert(QStringLiteral("username"), username);
             outcome.values.insert(QStringLiteral("reauthenticated"), m_options.reauthenticate);
             if (!m_module.isEmpty())
                 outcome.values.insert(QStringLiteral("module"), m_module);
             outcome.summary = m_options.reauthenticate ? tr("reauthenticated as %1").arg(username)
                                                        : tr("logged in as %1").arg(username);
             const Result<QJsonObject> answer = mediawiki::ActionApi::parse(response);
             if (!answer)
                 return fail(answer.error().prefixed(tr("logged in, but the security level is unknown")));
             const QJsonObject info
                 = answer->value(QStringLiteral("query"))[QStringLiteral("authmanagerinfo")].toObject();
             const QString status = info.value(QStringLiteral("securitysensitiveoperationstatus")).toString();
             if (!status.isEmpty())
                 outcome.values.insert(QStringLiteral("securitysensitiveoperationstatus"), status);
             const QString expiry = info.value(QStringLiteral("x-mwauth-elevatedsecurityexpiry")).toString();
             if (!expiry.isEmpty()) {
                 QDateTime when = QDateTime::fromString(expiry, Qt::ISODate);
                 when.setTimeSpec(Qt::UTC);
                 if (when.isValid()) {
                     outcome.values.insert(QStringLiteral("elevatedSecurityExpiry"), when);
                     outcome.summary += tr("; elevated security until %1").arg(when.toString(Qt::ISODate));
                 }
                 if (info.contains(QStringLiteral("x-mwauth-elevatedsecurityremaining")))
                     outcome.values.insert(
                         QStringLiteral("elevatedSecurityRemaining"),
                         info.value(QStringLiteral("x-mwauth-elevatedsecurityremaining")).toInteger());
             }
             succeed(std::move(outcome));
         });
}

} // namespace mwauth::flows
