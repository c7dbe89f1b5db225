#include "gui/SubmitPage.h"

#include "core/ApiClient.h"
#include "core/ErrorText.h"
#include "core/EventStream.h"
#include "core/FormModel.h"
#include "core/ModelListModel.h"
#include "core/StudioContext.h"
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
#include <QPlainTextEdit>
#include <QProgressBar>
#include <QPushButton>
#include <QScrollArea>
#include <QSplitter>
#include <QStackedWidget>
#include <QStyle>
#include <QTabWidget>
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
    m_submit = new QPushButton(style()->standardIcon(QStyle::SP_MediaPlay), QString(), requestBox);
    bindText([this] {
        m_clear->setText(tr("Clear"));
        m_submit->setText(tr("Submit"));
    });
    m_submit->setObjectName(QStringLiteral("submitButton"));
    m_submit->setDefault(true);
    actions->addWidget(m_clear);
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
        if (m_taskId.isEmpty())
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

    m_pollTimer.setInterval(2000);
    connect(&m_pollTimer, &QTimer::timeout, this, &SubmitPage::poll);

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
    connect(m_form, &RequestForm::helpRequested, this,
            [this](const QString& path) { emit helpRequested(currentModel(), path); });
    connect(m_form, &RequestForm::edited, this, [this] {
        if (m_validation->isVisible() && m_form->value().ok())
            m_validation->hide();
    });
    connect(m_requestTabs, &QTabWidget::currentChanged, this, [this](int index) {
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

    EventStream& events = m_context.events;
    connect(&events, &EventStream::logReceived, this,
            [this](const QString& taskId, qint64 seq, const QDateTime& ts, const QString& level,
                   const QString& text) {
                if (taskId != m_taskId)
                    return;
                m_lastSeq = std::max(m_lastSeq, seq);
                m_log->addLine(seq, ts, level, text);
            });
    connect(&events, &EventStream::statusReceived, this,
            [this](const QString& taskId, const QString&, const QString& status, int) {
                if (taskId == m_taskId && !m_taskFinal)
                    setTaskStatus(status);
            });
    connect(&events, &EventStream::progressReceived, this,
            [this](const QString& taskId, double fraction, const QString& text) {
                if (taskId != m_taskId || m_taskFinal)
                    return;
                m_taskProgress->show();
                m_taskProgress->setValue(int(fraction * 100));
                m_taskProgress->setFormat(text.isEmpty() ? QStringLiteral("%p%") : text);
            });
    connect(&events, &EventStream::resultReceived, this,
            [this](const QString& taskId, const QString& status, const QJsonValue& result,
                   const QJsonObject& error) {
                if (taskId == m_taskId && !m_taskFinal)
                    finishTask(status, result, error);
            });
    connect(&events, &EventStream::subscribed, this, [this](const QString& topic) {
        // A task that ended before the subscription took hold: read its state once.
        if (!m_taskFinal && topic == QStringLiteral("task/") + m_taskId)
            fetchTask();
    });
    connect(&events, &EventStream::stateChanged, this, [this](EventStream::State state) {
        if (m_taskFinal || m_taskId.isEmpty())
            return;
        if (state == EventStream::State::Reconnecting)
            m_log->addNote(tr("Live connection lost; reconnecting (the status is polled meanwhile)…"));
        else if (state == EventStream::State::Open)
            m_log->addNote(tr("Live connection restored."));
    });
    updateButtons();
}

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
        return;
    }
    selectModel(model);
    if (m_modelCombo->findText(model) < 0)
        loadSchema(model); // not in the list (yet): try it directly
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
    m_submit->setEnabled(m_schema != nullptr && !m_submitting);
    m_cancel->setEnabled(!m_taskId.isEmpty() && !m_taskFinal);
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
            if (!schema) {
                m_schema.reset();
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
            m_schema = *schema;
            m_modelInfo->setText(
                tr("%1 → %2").arg(m_schema->json().value(QLatin1String("request_type")).toString(),
                                  m_schema->json().value(QLatin1String("response_type")).toString()));
            m_form->setMessage(FormModel::describe(m_schema->request()));
            m_result->setResponseType(FormModel::describe(m_schema->response()));
            m_formStack->setCurrentIndex(1);
            m_validation->hide();
            if (m_hasPendingRequest) {
                m_form->setValue(m_pendingRequest);
                m_hasPendingRequest = false;
            }
            if (m_requestTabs->currentIndex() == 1)
                syncJsonFromForm();
            updateButtons();
            emit schemaLoaded(name);
        });
}

