#include "FormCodec.h"

namespace mwauth::http {

namespace {

bool isUnreserved(char c)
{
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '.'
        || c == '_' || c == '~';
}

int hexValue(char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    return -1;
}

void appendEncoded(QByteArray &out, QByteArrayView data, bool plusForSpace)
{
    static constexpr char hex[] = "0123456789ABCDEF";
    for (char c : data) {
        if (isUnreserved(c)) {
            out.append(c);
        } else if (c == ' ' && plusForSpace) {
            out.append('+');
        } else {
            const auto b = static_cast<unsigned char>(c);
            out.append('%');
            out.append(hex[b >> 4]);
            out.append(hex[b & 0x0f]);
        }
    }
}

// Decodes %XX escapes (and "+" as a space when `plusIsSpace`). On a bad escape returns
// the offset of the offending "%" in `error`.
bool decodeInto(QByteArray &out, QByteArrayView data, bool plusIsSpace, qsizetype &errorAt)
{
    out.reserve(out.size() + data.size());
    for (qsizetype i = 0; i < data.size(); ++i) {
        const char c = data.at(i);
        if (c == '%') {
            const int hi = i + 1 < data.size() ? hexValue(data.at(i + 1)) : -1;
            const int lo = i + 2 < data.size() ? hexValue(data.at(i + 2)) : -1;
            if (hi < 0 || lo < 0) {
                errorAt = i;
                return false;
            }
            out.append(static_cast<char>((hi << 4) | lo));
            i += 2;
        } else if (c == '+' && plusIsSpace) {
            out.append(' ');
        } else {
            out.append(c);
        }
    }
    return true;
}

Error badEscape(qsizetype at)
{
    return fail(ErrorCode::InvalidInput,
                QStringLiteral("The percent sign at position %1 is not followed by two hexadecimal digits.")
                    .arg(at + 1));
}

} // namespace

QByteArray encodeForm(const FormFields &fields, bool plusForSpace)
{
    QByteArray out;
    for (const auto &[name, value] : fields) {
        if (!out.isEmpty())
            out.append('&');
        appendEncoded(out, name, plusForSpace);
        out.append('=');
        appendEncoded(out, value, plusForSpace);
    }
    return out;
}

Result<FormFields> decodeForm(QByteArrayView encoded, qsizetype maxFields)
{
    FormFields fields;
    qsizetype start = 0;
    while (start <= encoded.size()) {
        qsizetype end = encoded.indexOf('&', start);
        if (end < 0)
            end = encoded.size();
        const QByteArrayView piece = encoded.sliced(start, end - start);
        if (!piece.isEmpty()) { // "a=1&&b=2" and a trailing "&" carry no field
            if (fields.size() >= maxFields) {
                return fail(ErrorCode::InvalidInput,
                            QStringLiteral("The form has more than %1 fields.").arg(maxFields));
            }
            const qsizetype eq = piece.indexOf('=');
            const QByteArrayView rawName = eq < 0 ? piece : piece.first(eq);
            const QByteArrayView rawValue = eq < 0 ? QByteArrayView() : piece.sliced(eq + 1);
            QByteArray name;
            QByteArray value;
            qsizetype errorAt = 0;
            if (!decodeInto(name, rawName, true, errorAt))
                return badEscape(start + errorAt);
            if (!decodeInto(value, rawValue, true, errorAt))
                return badEscape(start + eq + 1 + errorAt);
            fields.append({std::move(name), std::move(value)});
        }
        start = end + 1;
    }
    return fields;
}

QByteArray fieldValue(const FormFields &fields, QByteArrayView name)
{
    for (const auto &[fieldName, value] : fields) {
        if (fieldName == name)
            return value;
    }
    return {};
}

QByteArray percentEncode(QByteArrayView data)
{
    QByteArray out;
    out.reserve(data.size());
    appendEncoded(out, data, false);
    return out;
}

Result<QByteArray> percentDecode(QByteArrayView data)
{
    QByteArray out;
    qsizetype errorAt = 0;
    if (!decodeInto(out, data, false, errorAt))
        return badEscape(errorAt);
    return out;
}

} // namespace mwauth::http
