#include "Base32.h"

namespace mwauth::otp::Base32 {

namespace {

constexpr char alphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";

int symbolValue(char c)
{
    if (c >= 'A' && c <= 'Z')
        return c - 'A';
    if (c >= 'a' && c <= 'z')
        return c - 'a';
    if (c >= '2' && c <= '7')
        return c - '2' + 26;
    return -1;
}

Error malformed(const QString &message)
{
    return fail(ErrorCode::MalformedBase64, message);
}

} // namespace

QByteArray encode(QByteArrayView data, bool pad)
{
    QByteArray out;
    out.reserve((data.size() + 4) / 5 * 8);
    quint32 buffer = 0;
    int bits = 0;
    for (char c : data) {
        buffer = (buffer << 8) | static_cast<unsigned char>(c);
        bits += 8;
        while (bits >= 5) {
            bits -= 5;
            out.append(alphabet[(buffer >> bits) & 0x1f]);
        }
    }
    if (bits > 0)
        out.append(alphabet[(buffer << (5 - bits)) & 0x1f]);
    if (pad) {
        while (out.size() % 8 != 0)
            out.append('=');
    }
    return out;
}

Result<QByteArray> decode(QByteArrayView text)
{
    // Drop the grouping characters and the padding first, then check what is left.
    QByteArray symbols;
    symbols.reserve(text.size());
    for (char c : text) {
        if (c != ' ' && c != '-')
            symbols.append(c);
    }
    while (symbols.endsWith('='))
        symbols.chop(1);

    for (char c : symbols) {
        if (symbolValue(c) < 0) {
            const QString shown = c > 0x20 && c < 0x7f
                ? QString(QChar::fromLatin1(c))
                : QStringLiteral("byte 0x%1").arg(static_cast<unsigned char>(c), 2, 16, QLatin1Char('0'));
            return malformed(QStringLiteral("'%1' is not a base32 character (A-Z and 2-7).").arg(shown));
        }
    }
    // 8 symbols carry 5 bytes; 1, 3 or 6 leftover symbols cannot come from any input.
    const qsizetype rest = symbols.size() % 8;
    if (rest == 1 || rest == 3 || rest == 6) {
        return malformed(QStringLiteral("A base32 value cannot have %1 characters (without spaces, hyphens "
                                        "and padding); it may be cut short.")
                             .arg(symbols.size()));
    }

    QByteArray out;
    out.reserve(symbols.size() * 5 / 8);
    quint32 buffer = 0;
    int bits = 0;
    for (char c : symbols) {
        const int value = symbolValue(c);
        buffer = (buffer << 5) | static_cast<quint32>(value);
        bits += 5;
        if (bits >= 8) {
            bits -= 8;
            out.append(static_cast<char>((buffer >> bits) & 0xff));
        }
    }
    if (bits > 0 && (buffer & ((1u << bits) - 1)) != 0)
        return malformed(
            QStringLiteral("The last base32 character has bits set that encode nothing; the value is "
                           "not canonical base32."));
    return out;
}

} // namespace mwauth::otp::Base32
