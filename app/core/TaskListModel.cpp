#include "core/TaskListModel.h"

#include "core/EventStream.h"

#include <QDateTime>
#include <QJsonArray>
#include <QLocale>

namespace mmf::studio {

namespace {
QDateTime timeOf(const QJsonObject& task, const char* key)
{
    const QString text = task.value(QLatin1String(key)).toString();
    return text.isEmpty() ? QDateTime() : QDateTime::fromString(text, Qt::ISODateWithMs);
}

QString shownTime(const QDateTime& time)
{
    return time.isValid() ? QLocale().toString(time.toLocalTime(), QStringLiteral("yyyy-MM-dd HH:mm:ss"))
                          : QString();
}
} // namespace

TaskListModel::TaskListModel(ApiClient& api, EventStream& events, QObject* parent)
    : QAbstractTableModel(parent)
    , m_api(api)
{
    connect(&events, &EventStream::statusReceived, this,
            [this](const QString& taskId, const QString& model, const QString& status, int attempts) {
                if (rowOf(taskId) < 0)
                    return;
                QJsonObject update{{QStringLiteral("task_id"), taskId},
                                   {QStringLiteral("status"), status},
                                   {QStringLiteral("attempts"), attempts}};
                const QString now = QDateTime::currentDateTimeUtc().toString(Qt::ISODateWithMs);
                const QJsonObject current = taskAt(rowOf(taskId));
                if (status == QLatin1String("running") && !current.contains(QLatin1String("started_at")))
                    update.insert(QStringLiteral("started_at"), now);
                if (isFinal(status) && current.value(QLatin1String("finished_at")).toString().isEmpty())
                    update.insert(QStringLiteral("finished_at"), now);
                Q_UNUSED(model);
                upsert(update);
            });
    connect(&events, &EventStream::resultReceived, this,
            [this](const QString& taskId, const QString& status, const QJsonValue&, const QJsonObject&) {
                if (rowOf(taskId) >= 0)
                    upsert({{QStringLiteral("task_id"), taskId}, {QStringLiteral("status"), status}});
            });
}

int TaskListModel::rowCount(const QModelIndex& parent) const
{
    return parent.isValid() ? 0 : int(m_tasks.size());
}

int TaskListModel::columnCount(const QModelIndex& parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

QString TaskListModel::statusText(const QString& status)
{
    if (status == QLatin1String("queued"))
        return tr("Queued");
    if (status == QLatin1String("running"))
        return tr("Running");
    if (status == QLatin1String("succeeded"))
        return tr("Succeeded");
    if (status == QLatin1String("failed"))
        return tr("Failed");
    if (status == QLatin1String("cancelled"))
        return tr("Cancelled");
    if (status == QLatin1String("dead_lettered"))
        return tr("Dead-lettered");
    return status;
}

bool TaskListModel::isFinal(const QString& status)
{
    return status == QLatin1String("succeeded") || status == QLatin1String("failed") ||
           status == QLatin1String("cancelled") || status == QLatin1String("dead_lettered");
}

QVariant TaskListModel::data(const QModelIndex& index, int role) const
{
    if (!index.isValid() || index.row() >= m_tasks.size())
        return {};
    const QJsonObject& task = m_tasks.at(index.row());
    const QString status = task.value(QLatin1String("status")).toString();
    switch (role) {
    case TaskIdRole:
        return task.value(QLatin1String("task_id")).toString();
    case JsonRole:
        return task;
    case StatusRole:
        return status;
    case Qt::DisplayRole:
        switch (index.column()) {
        case IdColumn:
            return task.value(QLatin1String("task_id")).toString();
        case ModelColumn:
            return task.value(QLatin1String("model")).toString();
        case StatusColumn:
            return statusText(status);
        case CreatedColumn:
            return shownTime(timeOf(task, "created_at"));
        case StartedColumn:
            return shownTime(timeOf(task, "started_at"));
        case FinishedColumn:
            return shownTime(timeOf(task, "finished_at"));
        case DurationColumn: {
            const QDateTime from = timeOf(task, "started_at").isValid() ? timeOf(task, "started_at")
                                                                        : timeOf(task, "created_at");
            const QDateTime to = timeOf(task, "finished_at");
            if (!from.isValid() || !to.isValid())
                return QString();
            const qint64 ms = from.msecsTo(to);
            return ms < 1000 ? tr("%1 ms").arg(ms) : tr("%1 s").arg(double(ms) / 1000.0, 0, 'f', 2);
        }
        }
        return {};
    case Qt::ToolTipRole: {
        const QJsonObject error = task.value(QLatin1String("error")).toObject();
        if (!error.isEmpty())
            return tr("%1: %2").arg(error.value(QLatin1String("code")).toString(),
                                    error.value(QLatin1String("message")).toString());
        return {};
    }
    }
    return {};
}

QVariant TaskListModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return {};
    switch (section) {
    case IdColumn:
        return tr("Task");
    case ModelColumn:
        return tr("Model");
    case StatusColumn:
        return tr("Status");
    case CreatedColumn:
        return tr("Created");
    case StartedColumn:
        return tr("Started");
    case FinishedColumn:
        return tr("Finished");
    case DurationColumn:
        return tr("Duration");
    }
    return {};
}

void TaskListModel::setFilter(const QString& model, const QString& status)
{
    m_model = model;
    m_status = status;
}

void TaskListModel::refresh()
{
    if (m_loading)
        return;
    m_loading = true;
    emit loadingChanged(true);
    QUrlQuery query;
    if (!m_model.isEmpty())
        query.addQueryItem(QStringLiteral("model"), m_model);
    if (!m_status.isEmpty())
        query.addQueryItem(QStringLiteral("status"), m_status);
    query.addQueryItem(QStringLiteral("limit"), QString::number(m_limit));
    m_api.get(
        QStringLiteral("/api/v1/tasks"), this,
        [this](const ApiResult& result) {
            m_loading = false;
            emit loadingChanged(false);
            if (!result.ok()) {
                emit loadFailed(result);
                return;
            }
            beginResetModel();
            m_tasks.clear();
            for (const QJsonValue& task : result.json.value(QLatin1String("tasks")).toArray())
                m_tasks.append(task.toObject());
            endResetModel();
            emit refreshed();
        },
        query);
}

QJsonObject TaskListModel::taskAt(int row) const
{
    return row >= 0 && row < m_tasks.size() ? m_tasks.at(row) : QJsonObject();
}

int TaskListModel::rowOf(const QString& taskId) const
{
    for (int row = 0; row < m_tasks.size(); ++row) {
        if (m_tasks.at(row).value(QLatin1String("task_id")).toString() == taskId)
            return row;
    }
    return -1;
}

void TaskListModel::upsert(const QJsonObject& task)
{
    const int row = rowOf(task.value(QLatin1String("task_id")).toString());
    if (row < 0) {
        beginInsertRows({}, 0, 0);
        m_tasks.prepend(task);
        endInsertRows();
        return;
    }
    QJsonObject& current = m_tasks[row];
    for (auto it = task.begin(); it != task.end(); ++it)
        current.insert(it.key(), it.value());
    emit dataChanged(index(row, 0), index(row, ColumnCount - 1));
}

void TaskListModel::clear()
{
    beginResetModel();
    m_tasks.clear();
    endResetModel();
}

} // namespace mmf::studio
