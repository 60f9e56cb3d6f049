#include "KeyRotationPlan.h"

#include <QCoreApplication>
#include <QDateTime>

namespace mwauth::admin {

using provider::SigningKeyState;

QList<KeySpan> keySchedule(const KeyRing &ring)
{
    QList<KeySpan> spans;
    for (const provider::SigningKeyInfo &key : ring.keys) {
        KeySpan span;
        span.kid = key.kid;
        span.alg = key.alg;
        span.state = key.state;
        span.publishedFrom = key.created;
        span.signingFrom = key.activated;
        span.signingUntil = key.retiringSince;
        if (key.state == SigningKeyState::Retired)
            span.publishedUntil = key.retired > 0 && (key.retireAfter == 0 || key.retired < key.retireAfter)
                ? key.retired
                : key.retireAfter;
        else if (key.state == SigningKeyState::Retiring)
            span.publishedUntil = key.retireAfter;
        // A retired key that never signed (a replaced or early-retired next key) has no
        // signing span; one retired early while retiring stopped signing before.
        spans.append(span);
    }
    return spans;
}

KeyRotationPlan KeyRotationPlan::forRing(const KeyRing &ring)
{
    KeyRotationPlan plan;
    const provider::SigningKeyInfo *next = nullptr;
    const provider::SigningKeyInfo *current = nullptr;
    for (const provider::SigningKeyInfo &key : ring.keys) {
        if (key.state == SigningKeyState::Next)
            next = &key;
        else if (key.state == SigningKeyState::Current)
            current = &key;
    }
    if (!next) {
        plan.refusal = QCoreApplication::translate(
            "KeyRotationPlan",
            "There is no next key to promote. Generate one first, so that clients see it in the JWKS "
            "before it signs.");
        return plan;
    }
    plan.possible = true;
    plan.promoted = next->kid;
    plan.promotedAlg = next->alg;
    plan.newNextAlg = next->alg;
    if (current) {
        plan.demoted = current->kid;
        plan.demotedPublishedUntil = ring.now + ring.maxTokenLifetime;
    }
    return plan;
}

QString KeyRotationPlan::describe() const
{
    if (!possible)
        return refusal;
    QString text
        = QCoreApplication::translate("KeyRotationPlan", "Key %1 (%2) starts signing every new token.")
              .arg(promoted, promotedAlg);
    if (!demoted.isEmpty()) {
        text += u' '
            + QCoreApplication::translate(
                  "KeyRotationPlan",
                  "Key %1 stops signing and stays published until %2 UTC, so the tokens it signed keep "
                  "verifying until they expire.")
                  .arg(demoted,
                       QDateTime::fromSecsSinceEpoch(demotedPublishedUntil, Qt::UTC)
                           .toString(QStringLiteral("yyyy-MM-dd HH:mm:ss")));
    }
    text += u' '
        + QCoreApplication::translate("KeyRotationPlan",
                                      "A new next key (%1) is generated and published, not signing yet.")
              .arg(newNextAlg);
    return text;
}

} // namespace mwauth::admin
