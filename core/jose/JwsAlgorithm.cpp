#include "JwsAlgorithm.h"

#include <array>

namespace mwauth::jose {

namespace {

struct AlgorithmName
{
    JwsAlgorithm alg;
    const char16_t *name;
};

constexpr std::array<AlgorithmName, 10> names {{
    {JwsAlgorithm::HS256, u"HS256"},
    {JwsAlgorithm::HS384, u"HS384"},
    {JwsAlgorithm::HS512, u"HS512"},
    {JwsAlgorithm::RS256, u"RS256"},
    {JwsAlgorithm::RS384, u"RS384"},
    {JwsAlgorithm::RS512, u"RS512"},
    {JwsAlgorithm::PS256, u"PS256"},
    {JwsAlgorithm::ES256, u"ES256"},
    {JwsAlgorithm::ES384, u"ES384"},
    {JwsAlgorithm::EdDSA, u"EdDSA"},
}};

} // namespace

QString algorithmName(JwsAlgorithm alg)
{
    for (const AlgorithmName &entry : names) {
        if (entry.alg == alg)
            return QString::fromUtf16(entry.name);
    }
    return QString();
}

Result<JwsAlgorithm> algorithmFromName(QStringView name)
{
    for (const AlgorithmName &entry : names) {
        if (name == QStringView(entry.name))
            return entry.alg;
    }
    if (name == u"none") {
        return fail(ErrorCode::UnsupportedAlgorithm,
                    QStringLiteral("Unsecured tokens (alg \"none\") are refused: a token must be "
                                   "signed."));
    }
    if (name.isEmpty()) {
        return fail(ErrorCode::UnsupportedAlgorithm, QStringLiteral("The algorithm name is empty."));
    }
    QStringList known;
    for (const AlgorithmName &entry : names)
        known.append(QString::fromUtf16(entry.name));
    return fail(ErrorCode::UnsupportedAlgorithm,
                QStringLiteral("The algorithm \"%1\" is not supported (names are case-sensitive; "
                               "supported: %2).")
                    .arg(name.left(40).toString(), known.join(QStringLiteral(", "))));
}

QList<JwsAlgorithm> allAlgorithms()
{
    QList<JwsAlgorithm> out;
    for (const AlgorithmName &entry : names)
        out.append(entry.alg);
    return out;
}

bool isHmac(JwsAlgorithm alg)
{
    return alg == JwsAlgorithm::HS256 || alg == JwsAlgorithm::HS384 || alg == JwsAlgorithm::HS512;
}

bool isRsa(JwsAlgorithm alg)
{
    return alg == JwsAlgorithm::RS256 || alg == JwsAlgorithm::RS384 || alg == JwsAlgorithm::RS512
        || alg == JwsAlgorithm::PS256;
}

bool isEc(JwsAlgorithm alg)
{
    return alg == JwsAlgorithm::ES256 || alg == JwsAlgorithm::ES384;
}

} // namespace mwauth::jose
