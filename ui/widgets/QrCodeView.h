#pragma once

#include <QImage>
#include <QWidget>

namespace mwauth::ui {

// Draws a QR code (libqrencode, error correction M) of a short text such as an otpauth://
// URI, crisp at any size: whole device pixels per module, a quiet zone of four modules,
// always dark on white whatever the palette (scanners need that contrast).
class QrCodeView : public QWidget
{
    Q_OBJECT
public:
    explicit QrCodeView(QWidget *parent = nullptr);

    // Empty text clears the view. Returns false (and clears) when the text cannot be encoded
    // (longer than a QR code holds).
    bool setText(const QString &text);
    QString text() const { return m_text; }
    // The code's modules, without the quiet zone: 1 bit per module, black = dark. Null when empty.
    const QImage &modules() const { return m_modules; }
    // The code rendered with its quiet zone, `scale` pixels per module.
    QImage render(int scale) const;

    QSize sizeHint() const override;
    QSize minimumSizeHint() const override;

protected:
    void paintEvent(QPaintEvent *event) override;

private:
    QString m_text;
    QImage m_modules;
};

} // namespace mwauth::ui
