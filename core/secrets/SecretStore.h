#pragma once

#include "SecretRef.h"
#include "common/Error.h"

#include <QByteArray>
#include <QObject>
#include <QString>

namespace mwauth::secrets {
Q_NAMESPACE

// Why a secret operation failed, for callers that act on the cause (offer the session-only
// memory store when there is no keychain). The Error's message says it for a person.
enum class SecretFailure {
    None,
    NotFound, // no secret under that key
    InvalidRef, // the SecretRef does not validate (nothing was tried)
    NoSessionBus, // no D-Bus session bus to reach the Secret Service over
    NoSecretService, // a bus, but nothing provides org.freedesktop.secrets
    Locked, // the keychain's collection is locked and could not be unlocked
    Denied, // the keychain (or its user) refused access
    Index, // the SQLite index of secrets could not be read or written
    Backend, // anything else the keychain reported
};
Q_ENUM_NS(SecretFailure)

// True for the failures that mean "there is no usable keychain here" (the caller may then
// offer MemorySecretStore): NoSessionBus, NoSecretService, Locked, Denied.
bool isKeychainUnavailable(SecretFailure failure);

// One asynchronous read, write or removal. A store returns it started; it emits finished()
// exactly once, always later from the event loop (never from inside the call that made it),
// and deletes itself afterwards (deleteLater), so connect with a context object and do not
// keep the pointer past finished().
class SecretJob : public QObject
{
    Q_OBJECT
public:
    enum class Operation { Read, Write, Remove };
    Q_ENUM(Operation)

    SecretJob(Operation operation, SecretRef ref, QObject *parent = nullptr);
    ~SecretJob() override;

    Operation operation() const { return m_operation; }
    const SecretRef &ref() const { return m_ref; }

    // Valid after finished().
    bool ok() const { return m_failure == SecretFailure::None; }
    SecretFailure failure() const { return m_failure; }
    const Error &error() const { return m_error; }
    // A read's secret (empty otherwise).
    const QByteArray &secret() const { return m_secret; }

    // For stores: report the outcome. Each emits finished() once (queued) and schedules the
    // job's deletion; later calls are ignored.
    void succeed(QByteArray secret = {});
    void failWith(SecretFailure failure, Error error);

Q_SIGNALS:
    void finished(mwauth::secrets::SecretJob *job);

private:
    void finishLater();

    Operation m_operation;
    SecretRef m_ref;
    SecretFailure m_failure = SecretFailure::None;
    Error m_error;
    QByteArray m_secret;
    bool m_done = false;
};

// Where secrets live (DESIGN.md section 3, STYLE.md "Secrets"): the OS keychain
// (KeychainSecretStore) or, when the user chooses it, the session only (MemorySecretStore).
// Never a plain-text file. Asynchronous, because keychains are: nothing blocks the calling
// (GUI) thread. Every operation returns a started SecretJob.
//
//   SecretJob *job = store.read(ref);
//   connect(job, &SecretJob::finished, this, [this](SecretJob *j) { if (j->ok()) use(j->secret()); });
class SecretStore : public QObject
{
    Q_OBJECT
public:
    using QObject::QObject;
    ~SecretStore() override;

    // A short user-visible name ("the system keychain", "this session's memory").
    virtual QString description() const = 0;
    // Whether secrets outlive the process.
    virtual bool isPersistent() const = 0;

    // Stores `secret` under `ref` (replacing one there).
    virtual SecretJob *write(const SecretRef &ref, const QByteArray &secret) = 0;
    // Reads it; NotFound when there is none.
    virtual SecretJob *read(const SecretRef &ref) = 0;
    // Removes it. Removing a secret that is not there succeeds: the Secret Service does not
    // tell (libsecret reports no error), so no store does.
    virtual SecretJob *remove(const SecretRef &ref) = 0;

protected:
    // A job for `ref`, already failed with InvalidRef when the ref does not validate (then
    // `valid` is false and the store must not touch its backend).
    SecretJob *newJob(SecretJob::Operation operation, const SecretRef &ref, bool &valid);
};

} // namespace mwauth::secrets
