#include "FuzzSupport.h"

#include <QString>
#include <QtGlobal>

#include <cstdio>
#include <cstdlib>

namespace mwauth::fuzz {

namespace {

void dropMessage(QtMsgType type, const QMessageLogContext &, const QString &message)
{
    if (type == QtFatalMsg || type == QtCriticalMsg)
        std::fprintf(stderr, "Qt: %s\n", qUtf8Printable(message));
}

void printValue(const char *label, QByteArrayView value)
{
    if (value.isNull())
        return;
    const QByteArray shown = value.first(qMin<qsizetype>(value.size(), 200)).toByteArray();
    QByteArray escaped;
    for (const char c : shown) {
        const auto byte = static_cast<unsigned char>(c);
        if (byte >= 0x20 && byte < 0x7f && byte != '\\')
            escaped.append(c);
        else
            escaped.append("\\x").append(QByteArray::number(byte, 16).rightJustified(2, '0'));
    }
    std::fprintf(stderr, "  %s (%lld bytes): %s\n", label, static_cast<long long>(value.size()),
                 escaped.constData());
}

} // namespace

void silenceQtMessages()
{
    qInstallMessageHandler(dropMessage);
}

void invariantFailed(const char *what, QByteArrayView first, QByteArrayView second)
{
    std::fprintf(stderr, "\nINVARIANT BROKEN: %s\n", what);
    printValue("first", first);
    printValue("second", second);
    std::fflush(stderr);
    std::abort();
}

} // namespace mwauth::fuzz
