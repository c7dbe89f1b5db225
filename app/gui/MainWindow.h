#pragma once

#include <QMainWindow>
#include <QPointer>

#include "gui/SignInDialog.h"

class QLabel;
class QListWidget;
class QProgressBar;
class QStackedWidget;

namespace mmf::studio {

struct StudioContext;
class ModelListModel;
class ModelDetailsPage;
class ModelsPage;
class SubmitPage;
class TaskListModel;
class TasksPage;

// The studio's window: navigation on the left (Models, Submit, Tasks, and the Dashboard, Model details,
// Dictionary and Settings pages when built in), a status bar with the connection state and a busy indicator,
// sign in / sign out, an About box. Remembers its geometry, state and page in the context's settings.
class MainWindow : public QMainWindow
{
    Q_OBJECT
public:
    explicit MainWindow(StudioContext& context, QWidget* parent = nullptr);
    ~MainWindow() override;

    // Resumes the remembered session, else asks to sign in (non-blocking).
    void start();
    // Whether a sign-out or an expired session opens the sign-in dialog (tests turn it off).
    void setSignInPrompts(bool enabled) { m_prompts = enabled; }
    void showSignIn();
    SignInDialog* signInDialog() const { return m_signIn; }

    // Pages by name: "models", "submit", "tasks", "dashboard", "details", "dictionary", "settings".
    void showPage(const QString& name);
    QString currentPage() const;
    QWidget* page(const QString& name) const;

    ModelsPage* modelsPage() const { return m_modelsPage; }
    SubmitPage* submitPage() const { return m_submitPage; }
    TasksPage* tasksPage() const { return m_tasksPage; }
    ModelListModel& models() { return *m_models; }
    TaskListModel& tasks() { return *m_tasks; }
    QString connectionText() const;

protected:
    void closeEvent(QCloseEvent* event) override;
    void changeEvent(QEvent* event) override;

private:
    void addPage(const QString& name, QWidget* page, const QIcon& icon);
    void retranslate();
    void onSignedIn();
    void onSignedOut();
    // Clears what pages hold of the signed-in user (task panes, form values, dead letters).
    void forgetUserData();
    void updateConnection();
    void about();

    StudioContext& m_context;
    ModelListModel* m_models = nullptr;
    TaskListModel* m_tasks = nullptr;
    QListWidget* m_navigation = nullptr;
    QStackedWidget* m_pages = nullptr;
    QStringList m_pageNames;
    ModelsPage* m_modelsPage = nullptr;
    SubmitPage* m_submitPage = nullptr;
    TasksPage* m_tasksPage = nullptr;
    ModelDetailsPage* m_detailsPage = nullptr;
    QLabel* m_connection = nullptr;
    QLabel* m_user = nullptr;
    QProgressBar* m_busy = nullptr;
    QAction* m_signInAction = nullptr;
    QAction* m_signOutAction = nullptr;
    QAction* m_quitAction = nullptr;
    QAction* m_aboutAction = nullptr;
    QAction* m_aboutQtAction = nullptr;
    QMenu* m_fileMenu = nullptr;
    QMenu* m_helpMenu = nullptr;
    QPointer<SignInDialog> m_signIn;
    bool m_prompts = true;
    bool m_statsSubscribed = false;
    QString m_lastLogin; // whose data the pages hold
};

} // namespace mmf::studio
