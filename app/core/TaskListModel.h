#pragma once

#include "core/ApiClient.h"

#include <QAbstractTableModel>
#include <QJsonObject>

namespace mmf::studio {

class EventStream;

// The caller's tasks, newest first, from GET /api/v1/tasks?model=&status=&limit=. Status pushes from the
// EventStream update rows already listed; upsert() adds a task the studio just submitted.
class TaskListModel : public QAbstractTableModel
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

    int rowCount(const QModelIndex& parent = {}) const override;
    int columnCount(const QModelIndex& parent = {}) const override;
    QVariant data(const QModelIndex& index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;

    // Empty strings mean "any". Takes effect on the next refresh().
    void setFilter(const QString& model, const QString& status);
    void setLimit(int limit) { m_limit = limit; }
    void refresh();
    bool isLoading() const { return m_loading; }
    QJsonObject taskAt(int row) const;
    int rowOf(const QString& taskId) const;
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
    ApiClient& m_api;
    QList<QJsonObject> m_tasks;
    QString m_model;
    QString m_status;
    int m_limit = 200;
    bool m_loading = false;
};

} // namespace mmf::studio
