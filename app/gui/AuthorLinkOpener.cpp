#include "gui/AuthorLinkOpener.h"

#include <QDesktopServices>
#include <QMessageBox>
#include <QTextBrowser>

namespace mmf::studio {

AuthorLinkOpener::AuthorLinkOpener(QTextBrowser* browser)
    : QObject(browser)
    , m_browser(browser)
{
    browser->setOpenExternalLinks(false);
    browser->setOpenLinks(false);
    connect(browser, &QTextBrowser::anchorClicked, this, &AuthorLinkOpener::open);
}

void AuthorLinkOpener::open(const QUrl& url)
{
    if (url.scheme().isEmpty() && url.path().isEmpty() && url.hasFragment()) {
        m_browser->scrollToAnchor(url.fragment());
        return;
    }
    const QString scheme = url.scheme().toLower();
    if (scheme != QLatin1String("http") && scheme != QLatin1String("https"))
        return;
    if (m_confirm ? m_confirm(url) : ask(url))
        QDesktopServices::openUrl(url);
}

bool AuthorLinkOpener::ask(const QUrl& url) const
{
    QMessageBox box(
        QMessageBox::Question, tr("Open a link?"),
        tr("This link is part of the model's documentation, written by the model's author:\n\n%1\n\n"
           "Open it in your browser?")
            .arg(url.toDisplayString()),
        QMessageBox::Open | QMessageBox::Cancel, m_browser);
    box.setObjectName(QStringLiteral("authorLinkQuestion"));
    box.setDefaultButton(QMessageBox::Cancel);
    return box.exec() == QMessageBox::Open;
}

} // namespace mmf::studio
