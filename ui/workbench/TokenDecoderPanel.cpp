#include "workbench/TokenDecoderPanel.h"

#include "UiResources.h"
#include "widgets/ClaimExplainer.h"
#include "widgets/JsonTreeView.h"

#include <QAction>
#include <QApplication>
#include <QClipboard>
#include <QFontDatabase>
#include <QHBoxLayout>
#include <QJsonDocument>
#include <QLabel>
#include <QPlainTextEdit>
#include <QPushButton>
#include <QSplitter>
#include <QVBoxLayout>

namespace mwauth::ui {

TokenDecoderPanel::TokenDecoderPanel(QWidget *parent)
    : QWidget(parent)
    , m_token(new QPlainTextEdit(this))
    , m_structure(new QLabel(this))
    , m_header(new JsonTreeView(this))
    , m_payload(new JsonTreeView(this))
    , m_signature(new QLabel(this))
    , m_signatureHex(new QPlainTextEdit(this))
    , m_copy(new QPushButton(icon(QStringLiteral("copy")), tr("Copy JSON"), this))
{
    const QFont fixed = QFontDatabase::systemFont(QFontDatabase::FixedFont);
    m_token->setObjectName(QStringLiteral("tokenEdit"));
    m_token->setAccessibleName(tr("Token"));
    m_token->setPlaceholderText(tr("Paste a JWT: three base64url parts separated by dots "
                                   "(header.payload.signature). It decodes as you type; "
                                   "Ctrl+Return decodes at once."));
    m_token->setFont(fixed);
    m_token->setTabChangesFocus(true);
    m_token->setMaximumHeight(120);
    auto *decodeNow = new QAction(tr("Decode now"), m_token);
    decodeNow->setShortcuts(
        {QKeySequence(Qt::CTRL | Qt::Key_Return), QKeySequence(Qt::CTRL | Qt::Key_Enter)});
    decodeNow->setShortcutContext(Qt::WidgetShortcut);
    m_token->addAction(decodeNow);
    connect(decodeNow, &QAction::triggered, this, &TokenDecoderPanel::decodeRequested);
    connect(m_token, &QPlainTextEdit::textChanged, this, &TokenDecoderPanel::tokenEdited);

    m_structure->setObjectName(QStringLiteral("tokenStructure"));
    m_structure->setWordWrap(true);

    m_header->setObjectName(QStringLiteral("headerTree"));
    m_header->setAccessibleName(tr("Decoded header"));
    m_payload->setObjectName(QStringLiteral("payloadTree"));
    m_payload->setAccessibleName(tr("Decoded payload"));

    m_signature->setObjectName(QStringLiteral("signatureInfo"));
    m_signature->setWordWrap(true);
    m_signatureHex->setObjectName(QStringLiteral("signatureHex"));
    m_signatureHex->setAccessibleName(tr("Signature bytes in hexadecimal"));
    m_signatureHex->setReadOnly(true);
    m_signatureHex->setFont(fixed);
    m_signatureHex->setMaximumHeight(60);

    m_copy->setObjectName(QStringLiteral("copyJsonButton"));
    m_copy->setAccessibleName(tr("Copy decoded JSON"));
    m_copy->setToolTip(tr("Copy the decoded header and payload as JSON (Ctrl+Shift+C)"));
    m_copy->setShortcut(QKeySequence(Qt::CTRL | Qt::SHIFT | Qt::Key_C));
    m_copy->setEnabled(false);
    connect(m_copy, &QPushButton::clicked, this, [this] {
        const QString json = decodedJson();
        if (!json.isEmpty())
            QApplication::clipboard()->setText(json);
    });

    auto *headerBox = new QWidget(this);
    auto *headerLayout = new QVBoxLayout(headerBox);
    headerLayout->setContentsMargins(0, 0, 0, 0);
    auto *headerTitle = new QHBoxLayout;
    headerTitle->addWidget(new QLabel(tr("<b>Header</b>"), headerBox));
    headerTitle->addStretch();
    headerTitle->addWidget(m_copy);
    headerLayout->addLayout(headerTitle);
    headerLayout->addWidget(m_header);

    auto *payloadBox = new QWidget(this);
    auto *payloadLayout = new QVBoxLayout(payloadBox);
    payloadLayout->setContentsMargins(0, 0, 0, 0);
    payloadLayout->addWidget(new QLabel(tr("<b>Payload (claims)</b>"), payloadBox));
    payloadLayout->addWidget(m_payload);

    auto *signatureBox = new QWidget(this);
    auto *signatureLayout = new QVBoxLayout(signatureBox);
    signatureLayout->setContentsMargins(0, 0, 0, 0);
    signatureLayout->addWidget(m_signature);
    signatureLayout->addWidget(m_signatureHex);

    auto *splitter = new QSplitter(Qt::Vertical, this);
    splitter->setChildrenCollapsible(false);
    splitter->addWidget(headerBox);
    splitter->addWidget(payloadBox);
    splitter->addWidget(signatureBox);
    splitter->setStretchFactor(0, 1);
    splitter->setStretchFactor(1, 3);
    splitter->setStretchFactor(2, 0);

    auto *layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    auto *tokenLabel = new QLabel(tr("&Token:"), this);
    tokenLabel->setBuddy(m_token);
    layout->addWidget(tokenLabel);
    layout->addWidget(m_token);
    layout->addWidget(m_structure);
    layout->addWidget(splitter, 1);
    clearDecoded();
}

QByteArray TokenDecoderPanel::normalize(const QString &text)
{
    QString trimmed = text.trimmed();
    if (trimmed.startsWith(u"Bearer ", Qt::CaseInsensitive))
        trimmed = trimmed.mid(7);
    QByteArray out;
    out.reserve(trimmed.size());
    for (const QChar c : std::as_const(trimmed)) {
        if (c.isSpace())
            continue;
        if (c.unicode() > 0x7f)
            out.append('?'); // not base64url: the parser rejects it with a clear message
        else
            out.append(static_cast<char>(c.unicode()));
    }
    return out;
}

QByteArray TokenDecoderPanel::token() const
{
    return normalize(m_token->toPlainText());
}

void TokenDecoderPanel::setTokenText(const QString &text)
{
    m_token->setPlainText(text);
}

Result<jose::Jwt> TokenDecoderPanel::decode(double reference)
{
    const QByteArray compact = token();
    if (compact.isEmpty()) {
        clearDecoded();
        return fail(ErrorCode::InvalidInput, tr("No token yet."));
    }
    Result<jose::Jwt> jwt = jose::Jwt::decode(compact);
    if (!jwt) {
        clearDecoded();
        m_structure->setText(tr("Could not decode: %1").arg(jwt.error().message()));
        return jwt;
    }
    m_decoded = *jwt;
    const QList<QByteArray> parts = compact.split('.');
    m_structure->setText(tr("%1 characters: header %2, payload %3, signature %4.")
                             .arg(compact.size())
                             .arg(parts.value(0).size())
                             .arg(parts.value(1).size())
                             .arg(parts.value(2).size()));
    const ClaimExplainer explainer(reference);
    m_header->setExplainer([explainer](const QString &name, const QJsonValue &value) {
        return explainer.explainHeader(name, value);
    });
    m_payload->setExplainer([explainer](const QString &name, const QJsonValue &value) {
        return explainer.explainClaim(name, value);
    });
    m_header->setJson(jwt->header());
    m_payload->setJson(jwt->claims());
    showSignature(*jwt);
    m_copy->setEnabled(true);
    return jwt;
}

QString TokenDecoderPanel::decodedJson() const
{
    if (!m_decoded)
        return {};
    QJsonObject both;
    both.insert(QStringLiteral("header"), m_decoded->header());
    both.insert(QStringLiteral("payload"), m_decoded->claims());
    return QString::fromUtf8(QJsonDocument(both).toJson(QJsonDocument::Indented));
}

void TokenDecoderPanel::showSignature(const jose::Jwt &jwt)
{
    const QByteArray &signature = jwt.parts().signature;
    const QString alg = jose::algorithmName(jwt.parts().alg);
    const qsizetype encoded = (signature.size() * 4 + 2) / 3;
    m_signature->setText(tr("<b>Signature</b>: %1 bytes (%2), %3 base64url characters.")
                             .arg(signature.size())
                             .arg(alg)
                             .arg(encoded));
    m_signatureHex->setPlainText(QString::fromLatin1(signature.toHex(' ')));
}

void TokenDecoderPanel::clearDecoded()
{
    m_decoded.reset();
    m_header->clearJson();
    m_payload->clearJson();
    m_structure->clear();
    m_signature->setText(tr("<b>Signature</b>: none decoded."));
    m_signatureHex->clear();
    m_copy->setEnabled(false);
}

} // namespace mwauth::ui
