#include "KeychainSecretStore.h"

#include <QLoggingCategory>

#include <qt6keychain/keychain.h>

using namespace Qt::StringLiterals;

namespace mwauth::secrets {

namespace {

Q_LOGGING_CATEGORY(lcSecrets, "mwauth.core.secrets", QtInfoMsg)

const QString kMemoryHint = u" Or choose the session-only memory store: secrets are then kept until the "
                            "program exits and never written anywhere."_s;

} // namespace

KeychainSecretStore::KeychainSecretStore(QString service, QObject *parent)
    : SecretStore(parent)
    , m_service(std::move(service))
{ }

KeychainSecretStore::~KeychainSecretStore() = default;

QString KeychainSecretStore::description() const
{
    return tr("the system keychain");
}

SecretJob *KeychainSecretStore::write(const SecretRef &ref, const QByteArray &secret)
{
    bool valid = false;
    SecretJob *job = newJob(SecretJob::Operation::Write, ref, valid);
    return valid ? start(job, secret) : job;
}

SecretJob *KeychainSecretStore::read(const SecretRef &ref)
{
    bool valid = false;
    SecretJob *job = newJob(SecretJob::Operation::Read, ref, valid);
    return valid ? start(job, {}) : job;
}

SecretJob *KeychainSecretStore::remove(const SecretRef &ref)
{
    bool valid = false;
    SecretJob *job = newJob(SecretJob::Operation::Remove, ref, valid);
    return valid ? start(job, {}) : job;
}

SecretJob *KeychainSecretStore::checkAvailability()
{
    const SecretRef probe {u"probe"_s, SecretKind::Password, u"availability"_s};
    auto *outer = new SecretJob(SecretJob::Operation::Write, probe, this);
    SecretJob *written = write(probe, QByteArrayLiteral("probe"));
    connect(written, &SecretJob::finished, outer, [this, outer, probe](SecretJob *w) {
        if (!w->ok()) {
            outer->failWith(w->failure(), w->error());
            return;
        }
        SecretJob *removed = remove(probe);
        connect(removed, &SecretJob::finished, outer, [outer](SecretJob *r) {
            if (r->ok())
                outer->succeed();
            else
                outer->failWith(r->failure(), r->error());
        });
    });
    return outer;
}

SecretJob *KeychainSecretStore::start(SecretJob *job, const QByteArray &secret)
{
    QKeychain::Job *keychainJob = nullptr;
    switch (job->operation()) {
    case SecretJob::Operation::Write: {
        auto *writeJob = new QKeychain::WritePasswordJob(m_service, job);
        writeJob->setBinaryData(secret);
        keychainJob = writeJob;
        break;
    }
    case SecretJob::Operation::Read:
        keychainJob = new QKeychain::ReadPasswordJob(m_service, job);
        break;
    case SecretJob::Operation::Remove:
        keychainJob = new QKeychain::DeletePasswordJob(m_service, job);
        break;
    }
    keychainJob->setInsecureFallback(false);
    keychainJob->setAutoDelete(false); // a child of `job`, deleted with it
    keychainJob->setKey(job->ref().key());
    connect(keychainJob, &QKeychain::Job::finished, job, [job](QKeychain::Job *done) {
        if (done->error() == QKeychain::NoError) {
            auto *readJob = qobject_cast<QKeychain::ReadPasswordJob *>(done);
            job->succeed(readJob ? readJob->binaryData() : QByteArray());
            return;
        }
        const SecretFailure failure = classify(done->error(), done->errorString());
        if (failure != SecretFailure::NotFound)
            qCInfo(lcSecrets) << "keychain" << job->operation() << "failed:" << failure << done->error()
                              << done->errorString();
        job->failWith(failure, describe(failure, job->ref(), done->errorString()));
    });
    keychainJob->start();
    return job;
}

SecretFailure KeychainSecretStore::classify(int code, const QString &errorString)
{
    const QString text = errorString.toLower();
    if (text.contains(u"locked"))
        return SecretFailure::Locked;
    if (text.contains(u"could not connect") || text.contains(u"autolaunch")
        || text.contains(u"dbus_session_bus_address") || text.contains(u"session bus")
        || text.contains(u"connection refused"))
        return SecretFailure::NoSessionBus;
    if (text.contains(u"org.freedesktop.secrets") || text.contains(u"serviceunknown")
        || text.contains(u"not provided by any .service"))
        return SecretFailure::NoSecretService;
    switch (code) {
    case QKeychain::EntryNotFound:
        return SecretFailure::NotFound;
    case QKeychain::AccessDenied:
    case QKeychain::AccessDeniedByUser:
        return SecretFailure::Denied;
    case QKeychain::NoBackendAvailable:
    case QKeychain::NotImplemented:
        return SecretFailure::NoSecretService;
    default:
        return SecretFailure::Backend;
    }
}

Error KeychainSecretStore::describe(SecretFailure failure, const SecretRef &ref, const QString &errorString)
{
    const QString cause = errorString.isEmpty() ? QString() : u" (the keychain said: "_s + errorString + u')';
    switch (failure) {
    case SecretFailure::NotFound:
        return fail(ErrorCode::NotFound,
                    u"The keychain has no %1 for \"%2\" of profile \"%3\"."_s.arg(secretKindName(ref.kind),
                                                                                  ref.id, ref.profileId));
    case SecretFailure::NoSessionBus:
        return fail(ErrorCode::Io,
                    u"No keychain: there is no D-Bus session bus to reach the Secret Service over%1. "
                    "Run the program inside a desktop session (or start one with dbus-run-session) whose "
                    "DBUS_SESSION_BUS_ADDRESS points to a running bus."_s.arg(cause)
                        + kMemoryHint);
    case SecretFailure::NoSecretService:
        return fail(ErrorCode::Io,
                    u"No keychain: nothing on the D-Bus session bus provides the Secret Service "
                    "(org.freedesktop.secrets)%1. Install and start one: gnome-keyring-daemon, KeePassXC "
                    "with its Secret Service integration, or KWallet."_s.arg(cause)
                        + kMemoryHint);
    case SecretFailure::Locked:
        return fail(ErrorCode::Io,
                    u"The keychain is locked and could not be unlocked%1. Unlock its collection (log in "
                    "to the desktop session, use Seahorse, or start gnome-keyring-daemon with --unlock) and "
                    "try again."_s.arg(cause)
                        + kMemoryHint);
    case SecretFailure::Denied:
        return fail(ErrorCode::Io,
                    u"The keychain denied access%1. Allow MWAuth Console in the keychain's prompt or "
                    "settings and try again."_s.arg(cause)
                        + kMemoryHint);
    case SecretFailure::None:
    case SecretFailure::InvalidRef:
    case SecretFailure::Index:
    case SecretFailure::Backend:
        break;
    }
    return fail(ErrorCode::Io, u"The keychain failed%1."_s.arg(cause));
}

} // namespace mwauth::secrets
