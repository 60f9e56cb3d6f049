// Fuzzes the application/x-www-form-urlencoded codec (core/http/FormCodec.h):
//   decodeForm(x) either fails cleanly or gives fields F, and decodeForm(encodeForm(F)) == F
//   with either space encoding; percentDecode(x) either fails or gives bytes B, and
//   percentDecode(percentEncode(B)) == B with only unreserved characters and %XX left.
#include "FuzzSupport.h"

#include "http/FormCodec.h"

using namespace mwauth;

namespace {

bool isUnreserved(char c)
{
    return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '.'
        || c == '_' || c == '~';
}

bool isUpperHex(char c)
{
    return (c >= '0' && c <= '9') || (c >= 'A' && c <= 'F');
}

// What percentEncode must produce: unreserved characters and "%XX" (upper-case hex) only.
bool isPercentEncoded(const QByteArray &text)
{
    for (qsizetype i = 0; i < text.size(); ++i) {
        if (isUnreserved(text.at(i)))
            continue;
        if (text.at(i) != '%' || i + 2 >= text.size() || !isUpperHex(text.at(i + 1))
            || !isUpperHex(text.at(i + 2)))
            return false;
        i += 2;
    }
    return true;
}

QByteArray joined(const http::FormFields &fields)
{
    QByteArray out;
    for (const auto &[name, value] : fields)
        out.append(name).append('\0').append(value).append('\n');
    return out;
}

void checkFormRoundTrip(QByteArrayView encoded)
{
    const Result<http::FormFields> decoded = http::decodeForm(encoded);
    if (!decoded) {
        FUZZ_CHECK(!decoded.error().message().isEmpty(), "decodeForm error without a message", encoded);
        return;
    }
    for (const bool plusForSpace : {false, true}) {
        const QByteArray again = http::encodeForm(*decoded, plusForSpace);
        const Result<http::FormFields> redecoded = http::decodeForm(again);
        FUZZ_CHECK(redecoded.ok(), "decodeForm rejects what encodeForm produced", encoded, again);
        FUZZ_CHECK(*redecoded == *decoded, "decodeForm(encodeForm(fields)) != fields", joined(*decoded),
                   joined(*redecoded));
    }
    // fieldValue() finds the first value of every name.
    for (const auto &[name, value] : *decoded) {
        const QByteArray found = http::fieldValue(*decoded, name);
        for (const auto &[otherName, otherValue] : *decoded) {
            if (otherName == name) {
                FUZZ_CHECK(found == otherValue, "fieldValue() is not the first value", name, found);
                break;
            }
        }
    }
}

void checkPercentRoundTrip(QByteArrayView encoded)
{
    const Result<QByteArray> decoded = http::percentDecode(encoded);
    if (!decoded) {
        FUZZ_CHECK(!decoded.error().message().isEmpty(), "percentDecode error without a message", encoded);
        return;
    }
    const QByteArray again = http::percentEncode(*decoded);
    FUZZ_CHECK(isPercentEncoded(again), "percentEncode left a reserved character", *decoded, again);
    const Result<QByteArray> redecoded = http::percentDecode(again);
    FUZZ_CHECK(redecoded.ok(), "percentDecode rejects what percentEncode produced", again);
    FUZZ_CHECK(*redecoded == *decoded, "percentDecode(percentEncode(x)) != x", *decoded, *redecoded);
}

} // namespace

extern "C" int LLVMFuzzerInitialize(int *, char ***)
{
    fuzz::silenceQtMessages();
    return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t *data, std::size_t size)
{
    const QByteArrayView bytes = fuzz::input(data, size);
    checkFormRoundTrip(bytes);
    checkPercentRoundTrip(bytes);
    // Arbitrary bytes as one field's name and value: encoding must survive any octet.
    // (An empty name with an empty value has no unambiguous encoding: skipped.)
    if (bytes.isEmpty())
        return 0;
    const qsizetype half = bytes.size() / 2;
    const http::FormFields single {{bytes.first(half).toByteArray(), bytes.sliced(half).toByteArray()}};
    const Result<http::FormFields> back = http::decodeForm(http::encodeForm(single));
    FUZZ_CHECK(back.ok() && *back == single, "an arbitrary field does not survive encode/decode",
               single.first().first, single.first().second);
    return 0;
}
