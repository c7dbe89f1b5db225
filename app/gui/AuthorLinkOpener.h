#pragma once

#include <QObject>
#include <QUrl>

#include <functional>

class QTextBrowser;

namespace mmf::studio {

// Opens the links of model-authored text shown in a QTextBrowser (a model's docs): a model's author is not
// trusted by the user, so only http and https links open, and only after the user confirmed the exact
// address; in-page anchors scroll; every other scheme (file:, smb:, custom handlers) is ignored. Attaches
// itself to the browser (its child) and turns the browser's own link handling off. Tests answer in place of
// the dialog.
class AuthorLinkOpener : public QObject
{
    Q_OBJECT
public:
    using Confirm = std::function<bool(const QUrl& url)>;

    explicit AuthorLinkOpener(QTextBrowser* browser);

    // Replaces the question (a QMessageBox naming the address).
    void setConfirm(Confirm confirm) { m_confirm = std::move(confirm); }
    void open(const QUrl& url);

private:
    bool ask(const QUrl& url) const;

    QTextBrowser* m_browser;
    Confirm m_confirm;
};

} // namespace mmf::studio
