// Fuzzes the OAuth 1.0a Authorization header codec (core/oauth1/AuthorizationHeader.h):
//   parse(x) fails cleanly (MalformedHeader) or gives fields F, and parse(encode(F, realm))
//   gives F again (realm dropped) whenever the encoded header is within parse()'s limits.
// What parses also goes through the signature helpers (oauth1/Signature.h): the normalized
// parameter string decodes back to the same pairs in sorted order, and a received
// oauth_signature is checked (never a crash, never "verified" by accident).
#include "FuzzSupport.h"

#include "oauth1/AuthorizationHeader.h"
#include "oauth1/Signature.h"

#include <algorithm>

using namespace mwauth;

namespace {

constexpr qsizetype maxHeaderSize = 8 * 1024; // AuthorizationHeader::parse's documented limit
constexpr qsizetype maxPairs = 64;

QByteArray joined(const http::FormFields &fields)
{
    QByteArray out;
    for (const auto &[name, value] : fields)
        out.append(name).append("=\"").append(value).append("\" ");
    return out;
}

void checkRoundTrip(const http::FormFields &fields, const QByteArray &realm)
{
    if (fields.size() + (realm.isEmpty() ? 0 : 1) > maxPairs)
        return;
    const QByteArray header = oauth1::AuthorizationHeader::encode(fields, realm);
    if (header.size() > maxHeaderSize)
        return; // percent-encoding may grow a value past the limit
    const Result<http::FormFields> again = oauth1::AuthorizationHeader::parse(header);
    if (fields.isEmpty() && realm.isEmpty()) {
        FUZZ_CHECK(!again.ok(), "a header without parameters parses", header);
        return;
    }
    FUZZ_CHECK(again.ok(), "parse() rejects what encode() produced", header);
    FUZZ_CHECK(*again == fields, "parse(encode(fields)) != fields", joined(fields), joined(*again));
}

// normalizeParameters(F): pairs percent-encoded, sorted, joined with "&" (RFC 5849 3.4.1.3.2).
void checkNormalized(const http::FormFields &fields)
{
    const QByteArray normalized = oauth1::normalizeParameters(fields);
    const Result<http::FormFields> pairs = http::decodeForm(normalized, fields.size() + 1);
    FUZZ_CHECK(pairs.ok(), "normalizeParameters() output does not decode", normalized);
    http::FormFields expected = fields;
    http::FormFields got = *pairs;
    // Empty name and value encode to "=", which decodes back: same multiset of pairs.
    std::sort(expected.begin(), expected.end());
    std::sort(got.begin(), got.end());
    FUZZ_CHECK(got == expected, "normalizeParameters() lost or changed a pair", joined(fields), normalized);
    // Sorted by encoded name, then encoded value.
    const QList<QByteArray> encodedPairs = normalized.split('&');
    for (qsizetype i = 1; i < encodedPairs.size() && !fields.isEmpty(); ++i) {
        const QList<QByteArray> previous = encodedPairs.at(i - 1).split('=');
        const QList<QByteArray> current = encodedPairs.at(i).split('=');
        FUZZ_CHECK(previous.size() == 2 && current.size() == 2, "a normalized pair is not name=value",
                   normalized);
        FUZZ_CHECK(std::pair(previous.at(0), previous.at(1)) <= std::pair(current.at(0), current.at(1)),
                   "normalized pairs are not sorted", encodedPairs.at(i - 1), encodedPairs.at(i));
    }
}

void checkSignature(const http::FormFields &fields)
{
    const QByteArray method = http::fieldValue(fields, "oauth_signature_method");
    const QByteArray signature = http::fieldValue(fields, "oauth_signature");
    http::FormFields withoutSignature = fields;
    withoutSignature.removeIf([](const auto &pair) { return pair.first == "oauth_signature"; });

    oauth1::Request request;
    request.method = "POST";
    request.url = QUrl(QStringLiteral("https://wiki.example/w/index.php?title=Special:OAuth/token"));
    const Result<QByteArray> baseString = oauth1::signatureBaseString(request, withoutSignature);
    FUZZ_CHECK(baseString.ok(), "no base string for a parsed header", joined(fields));

    const Result<oauth1::SignatureMethod> parsedMethod
        = oauth1::signatureMethodFromName(QString::fromLatin1(method));
    const oauth1::SignatureMethod which = parsedMethod ? *parsedMethod : oauth1::SignatureMethod::HmacSha1;
    if (which == oauth1::SignatureMethod::RsaSha1)
        return; // needs a key; covered by the unit tests
    const Result<void> verdict
        = oauth1::verify(which, *baseString, signature, "consumer-secret-fuzz", "token-secret-fuzz");
    if (verdict.ok()) {
        // Only the real signature may pass.
        oauth1::Credentials credentials;
        credentials.consumerSecret = "consumer-secret-fuzz";
        credentials.tokenSecret = "token-secret-fuzz";
        credentials.method = which;
        const Result<QByteArray> expected = oauth1::sign(credentials, *baseString);
        FUZZ_CHECK(expected.ok() && *expected == signature, "verify() accepted a wrong signature", signature);
    } else {
        FUZZ_CHECK(verdict.error().code() == ErrorCode::BadSignature, "verify() failed without BadSignature",
                   signature);
    }
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
    const Result<http::FormFields> fields = oauth1::AuthorizationHeader::parse(bytes);
    if (!fields) {
        FUZZ_CHECK(fields.error().code() == ErrorCode::MalformedHeader,
                   "parse() failed without MalformedHeader", bytes);
        FUZZ_CHECK(!fields.error().message().isEmpty(), "parse() error without a message", bytes);
        return 0;
    }
    FUZZ_CHECK(fields->size() <= maxPairs, "parse() returned more than 64 parameters", bytes);
    checkRoundTrip(*fields, {});
    checkRoundTrip(*fields, QByteArrayLiteral("https://wiki.example/"));
    checkRoundTrip(*fields, bytes.first(std::min<qsizetype>(bytes.size(), 24)).toByteArray());
    checkNormalized(*fields);
    checkSignature(*fields);
    return 0;
}