void SubmitPage::revealField(const QString& path)
{
    QWidget* widget = path.isEmpty() ? nullptr : m_form->findChild<QWidget*>(QStringLiteral("field_") + path);
    if (!widget) {
        const QStringList invalid = m_form->invalidPaths();
        widget = invalid.isEmpty() ? nullptr
                                   : m_form->findChild<QWidget*>(QStringLiteral("field_") + invalid.first());
    }
    if (!widget)
        return;
    m_requestTabs->setCurrentIndex(0);
    m_formScroll->ensureWidgetVisible(widget, 20, 40);
    widget->setFocus(Qt::OtherFocusReason);
}

void SubmitPage::showValidation(const QString& text)
{
    m_validation->setText(text);
    m_validation->setVisible(!text.isEmpty());
}

void SubmitPage::syncJsonFromForm()
{
    const Result<QJsonObject> request = m_form->value();
    if (!request) {
        showValidation(tr("Fix the form first: %1").arg(request.error().message));
        return;
    }
    m_jsonEdit->setPlainText(QString::fromUtf8(QJsonDocument(*request).toJson(QJsonDocument::Indented)));
}

bool SubmitPage::applyJsonToForm()
{
    const QJsonDocument document = QJsonDocument::fromJson(m_jsonEdit->toPlainText().toUtf8());
    if (!document.isObject()) {
        showValidation(tr("The JSON is not an object."));
        return false;
    }
    if (m_schema) {
        const auto binary =
            ProtoJson::jsonToBinary(m_schema->descriptors(), m_schema->request(),
                                    QJsonDocument(document.object()).toJson(QJsonDocument::Compact));
        if (!binary) {
            showValidation(tr("The JSON does not fit the request: %1").arg(binary.error().message));
            return false;
        }
    }
    m_form->setValue(document.object());
    showValidation({});
    return true;
}

Result<QJsonObject> SubmitPage::currentRequest()
{
    if (m_requestTabs->currentIndex() == 1) {
        QJsonParseError parseError;
        const QJsonDocument document =
            QJsonDocument::fromJson(m_jsonEdit->toPlainText().toUtf8(), &parseError);
        if (parseError.error != QJsonParseError::NoError || !document.isObject())
            return Error::invalidArgument(tr("The JSON is not valid: %1").arg(parseError.errorString()));
        return document.object();
    }
    return m_form->value();
}

void SubmitPage::submit()
{
    if (!m_schema || m_submitting)
        return;
    Result<QJsonObject> request = currentRequest();
    if (!request) {
        const Error& error = request.error();
        showValidation(error.field.isEmpty() ? error.message
                                             : tr("%1 (field %2)").arg(error.message, error.field));
        revealField(error.field);
        return;
    }
    // The same check the server makes, before anything is sent.
    const QByteArray json = QJsonDocument(*request).toJson(QJsonDocument::Compact);
    const auto binary = ProtoJson::jsonToBinary(m_schema->descriptors(), m_schema->request(), json);
    if (!binary) {
        const Error& error = binary.error();
        m_form->flagField(error.field, error.message);
        showValidation(error.field.isEmpty() ? error.message
                                             : tr("%1 (field %2)").arg(error.message, error.field));
        revealField(error.field);
        return;
    }
    showValidation({});
    m_submitting = true;
    setBusy(true);
    const QString model = m_schema->name();
    ApiCall call;
    call.method = "POST";
    call.path = QStringLiteral("/api/v1/models/%1/tasks").arg(model);
    call.body = json;
    m_context.api.send(std::move(call), this, [this, model, request = *request](const ApiResult& result) {
        m_submitting = false;
        setBusy(false);
        if (!result.ok()) {
            const Error& error = *result.error;
            if (!error.field.isEmpty())
                m_form->flagField(error.field, error.message);
            if (result.httpStatus == 404) {
                showValidation(tr("The model %1 is gone.").arg(model));
                m_models.refresh();
            } else {
                showValidation(ErrorText::forResult(result));
            }
            updateButtons();
            return;
        }
        const QString taskId = result.json.value(QLatin1String("task_id")).toString();
        m_tasks.upsert(
            {{QStringLiteral("task_id"), taskId},
             {QStringLiteral("model"), model},
             {QStringLiteral("status"), result.json.value(QLatin1String("status")).toString()},
             {QStringLiteral("created_at"), QDateTime::currentDateTimeUtc().toString(Qt::ISODateWithMs)},
             {QStringLiteral("request"), request}});
        followTask(taskId);
        emit taskSubmitted(taskId);
    });
}

