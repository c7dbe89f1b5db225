#include "gui/SignInDialog.h"

#include "core/ErrorText.h"
#include "core/Session.h"

#include <QDialogButtonBox>
#include <QEvent>
#include <QFormLayout>
#include <QLabel>
#include <QLineEdit>
#include <QProgressBar>
#include <QPushButton>
#include <QStyle>
#include <QTabBar>
#include <QVBoxLayout>

namespace mmf::studio {

SignInDialog::SignInDialog(Session& session, QWidget* parent)
    : QDialog(parent)
    , m_session(session)
{
    setObjectName(QStringLiteral("signInDialog"));
    setWindowTitle(tr("Sign in to MMF"));
    setWindowIcon(style()->standardIcon(QStyle::SP_DialogYesButton));
    setMinimumWidth(420);

    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(20, 20, 20, 16);
    layout->setSpacing(12);

    m_titleLabel = new QLabel(this);
    m_titleLabel->setTextFormat(Qt::RichText);
    layout->addWidget(m_titleLabel);

    m_modeTabs = new QTabBar(this);
    m_modeTabs->setObjectName(QStringLiteral("modeTabs"));
    m_modeTabs->addTab(QString());
    m_modeTabs->addTab(QString());
    m_modeTabs->setExpanding(false);
    layout->addWidget(m_modeTabs);

    auto* form = new QFormLayout;
    form->setFieldGrowthPolicy(QFormLayout::AllNonFixedFieldsGrow);
    m_serverEdit = new QLineEdit(session.serverUrl().toString(), this);
    m_serverEdit->setObjectName(QStringLiteral("serverEdit"));
    m_serverEdit->setPlaceholderText(QStringLiteral("http://127.0.0.1:8080"));
    m_serverLabel = new QLabel(this);
    m_serverLabel->setBuddy(m_serverEdit);
    form->addRow(m_serverLabel, m_serverEdit);
    m_loginEdit = new QLineEdit(session.login(), this);
    m_loginEdit->setObjectName(QStringLiteral("loginEdit"));
    m_loginLabel = new QLabel(this);
    m_loginLabel->setBuddy(m_loginEdit);
    form->addRow(m_loginLabel, m_loginEdit);
    m_passwordEdit = new QLineEdit(this);
    m_passwordEdit->setObjectName(QStringLiteral("passwordEdit"));
    m_passwordEdit->setEchoMode(QLineEdit::Password);
    m_passwordLabel = new QLabel(this);
    m_passwordLabel->setBuddy(m_passwordEdit);
    form->addRow(m_passwordLabel, m_passwordEdit);
    m_confirmEdit = new QLineEdit(this);
    m_confirmEdit->setObjectName(QStringLiteral("confirmEdit"));
    m_confirmEdit->setEchoMode(QLineEdit::Password);
    m_confirmLabel = new QLabel(this);
    m_confirmLabel->setBuddy(m_confirmEdit);
    form->addRow(m_confirmLabel, m_confirmEdit);
    m_projectEdit = new QLineEdit(this);
    m_projectEdit->setObjectName(QStringLiteral("projectEdit"));
    m_projectLabel = new QLabel(this);
    m_projectLabel->setBuddy(m_projectEdit);
    form->addRow(m_projectLabel, m_projectEdit);
    layout->addLayout(form);

    m_errorLabel = new QLabel(this);
    m_errorLabel->setObjectName(QStringLiteral("errorLabel"));
    m_errorLabel->setWordWrap(true);
    m_errorLabel->setStyleSheet(QStringLiteral("color: #c62828;"));
    m_errorLabel->setTextInteractionFlags(Qt::TextSelectableByMouse);
    m_errorLabel->hide();
    layout->addWidget(m_errorLabel);

    m_busyBar = new QProgressBar(this);
    m_busyBar->setObjectName(QStringLiteral("busyBar"));
    m_busyBar->setRange(0, 0);
    m_busyBar->setMaximumHeight(6);
    m_busyBar->setTextVisible(false);
    m_busyBar->hide();
    layout->addWidget(m_busyBar);

    m_buttons = new QDialogButtonBox(this);
    m_submitButton = m_buttons->addButton(QString(), QDialogButtonBox::AcceptRole);
    m_submitButton->setObjectName(QStringLiteral("signInButton"));
    m_submitButton->setDefault(true);
    QPushButton* cancel = m_buttons->addButton(QDialogButtonBox::Cancel);
    cancel->setObjectName(QStringLiteral("cancelButton"));
    m_cancelButton = cancel;
    layout->addWidget(m_buttons);

    connect(m_modeTabs, &QTabBar::currentChanged, this, [this](int) { setRegisterMode(isRegisterMode()); });
    connect(m_submitButton, &QPushButton::clicked, this, &SignInDialog::submit);
    connect(cancel, &QPushButton::clicked, this, &QDialog::reject);
    for (QLineEdit* edit : {m_serverEdit, m_loginEdit, m_passwordEdit, m_confirmEdit})
        connect(edit, &QLineEdit::textChanged, this, &SignInDialog::updateButtons);

    connect(&m_session, &Session::failed, this, [this](const ApiResult& result) {
        setBusy(false);
        if (result.httpStatus == 401 && !isRegisterMode())
            showError(tr("The login or the password is wrong."));
        else if (result.httpStatus == 409 && isRegisterMode())
            showError(tr("This login is taken. Choose another one."));
        else if (result.httpStatus == 404)
            showError(tr("This server does not offer accounts (no /api/v1/auth). Check the address."));
        else
            showError(ErrorText::forResult(result));
    });
    connect(&m_session, &Session::signedIn, this, [this] {
        setBusy(false);
        m_passwordEdit->clear();
        m_confirmEdit->clear();
        accept();
    });

    retranslate();
    if (!m_loginEdit->text().isEmpty())
        m_passwordEdit->setFocus();
}

void SignInDialog::retranslate()
{
    m_titleLabel->setText(tr("<h2>MMF Studio</h2><p>Sign in to a model-serving server.</p>"));
    m_modeTabs->setTabText(0, tr("Sign in"));
    m_modeTabs->setTabText(1, tr("Create account"));
    m_serverLabel->setText(tr("&Server:"));
    m_loginLabel->setText(tr("&Login:"));
    m_loginEdit->setPlaceholderText(tr("Your login"));
    m_passwordLabel->setText(tr("&Password:"));
    m_confirmLabel->setText(tr("&Repeat password:"));
    m_projectLabel->setText(tr("P&roject:"));
    m_projectEdit->setPlaceholderText(tr("optional: your first project"));
    m_cancelButton->setText(tr("Cancel"));
    const bool errorShown = m_errorLabel->isVisible();
    setRegisterMode(isRegisterMode());
    m_errorLabel->setVisible(errorShown);
}

void SignInDialog::changeEvent(QEvent* event)
{
    if (event->type() == QEvent::LanguageChange)
        retranslate();
    QDialog::changeEvent(event);
}

bool SignInDialog::isRegisterMode() const
{
    return m_modeTabs->currentIndex() == 1;
}

void SignInDialog::setRegisterMode(bool registering)
{
    if (m_modeTabs->currentIndex() != (registering ? 1 : 0))
        m_modeTabs->setCurrentIndex(registering ? 1 : 0); // re-enters through currentChanged
    m_confirmEdit->setVisible(registering);
    m_confirmLabel->setVisible(registering);
    m_projectEdit->setVisible(!registering);
    m_projectLabel->setVisible(!registering);
    m_submitButton->setText(registering ? tr("Create account") : tr("Sign in"));
    setWindowTitle(registering ? tr("Create an MMF account") : tr("Sign in to MMF"));
    m_errorLabel->hide();
    updateButtons();
}

QString SignInDialog::errorText() const
{
    return m_errorLabel->isVisible() ? m_errorLabel->text() : QString();
}

void SignInDialog::updateButtons()
{
    const bool filled = !m_serverEdit->text().trimmed().isEmpty() &&
                        !m_loginEdit->text().trimmed().isEmpty() && !m_passwordEdit->text().isEmpty() &&
                        (!isRegisterMode() || !m_confirmEdit->text().isEmpty());
    m_submitButton->setEnabled(filled && m_busyBar->isHidden());
}

void SignInDialog::setBusy(bool busy)
{
    m_busyBar->setVisible(busy);
    for (QWidget* widget : std::initializer_list<QWidget*>{m_serverEdit, m_loginEdit, m_passwordEdit,
                                                           m_confirmEdit, m_projectEdit, m_modeTabs})
        widget->setEnabled(!busy);
    updateButtons();
}

void SignInDialog::showError(const QString& text)
{
    m_errorLabel->setText(text);
    m_errorLabel->show();
}

void SignInDialog::submit()
{
    m_errorLabel->hide();
    QString address = m_serverEdit->text().trimmed();
    if (!address.contains(QLatin1String("://")))
        address.prepend(QLatin1String("http://"));
    const QUrl server(address, QUrl::StrictMode);
    if (!server.isValid() || server.host().isEmpty() ||
        (server.scheme() != QLatin1String("http") && server.scheme() != QLatin1String("https"))) {
        showError(tr("The server address is not valid. Use e.g. http://127.0.0.1:8080."));
        return;
    }
    const QString login = m_loginEdit->text().trimmed();
    if (isRegisterMode() && m_passwordEdit->text() != m_confirmEdit->text()) {
        showError(tr("The two passwords differ."));
        return;
    }
    setBusy(true);
    if (isRegisterMode())
        m_session.registerAccount(server, login, m_passwordEdit->text());
    else
        m_session.signIn(server, login, m_passwordEdit->text(), m_projectEdit->text().trimmed());
}

} // namespace mmf::studio
