#include "QrCodeView.h"

#include <QPainter>

#include <qrencode.h>

#include <memory>

namespace mwauth::ui {

namespace {
constexpr int quietZone = 4; // modules, ISO/IEC 18004
}

QrCodeView::QrCodeView(QWidget *parent)
    : QWidget(parent)
{
    setAccessibleName(tr("QR code"));
}

bool QrCodeView::setText(const QString &text)
{
    m_text.clear();
    m_modules = {};
    if (!text.isEmpty()) {
        const QByteArray utf8 = text.toUtf8();
        std::unique_ptr<QRcode, decltype(&QRcode_free)> code(
            QRcode_encodeString8bit(utf8.constData(), 0, QR_ECLEVEL_M), &QRcode_free);
        if (code) {
            m_text = text;
            m_modules = QImage(code->width, code->width, QImage::Format_Mono);
            m_modules.setColorTable({qRgb(255, 255, 255), qRgb(0, 0, 0)});
            for (int y = 0; y < code->width; ++y) {
                for (int x = 0; x < code->width; ++x)
                    m_modules.setPixel(x, y, code->data[y * code->width + x] & 1 ? 1 : 0);
            }
        }
    }
    setAccessibleDescription(m_text);
    updateGeometry();
    update();
    return m_text == text;
}

QImage QrCodeView::render(int scale) const
{
    if (m_modules.isNull() || scale < 1)
        return {};
    const int side = (m_modules.width() + 2 * quietZone) * scale;
    QImage image(side, side, QImage::Format_RGB32);
    image.fill(Qt::white);
    QPainter painter(&image);
    painter.drawImage(
        QRect(quietZone * scale, quietZone * scale, m_modules.width() * scale, m_modules.height() * scale),
        m_modules);
    return image;
}

QSize QrCodeView::sizeHint() const
{
    return minimumSizeHint() * 2;
}

QSize QrCodeView::minimumSizeHint() const
{
    const int modules = m_modules.isNull() ? 25 : m_modules.width();
    const int side = (modules + 2 * quietZone) * 2;
    return {side, side};
}

void QrCodeView::paintEvent(QPaintEvent *)
{
    if (m_modules.isNull())
        return;
    QPainter painter(this);
    const int total = m_modules.width() + 2 * quietZone;
    // Whole device pixels per module keep every module the same size (no blur).
    const qreal ratio = devicePixelRatioF();
    const int scale = qMax(1, static_cast<int>(qMin(width(), height()) * ratio) / total);
    const QImage image = render(scale);
    const QSizeF logical = QSizeF(image.size()) / ratio;
    const QRectF target(QPointF((width() - logical.width()) / 2, (height() - logical.height()) / 2), logical);
    painter.drawImage(target, image);
}

} // namespace mwauth::ui
