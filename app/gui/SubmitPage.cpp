#include "gui/SubmitPage.h"

#include "core/ApiClient.h"
#include "core/ErrorText.h"
#include "core/EventStream.h"
#include "core/FormModel.h"
#include "core/ModelListModel.h"
#include "core/RecentRequests.h"
#include "core/RequestCommands.h"
#include "core/Session.h"
#include "core/StudioContext.h"
#include "core/TaskFollower.h"
#include "core/TaskListModel.h"
#include "gui/BusyBar.h"
#include "gui/LogView.h"
#include "gui/RequestForm.h"
#include "gui/ResultView.h"
#include "schema/ProtoJson.h"

#include <QApplication>
#include <QClipboard>
#include <QComboBox>
#include <QEvent>
#include <QGroupBox>
#include <QHBoxLayout>
#include <QJsonArray>
#include <QJsonDocument>
#include <QLabel>
#include <QMenu>
#include <QPlainTextEdit>
#include <QProgressBar>
#include <QPushButton>
#include <QScrollArea>
#include <QSplitter>
#include <QStackedWidget>
#include <QStyle>
#include <QTabWidget>
#include <QTextCursor>
#include <QToolButton>
#include <QVBoxLayout>

namespace mmf::studio {

SubmitPage::SubmitPage(StudioContext& context, ModelListModel& models, TaskListModel& tasks, QWidget* parent)
    : QWidget(parent)
    , m_context(context)
    , m_models(models)
    , m_tasks(tasks)
{
    setObjectName(QStringLiteral("submitPage"));
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(12, 12, 12, 12);
    layout->setSpacing(8);

    auto* top = new QHBoxLayout;
    auto* title = new QLabel(this);
    bindText([=] { title->setText(tr("<b>Model:</b>")); });
    top->addWidget(title);
    m_modelCombo = new QComboBox(this);
    m_modelCombo->setObjectName(QStringLiteral("modelCombo"));
    m_modelCombo->setMinimumWidth(200);
    bindText([this] { m_modelCombo->setPlaceholderText(tr("Choose a model")); });
    top->addWidget(m_modelCombo);
    m_modelInfo = new QLabel(this);
    m_modelInfo->setObjectName(QStringLiteral("modelInfo"));
    m_modelInfo->setForegroundRole(QPalette::PlaceholderText);
    top->addWidget(m_modelInfo, 1);
    m_busy = new BusyBar(this, 120);
    m_busy->setObjectName(QStringLiteral("busyBar"));
    top->addWidget(m_busy);
    layout->addLayout(top);

    auto* splitter = new QSplitter(Qt::Horizontal, this);
    splitter->setChildrenCollapsible(false);

    // Left: the request.
    auto* requestBox = new QGroupBox(splitter);
    bindText([=] { requestBox->setTitle(tr("Request")); });
    auto* requestLayout = new QVBoxLayout(requestBox);
    m_requestTabs = new QTabWidget(requestBox);
    m_requestTabs->setObjectName(QStringLiteral("requestTabs"));
    m_formStack = new QStackedWidget(m_requestTabs);
    m_formMessage = new QLabel(m_formStack);
    bindText([this] {
        if (!m_schema && m_pendingModel.isEmpty())
            m_formMessage->setText(tr("Choose a model to fill in its request."));
    });
    m_formMessage->setObjectName(QStringLiteral("formMessage"));
    m_formMessage->setAlignment(Qt::AlignCenter);
    m_formMessage->setWordWrap(true);
    m_formMessage->setForegroundRole(QPalette::PlaceholderText);
    m_formStack->addWidget(m_formMessage);
    auto* scroll = new QScrollArea(m_formStack);
    m_formScroll = scroll;
    scroll->setWidgetResizable(true);
    scroll->setFrameShape(QFrame::NoFrame);
    m_form = new RequestForm(scroll);
    scroll->setWidget(m_form);
    m_formStack->addWidget(scroll);
    m_requestTabs->addTab(m_formStack, style()->standardIcon(QStyle::SP_FileDialogDetailedView), QString());

    auto* jsonPage = new QWidget(m_requestTabs);
    auto* jsonLayout = new QVBoxLayout(jsonPage);
    m_jsonEdit = new QPlainTextEdit(jsonPage);
    m_jsonEdit->setObjectName(QStringLiteral("jsonEdit"));
    m_jsonEdit->setFont(QFontDatabase::systemFont(QFontDatabase::FixedFont));
    bindText([this] {
        m_jsonEdit->setPlaceholderText(
            tr("The request as JSON (protobuf JSON mapping). Paste one here and apply it."));
    });
    jsonLayout->addWidget(m_jsonEdit);
    auto* jsonButtons = new QHBoxLayout;
    auto* copy = new QPushButton(style()->standardIcon(QStyle::SP_DialogSaveButton), QString(), jsonPage);
    copy->setObjectName(QStringLiteral("copyJsonButton"));
    auto* paste = new QPushButton(style()->standardIcon(QStyle::SP_DialogOpenButton), QString(), jsonPage);
    paste->setObjectName(QStringLiteral("pasteJsonButton"));
    auto* apply = new QPushButton(style()->standardIcon(QStyle::SP_DialogApplyButton), QString(), jsonPage);
    bindText([=] {
        copy->setText(tr("Copy"));
        paste->setText(tr("Paste"));
        apply->setText(tr("Apply to form"));
    });
    apply->setObjectName(QStringLiteral("applyJsonButton"));
    jsonButtons->addWidget(copy);
    jsonButtons->addWidget(paste);
    jsonButtons->addStretch();
    jsonButtons->addWidget(apply);
    jsonLayout->addLayout(jsonButtons);
    m_requestTabs->addTab(jsonPage, style()->standardIcon(QStyle::SP_FileIcon), QString());
    bindText([this] {
        m_requestTabs->setTabText(0, tr("Form"));
        m_requestTabs->setTabText(1, tr("JSON"));
    });
    requestLayout->addWidget(m_requestTabs, 1);

    m_validation = new QLabel(requestBox);
    m_validation->setObjectName(QStringLiteral("validationLabel"));
    m_validation->setWordWrap(true);
    m_validation->setStyleSheet(QStringLiteral("color: #c62828;"));
    m_validation->hide();
    requestLayout->addWidget(m_validation);
    auto* actions = new QHBoxLayout;
    m_clear = new QPushButton(style()->standardIcon(QStyle::SP_DialogResetButton), QString(), requestBox);
    m_clear->setObjectName(QStringLiteral("clearButton"));
    m_example = new QPushButton(style()->standardIcon(QStyle::SP_FileDialogInfoView), QString(), requestBox);
    m_example->setObjectName(QStringLiteral("exampleButton"));
    m_recent = new QToolButton(requestBox);
    m_recent->setObjectName(QStringLiteral("recentButton"));
    m_recent->setPopupMode(QToolButton::InstantPopup);
    m_recent->setToolButtonStyle(Qt::ToolButtonTextBesideIcon);
    m_recent->setIcon(style()->standardIcon(QStyle::SP_FileDialogBack));
    m_recent->setMenu(new QMenu(m_recent));
    m_copyAs = new QToolButton(requestBox);
    m_copyAs->setObjectName(QStringLiteral("copyAsButton"));
    m_copyAs->setPopupMode(QToolButton::InstantPopup);
    m_copyAs->setToolButtonStyle(Qt::ToolButtonTextBesideIcon);
    m_copyAs->setIcon(style()->standardIcon(QStyle::SP_DialogSaveButton));
    auto* copyMenu = new QMenu(m_copyAs);
    QAction* copyCurl = copyMenu->addAction(QString());
    copyCurl->setObjectName(QStringLiteral("copyCurlAction"));
    QAction* copyCtl = copyMenu->addAction(QString());
    copyCtl->setObjectName(QStringLiteral("copyMmfctlAction"));
    m_copyAs->setMenu(copyMenu);
    bindText([=, this] {
        m_example->setText(tr("Example"));
        m_example->setToolTip(tr("Fill the form with the model's example request"));
        m_recent->setText(tr("Recent"));
        m_recent->setToolTip(tr("The last requests sent to this model"));
        m_copyAs->setText(tr("Copy as"));
        copyCurl->setText(tr("curl command"));
        copyCtl->setText(tr("mmfctl command"));
    });
    connect(copyCurl, &QAction::triggered, this, [this] {
        const QString command = curlCommand();
        if (!command.isEmpty())
            QApplication::clipboard()->setText(command);
    });
    connect(copyCtl, &QAction::triggered, this, [this] {
        const QString command = mmfctlCommand();
        if (!command.isEmpty())
            QApplication::clipboard()->setText(command);
    });
    m_recentRequests = std::make_unique<RecentRequests>(m_context.settings);
    m_submit = new QPushButton(style()->standardIcon(QStyle::SP_MediaPlay), QString(), requestBox);
    bindText([this] {
        m_clear->setText(tr("Clear"));
        m_submit->setText(tr("Submit"));
    });
    m_submit->setObjectName(QStringLiteral("submitButton"));
    m_submit->setDefault(true);
    actions->addWidget(m_clear);
    actions->addWidget(m_example);
    actions->addWidget(m_recent);
    actions->addWidget(m_copyAs);
    actions->addStretch();
    actions->addWidget(m_submit);
    requestLayout->addLayout(actions);

    // Right: the task.
    auto* taskBox = new QGroupBox(splitter);
    bindText([=] { taskBox->setTitle(tr("Task")); });
    auto* taskLayout = new QVBoxLayout(taskBox);
    auto* statusRow = new QHBoxLayout;
    m_taskStatus = new QLabel(taskBox);
    bindText([this] {
        if (m_shownTaskId.isEmpty())
            m_taskStatus->setText(tr("No task yet."));
        else
            setTaskStatus(m_taskStatusName);
    });
    m_taskStatus->setObjectName(QStringLiteral("taskStatusLabel"));
    m_taskStatus->setTextInteractionFlags(Qt::TextSelectableByMouse);
    statusRow->addWidget(m_taskStatus, 1);
    m_taskProgress = new QProgressBar(taskBox);
    m_taskProgress->setObjectName(QStringLiteral("taskProgress"));
    m_taskProgress->setRange(0, 100);
    m_taskProgress->setMaximumWidth(160);
    m_taskProgress->hide();
    statusRow->addWidget(m_taskProgress);
    m_cancel = new QPushButton(style()->standardIcon(QStyle::SP_MediaStop), QString(), taskBox);
    bindText([this] { m_cancel->setText(tr("Cancel task")); });
    m_cancel->setObjectName(QStringLiteral("cancelButton"));
    m_cancel->setEnabled(false);
    statusRow->addWidget(m_cancel);
    taskLayout->addLayout(statusRow);
    auto* taskSplitter = new QSplitter(Qt::Vertical, taskBox);
    auto* logBox = new QWidget(taskSplitter);
    auto* logLayout = new QVBoxLayout(logBox);
    logLayout->setContentsMargins(0, 0, 0, 0);
    auto* logTitle = new QLabel(logBox);
    bindText([=] { logTitle->setText(tr("<b>Log</b>")); });
    logLayout->addWidget(logTitle);
    m_log = new LogView(logBox);
    logLayout->addWidget(m_log);
    auto* resultBox = new QWidget(taskSplitter);
    auto* resultLayout = new QVBoxLayout(resultBox);
    resultLayout->setContentsMargins(0, 0, 0, 0);
    auto* resultTitle = new QLabel(resultBox);
    bindText([=] { resultTitle->setText(tr("<b>Result</b>")); });
    resultLayout->addWidget(resultTitle);
    m_result = new ResultView(resultBox);
    resultLayout->addWidget(m_result);
    taskSplitter->addWidget(logBox);
    taskSplitter->addWidget(resultBox);
    taskSplitter->setStretchFactor(0, 1);
    taskSplitter->setStretchFactor(1, 2);
    taskLayout->addWidget(taskSplitter, 1);

    splitter->addWidget(requestBox);
    splitter->addWidget(taskBox);
    splitter->setStretchFactor(0, 1);
    splitter->setStretchFactor(1, 1);
    layout->addWidget(splitter, 1);

    connect(&m_models, &ModelListModel::refreshed, this, [this] {
        const QString current = currentModel().isEmpty() ? m_pendingModel : currentModel();
        const QSignalBlocker block(m_modelCombo);
        m_modelCombo->clear();
        m_modelCombo->addItems(m_models.names());
        const int index = m_modelCombo->findText(current);
        m_modelCombo->setCurrentIndex(index);
        if (index < 0 && !current.isEmpty() && m_schema) {
            m_schema.reset();
            m_formMessage->setText(tr("The model %1 is no longer live.").arg(current));
            m_formStack->setCurrentIndex(0);
        } else if (index >= 0 && (!m_schema || m_schema->name() != current)) {
            loadSchema(current);
        }
        updateButtons();
    });
    connect(m_modelCombo, &QComboBox::currentTextChanged, this, [this](const QString& name) {
        if (!name.isEmpty())
            loadSchema(name);
    });
    connect(m_submit, &QPushButton::clicked, this, &SubmitPage::submit);
    connect(m_cancel, &QPushButton::clicked, this, &SubmitPage::cancelTask);
    connect(m_clear, &QPushButton::clicked, this, [this] {
        m_form->clear();
        m_jsonEdit->clear();
        m_validation->hide();
    });
    connect(m_example, &QPushButton::clicked, this, &SubmitPage::loadExample);
    connect(m_form, &RequestForm::helpRequested, this,
            [this](const QString& path) { emit helpRequested(currentModel(), path); });
    connect(m_form, &RequestForm::edited, this, [this] {
        if (m_validation->isVisible() && m_requestTabs->currentIndex() == 0 && m_form->value().ok())
            m_validation->hide();
    });
    connect(m_jsonEdit, &QPlainTextEdit::textChanged, this, [this] {
        if (m_requestTabs->currentIndex() == 1)
            m_validation->hide();
    });
    connect(m_requestTabs, &QTabWidget::currentChanged, this, [this](int index) {
        // A message belongs to the tab it was made for.
        m_validation->hide();
        if (index == 1)
            syncJsonFromForm();
    });
    connect(copy, &QPushButton::clicked, this,
            [this] { QApplication::clipboard()->setText(m_jsonEdit->toPlainText()); });
    connect(paste, &QPushButton::clicked, this,
            [this] { m_jsonEdit->setPlainText(QApplication::clipboard()->text()); });
    connect(apply, &QPushButton::clicked, this, [this] {
        if (applyJsonToForm())
            m_requestTabs->setCurrentIndex(0);
    });

    m_follower = new TaskFollower(m_context.api, m_context.events, this);
    connect(m_follower, &TaskFollower::logLine, m_log, &LogView::addLine);
    connect(m_follower, &TaskFollower::statusChanged, this,
            [this](const QString& status, int) { setTaskStatus(status); });
    connect(m_follower, &TaskFollower::retryScheduled, this,
            [this](int attempt, const QJsonObject& error, const QDateTime& next) {
                const QString code = error.value(QLatin1String("code")).toString();
                const QString message = error.value(QLatin1String("message")).toString();
                const QString at =
                    next.isValid() ? next.toLocalTime().toString(QStringLiteral("HH:mm:ss")) : QString();
                m_log->addNote([=] {
                    return at.isEmpty() ? tr("Attempt %1 failed (%2: %3); the task is queued again.")
                                              .arg(attempt)
                                              .arg(code, message)
                                        : tr("Attempt %1 failed (%2: %3); the next attempt is due at %4.")
                                              .arg(attempt)
                                              .arg(code, message, at);
                });
                setTaskStatus(m_follower->status());
            });
    connect(m_follower, &TaskFollower::progress, this, [this](double fraction, const QString& text) {
        m_taskProgress->show();
        m_taskProgress->setValue(int(fraction * 100));
        m_taskProgress->setFormat(text.isEmpty() ? QStringLiteral("%p%") : text);
    });
    connect(m_follower, &TaskFollower::finished, this, &SubmitPage::finishTask);
    connect(m_follower, &TaskFollower::liveChanged, this, [this](bool live) {
        if (live)
            m_log->addNote([] { return tr("Live connection restored."); });
        else
            m_log->addNote(
                [] { return tr("Live connection lost; reconnecting (the status is polled meanwhile)…"); });
    });
    connect(m_follower, &TaskFollower::cancelRequested, this,
            [this] { m_log->addNote([] { return tr("Cancellation requested."); }); });
    connect(m_follower, &TaskFollower::cancelFailed, this, [this](const ApiResult& result) {
        const QString text = ErrorText::forResult(result);
        m_log->addNote([text] { return tr("Cancelling failed: %1").arg(text); });
        updateButtons();
    });
    connect(m_follower, &TaskFollower::submitFailed, this, [this](const ApiResult& result) {
        setBusy(false);
        const Error& error = *result.error;
        if (result.httpStatus == 404) {
            showValidation(tr("The model %1 is gone.").arg(currentModel()));
            m_models.refresh();
        } else {
            showRequestError(Error{error.code, ErrorText::forResult(result), error.field});
        }
        updateButtons();
    });
    connect(m_follower, &TaskFollower::submitted, this, [this](const QString& taskId, const QString& model) {
        setBusy(false);
        const QJsonObject request = m_lastSent;
        m_tasks.upsert(
            {{QStringLiteral("task_id"), taskId},
             {QStringLiteral("model"), model},
             {QStringLiteral("status"), QStringLiteral("queued")},
             {QStringLiteral("created_at"), QDateTime::currentDateTimeUtc().toString(Qt::ISODateWithMs)},
             {QStringLiteral("request"), request}});
        m_recentRequests->add(m_context.session.login(), model, request, QDateTime::currentDateTimeUtc());
        updateRecentMenu();
        showTaskPane(taskId);
        emit taskSubmitted(taskId);
    });
    updateButtons();
}

SubmitPage::~SubmitPage() = default;

void SubmitPage::bindText(std::function<void()> apply)
{
    apply();
    m_texts.push_back(std::move(apply));
}

void SubmitPage::changeEvent(QEvent* event)
{
    if (event->type() == QEvent::LanguageChange) {
        for (const auto& apply : m_texts)
            apply();
    }
    QWidget::changeEvent(event);
}

QString SubmitPage::currentModel() const
{
    return m_modelCombo->currentText();
}

QString SubmitPage::currentTaskId() const
{
    return m_shownTaskId;
}

void SubmitPage::selectModel(const QString& name)
{
    m_pendingModel = name;
    const int index = m_modelCombo->findText(name);
    if (index >= 0 && index != m_modelCombo->currentIndex())
        m_modelCombo->setCurrentIndex(index);
    else if (index >= 0 && (!m_schema || m_schema->name() != name))
        loadSchema(name);
}

void SubmitPage::loadRequest(const QString& model, const QJsonObject& request)
{
    m_pendingRequest = request;
    m_hasPendingRequest = true;
    if (m_schema && m_schema->name() == model && currentModel() == model) {
        m_form->setValue(request);
        m_hasPendingRequest = false;
        if (m_requestTabs->currentIndex() == 1)
            syncJsonFromForm();
        return;
    }
    selectModel(model);
    if (m_modelCombo->findText(model) < 0)
        loadSchema(model); // not in the list (yet): try it directly
}

void SubmitPage::reset()
{
    m_follower->stop();
    clearTaskPane();
    m_valuesByModel.clear();
    m_hasPendingRequest = false;
    m_form->clear();
    m_jsonEdit->clear();
    m_validation->hide();
    updateRecentMenu();
    updateButtons();
}

void SubmitPage::setBusy(bool busy, const QString& text)
{
    m_busy->setVisible(busy);
    if (!text.isEmpty())
        m_modelInfo->setText(text);
    updateButtons();
}

void SubmitPage::updateButtons()
{
    m_submit->setEnabled(m_schema != nullptr && !m_follower->isSubmitting());
    m_cancel->setEnabled(m_follower->isActive() && m_follower->taskId() == m_shownTaskId);
    m_example->setEnabled(m_schema &&
                          !FormModel::example(FormModel::describe(m_schema->request())).isEmpty());
    m_copyAs->setEnabled(m_schema != nullptr);
}

void SubmitPage::loadSchema(const QString& name)
{
    m_pendingModel = name;
    setBusy(true, tr("Loading %1…").arg(name));
    ModelSchema::fetch(
        m_context.api, name, this,
        [this, name](Result<std::shared_ptr<const ModelSchema>> schema, const ApiResult& result) {
            if (name != m_pendingModel)
                return; // the user moved on
            setBusy(false);
            // The previous model's values stay with it; its task leaves the pane.
            if (!m_formModel.isEmpty() && m_formModel != name) {
                if (const Result<QJsonObject> held = m_form->value())
                    m_valuesByModel.insert(m_formModel, *held);
            }
            if (m_follower->model() != name && !m_shownTaskId.isEmpty()) {
                m_follower->stop();
                clearTaskPane();
            }
            if (!schema) {
                m_schema.reset();
                m_formModel.clear();
                m_formStack->setCurrentIndex(0);
                if (result.httpStatus == 404) {
                    m_formMessage->setText(tr("The model %1 is gone: it has no live instance.").arg(name));
                    m_models.refresh();
                } else if (!result.ok()) {
                    m_formMessage->setText(ErrorText::forResult(result));
                } else {
                    m_formMessage->setText(
                        tr("The model's descriptors cannot be read: %1").arg(schema.error().message));
                }
                m_modelInfo->clear();
                updateButtons();
                return;
            }
            const bool sameModel = m_formModel == name;
            m_schema = *schema;
            m_modelInfo->setText(
                tr("%1 → %2").arg(m_schema->json().value(QLatin1String("request_type")).toString(),
                                  m_schema->json().value(QLatin1String("response_type")).toString()));
            QJsonObject keep;
            if (sameModel) {
                if (const Result<QJsonObject> held = m_form->value())
                    keep = *held;
            } else {
                keep = m_valuesByModel.value(name);
            }
            m_form->setMessage(FormModel::describe(m_schema->request()));
            m_formModel = name;
            m_result->setResponseType(FormModel::describe(m_schema->response()));
            m_formStack->setCurrentIndex(1);
            m_validation->hide();
            m_form->setValue(keep);
            if (m_hasPendingRequest) {
                m_form->setValue(m_pendingRequest);
                m_hasPendingRequest = false;
            }
            if (m_requestTabs->currentIndex() == 1)
                syncJsonFromForm();
            updateRecentMenu();
            updateButtons();
            emit schemaLoaded(name);
        });
}

void SubmitPage::revealField(const QString& path)
{
    QWidget* widget = path.isEmpty() ? nullptr : m_form->editorWidget(path);
    if (!widget) {
        const QStringList invalid = m_form->invalidPaths();
        widget = invalid.isEmpty() ? nullptr : m_form->editorWidget(invalid.first());
    }
    if (!widget)
        return;
    m_requestTabs->setCurrentIndex(0);
    m_formScroll->ensureWidgetVisible(widget, 20, 40);
    widget->setFocus(Qt::OtherFocusReason);
}

void SubmitPage::revealJsonOffset(int offset)
{
    QTextCursor cursor = m_jsonEdit->textCursor();
    cursor.setPosition(std::clamp(offset, 0, int(m_jsonEdit->toPlainText().size())));
    m_jsonEdit->setTextCursor(cursor);
    m_jsonEdit->ensureCursorVisible();
    m_jsonEdit->setFocus(Qt::OtherFocusReason);
}

void SubmitPage::showValidation(const QString& text)
{
    m_validation->setText(text);
    m_validation->setVisible(!text.isEmpty());
}

void SubmitPage::showRequestError(const Error& error, const QString& jsonText)
{
    showValidation(error.field.isEmpty() ? error.message
                                         : tr("%1 (field %2)").arg(error.message, error.field));
    if (m_requestTabs->currentIndex() == 1) {
        // The JSON tab keeps its text: put the cursor on the member at fault, when it can be found.
        if (!error.field.isEmpty()) {
            QString key = error.field.section(QLatin1Char('.'), -1);
            key = key.left(key.indexOf(QLatin1Char('[')));
            const int at = (jsonText.isEmpty() ? m_jsonEdit->toPlainText() : jsonText)
                               .indexOf(QLatin1Char('"') + key + QLatin1Char('"'));
            if (at >= 0)
                revealJsonOffset(at + 1);
        }
        return;
    }
    if (!error.field.isEmpty())
        m_form->flagField(error.field, error.message);
    revealField(error.field);
}

void SubmitPage::syncJsonFromForm()
{
    const Result<QJsonObject> request = m_form->value();
    if (!request) {
        // The JSON keeps what it held; the message names the form's field.
        showValidation(tr("The form has an invalid field, so the JSON was not updated: %1")
                           .arg(request.error().message));
        return;
    }
    m_jsonEdit->setPlainText(QString::fromUtf8(QJsonDocument(*request).toJson(QJsonDocument::Indented)));
    m_validation->hide();
}

bool SubmitPage::applyJsonToForm()
{
    const Result<QByteArray> json = checkedRequest();
    if (!json)
        return false;
    m_form->setValue(QJsonDocument::fromJson(*json).object());
    showValidation({});
    return true;
}

Result<QJsonObject> SubmitPage::currentRequest()
{
    if (m_requestTabs->currentIndex() == 1) {
        const QString text = m_jsonEdit->toPlainText();
        QJsonParseError parseError;
        const QJsonDocument document = QJsonDocument::fromJson(text.toUtf8(), &parseError);
        if (parseError.error != QJsonParseError::NoError) {
            // The parser counts UTF-8 bytes; the editor counts characters.
            const int offset = int(QString::fromUtf8(text.toUtf8().left(parseError.offset)).size());
            const QString before = text.left(offset);
            const int line = int(before.count(QLatin1Char('\n'))) + 1;
            const int column = int(offset - (before.lastIndexOf(QLatin1Char('\n')) + 1)) + 1;
            revealJsonOffset(offset);
            return Error::invalidArgument(tr("The JSON is not valid at line %1, column %2: %3")
                                              .arg(line)
                                              .arg(column)
                                              .arg(ErrorText::forJsonParseError(parseError.error)));
        }
        if (!document.isObject())
            return Error::invalidArgument(
                tr("The JSON must be an object ({…}) holding the request's fields."));
        return document.object();
    }
    return m_form->value();
}

Result<QByteArray> SubmitPage::checkedRequest()
{
    if (!m_schema)
        return Error::invalidArgument(tr("Choose a model first."));
    const QString text = m_jsonEdit->toPlainText();
    Result<QJsonObject> request = currentRequest();
    if (!request) {
        showRequestError(request.error(), text);
        return request.error();
    }
    // The same check the server makes, then the descriptor's (mmf.ui) ranges and required fields, which the
    // server leaves to the model.
    const QByteArray json = QJsonDocument(*request).toJson(QJsonDocument::Compact);
    const auto binary = ProtoJson::jsonToBinary(m_schema->descriptors(), m_schema->request(), json);
    if (!binary) {
        showRequestError(binary.error(), text);
        return binary.error();
    }
    const Result<void> checked = FormModel::check(FormModel::describe(m_schema->request()), *request);
    if (!checked) {
        showRequestError(checked.error(), text);
        return checked.error();
    }
    return json;
}

void SubmitPage::submit()
{
    if (!m_schema || m_follower->isSubmitting())
        return;
    const Result<QByteArray> json = checkedRequest();
    if (!json)
        return;
    showValidation({});
    m_lastSent = QJsonDocument::fromJson(*json).object();
    m_follower->submit(m_schema->name(), *json);
    setBusy(true);
}

void SubmitPage::clearTaskPane()
{
    m_shownTaskId.clear();
    m_taskStatusName.clear();
    m_log->clearLog();
    m_result->clear();
    m_taskProgress->hide();
    m_taskStatus->setText(tr("No task yet."));
    updateButtons();
}

void SubmitPage::showTaskPane(const QString& taskId)
{
    m_shownTaskId = taskId;
    m_log->clearLog();
    const QString model = m_follower->model();
    m_log->addNote([taskId, model] { return tr("Task %1 submitted to %2.").arg(taskId, model); });
    m_result->clear();
    m_result->showPending([] { return tr("Waiting for the result…"); });
    m_taskProgress->hide();
    setTaskStatus(m_follower->status());
    updateButtons();
}

void SubmitPage::setTaskStatus(const QString& status)
{
    m_taskStatusName = status;
    if (m_shownTaskId.isEmpty())
        return;
    QString colour = QStringLiteral("#1565c0");
    if (status == QLatin1String("succeeded"))
        colour = QStringLiteral("#2e7d32");
    else if (status == QLatin1String("failed") || status == QLatin1String("dead_lettered"))
        colour = QStringLiteral("#c62828");
    else if (status == QLatin1String("cancelled"))
        colour = QStringLiteral("#6d4c41");
    QString text = tr("Task <b>%1</b>: <span style=\"color:%3\">%2</span>")
                       .arg(m_shownTaskId, TaskListModel::statusText(status), colour);
    const int attempts = m_follower->taskId() == m_shownTaskId ? m_follower->attempts() : 0;
    if (attempts > 1 || (attempts == 1 && status == QLatin1String("queued")))
        text += tr(", attempt %1").arg(status == QLatin1String("queued") ? attempts + 1 : attempts);
    const QDateTime next = m_follower->nextAttemptAt();
    if (status == QLatin1String("queued") && next.isValid())
        text += tr(" at %1").arg(next.toLocalTime().toString(QStringLiteral("HH:mm:ss")));
    const QJsonObject error = m_follower->lastError();
    if (!error.isEmpty() && !TaskListModel::isFinal(status))
        text += tr("<br/>Last error: %1")
                    .arg(QStringLiteral("%1: %2")
                             .arg(error.value(QLatin1String("code")).toString(),
                                  error.value(QLatin1String("message")).toString())
                             .toHtmlEscaped());
    m_taskStatus->setText(text);
}

void SubmitPage::finishTask(const QString& status, const QJsonValue& result, const QJsonObject& error)
{
    setTaskStatus(status);
    m_taskProgress->hide();
    if (status == QLatin1String("succeeded"))
        m_result->showResult(result.toObject());
    else
        m_result->showError(status, error);
    updateButtons();
    emit taskFinished(m_shownTaskId, status);
}

void SubmitPage::cancelTask()
{
    if (!m_follower->isActive())
        return;
    m_cancel->setEnabled(false);
    m_follower->cancel();
}

QString SubmitPage::curlCommand()
{
    const Result<QJsonObject> request = currentRequest();
    if (!m_schema || !request)
        return {};
    return RequestCommands::curl(m_context.api.baseUrl(), m_schema->name(),
                                 QJsonDocument(*request).toJson(QJsonDocument::Compact));
}

QString SubmitPage::mmfctlCommand()
{
    const Result<QJsonObject> request = currentRequest();
    if (!m_schema || !request)
        return {};
    return RequestCommands::mmfctl(m_context.api.baseUrl(), m_schema->name(),
                                   QJsonDocument(*request).toJson(QJsonDocument::Compact));
}

bool SubmitPage::loadExample()
{
    if (!m_schema)
        return false;
    const QJsonObject example = FormModel::example(FormModel::describe(m_schema->request()));
    if (example.isEmpty())
        return false;
    m_form->clear();
    m_form->setValue(example);
    if (m_requestTabs->currentIndex() == 1)
        syncJsonFromForm();
    return true;
}

QList<QJsonObject> SubmitPage::recentRequests() const
{
    QList<QJsonObject> out;
    for (const RecentRequests::Entry& entry : m_recentRequests->of(m_context.session.login(), currentModel()))
        out.append(entry.request);
    return out;
}

void SubmitPage::updateRecentMenu()
{
    QMenu* menu = m_recent->menu();
    menu->clear();
    const QList<RecentRequests::Entry> entries =
        m_recentRequests->of(m_context.session.login(), currentModel());
    for (const RecentRequests::Entry& entry : entries) {
        QString text = QString::fromUtf8(QJsonDocument(entry.request).toJson(QJsonDocument::Compact));
        if (text.size() > 70)
            text = text.left(69) + QChar(0x2026);
        QAction* action = menu->addAction(QStringLiteral("%1  %2").arg(
            entry.sentAt.toLocalTime().toString(QStringLiteral("HH:mm:ss")), text));
        const QJsonObject request = entry.request;
        connect(action, &QAction::triggered, this, [this, request] {
            m_form->clear();
            m_form->setValue(request);
            if (m_requestTabs->currentIndex() == 1)
                syncJsonFromForm();
        });
    }
    m_recent->setEnabled(!entries.isEmpty());
}

} // namespace mmf::studio
