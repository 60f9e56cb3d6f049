#pragma once

#include "jose/Jwt.h"

#include <QWidget>

#include <optional>

class QLabel;
class QPlainTextEdit;
class QPushButton;

namespace mwauth::ui {

class JsonTreeView;

// The "Decode" side of the JWT workbench: a token field and its header and payload as
// JSON trees with the meaning of every registered claim, plus the signature's size.
// It decodes only; it never says a token is valid (the page's verdict banner does).
class TokenDecoderPanel : public QWidget
{
    Q_OBJECT
public:
    explicit TokenDecoderPanel(QWidget *parent = nullptr);

    // The token as pasted, with white space and a leading "Bearer " removed.
    QByteArray token() const;
    void setTokenText(const QString &text);

    // Decodes the current text. Times in the explanations are relative to `reference`.
    // Returns the token, or the error that stopped decoding (also shown on the panel).
    Result<jose::Jwt> decode(double reference);

    // The last successful decode, if the text decoded.
    const std::optional<jose::Jwt> &decoded() const { return m_decoded; }
    // {"header": ..., "payload": ...} indented, or empty when nothing decoded.
    QString decodedJson() const;

    // Normalises pasted text: drops white space anywhere and a leading "Bearer ".
    static QByteArray normalize(const QString &text);

signals:
    // The user edited the token (the page decodes after a short pause).
    void tokenEdited();
    // Ctrl+Return in the token field: decode now.
    void decodeRequested();

private:
    void showSignature(const jose::Jwt &jwt);
    void clearDecoded();

    QPlainTextEdit *m_token;
    QLabel *m_structure;
    JsonTreeView *m_header;
    JsonTreeView *m_payload;
    QLabel *m_signature;
    QPlainTextEdit *m_signatureHex;
    QPushButton *m_copy;
    std::optional<jose::Jwt> m_decoded;
};

} // namespace mwauth::ui
