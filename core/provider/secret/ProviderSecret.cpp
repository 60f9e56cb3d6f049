#include "ProviderSecret.h"

#include "jose/Base64Url.h"

#include <QFile>
#include <QFileInfo>

#include <openssl/evp.h>
#include <openssl/hmac.h>

#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <memory>
#include <unistd.h>

namespace mwauth::provider {

namespace {

constexpr int kNonceSize = 12;
constexpr int kTagSize = 16;
const QByteArray kSealPrefix = QByteArrayLiteral("v1.");

QByteArray hmac(const EVP_MD *md, QByteArrayView key, QByteArrayView data)
{
    unsigned char out[EVP_MAX_MD_SIZE];
    unsigned int length = 0;
    HMAC(md, key.data(), int(key.size()), reinterpret_cast<const unsigned char *>(data.data()),
         size_t(data.size()), out, &length);
    return QByteArray(reinterpret_cast<const char *>(out), qsizetype(length));
}

bool isHexSecret(QByteArrayView text)
{
    if (text.size() != 2 * ProviderSecret::Size)
        return false;
    for (const char c : text) {
        if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F')))
            return false;
    }
    return true;
}

using CipherContext = std::unique_ptr<EVP_CIPHER_CTX, decltype(&EVP_CIPHER_CTX_free)>;

// Writes `content` to a new file `path` with mode 0600; EEXIST is reported as such.
Result<void> writePrivateFile(const QString &path, const QByteArray &content)
{
    const QByteArray native = QFile::encodeName(path);
    const int fd = ::open(native.constData(), O_CREAT | O_EXCL | O_WRONLY | O_CLOEXEC, 0600);
    if (fd < 0)
        return fail(ErrorCode::Io,
                    QStringLiteral("The provider secret file '%1' could not be created: %2.")
                        .arg(path, QString::fromLocal8Bit(std::strerror(errno))));
    const ssize_t written = ::write(fd, content.constData(), size_t(content.size()));
    const bool ok = written == content.size() && ::fsync(fd) == 0;
    ::close(fd);
    if (!ok)
        return fail(ErrorCode::Io,
                    QStringLiteral("The provider secret file '%1' could not be written.").arg(path));
    return {};
}

} // namespace

ProviderSecret::ProviderSecret(QByteArray hex)
    : m_hex(std::move(hex))
    , m_sealKey(hmac(EVP_sha256(), m_hex, "mwauth provider seal v1"))
{ }

ProviderSecret ProviderSecret::generate(Random &random)
{
    return ProviderSecret(random.bytes(Size).toHex());
}

Result<ProviderSecret> ProviderSecret::fromHex(QByteArrayView hex)
{
    const QByteArray text = hex.trimmed().toByteArray().toLower();
    if (!isHexSecret(text))
        return fail(ErrorCode::MalformedKey,
                    QStringLiteral("A provider secret must be %1 hex digits.").arg(2 * Size));
    return ProviderSecret(text);
}

Result<ProviderSecret> ProviderSecret::forDatabase(const QString &location, Random &random)
{
    if (location == u":memory:")
        return generate(random);
    if (location.startsWith(u"postgresql://") || location.startsWith(u"postgres://")) {
        const QByteArray value = qgetenv(EnvironmentVariable);
        if (value.isEmpty())
            return fail(
                ErrorCode::InvalidInput,
                QStringLiteral("A provider on PostgreSQL needs its secret in the environment variable %1 "
                               "(%2 hex digits, the same for every instance), e.g. from `openssl rand "
                               "-hex 32`.")
                    .arg(QString::fromLatin1(EnvironmentVariable))
                    .arg(2 * Size));
        Result<ProviderSecret> secret = fromHex(value);
        if (!secret)
            return fail(ErrorCode::MalformedKey,
                        QStringLiteral("%1 must be %2 hex digits.")
                            .arg(QString::fromLatin1(EnvironmentVariable))
                            .arg(2 * Size));
        return secret;
    }
    const QString path = location + QStringLiteral(".secret");
    if (!QFileInfo::exists(path)) {
        ProviderSecret secret = generate(random);
        if (const Result<void> written = writePrivateFile(path, secret.hex() + '\n'); !written) {
            if (!QFileInfo::exists(path)) // another process may have made it meanwhile
                return written.error();
        } else {
            return secret;
        }
    }
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly))
        return fail(ErrorCode::Io,
                    QStringLiteral("The provider secret file '%1' could not be read: %2.")
                        .arg(path, file.errorString()));
    Result<ProviderSecret> secret = fromHex(file.read(4 * Size));
    if (!secret)
        return fail(ErrorCode::MalformedKey,
                    QStringLiteral("The provider secret file '%1' does not hold %2 hex digits.")
                        .arg(path)
                        .arg(2 * Size));
    return secret;
}

