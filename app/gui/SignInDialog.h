#pragma once

#include <QDialog>

class QCheckBox;
class QDialogButtonBox;
class QLabel;
class QLineEdit;
class QProgressBar;
class QPushButton;
class QTabBar;

namespace mmf::studio {

class Session;
struct ApiResult;

// Sign in, or create an account and sign in. Pre-fills the remembered server and login; shows the server's
// refusal as the studio's own text; accepts once the session is signed in. Never blocks (open() it).
class SignInDialog : public QDialog
{
    Q_OBJECT
public:
    explicit SignInDialog(Session& session, QWidget* parent = nullptr);

    // Switches between "Sign in" (false) and "Create account" (true).
    void setRegisterMode(bool registering);
    bool isRegisterMode() const;
    QString errorText() const;

protected:
    void changeEvent(QEvent* event) override;

private:
    void retranslate();
    void submit();
    void setBusy(bool busy);
    void showError(const QString& text);
    void updateButtons();

    Session& m_session;
    QTabBar* m_modeTabs = nullptr;
    QLineEdit* m_serverEdit = nullptr;
    QLineEdit* m_loginEdit = nullptr;
    QLineEdit* m_passwordEdit = nullptr;
    QLineEdit* m_confirmEdit = nullptr;
    QLabel* m_confirmLabel = nullptr;
    QLabel* m_titleLabel = nullptr;
    QLabel* m_serverLabel = nullptr;
    QLabel* m_loginLabel = nullptr;
    QLabel* m_passwordLabel = nullptr;
    QPushButton* m_cancelButton = nullptr;
    QLineEdit* m_projectEdit = nullptr;
    QLabel* m_projectLabel = nullptr;
    QLabel* m_errorLabel = nullptr;
    QProgressBar* m_busyBar = nullptr;
    QPushButton* m_submitButton = nullptr;
    QDialogButtonBox* m_buttons = nullptr;
};

} // namespace mmf::studio
