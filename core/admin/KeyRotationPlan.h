#pragma once

#include "AdminClient.h"

#include <QList>
#include <QString>

namespace mwauth::admin {

// When one signing key is published and when it signs, in Unix seconds (0 for "not" / "open":
// a key without signingFrom never signed; publishedUntil 0 means published until further notice).
struct KeySpan
{
    QString kid;
    QString alg;
    provider::SigningKeyState state = provider::SigningKeyState::Next;
    qint64 publishedFrom = 0;
    qint64 publishedUntil = 0;
    qint64 signingFrom = 0;
    qint64 signingUntil = 0;
};

// The schedule of a key ring as the provider keeps it (SigningKeyStore): a key is published
// from its creation until it is retired or its retireAfter passes, and signs from its
// activation until it starts retiring. Oldest first.
QList<KeySpan> keySchedule(const KeyRing &ring);

// What a rotation of `ring` would do, computed before doing it so the user sees it first.
struct KeyRotationPlan
{
    bool possible = false;
    QString refusal; // why not, when not possible
    QString promoted; // the next key that will sign
    QString promotedAlg;
    QString demoted; // the current key that will stop signing (empty when there is none)
    qint64 demotedPublishedUntil = 0; // now + the longest token lifetime
    QString newNextAlg; // a new next key of this algorithm is made

    static KeyRotationPlan forRing(const KeyRing &ring);
    // A few plain sentences for a confirmation.
    QString describe() const;
};

} // namespace mwauth::admin
