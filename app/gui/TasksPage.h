#pragma once

#include "core/FormModel.h"

#include <QJsonObject>
#include <QWidget>

#include <functional>
#include <vector>

class QComboBox;
class QLabel;
class QLineEdit;
class QTreeWidget;
class QProgressBar;
class QPushButton;
class QSortFilterProxyModel;
class QStackedWidget;
class QPlainTextEdit;
class QTabWidget;
class QTreeView;

namespace mmf::studio {

struct StudioContext;
class LogView;
class ModelListModel;
class ResultView;
class TaskListModel;

// The user's task history: status, model, times, sub-tasks grouped under their parent; search by task id,
// filters by model, status and time range, pages of the server's list ("1–50 of 230"); the selected task's
// log, result, the request it was sent with and its attempt timeline; resubmit its request; cancel the
// selected tasks at once.
class TasksPage : public QWidget
{
    Q_OBJECT
public:
    TasksPage(StudioContext& context, TaskListModel& tasks, ModelListModel& models,
              QWidget* parent = nullptr);

    void refresh();
    void openTask(const QString& taskId);
    QString openedTaskId() const { return m_openTaskId; }
    QTreeView* table() const { return m_table; }
    // Selects these tasks (top-level or sub-tasks) in the list.
    void selectTasks(const QStringList& taskIds);
    // Asks the server to cancel every selected task that has not ended; cancelFinished(requested, failed).
    void cancelSelected();
    // Forgets the open task and the selection (an account switch).
    void reset();

signals:
    void resubmitRequested(const QString& model, const QJsonObject& request);
    void cancelFinished(int requested, int failed);

protected:
    void showEvent(QShowEvent* event) override;
    void changeEvent(QEvent* event) override;

private:
    // Sets a text now and again on every language change.
    void bindText(std::function<void()> apply);
    void applyFilter();
    // Shows the page at `offset` (top-level tasks) with the current filters.
    void loadPage(int offset);
    void updatePaging();
    void loadTimeline(const QString& taskId);
    void showTask(const QJsonObject& task);
    void updateState();
    QStringList selectedTaskIds() const;

    StudioContext& m_context;
    TaskListModel& m_tasks;
    ModelListModel& m_models;
    QComboBox* m_modelFilter = nullptr;
    QComboBox* m_statusFilter = nullptr;
    QLineEdit* m_search = nullptr;
    QComboBox* m_timeRange = nullptr;
    QPushButton* m_previousPage = nullptr;
    QPushButton* m_nextPage = nullptr;
    QLabel* m_pageLabel = nullptr;
    QTreeWidget* m_timeline = nullptr;
    QPushButton* m_refresh = nullptr;
    QProgressBar* m_busy = nullptr;
    QStackedWidget* m_stack = nullptr;
    QLabel* m_empty = nullptr;
    QTreeView* m_table = nullptr;
    QLabel* m_taskTitle = nullptr;
    QLabel* m_actionStatus = nullptr;
    QPushButton* m_resubmit = nullptr;
    QPushButton* m_cancelSelected = nullptr;
    LogView* m_log = nullptr;
    QTabWidget* m_detailTabs = nullptr;
    ResultView* m_result = nullptr;
    QPlainTextEdit* m_request = nullptr;
    QString m_openTaskId;
    QJsonObject m_openTask;
    std::vector<std::function<void()>> m_texts;
};

} // namespace mmf::studio
