#pragma once

#include "core/ApiClient.h"

#include <QAbstractItemModel>
#include <QDateTime>
#include <QHash>
#include <QJsonObject>

namespace mmf::studio {

class EventStream;

// The caller's tasks, newest first, one page of GET
// /api/v1/tasks?model=&status=&id=&since=&until=&limit=&offset=, as a two-level tree: the server lists
// sub-tasks (calc's arith operations) in their parent's `children`, and a task whose parent_task_id is listed
// is a child row of that parent (of its top task when the parent is itself a sub-task), the others are
// top-level rows. total() is what the server counted over all pages. Status pushes from the EventStream
// update rows already listed; upsert() adds a task the studio just submitted. Top-level rows are what
// rowCount(), rowOf() and taskAt() count.
class TaskListModel : public QAbstractItemModel
{
    Q_OBJECT
public:
    enum Column
    {
        IdColumn,
        ModelColumn,
        StatusColumn,
        CreatedColumn,
        StartedColumn,
        FinishedColumn,
        DurationColumn,
        ColumnCount
    };
    enum Role
    {
        TaskIdRole = Qt::UserRole + 1,
        JsonRole,
        StatusRole,
    };

    TaskListModel(ApiClient& api, EventStream& events, QObject* parent = nullptr);

    QModelIndex index(int row, int column, const QModelIndex& parent = {}) const override;
    QModelIndex parent(const QModelIndex& child) const override;
    int rowCount(const QModelIndex& parent = {}) const override;
    int columnCount(const QModelIndex& parent = {}) const override;
    QVariant data(const QModelIndex& index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;

    // Empty strings mean "any". Takes effect on the next refresh().
    void setFilter(const QString& model, const QString& status);
    void setLimit(int limit) { m_limit = limit; }
    int limit() const { return m_limit; }
    // A task id to find (empty: any), and a creation time range (invalid: open). Take effect on refresh().
    void setSearch(const QString& taskId) { m_search = taskId; }
    void setTimeRange(const QDateTime& since, const QDateTime& until)
    {
        m_since = since;
        m_until = until;
    }
    // The first top-level task of the page (0: the newest).
    void setOffset(int offset) { m_offset = qMax(0, offset); }
    int offset() const { return m_offset; }
    qint64 total() const { return m_total; }
    void refresh();
    bool isLoading() const { return m_loading; }
    // A top-level row's task, and the top-level row of a task (-1 for a sub-task or an unknown one).
    QJsonObject taskAt(int row) const;
    int rowOf(const QString& taskId) const;
    // Any listed task, sub-tasks included.
    QModelIndex indexOf(const QString& taskId) const;
    QJsonObject task(const QString& taskId) const;
    bool contains(const QString& taskId) const { return m_bySerial.contains(m_byId.value(taskId)); }
    // The listed sub-tasks of a top-level task, oldest first.
    QStringList subTasksOf(const QString& taskId) const;
    // Adds the task at the top or updates its row (merging the given fields).
    void upsert(const QJsonObject& task);
    void clear();

    // Translated name of a status ("queued", "running", "succeeded", …).
    static QString statusText(const QString& status);
    static bool isFinal(const QString& status);

signals:
    void loadingChanged(bool loading);
    void refreshed();
    void loadFailed(const mmf::studio::ApiResult& result);

private:
    struct Node
    {
        QJsonObject task;
        quintptr parent = 0; // the top-level node's serial; 0 for a top-level node
        QList<quintptr> children;
    };
    // Builds the tree from a list, newest first.
    void rebuild(const QList<QJsonObject>& tasks);
    const Node* nodeAt(const QModelIndex& index) const;
    quintptr serialAt(const QModelIndex& index) const;
    QModelIndex indexOfSerial(quintptr serial, int column = 0) const;

    ApiClient& m_api;
    QHash<quintptr, Node> m_bySerial;
    QHash<QString, quintptr> m_byId;
    QList<quintptr> m_roots;
    quintptr m_nextSerial = 1;
    QString m_model;
    QString m_status;
    QString m_search;
    QDateTime m_since;
    QDateTime m_until;
    int m_offset = 0;
    qint64 m_total = 0;
    int m_limit = 200;
    bool m_loading = false;
};

} // namespace mmf::studio
