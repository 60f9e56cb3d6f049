#include "Base64Url.h"

#include <array>

namespace mwauth::jose::Base64Url {

namespace {

constexpr char alphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

// 0..63 for the alphabet, -1 for anything else.
constexpr std::array<signed char, 256> makeDecodeTable()
{
    std::array<signed char, 256> table {};
    for (auto &entry : table)
        entry = -1;
    for (int i = 0; i < 64; ++i)
        table[static_cast<unsigned char>(alphabet[i])] = static_cast<signed char>(i);
    return table;
}

constexpr std::array<signed char, 256> decodeTable = makeDecodeTable();

QString describeCharacter(unsigned char c)
{
    if (c == '=')
        return QStringLiteral("'=' (base64url has no padding)");
    if (c == '+' || c == '/')
        return QStringLiteral("'%1' (that is standard base64; base64url uses '-' and '_')")
            .arg(QLatin1Char(static_cast<char>(c)));
    if (c > 0x20 && c < 0x7f)
        return QStringLiteral("'%1'").arg(QLatin1Char(static_cast<char>(c)));
    return QStringLiteral("0x%1").arg(c, 2, 16, QLatin1Char('0'));
}

} // namespace

QString reason(const Error &error)
{
    static const QString prefix = QStringLiteral("Invalid base64url: ");
    const QString &message = error.message();
    return message.startsWith(prefix) ? message.mid(prefix.size()) : message;
}

QByteArray encode(QByteArrayView data)
{
    const auto *in = reinterpret_cast<const unsigned char *>(data.data());
    const qsizetype size = data.size();
    QByteArray out((size / 3) * 4 + (size % 3 ? size % 3 + 1 : 0), Qt::Uninitialized);
    char *o = out.data();
    qsizetype i = 0;
    for (; i + 3 <= size; i += 3) {
        const unsigned v = (unsigned(in[i]) << 16) | (unsigned(in[i + 1]) << 8) | in[i + 2];
        *o++ = alphabet[(v >> 18) & 63];
        *o++ = alphabet[(v >> 12) & 63];
        *o++ = alphabet[(v >> 6) & 63];
        *o++ = alphabet[v & 63];
    }
    if (size - i == 1) {
        const unsigned v = unsigned(in[i]) << 16;
        *o++ = alphabet[(v >> 18) & 63];
        *o++ = alphabet[(v >> 12) & 63];
    } else if (size - i == 2) {
        const unsigned v = (unsigned(in[i]) << 16) | (unsigned(in[i + 1]) << 8);
        *o++ = alphabet[(v >> 18) & 63];
        *o++ = alphabet[(v >> 12) & 63];
        *o++ = alphabet[(v >> 6) & 63];
    }
    return out;
}

Result<QByteArray> decode(QByteArrayView text)
{
    const qsizetype size = text.size();
    if (size % 4 == 1) {
        return fail(ErrorCode::MalformedBase64,
                    QStringLiteral("Invalid base64url: %1 characters cannot be a base64url "
                                   "encoding (one character too many or too few).")
                        .arg(size));
    }
    const auto *in = reinterpret_cast<const unsigned char *>(text.data());
    for (qsizetype i = 0; i < size; ++i) {
        if (decodeTable[in[i]] < 0) {
            return fail(ErrorCode::MalformedBase64,
                        QStringLiteral("Invalid base64url: character %1 at position %2 is not "
                                       "allowed; only A-Z, a-z, 0-9, '-' and '_' are.")
                            .arg(describeCharacter(in[i]))
                            .arg(i + 1));
        }
    }
    // Unused low bits of the last character must be zero, or two texts would decode to
    // the same bytes (RFC 4648 section 3.5): a strict decoder refuses the second one.
    if (size % 4 == 2 && (decodeTable[in[size - 1]] & 0x0f) != 0) {
        return fail(ErrorCode::MalformedBase64,
                    QStringLiteral("Invalid base64url: the last character sets bits that a "
                                   "canonical encoding leaves zero."));
    }
    if (size % 4 == 3 && (decodeTable[in[size - 1]] & 0x03) != 0) {
        return fail(ErrorCode::MalformedBase64,
                    QStringLiteral("Invalid base64url: the last character sets bits that a "
                                   "canonical encoding leaves zero."));
    }

    QByteArray out((size / 4) * 3 + (size % 4 ? size % 4 - 1 : 0), Qt::Uninitialized);
    char *o = out.data();
    qsizetype i = 0;
    for (; i + 4 <= size; i += 4) {
        const unsigned v = (unsigned(decodeTable[in[i]]) << 18) | (unsigned(decodeTable[in[i + 1]]) << 12)
            | (unsigned(decodeTable[in[i + 2]]) << 6) | unsigned(decodeTable[in[i + 3]]);
        *o++ = static_cast<char>((v >> 16) & 0xff);
        *o++ = static_cast<char>((v >> 8) & 0xff);
        *o++ = static_cast<char>(v & 0xff);
    }
    if (size - i >= 2) {
        unsigned v = (unsigned(decodeTable[in[i]]) << 18) | (unsigned(decodeTable[in[i + 1]]) << 12);
        if (size - i == 3)
            v |= unsigned(decodeTable[in[i + 2]]) << 6;
        *o++ = static_cast<char>((v >> 16) & 0xff);
        if (size - i == 3)
            *o++ = static_cast<char>((v >> 8) & 0xff);
    }
    return out;
}

} // namespace mwauth::jose::Base64Url