void SubmitPage::followTask(const QString& taskId)
{
    if (!m_taskId.isEmpty())
        m_context.events.unsubscribe(QStringLiteral("task/") + m_taskId);
    m_taskId = taskId;
    m_taskFinal = false;
    m_lastSeq = 0;
    m_log->clearLog();
    m_log->addNote(tr("Task %1 submitted to %2.").arg(taskId, currentModel()));
    m_result->clear();
    m_result->showPending(tr("Waiting for the result…"));
    m_taskProgress->hide();
    setTaskStatus(QStringLiteral("queued"));
    m_context.events.subscribe(QStringLiteral("task/") + taskId);
    m_pollTimer.start();
    updateButtons();
}

void SubmitPage::setTaskStatus(const QString& status)
{
    m_taskStatusName = status;
    QString colour = QStringLiteral("#1565c0");
    if (status == QLatin1String("succeeded"))
        colour = QStringLiteral("#2e7d32");
    else if (status == QLatin1String("failed") || status == QLatin1String("dead_lettered"))
        colour = QStringLiteral("#c62828");
    else if (status == QLatin1String("cancelled"))
        colour = QStringLiteral("#6d4c41");
    m_taskStatus->setText(tr("Task <b>%1</b>: <span style=\"color:%3\">%2</span>")
                              .arg(m_taskId, TaskListModel::statusText(status), colour));
}

void SubmitPage::finishTask(const QString& status, const QJsonValue& result, const QJsonObject& error)
{
    if (status == QLatin1String("succeeded") && !result.isObject()) {
        fetchTask(); // the push left a large result out
        return;
    }
    m_taskFinal = true;
    m_pollTimer.stop();
    setTaskStatus(status);
    m_taskProgress->hide();
    if (status == QLatin1String("succeeded"))
        m_result->showResult(result.toObject());
    else
        m_result->showError(status, error);
    m_context.events.unsubscribe(QStringLiteral("task/") + m_taskId);
    // Log lines written just before the end may still be in flight on a poll-only connection.
    if (!m_context.events.isOpen())
        poll();
    updateButtons();
    emit taskFinished(m_taskId, status);
}

void SubmitPage::fetchTask()
{
    const QString taskId = m_taskId;
    m_context.api.get(QStringLiteral("/api/v1/tasks/") + taskId, this,
                      [this, taskId](const ApiResult& result) {
                          if (taskId != m_taskId || m_taskFinal || !result.ok())
                              return;
                          const QString status = result.json.value(QLatin1String("status")).toString();
                          if (TaskListModel::isFinal(status))
                              finishTask(status, result.json.value(QLatin1String("result")),
                                         result.json.value(QLatin1String("error")).toObject());
                          else if (!status.isEmpty())
                              setTaskStatus(status);
                      });
}

void SubmitPage::poll()
{
    if (m_taskId.isEmpty())
        return;
    if (m_context.events.isOpen() && !m_taskFinal)
        return; // pushes arrive live
    const QString taskId = m_taskId;
    QUrlQuery query;
    query.addQueryItem(QStringLiteral("from"), QString::number(m_lastSeq + 1));
    m_context.api.get(
        QStringLiteral("/api/v1/tasks/%1/logs").arg(taskId), this,
        [this, taskId](const ApiResult& result) {
            if (taskId != m_taskId || !result.ok())
                return;
            for (const QJsonValue& value : result.json.value(QLatin1String("lines")).toArray()) {
                const QJsonObject line = value.toObject();
                const qint64 seq = qint64(line.value(QLatin1String("seq")).toDouble());
                m_lastSeq = std::max(m_lastSeq, seq);
                m_log->addLine(
                    seq, QDateTime::fromString(line.value(QLatin1String("ts")).toString(), Qt::ISODateWithMs),
                    line.value(QLatin1String("level")).toString(),
                    line.value(QLatin1String("text")).toString());
            }
        },
        query);
    if (!m_taskFinal)
        fetchTask();
}

void SubmitPage::cancelTask()
{
    if (m_taskId.isEmpty() || m_taskFinal)
        return;
    m_cancel->setEnabled(false);
    const QString taskId = m_taskId;
    ApiCall call;
    call.method = "POST";
    call.path = QStringLiteral("/api/v1/tasks/%1/cancel").arg(taskId);
    m_context.api.send(std::move(call), this, [this, taskId](const ApiResult& result) {
        if (taskId != m_taskId)
            return;
        if (!result.ok()) {
            m_log->addNote(tr("Cancelling failed: %1").arg(ErrorText::forResult(result)));
            updateButtons();
            return;
        }
        m_log->addNote(tr("Cancellation requested."));
        fetchTask();
    });
}

} // namespace mmf::studio
