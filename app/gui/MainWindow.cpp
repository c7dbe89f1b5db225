#include "gui/MainWindow.h"

#include "core/ApiClient.h"
#include "core/EventStream.h"
#include "core/ModelListModel.h"
#include "core/Session.h"
#include "core/StudioContext.h"
#include "core/TaskListModel.h"
#include "gui/DashboardPage.h"
#include "gui/DictionaryPage.h"
#include "gui/ModelDetailsPage.h"
#include "gui/ModelsPage.h"
#include "gui/SettingsPage.h"
#include "gui/SignInDialog.h"
#include "gui/SubmitPage.h"
#include "gui/TasksPage.h"

#include <QApplication>
#include <QCloseEvent>
#include <QHBoxLayout>
#include <QLabel>
#include <QListWidget>
#include <QMenuBar>
#include <QMessageBox>
#include <QProgressBar>
#include <QStackedWidget>
#include <QStatusBar>
#include <QStyle>

namespace mmf::studio {

MainWindow::MainWindow(StudioContext& context, QWidget* parent)
    : QMainWindow(parent)
    , m_context(context)
{
    setObjectName(QStringLiteral("mainWindow"));
    setWindowIcon(style()->standardIcon(QStyle::SP_ComputerIcon));
    m_models = new ModelListModel(context.api, context.events, this);
    m_tasks = new TaskListModel(context.api, context.events, this);

    auto* central = new QWidget(this);
    auto* layout = new QHBoxLayout(central);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->setSpacing(0);
    m_navigation = new QListWidget(central);
    m_navigation->setObjectName(QStringLiteral("navigation"));
    m_navigation->setFixedWidth(170);
    m_navigation->setIconSize(QSize(20, 20));
    m_navigation->setSpacing(2);
    m_navigation->setFrameShape(QFrame::NoFrame);
    m_navigation->setStyleSheet(QStringLiteral("QListWidget#navigation { background: palette(window); "
                                               "padding-top: 8px; border-right: 1px solid palette(mid); }"
                                               "QListWidget#navigation::item { padding: 7px 6px; }"));
    m_pages = new QStackedWidget(central);
    m_pages->setObjectName(QStringLiteral("pages"));
    layout->addWidget(m_navigation);
    layout->addWidget(m_pages, 1);
    setCentralWidget(central);

    m_modelsPage = new ModelsPage(context, *m_models, m_pages);
    m_submitPage = new SubmitPage(context, *m_models, *m_tasks, m_pages);
    m_tasksPage = new TasksPage(context, *m_tasks, *m_models, m_pages);
    addPage(QStringLiteral("models"), m_modelsPage, style()->standardIcon(QStyle::SP_DriveNetIcon));
    addPage(QStringLiteral("submit"), m_submitPage, style()->standardIcon(QStyle::SP_MediaPlay));
    addPage(QStringLiteral("tasks"), m_tasksPage, style()->standardIcon(QStyle::SP_FileDialogListView));
    addPage(QStringLiteral("dashboard"), new DashboardPage(context, m_pages),
            style()->standardIcon(QStyle::SP_FileDialogContentsView));
    m_detailsPage = new ModelDetailsPage(context, m_pages);
    addPage(QStringLiteral("details"), m_detailsPage, style()->standardIcon(QStyle::SP_FileDialogInfoView));
    {
        auto* dictionary = new DictionaryPage(context, m_pages);
        addPage(QStringLiteral("dictionary"), dictionary,
                style()->standardIcon(QStyle::SP_FileDialogDetailedView));
        // DictionaryPage::showField (the form's help links) brings the glossary to the front.
        connect(dictionary, &DictionaryPage::fieldShown, this,
                [this] { showPage(QStringLiteral("dictionary")); });
        connect(m_submitPage, &SubmitPage::helpRequested, dictionary, &DictionaryPage::showField);
    }
    addPage(QStringLiteral("settings"), new SettingsPage(context, m_pages),
            style()->standardIcon(QStyle::SP_FileDialogEnd));
    connect(m_navigation, &QListWidget::currentRowChanged, m_pages, &QStackedWidget::setCurrentIndex);

    connect(m_modelsPage, &ModelsPage::submitRequested, this, [this](const QString& model) {
        m_submitPage->selectModel(model);
        showPage(QStringLiteral("submit"));
    });
    connect(m_modelsPage, &ModelsPage::detailsRequested, this, [this](const QString& model) {
        m_detailsPage->showModel(model);
        showPage(QStringLiteral("details"));
    });
    connect(m_tasksPage, &TasksPage::resubmitRequested, this,
            [this](const QString& model, const QJsonObject& request) {
                m_submitPage->loadRequest(model, request);
                showPage(QStringLiteral("submit"));
            });

    // Menus.
    m_fileMenu = menuBar()->addMenu(QString());
    m_signInAction = m_fileMenu->addAction(style()->standardIcon(QStyle::SP_DialogYesButton), QString(), this,
                                           &MainWindow::showSignIn);
    m_signInAction->setObjectName(QStringLiteral("signInAction"));
    m_signOutAction = m_fileMenu->addAction(style()->standardIcon(QStyle::SP_DialogCloseButton), QString(),
                                            this, [this] { m_context.session.signOut(); });
    m_signOutAction->setObjectName(QStringLiteral("signOutAction"));
    m_fileMenu->addSeparator();
    m_quitAction = m_fileMenu->addAction(style()->standardIcon(QStyle::SP_TitleBarCloseButton), QString(),
                                         this, &QWidget::close);
    m_quitAction->setShortcut(QKeySequence::Quit);
    m_helpMenu = menuBar()->addMenu(QString());
    m_aboutAction = m_helpMenu->addAction(style()->standardIcon(QStyle::SP_MessageBoxInformation), QString(),
                                          this, &MainWindow::about);
    m_aboutAction->setObjectName(QStringLiteral("aboutAction"));
    m_aboutQtAction = m_helpMenu->addAction(QString(), qApp, &QApplication::aboutQt);

    // Status bar.
    m_connection = new QLabel(this);
    m_connection->setObjectName(QStringLiteral("connectionLabel"));
    m_user = new QLabel(this);
    m_user->setObjectName(QStringLiteral("userLabel"));
    m_busy = new QProgressBar(this);
    m_busy->setObjectName(QStringLiteral("apiBusy"));
    m_busy->setRange(0, 0);
    m_busy->setMaximumWidth(90);
    m_busy->setMaximumHeight(12);
    m_busy->setTextVisible(false);
    m_busy->hide();
    statusBar()->addWidget(m_connection, 1);
    statusBar()->addPermanentWidget(m_busy);
    statusBar()->addPermanentWidget(m_user);

    connect(&m_context.api, &ApiClient::busyChanged, m_busy, &QWidget::setVisible);
    connect(&m_context.api, &ApiClient::reachabilityChanged, this, &MainWindow::updateConnection);
    connect(&m_context.api, &ApiClient::sessionExpired, this, [this] {
        statusBar()->showMessage(tr("Your session has expired. Please sign in again."), 10000);
        if (m_context.session.isSignedIn())
            m_context.session.signOut();
    });
    connect(&m_context.events, &EventStream::stateChanged, this, &MainWindow::updateConnection);
    connect(&m_context.session, &Session::stateChanged, this, &MainWindow::updateConnection);
    connect(&m_context.session, &Session::signedIn, this, &MainWindow::onSignedIn);
    connect(&m_context.session, &Session::signedOut, this, &MainWindow::onSignedOut);
    connect(&m_context.session, &Session::failed, this, [this](const ApiResult&) {
        if (!m_context.session.isSignedIn() && m_prompts && !m_signIn)
            showSignIn();
    });

    resize(1200, 800);
    QSettings& settings = m_context.settings;
    restoreGeometry(settings.value(QStringLiteral("mainWindow/geometry")).toByteArray());
    restoreState(settings.value(QStringLiteral("mainWindow/state")).toByteArray());
    retranslate();
    const int page = m_pageNames.indexOf(settings.value(QStringLiteral("mainWindow/page")).toString());
    m_navigation->setCurrentRow(page >= 0 ? page : 0);
    updateConnection();
    if (m_context.session.isSignedIn())
        onSignedIn();
}

MainWindow::~MainWindow() = default;

void MainWindow::addPage(const QString& name, QWidget* page, const QIcon& icon)
{
    m_pageNames.append(name);
    m_pages->addWidget(page);
    auto* item = new QListWidgetItem(icon, QString(), m_navigation);
    item->setData(Qt::UserRole, name);
}

void MainWindow::retranslate()
{
    setWindowTitle(tr("MMF Studio"));
    const QHash<QString, QString> titles{
        {QStringLiteral("models"), tr("Models")},         {QStringLiteral("submit"), tr("Submit")},
        {QStringLiteral("tasks"), tr("Tasks")},           {QStringLiteral("dashboard"), tr("Dashboard")},
        {QStringLiteral("details"), tr("Model details")}, {QStringLiteral("dictionary"), tr("Dictionary")},
        {QStringLiteral("settings"), tr("Settings")},
    };
    for (int i = 0; i < m_navigation->count(); ++i)
        m_navigation->item(i)->setText(titles.value(m_pageNames.value(i)));
    m_fileMenu->setTitle(tr("&File"));
    m_signInAction->setText(tr("&Sign in…"));
    m_signOutAction->setText(tr("Sign &out"));
    m_quitAction->setText(tr("&Quit"));
    m_helpMenu->setTitle(tr("&Help"));
    m_aboutAction->setText(tr("&About MMF Studio"));
    m_aboutQtAction->setText(tr("About &Qt"));
    updateConnection();
}

void MainWindow::changeEvent(QEvent* event)
{
    if (event->type() == QEvent::LanguageChange)
        retranslate();
    QMainWindow::changeEvent(event);
}

void MainWindow::showPage(const QString& name)
{
    const int index = m_pageNames.indexOf(name);
    if (index >= 0)
        m_navigation->setCurrentRow(index);
}

QString MainWindow::currentPage() const
{
    return m_pageNames.value(m_navigation->currentRow());
}

QWidget* MainWindow::page(const QString& name) const
{
    const int index = m_pageNames.indexOf(name);
    return index >= 0 ? m_pages->widget(index) : nullptr;
}

void MainWindow::start()
{
    if (m_context.session.isSignedIn())
        return;
    if (m_context.session.canResume())
        m_context.session.resume(); // a refused resume opens the dialog through failed()
    else
        showSignIn();
}

void MainWindow::showSignIn()
{
    if (m_signIn) {
        m_signIn->raise();
        return;
    }
    m_signIn = new SignInDialog(m_context.session, this);
    m_signIn->setAttribute(Qt::WA_DeleteOnClose);
    m_signIn->open();
}

void MainWindow::forgetUserData()
{
    m_submitPage->reset();
    m_tasksPage->reset();
    m_detailsPage->reset();
}

void MainWindow::onSignedIn()
{
    // Another account (or the same one again after signing out): nothing of the previous session stays.
    const QString login = m_context.session.login();
    if (login != m_lastLogin)
        forgetUserData();
    m_lastLogin = login;
    m_context.events.open();
    if (!m_detailsPage->model().isEmpty())
        m_detailsPage->refresh();
    if (!m_statsSubscribed) {
        m_context.events.subscribe(QStringLiteral("stats"));
        m_statsSubscribed = true;
    }
    m_models->refresh();
    m_tasks->refresh();
    updateConnection();
}

void MainWindow::onSignedOut()
{
    m_context.events.close();
    m_models->clear();
    m_tasks->clear();
    forgetUserData();
    m_lastLogin.clear();
    updateConnection();
    if (m_prompts)
        showSignIn();
}

QString MainWindow::connectionText() const
{
    return m_connection->text();
}

void MainWindow::updateConnection()
{
    if (!m_connection)
        return;
    const Session& session = m_context.session;
    const QString server = m_context.api.baseUrl().toString();
    QString text;
    QString colour = QStringLiteral("#78909c");
    if (session.state() == Session::State::Busy) {
        text = tr("Signing in to %1…").arg(server);
    } else if (!session.isSignedIn()) {
        text = tr("Signed out");
    } else {
        switch (m_context.events.state()) {
        case EventStream::State::Open:
            text = tr("Connected to %1 (live)").arg(server);
            colour = QStringLiteral("#2e7d32");
            break;
        case EventStream::State::Connecting:
            text = tr("Connecting to %1…").arg(server);
            break;
        case EventStream::State::Reconnecting:
            text = tr("Connection to %1 lost; reconnecting…").arg(server);
            colour = QStringLiteral("#e65100");
            break;
        case EventStream::State::Closed:
            text = tr("Signed in to %1 (not live)").arg(server);
            break;
        }
    }
    m_connection->setText(
        QStringLiteral("<span style=\"color:%1\">●</span> %2").arg(colour, text.toHtmlEscaped()));
    m_user->setText(session.isSignedIn() && !session.login().isEmpty()
                        ? tr("Signed in as %1").arg(session.login())
                        : QString());
    m_signOutAction->setEnabled(session.isSignedIn());
    m_signInAction->setEnabled(!session.isSignedIn());
}

void MainWindow::about()
{
    QMessageBox::about(
        this, tr("About MMF Studio"),
        tr("<h3>MMF Studio %1</h3>"
           "<p>The desktop client of MMF, a self-hosted model-serving platform: browse the live "
           "models, submit tasks through forms generated from their descriptors, follow their logs "
           "and results, and watch the system.</p>"
           "<p>Built with Qt %2.</p>")
            .arg(QApplication::applicationVersion(), QString::fromLatin1(qVersion())));
}

void MainWindow::closeEvent(QCloseEvent* event)
{
    QSettings& settings = m_context.settings;
    settings.setValue(QStringLiteral("mainWindow/geometry"), saveGeometry());
    settings.setValue(QStringLiteral("mainWindow/state"), saveState());
    settings.setValue(QStringLiteral("mainWindow/page"), currentPage());
    QMainWindow::closeEvent(event);
}

} // namespace mmf::studio
