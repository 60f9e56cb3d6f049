#include "OtpAuthUri.h"

#include "http/FormCodec.h"
#include "otp/Base32.h"

namespace mwauth::otp {

namespace {

constexpr QByteArrayView schemePrefix = "otpauth://";

Error invalid(const QString &message)
{
    return fail(ErrorCode::InvalidInput, message);
}

// A whole number in [min, max], or nothing.
std::optional<quint64> parseNumber(const QByteArray &text, quint64 min, quint64 max)
{
    if (text.isEmpty() || text.size() > 20)
        return std::nullopt;
    for (char c : text) {
        if (c < '0' || c > '9')
            return std::nullopt;
    }
    bool ok = false;
    const quint64 value = text.toULongLong(&ok);
    if (!ok || value < min || value > max)
        return std::nullopt;
    return value;
}

QByteArray encodeText(const QString &text)
{
    return http::percentEncode(text.toUtf8());
}

} // namespace

Result<OtpAuthUri> OtpAuthUri::parse(const QString &uri)
{
    const QByteArray raw = uri.trimmed().toUtf8();
    if (raw.size() > 4096)
        return invalid(QStringLiteral("The otpauth URI is longer than 4096 bytes."));
    if (!raw.startsWith(schemePrefix) && !raw.toLower().startsWith(schemePrefix))
        return invalid(QStringLiteral("The URI does not start with otpauth://."));

    const QByteArrayView rest = QByteArrayView(raw).sliced(schemePrefix.size());
    const qsizetype slash = rest.indexOf('/');
    const qsizetype question = rest.indexOf('?');
    if (slash < 0 || (question >= 0 && question < slash))
        return invalid(QStringLiteral("The otpauth URI has no label (otpauth://totp/Issuer:account?...)."));

    OtpAuthUri out;
    const QByteArrayView type = rest.first(slash);
    if (type.compare("totp", Qt::CaseInsensitive) == 0) {
        out.type = Type::Totp;
    } else if (type.compare("hotp", Qt::CaseInsensitive) == 0) {
        out.type = Type::Hotp;
    } else {
        return invalid(QStringLiteral("The otpauth URI's type must be totp or hotp, not '%1'.")
                           .arg(QString::fromUtf8(type.first(std::min<qsizetype>(type.size(), 20)))));
    }

    const QByteArrayView rawLabel
        = question < 0 ? rest.sliced(slash + 1) : rest.sliced(slash + 1, question - slash - 1);
    const QByteArrayView rawQuery = question < 0 ? QByteArrayView() : rest.sliced(question + 1);

    // "Issuer:account": the separator is a literal colon, or an encoded one when the label
    // has no literal colon. Split before decoding, so an issuer may contain "%3A" itself.
    qsizetype colon = rawLabel.indexOf(':');
    qsizetype separatorLength = 1;
    if (colon < 0) {
        colon = QByteArrayView(rawLabel.toByteArray().toUpper()).indexOf("%3A");
        separatorLength = 3;
    }
    const QByteArrayView rawIssuer = colon < 0 ? QByteArrayView() : rawLabel.first(colon);
    const QByteArrayView rawAccount = colon < 0 ? rawLabel : rawLabel.sliced(colon + separatorLength);
    Result<QByteArray> issuerBytes = http::percentDecode(rawIssuer);
    Result<QByteArray> accountBytes = http::percentDecode(rawAccount);
    if (!issuerBytes)
        return issuerBytes.error().prefixed(QStringLiteral("The otpauth URI's label"));
    if (!accountBytes)
        return accountBytes.error().prefixed(QStringLiteral("The otpauth URI's label"));
    const QString labelIssuer = QString::fromUtf8(*issuerBytes).trimmed();
    out.account = QString::fromUtf8(*accountBytes).trimmed();
    if (out.account.isEmpty())
        return invalid(QStringLiteral("The otpauth URI's label has no account name."));

    Result<http::FormFields> query = http::decodeForm(rawQuery, 50);
    if (!query)
        return query.error().prefixed(QStringLiteral("The otpauth URI's parameters"));

    QByteArray secretText;
    QString issuerParam;
    std::optional<QByteArray> algorithmText, digitsText, periodText, counterText;
    QList<QByteArray> seen;
    for (const auto &[name, value] : *query) {
        const QByteArray key = name.toLower();
        const bool known = key == "secret" || key == "issuer" || key == "algorithm" || key == "digits"
            || key == "period" || key == "counter";
        if (!known)
            continue; // e.g. "image": not ours to judge
        if (seen.contains(key))
            return invalid(QStringLiteral("The otpauth URI has the parameter '%1' twice.")
                               .arg(QString::fromLatin1(key)));
        seen.append(key);
        if (key == "secret")
            secretText = value;
        else if (key == "issuer")
            issuerParam = QString::fromUtf8(value).trimmed();
        else if (key == "algorithm")
            algorithmText = value;
        else if (key == "digits")
            digitsText = value;
        else if (key == "period")
            periodText = value;
        else
            counterText = value;
    }

    if (secretText.isEmpty())
        return invalid(QStringLiteral("The otpauth URI has no secret parameter."));
    Result<QByteArray> secret = Base32::decode(secretText);
    if (!secret)
        return secret.error().prefixed(QStringLiteral("The otpauth URI's secret"));
    if (secret->isEmpty())
        return invalid(QStringLiteral("The otpauth URI's secret is empty."));
    out.parameters.secret = std::move(*secret);

    if (!labelIssuer.isEmpty() && !issuerParam.isEmpty() && labelIssuer != issuerParam) {
        return invalid(QStringLiteral("The otpauth URI names two issuers: '%1' in the label and '%2' in the "
                                      "issuer parameter.")
                           .arg(labelIssuer.left(60), issuerParam.left(60)));
    }
    out.issuer = issuerParam.isEmpty() ? labelIssuer : issuerParam;

    if (algorithmText) {
        Result<HashAlgorithm> alg = hashAlgorithmFromName(QString::fromUtf8(*algorithmText));
        if (!alg)
            return alg.error();
        out.parameters.algorithm = *alg;
    }
    if (digitsText) {
        const std::optional<quint64> digits = parseNumber(*digitsText, 6, 8);
        if (!digits)
            return invalid(QStringLiteral("The otpauth URI's digits must be 6, 7 or 8."));
        out.parameters.digits = static_cast<int>(*digits);
    }
    if (periodText) {
        const std::optional<quint64> period = parseNumber(*periodText, 1, 24 * 3600);
        if (!period)
            return invalid(QStringLiteral(
                "The otpauth URI's period must be a whole number of seconds from 1 to 86400."));
        out.parameters.period = static_cast<int>(*period);
    }
    if (out.type == Type::Hotp) {
        if (!counterText)
            return invalid(QStringLiteral("An otpauth://hotp URI needs a counter parameter."));
        const std::optional<quint64> counter
            = parseNumber(*counterText, 0, std::numeric_limits<quint64>::max());
        if (!counter)
            return invalid(QStringLiteral("The otpauth URI's counter must be a whole number."));
        out.counter = *counter;
    }
    return out;
}

QString OtpAuthUri::toString() const
{
    QByteArray out = type == Type::Hotp ? "otpauth://hotp/" : "otpauth://totp/";
    // A literal colon separates issuer and account; an account with a colon of its own gets
    // an empty issuer part so that its encoded colon is not taken for the separator.
    if (!issuer.isEmpty() || account.contains(QLatin1Char(':')))
        out += encodeText(issuer) + ':';
    out += encodeText(account);
    out += "?secret=" + Base32::encode(parameters.secret, false);
    if (!issuer.isEmpty())
        out += "&issuer=" + encodeText(issuer);
    out += "&algorithm=" + hashAlgorithmName(parameters.algorithm).toLatin1();
    out += "&digits=" + QByteArray::number(parameters.digits);
    if (type == Type::Hotp)
        out += "&counter=" + QByteArray::number(counter);
    else
        out += "&period=" + QByteArray::number(parameters.period);
    return QString::fromLatin1(out);
}

} // namespace mwauth::otp
