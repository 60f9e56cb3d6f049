#pragma once

#include "jose/Jwt.h"
#include "widgets/VerdictBanner.h"

#include <optional>

namespace mwauth::ui {

// What the workbench asked the validator to check, for wording the verdict.
struct VerificationSettings
{
    QString issuer;
    QString audience;
    QString nonce;
    double leeway = 60;
    double at = 0; // the "verify at" moment, seconds since the epoch
    bool atIsNow = true;
};

// A verdict worded for the banner.
struct VerdictText
{
    VerdictBanner::State state = VerdictBanner::State::Neutral;
    QString headline;
    QString detail;
};

namespace VerdictDescriber {

// Words a validator verdict: "Valid - verified with key <kid or thumbprint>",
// "Invalid - bad signature", "Expired 3 h ago", "Wrong audience: expected X, token has Y",
// "Malformed: ...". Claim failures after a good signature are warnings (the signature
// holds, the token is still not acceptable); signature and parse failures are invalid.
// `token` is the decoded token when it decoded, to quote its claims.
VerdictText describe(const jose::JwtVerdict &verdict, const std::optional<jose::Jwt> &token,
                     const VerificationSettings &settings);

// The key's name for people: its kid, else its RFC 7638 thumbprint.
QString keyName(const jose::Jwk &key);

} // namespace VerdictDescriber
} // namespace mwauth::ui
