#pragma once

#include "common/Result.h"
#include "jose/Jwks.h"

#include <QWidget>

class QLabel;
class QLineEdit;
class QNetworkAccessManager;
class QNetworkReply;
class QPushButton;
class QTableWidget;

namespace mwauth::ui {

// Shows any JWKS: from a URL (a remote issuer's jwks_uri, fetched asynchronously, at most
// 1 MiB, 20 s) or a file. One row per key: kid, type, size or curve, alg, use, and its RFC 7638
// thumbprint; keys that could not be read are listed with the reason. Errors (unreachable,
// HTTP error, not JSON, not a JWKS) are shown in plain words; the previous keys stay until a
// load succeeds, so nothing is lost to a typo.
class JwksViewer : public QWidget
{
    Q_OBJECT
public:
    static constexpr qint64 MaxDocumentSize = 1024 * 1024;

    // `network` must outlive the viewer.
    explicit JwksViewer(QNetworkAccessManager *network, QWidget *parent = nullptr);

    // A URL (http/https) or a local file path.
    void load(const QString &source);
    bool isLoading() const { return m_reply != nullptr; }
    const jose::Jwks &jwks() const { return m_jwks; }
    QString errorText() const;

signals:
    void loaded();
    void failed(const QString &message);

private:
    void show(const QByteArray &document, const QString &source);
    void showError(const QString &message);
    void onReplyFinished();

    QNetworkAccessManager *m_network;
    QNetworkReply *m_reply = nullptr;
    QString m_loadingSource;
    jose::Jwks m_jwks;
    QLineEdit *m_source;
    QPushButton *m_load;
    QLabel *m_status;
    QTableWidget *m_table;
};

} // namespace mwauth::ui
