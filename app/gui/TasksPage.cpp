#include "gui/TasksPage.h"

#include "core/ApiClient.h"
#include "core/ErrorText.h"
#include "core/ModelListModel.h"
#include "core/ModelSchema.h"
#include "core/StudioContext.h"
#include "core/TaskListModel.h"
#include "gui/BusyBar.h"
#include "gui/LogView.h"
#include "gui/ResultView.h"

#include <QComboBox>
#include <QEvent>
#include <QFontDatabase>
#include <QGroupBox>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QItemSelectionModel>
#include <QJsonArray>
#include <QJsonDocument>
#include <QLabel>
#include <QLineEdit>
#include <QLocale>
#include <QPainter>
#include <QPlainTextEdit>
#include <QProgressBar>
#include <QPushButton>
#include <QSortFilterProxyModel>
#include <QSplitter>
#include <QStackedWidget>
#include <QStyle>
#include <QStyledItemDelegate>
#include <QTabWidget>
#include <QTreeView>
#include <QTreeWidget>
#include <QVBoxLayout>

#include <memory>

namespace mmf::studio {

namespace {

// Colours the status column by status.
class StatusDelegate : public QStyledItemDelegate
{
public:
    using QStyledItemDelegate::QStyledItemDelegate;

protected:
    void initStyleOption(QStyleOptionViewItem* option, const QModelIndex& index) const override
    {
        QStyledItemDelegate::initStyleOption(option, index);
        const QString status = index.data(TaskListModel::StatusRole).toString();
        QColor colour;
        if (status == QLatin1String("succeeded"))
            colour = QColor(0x2e, 0x7d, 0x32);
        else if (status == QLatin1String("failed") || status == QLatin1String("dead_lettered"))
            colour = QColor(0xc6, 0x28, 0x28);
        else if (status == QLatin1String("running"))
            colour = QColor(0x15, 0x65, 0xc0);
        if (colour.isValid())
            option->palette.setColor(QPalette::Text, colour);
    }
};

} // namespace

TasksPage::TasksPage(StudioContext& context, TaskListModel& tasks, ModelListModel& models, QWidget* parent)
    : QWidget(parent)
    , m_context(context)
    , m_tasks(tasks)
    , m_models(models)
{
    setObjectName(QStringLiteral("tasksPage"));
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(12, 12, 12, 12);
    layout->setSpacing(8);

    auto* bar = new QHBoxLayout;
    auto* title = new QLabel(this);
    bindText([=] { title->setText(tr("<h3>My tasks</h3>")); });
    bar->addWidget(title);
    bar->addStretch();
    m_busy = new BusyBar(this);
    bar->addWidget(m_busy);
    auto* modelLabel = new QLabel(this);
    bindText([=] { modelLabel->setText(tr("Model:")); });
    bar->addWidget(modelLabel);
    m_modelFilter = new QComboBox(this);
    m_modelFilter->setObjectName(QStringLiteral("taskModelFilter"));
    m_modelFilter->setEditable(true);
    m_modelFilter->setMinimumWidth(140);
    m_modelFilter->addItem(QString(), QString());
    bindText([this] { m_modelFilter->setItemText(0, tr("All models")); });
    bar->addWidget(m_modelFilter);
    auto* statusLabel = new QLabel(this);
    bindText([=] { statusLabel->setText(tr("Status:")); });
    bar->addWidget(statusLabel);
    m_statusFilter = new QComboBox(this);
    m_statusFilter->setObjectName(QStringLiteral("taskStatusFilter"));
    // Its items are translated: the box follows their width in every language.
    m_statusFilter->setSizeAdjustPolicy(QComboBox::AdjustToContents);
    for (const char* status : {"", "queued", "running", "succeeded", "failed", "cancelled", "dead_lettered"})
        m_statusFilter->addItem(QString(), QLatin1String(status));
    bindText([this] {
        m_statusFilter->setItemText(0, tr("Any status"));
        for (int i = 1; i < m_statusFilter->count(); ++i)
            m_statusFilter->setItemText(i, TaskListModel::statusText(m_statusFilter->itemData(i).toString()));
    });
    bar->addWidget(m_statusFilter);
    m_refresh = new QPushButton(style()->standardIcon(QStyle::SP_BrowserReload), QString(), this);
    bindText([this] { m_refresh->setText(tr("Refresh")); });
    m_refresh->setObjectName(QStringLiteral("refreshTasksButton"));
    bar->addWidget(m_refresh);
    m_cancelSelected = new QPushButton(style()->standardIcon(QStyle::SP_MediaStop), QString(), this);
    m_cancelSelected->setObjectName(QStringLiteral("cancelSelectedButton"));
    m_cancelSelected->setEnabled(false);
    bindText([this] { m_cancelSelected->setText(tr("Cancel selected")); });
    bar->addWidget(m_cancelSelected);
    layout->addLayout(bar);

    // Second row: what to find, and which page of it.
    auto* pages = new QHBoxLayout;
    m_timeRange = new QComboBox(this);
    m_timeRange->setObjectName(QStringLiteral("taskTimeRange"));
    m_timeRange->setSizeAdjustPolicy(QComboBox::AdjustToContents);
    for (int hours : {0, 1, 24, 24 * 7})
        m_timeRange->addItem(QString(), hours);
    bindText([this] {
        m_timeRange->setItemText(0, tr("Any time"));
        m_timeRange->setItemText(1, tr("Last hour"));
        m_timeRange->setItemText(2, tr("Last 24 hours"));
        m_timeRange->setItemText(3, tr("Last 7 days"));
    });
    pages->addWidget(m_timeRange);
    m_search = new QLineEdit(this);
    m_search->setObjectName(QStringLiteral("taskSearchEdit"));
    m_search->setClearButtonEnabled(true);
    m_search->setMinimumWidth(180);
    bindText([this] { m_search->setPlaceholderText(tr("Find a task by id")); });
    pages->addWidget(m_search);
    pages->addStretch();
    m_previousPage = new QPushButton(style()->standardIcon(QStyle::SP_ArrowBack), QString(), this);
    m_previousPage->setObjectName(QStringLiteral("previousPageButton"));
    bindText([this] { m_previousPage->setToolTip(tr("Newer tasks")); });
    pages->addWidget(m_previousPage);
    m_pageLabel = new QLabel(this);
    m_pageLabel->setObjectName(QStringLiteral("taskPageLabel"));
    pages->addWidget(m_pageLabel);
    m_nextPage = new QPushButton(style()->standardIcon(QStyle::SP_ArrowForward), QString(), this);
    m_nextPage->setObjectName(QStringLiteral("nextPageButton"));
    bindText([this] { m_nextPage->setToolTip(tr("Older tasks")); });
    pages->addWidget(m_nextPage);
    layout->addLayout(pages);

    auto* splitter = new QSplitter(Qt::Vertical, this);
    m_stack = new QStackedWidget(splitter);
    m_empty = new QLabel(m_stack);
    bindText([this] { m_empty->setText(tr("No tasks yet. Submit one from the Submit page.")); });
    m_empty->setObjectName(QStringLiteral("tasksEmptyLabel"));
    m_empty->setAlignment(Qt::AlignCenter);
    m_empty->setWordWrap(true);
    m_empty->setForegroundRole(QPalette::PlaceholderText);
    m_stack->addWidget(m_empty);
    m_table = new QTreeView(m_stack);
    m_table->setObjectName(QStringLiteral("tasksTable"));
    m_table->setModel(&m_tasks);
    m_table->setItemDelegateForColumn(TaskListModel::StatusColumn, new StatusDelegate(m_table));
    m_table->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_table->setSelectionMode(QAbstractItemView::ExtendedSelection);
    m_table->setAlternatingRowColors(true);
    m_table->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_table->setRootIsDecorated(true);
    m_table->setUniformRowHeights(true);
    m_table->header()->setSectionResizeMode(QHeaderView::ResizeToContents);
    m_table->header()->setStretchLastSection(true);
    m_stack->addWidget(m_table);

    auto* detail = new QGroupBox(splitter);
    bindText([=] { detail->setTitle(tr("Task")); });
    auto* detailLayout = new QVBoxLayout(detail);
    auto* detailBar = new QHBoxLayout;
    m_taskTitle = new QLabel(detail);
    bindText([this] {
        if (m_openTaskId.isEmpty())
            m_taskTitle->setText(tr("Select a task to see its log and result."));
    });
    m_taskTitle->setObjectName(QStringLiteral("taskTitle"));
    m_taskTitle->setWordWrap(true);
    m_taskTitle->setTextInteractionFlags(Qt::TextSelectableByMouse);
    detailBar->addWidget(m_taskTitle, 1);
    m_actionStatus = new QLabel(detail);
    m_actionStatus->setObjectName(QStringLiteral("tasksActionStatus"));
    detailBar->addWidget(m_actionStatus);
    m_resubmit = new QPushButton(style()->standardIcon(QStyle::SP_BrowserReload), QString(), detail);
    bindText([this] { m_resubmit->setText(tr("Resubmit…")); });
    m_resubmit->setObjectName(QStringLiteral("resubmitButton"));
    m_resubmit->setEnabled(false);
    detailBar->addWidget(m_resubmit);
    detailLayout->addLayout(detailBar);
    auto* detailSplitter = new QSplitter(Qt::Horizontal, detail);
    m_log = new LogView(detailSplitter);
    m_log->setObjectName(QStringLiteral("taskLogView"));
    m_detailTabs = new QTabWidget(detailSplitter);
    m_detailTabs->setObjectName(QStringLiteral("taskDetailTabs"));
    m_result = new ResultView(m_detailTabs);
    m_result->setObjectName(QStringLiteral("taskResultView"));
    m_request = new QPlainTextEdit(m_detailTabs);
    m_request->setObjectName(QStringLiteral("taskRequestView"));
    m_request->setReadOnly(true);
    m_request->setFont(QFontDatabase::systemFont(QFontDatabase::FixedFont));
    m_timeline = new QTreeWidget(m_detailTabs);
    m_timeline->setObjectName(QStringLiteral("taskTimeline"));
    m_timeline->setRootIsDecorated(false);
    m_timeline->setUniformRowHeights(true);
    m_timeline->header()->setSectionResizeMode(QHeaderView::ResizeToContents);
    m_detailTabs->addTab(m_result, QString());
    m_detailTabs->addTab(m_request, QString());
    m_detailTabs->addTab(m_timeline, QString());
    bindText([this] {
        m_detailTabs->setTabText(0, tr("Result"));
        m_detailTabs->setTabText(1, tr("Request"));
        m_detailTabs->setTabText(2, tr("Timeline"));
        m_timeline->setHeaderLabels({tr("Attempt"), tr("Instance"), tr("Queued"), tr("Running"),
                                     tr("Started"), tr("Outcome"), tr("Error")});
        m_request->setPlaceholderText(tr("The request the task was sent with."));
    });
    detailSplitter->addWidget(m_log);
    detailSplitter->addWidget(m_detailTabs);
    detailLayout->addWidget(detailSplitter, 1);
    splitter->addWidget(m_stack);
    splitter->addWidget(detail);
    layout->addWidget(splitter, 1);

    connect(m_refresh, &QPushButton::clicked, this, &TasksPage::refresh);
    connect(m_statusFilter, &QComboBox::currentIndexChanged, this, &TasksPage::applyFilter);
    connect(m_modelFilter, &QComboBox::currentIndexChanged, this, &TasksPage::applyFilter);
    connect(m_timeRange, &QComboBox::currentIndexChanged, this, &TasksPage::applyFilter);
    connect(m_search, &QLineEdit::returnPressed, this, &TasksPage::applyFilter);
    connect(m_search, &QLineEdit::textChanged, this, [this](const QString& text) {
        if (text.isEmpty())
            applyFilter(); // the clear button
    });
    connect(m_previousPage, &QPushButton::clicked, this,
            [this] { loadPage(m_tasks.offset() - m_tasks.limit()); });
    connect(m_nextPage, &QPushButton::clicked, this,
            [this] { loadPage(m_tasks.offset() + m_tasks.limit()); });
    connect(&m_tasks, &TaskListModel::refreshed, this, &TasksPage::updatePaging);
    connect(&m_models, &ModelListModel::refreshed, this, [this] {
        const QString current = m_modelFilter->currentData().toString();
        const QSignalBlocker block(m_modelFilter);
        while (m_modelFilter->count() > 1)
            m_modelFilter->removeItem(1);
        for (const QString& name : m_models.names())
            m_modelFilter->addItem(name, name);
        m_modelFilter->setCurrentIndex(std::max(0, m_modelFilter->findData(current)));
    });
    connect(&m_tasks, &TaskListModel::loadingChanged, this, [this](bool loading) {
        m_busy->setVisible(loading);
        m_refresh->setEnabled(!loading);
    });
    connect(&m_tasks, &TaskListModel::modelReset, this, &TasksPage::updateState);
    connect(&m_tasks, &TaskListModel::rowsInserted, this, &TasksPage::updateState);
    connect(&m_tasks, &TaskListModel::loadFailed, this, [this](const ApiResult& result) {
        m_empty->setText(tr("The tasks cannot be listed.\n%1").arg(ErrorText::forResult(result)));
        m_stack->setCurrentWidget(m_empty);
    });
    connect(m_table->selectionModel(), &QItemSelectionModel::currentRowChanged, this,
            [this](const QModelIndex& index) {
                if (index.isValid())
                    openTask(index.data(TaskListModel::TaskIdRole).toString());
            });
    connect(m_table->selectionModel(), &QItemSelectionModel::selectionChanged, this, [this] {
        bool any = false;
        for (const QString& id : selectedTaskIds())
            any = any || !TaskListModel::isFinal(m_tasks.task(id).value(QLatin1String("status")).toString());
        m_cancelSelected->setEnabled(any);
    });
    connect(m_cancelSelected, &QPushButton::clicked, this, &TasksPage::cancelSelected);
    connect(m_resubmit, &QPushButton::clicked, this, [this] {
        emit resubmitRequested(m_openTask.value(QLatin1String("model")).toString(),
                               m_openTask.value(QLatin1String("request")).toObject());
    });
    updateState();
}

void TasksPage::bindText(std::function<void()> apply)
{
    apply();
    m_texts.push_back(std::move(apply));
}

void TasksPage::changeEvent(QEvent* event)
{
    if (event->type() == QEvent::LanguageChange) {
        for (const auto& apply : m_texts)
            apply();
        emit m_tasks.headerDataChanged(Qt::Horizontal, 0, TaskListModel::ColumnCount - 1);
        if (!m_openTask.isEmpty())
            showTask(m_openTask);
    }
    QWidget::changeEvent(event);
}

void TasksPage::showEvent(QShowEvent* event)
{
    QWidget::showEvent(event);
    refresh();
}

void TasksPage::refresh()
{
    applyFilter();
}

void TasksPage::applyFilter()
{
    loadPage(0);
}

void TasksPage::loadPage(int offset)
{
    QString model = m_modelFilter->currentData().toString();
    if (m_modelFilter->currentIndex() <= 0 && m_modelFilter->currentText() != m_modelFilter->itemText(0))
        model = m_modelFilter->currentText().trimmed();
    m_tasks.setFilter(model, m_statusFilter->currentData().toString());
    m_tasks.setSearch(m_search->text().trimmed());
    const int hours = m_timeRange->currentData().toInt();
    m_tasks.setTimeRange(hours > 0 ? QDateTime::currentDateTimeUtc().addSecs(-qint64(hours) * 3600)
                                   : QDateTime(),
                         QDateTime());
    m_tasks.setOffset(offset);
    m_tasks.refresh();
}

void TasksPage::updatePaging()
{
    const qint64 total = m_tasks.total();
    const int first = m_tasks.offset();
    const int shown = m_tasks.rowCount();
    m_pageLabel->setText(shown == 0 ? tr("0 of %1").arg(total)
                                    : tr("%1–%2 of %3").arg(first + 1).arg(first + shown).arg(total));
    m_previousPage->setEnabled(first > 0);
    m_nextPage->setEnabled(first + shown < total);
}

void TasksPage::updateState()
{
    m_stack->setCurrentWidget(m_tasks.rowCount() > 0 ? static_cast<QWidget*>(m_table) : m_empty);
}

void TasksPage::reset()
{
    m_openTaskId.clear();
    m_openTask = {};
    m_log->clearLog();
    m_result->clear();
    m_request->clear();
    m_timeline->clear();
    m_resubmit->setEnabled(false);
    m_actionStatus->clear();
    m_table->clearSelection();
    m_taskTitle->setText(tr("Select a task to see its log and result."));
}

QStringList TasksPage::selectedTaskIds() const
{
    QStringList ids;
    for (const QModelIndex& index : m_table->selectionModel()->selectedRows())
        ids.append(index.data(TaskListModel::TaskIdRole).toString());
    return ids;
}

void TasksPage::selectTasks(const QStringList& taskIds)
{
    QItemSelection selection;
    for (const QString& id : taskIds) {
        const QModelIndex index = m_tasks.indexOf(id);
        if (index.isValid())
            selection.select(index, index.siblingAtColumn(TaskListModel::ColumnCount - 1));
    }
    m_table->selectionModel()->select(selection, QItemSelectionModel::ClearAndSelect);
}

void TasksPage::cancelSelected()
{
    QStringList ids;
    for (const QString& id : selectedTaskIds())
        if (!TaskListModel::isFinal(m_tasks.task(id).value(QLatin1String("status")).toString()))
            ids.append(id);
    if (ids.isEmpty())
        return;
    m_cancelSelected->setEnabled(false);
    auto remaining = std::make_shared<int>(int(ids.size()));
    auto failed = std::make_shared<int>(0);
    const int total = int(ids.size());
    m_actionStatus->setText(tr("Cancelling %n task(s)…", nullptr, total));
    for (const QString& id : std::as_const(ids)) {
        ApiCall call;
        call.method = "POST";
        call.path = QStringLiteral("/api/v1/tasks/%1/cancel").arg(id);
        m_context.api.send(
            std::move(call), this, [this, id, remaining, failed, total](const ApiResult& result) {
                if (!result.ok())
                    ++*failed;
                else if (const QString status = result.json.value(QLatin1String("status")).toString();
                         !status.isEmpty())
                    m_tasks.upsert({{QStringLiteral("task_id"), id}, {QStringLiteral("status"), status}});
                if (--*remaining > 0)
                    return;
                m_actionStatus->setText(*failed == 0
                                            ? tr("Cancellation requested for %n task(s).", nullptr, total)
                                            : tr("%1 of %2 cancellations failed.").arg(*failed).arg(total));
                emit cancelFinished(total, *failed);
            });
    }
}

void TasksPage::openTask(const QString& taskId)
{
    m_openTaskId = taskId;
    m_taskTitle->setText(tr("Loading task %1…").arg(taskId));
    m_log->clearLog();
    m_result->clear();
    m_request->clear();
    m_timeline->clear();
    m_resubmit->setEnabled(false);
    loadTimeline(taskId);
    m_context.api.get(
        QStringLiteral("/api/v1/tasks/") + taskId, this, [this, taskId](const ApiResult& result) {
            if (taskId != m_openTaskId)
                return;
            if (!result.ok()) {
                m_taskTitle->setText(result.httpStatus == 404
                                         ? tr("Task %1 no longer exists (past its retention).").arg(taskId)
                                         : ErrorText::forResult(result));
                return;
            }
            showTask(result.json);
        });
    m_context.api.get(
        QStringLiteral("/api/v1/tasks/%1/logs").arg(taskId), this, [this, taskId](const ApiResult& result) {
            if (taskId != m_openTaskId || !result.ok())
                return;
            for (const QJsonValue& value : result.json.value(QLatin1String("lines")).toArray()) {
                const QJsonObject line = value.toObject();
                m_log->addLine(
                    qint64(line.value(QLatin1String("seq")).toDouble()),
                    QDateTime::fromString(line.value(QLatin1String("ts")).toString(), Qt::ISODateWithMs),
                    line.value(QLatin1String("level")).toString(),
                    line.value(QLatin1String("text")).toString());
            }
            if (m_log->lineCount() == 0)
                m_log->addNote([] { return tr("This task logged nothing."); });
        });
}

void TasksPage::loadTimeline(const QString& taskId)
{
    m_context.api.get(
        QStringLiteral("/api/v1/tasks/%1/timeline").arg(taskId), this,
        [this, taskId](const ApiResult& result) {
            if (taskId != m_openTaskId || !result.ok())
                return;
            m_timeline->clear();
            auto duration = [](const QJsonValue& ms) {
                return ms.isDouble() ? tr("%1 s").arg(ms.toDouble() / 1000.0, 0, 'f', 3) : QString();
            };
            for (const QJsonValue& value : result.json.value(QLatin1String("attempts")).toArray()) {
                const QJsonObject attempt = value.toObject();
                const QJsonObject error = attempt.value(QLatin1String("error")).toObject();
                const QString outcome = attempt.value(QLatin1String("outcome")).toString();
                const QDateTime started = QDateTime::fromString(
                    attempt.value(QLatin1String("started_at")).toString(), Qt::ISODateWithMs);
                auto* row = new QTreeWidgetItem(
                    m_timeline,
                    {QString::number(attempt.value(QLatin1String("attempt")).toInt()),
                     attempt.value(QLatin1String("instance")).toString(),
                     duration(attempt.value(QLatin1String("queued_ms"))),
                     duration(attempt.value(QLatin1String("running_ms"))),
                     started.isValid()
                         ? QLocale().toString(started.toLocalTime(), QStringLiteral("HH:mm:ss.zzz"))
                         : QString(),
                     outcome == QLatin1String("retried") ? tr("Retried") : TaskListModel::statusText(outcome),
                     error.isEmpty() ? QString()
                                     : tr("%1: %2").arg(error.value(QLatin1String("code")).toString(),
                                                        error.value(QLatin1String("message")).toString())});
                row->setToolTip(6, row->text(6));
            }
        });
}

void TasksPage::showTask(const QJsonObject& task)
{
    m_openTask = task;
    const QString status = task.value(QLatin1String("status")).toString();
    m_taskTitle->setText(tr("<b>%1</b> on <b>%2</b>: %3, attempt %4")
                             .arg(task.value(QLatin1String("task_id")).toString(),
                                  task.value(QLatin1String("model")).toString(),
                                  TaskListModel::statusText(status))
                             .arg(task.value(QLatin1String("attempts")).toInt()));
    m_tasks.upsert(task);
    m_resubmit->setEnabled(task.value(QLatin1String("request")).isObject());
    const QJsonValue request = task.value(QLatin1String("request"));
    m_request->setPlainText(
        request.isObject()
            ? QString::fromUtf8(QJsonDocument(request.toObject()).toJson(QJsonDocument::Indented))
            : QString());
    const QString model = task.value(QLatin1String("model")).toString();
    const QString taskId = task.value(QLatin1String("task_id")).toString();
    auto render = [this, task, status, taskId](const std::vector<FormField>& fields) {
        if (taskId != m_openTaskId)
            return;
        m_result->setResponseType(fields);
        if (status == QLatin1String("succeeded"))
            m_result->showResult(task.value(QLatin1String("result")).toObject());
        else if (TaskListModel::isFinal(status))
            m_result->showError(status, task.value(QLatin1String("error")).toObject());
        else
            m_result->showPending([status] { return TaskListModel::statusText(status); });
    };
    // Render from the response descriptor when the model is still known; else as plain JSON.
    ModelSchema::fetch(m_context.api, model, this,
                       [render](Result<std::shared_ptr<const ModelSchema>> schema, const ApiResult&) {
                           render(schema ? FormModel::describe((*schema)->response())
                                         : std::vector<FormField>{});
                       });
}

} // namespace mmf::studio