QByteArray ProviderSecret::derive(QByteArrayView stored) const
{
    return hmac(EVP_sha1(), m_hex, stored).toHex();
}

QByteArray ProviderSecret::seal(QByteArrayView plaintext, QByteArrayView context, Random &random) const
{
    const QByteArray nonce = random.bytes(kNonceSize);
    QByteArray out(plaintext.size() + kTagSize, Qt::Uninitialized);
    CipherContext ctx(EVP_CIPHER_CTX_new(), &EVP_CIPHER_CTX_free);
    int length = 0;
    int total = 0;
    const auto *key = reinterpret_cast<const unsigned char *>(m_sealKey.constData());
    const auto *iv = reinterpret_cast<const unsigned char *>(nonce.constData());
    auto *buffer = reinterpret_cast<unsigned char *>(out.data());
    const bool ok = ctx && EVP_EncryptInit_ex(ctx.get(), EVP_aes_256_gcm(), nullptr, key, iv) == 1
        && EVP_EncryptUpdate(ctx.get(), nullptr, &length,
                             reinterpret_cast<const unsigned char *>(context.data()), int(context.size()))
            == 1
        && EVP_EncryptUpdate(ctx.get(), buffer, &length,
                             reinterpret_cast<const unsigned char *>(plaintext.data()), int(plaintext.size()))
            == 1
        && (total = length, EVP_EncryptFinal_ex(ctx.get(), buffer + total, &length) == 1)
        && EVP_CIPHER_CTX_ctrl(ctx.get(), EVP_CTRL_GCM_GET_TAG, kTagSize, buffer + total + length) == 1;
    Q_ASSERT(ok); // AES-GCM with a valid key and nonce cannot fail short of memory exhaustion
    if (!ok)
        qFatal("AES-256-GCM sealing failed");
    return kSealPrefix + jose::Base64Url::encode(QByteArray(nonce + out));
}

Result<QByteArray> ProviderSecret::open(QByteArrayView sealed, QByteArrayView context) const
{
    if (!sealed.startsWith(kSealPrefix))
        return fail(ErrorCode::MalformedToken,
                    QStringLiteral("The sealed value does not start with \"v1.\"."));
    const Result<QByteArray> raw = jose::Base64Url::decode(sealed.sliced(kSealPrefix.size()));
    if (!raw || raw->size() < kNonceSize + kTagSize)
        return fail(ErrorCode::MalformedToken,
                    QStringLiteral("The sealed value is not valid base64url or too short."));
    const QByteArray nonce = raw->first(kNonceSize);
    QByteArray tag = raw->last(kTagSize);
    const QByteArray ciphertext = raw->sliced(kNonceSize, raw->size() - kNonceSize - kTagSize);
    QByteArray plaintext(ciphertext.size(), Qt::Uninitialized);
    CipherContext ctx(EVP_CIPHER_CTX_new(), &EVP_CIPHER_CTX_free);
    int length = 0;
    const auto *key = reinterpret_cast<const unsigned char *>(m_sealKey.constData());
    const auto *iv = reinterpret_cast<const unsigned char *>(nonce.constData());
    auto *buffer = reinterpret_cast<unsigned char *>(plaintext.data());
    const bool ok = ctx && EVP_DecryptInit_ex(ctx.get(), EVP_aes_256_gcm(), nullptr, key, iv) == 1
        && EVP_DecryptUpdate(ctx.get(), nullptr, &length,
                             reinterpret_cast<const unsigned char *>(context.data()), int(context.size()))
            == 1
        && EVP_DecryptUpdate(ctx.get(), buffer, &length,
                             reinterpret_cast<const unsigned char *>(ciphertext.constData()),
                             int(ciphertext.size()))
            == 1
        && EVP_CIPHER_CTX_ctrl(ctx.get(), EVP_CTRL_GCM_SET_TAG, kTagSize, tag.data()) == 1
        && EVP_DecryptFinal_ex(ctx.get(), buffer + length, &length) == 1;
    if (!ok)
        return fail(ErrorCode::Crypto,
                    QStringLiteral("The sealed value does not open: it was changed, or sealed "
                                   "with another provider secret or for another use."));
    return plaintext;
}

} // namespace mwauth::provider
