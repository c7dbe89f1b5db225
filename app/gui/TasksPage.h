#pragma once

#include "core/FormModel.h"

#include <QJsonObject>
#include <QWidget>

#include <functional>
#include <vector>

class QComboBox;
class QLabel;
class QProgressBar;
class QPushButton;
class QSortFilterProxyModel;
class QStackedWidget;
class QTableView;

namespace mmf::studio {

struct StudioContext;
class LogView;
class ModelListModel;
class ResultView;
class TaskListModel;

// The user's task history: status, model, times; filters by model and status; the selected task's log and
// result again; resubmit its request.
class TasksPage : public QWidget
{
    Q_OBJECT
public:
    TasksPage(StudioContext& context, TaskListModel& tasks, ModelListModel& models,
              QWidget* parent = nullptr);

    void refresh();
    void openTask(const QString& taskId);
    QString openedTaskId() const { return m_openTaskId; }
    QTableView* table() const { return m_table; }

signals:
    void resubmitRequested(const QString& model, const QJsonObject& request);

protected:
    void showEvent(QShowEvent* event) override;
    void changeEvent(QEvent* event) override;

private:
    // Sets a text now and again on every language change.
    void bindText(std::function<void()> apply);
    void applyFilter();
    void showTask(const QJsonObject& task);
    void updateState();

    StudioContext& m_context;
    TaskListModel& m_tasks;
    ModelListModel& m_models;
    QComboBox* m_modelFilter = nullptr;
    QComboBox* m_statusFilter = nullptr;
    QPushButton* m_refresh = nullptr;
    QProgressBar* m_busy = nullptr;
    QStackedWidget* m_stack = nullptr;
    QLabel* m_empty = nullptr;
    QTableView* m_table = nullptr;
    QLabel* m_taskTitle = nullptr;
    QPushButton* m_resubmit = nullptr;
    LogView* m_log = nullptr;
    ResultView* m_result = nullptr;
    QString m_openTaskId;
    QJsonObject m_openTask;
    std::vector<std::function<void()>> m_texts;
};

} // namespace mmf::studio
