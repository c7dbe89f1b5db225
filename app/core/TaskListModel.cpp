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
    : QAbstractItemModel(parent)
    , m_api(api)
{
    connect(&events, &EventStream::statusReceived, this,
            [this](const QString& taskId, const QString& model, const QString& status, int attempts) {
                if (!contains(taskId))
                    return;
                QJsonObject update{{QStringLiteral("task_id"), taskId},
                                   {QStringLiteral("status"), status},
                                   {QStringLiteral("attempts"), attempts}};
                const QString now = QDateTime::currentDateTimeUtc().toString(Qt::ISODateWithMs);
                const QJsonObject current = task(taskId);
                if (status == QLatin1String("running") && !current.contains(QLatin1String("started_at")))
                    update.insert(QStringLiteral("started_at"), now);
                if (isFinal(status) && current.value(QLatin1String("finished_at")).toString().isEmpty())
                    update.insert(QStringLiteral("finished_at"), now);
                Q_UNUSED(model);
                upsert(update);
            });
    connect(&events, &EventStream::resultReceived, this,
            [this](const QString& taskId, const QString& status, const QJsonValue&, const QJsonObject&) {
                if (contains(taskId))
                    upsert({{QStringLiteral("task_id"), taskId}, {QStringLiteral("status"), status}});
            });
}

const TaskListModel::Node* TaskListModel::nodeAt(const QModelIndex& index) const
{
    const quintptr serial = serialAt(index);
    const auto it = m_bySerial.constFind(serial);
    return it == m_bySerial.cend() ? nullptr : &it.value();
}

quintptr TaskListModel::serialAt(const QModelIndex& index) const
{
    if (!index.isValid() || index.model() != this)
        return 0;
    if (index.internalId() == 0)
        return m_roots.value(index.row());
    const auto parent = m_bySerial.constFind(index.internalId());
    return parent == m_bySerial.cend() ? 0 : parent->children.value(index.row());
}

QModelIndex TaskListModel::indexOfSerial(quintptr serial, int column) const
{
    const auto it = m_bySerial.constFind(serial);
    if (it == m_bySerial.cend())
        return {};
    if (it->parent == 0) {
        const int row = int(m_roots.indexOf(serial));
        return row < 0 ? QModelIndex() : createIndex(row, column, quintptr(0));
    }
    const int row = int(m_bySerial.value(it->parent).children.indexOf(serial));
    return row < 0 ? QModelIndex() : createIndex(row, column, it->parent);
}

QModelIndex TaskListModel::index(int row, int column, const QModelIndex& parent) const
{
    if (row < 0 || column < 0 || column >= ColumnCount)
        return {};
    if (!parent.isValid())
        return row < m_roots.size() ? createIndex(row, column, quintptr(0)) : QModelIndex();
    if (parent.internalId() != 0 || parent.column() != 0)
        return {}; // two levels only
    const quintptr top = m_roots.value(parent.row());
    if (top == 0 || row >= m_bySerial.value(top).children.size())
        return {};
    return createIndex(row, column, top);
}

QModelIndex TaskListModel::parent(const QModelIndex& child) const
{
    if (!child.isValid() || child.internalId() == 0)
        return {};
    const int row = int(m_roots.indexOf(child.internalId()));
    return row < 0 ? QModelIndex() : createIndex(row, 0, quintptr(0));
}

int TaskListModel::rowCount(const QModelIndex& parent) const
{
    if (!parent.isValid())
        return int(m_roots.size());
    if (parent.internalId() != 0 || parent.column() != 0)
        return 0;
    return int(m_bySerial.value(m_roots.value(parent.row())).children.size());
}

int TaskListModel::columnCount(const QModelIndex& parent) const
{
    Q_UNUSED(parent);
    return ColumnCount;
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
    const Node* node = nodeAt(index);
    if (!node)
        return {};
    const QJsonObject& task = node->task;
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
            if (!node->children.isEmpty())
                return tr("%1 (%n sub-task(s))", nullptr, int(node->children.size()))
                    .arg(task.value(QLatin1String("task_id")).toString());
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
    if (!m_search.isEmpty())
        query.addQueryItem(QStringLiteral("id"), m_search);
    if (m_since.isValid())
        query.addQueryItem(QStringLiteral("since"), m_since.toUTC().toString(Qt::ISODateWithMs));
    if (m_until.isValid())
        query.addQueryItem(QStringLiteral("until"), m_until.toUTC().toString(Qt::ISODateWithMs));
    query.addQueryItem(QStringLiteral("limit"), QString::number(m_limit));
    if (m_offset > 0)
        query.addQueryItem(QStringLiteral("offset"), QString::number(m_offset));
    m_api.get(
        QStringLiteral("/api/v1/tasks"), this,
        [this](const ApiResult& result) {
            m_loading = false;
            emit loadingChanged(false);
            if (!result.ok()) {
                emit loadFailed(result);
                return;
            }
            // Newest first, each parent after its sub-tasks (which are newer), as rebuild() expects.
            QList<QJsonObject> tasks;
            for (const QJsonValue& value : result.json.value(QLatin1String("tasks")).toArray()) {
                QJsonObject task = value.toObject();
                const QJsonArray children = task.take(QLatin1String("children")).toArray();
                for (qsizetype i = children.size() - 1; i >= 0; --i)
                    tasks.append(children.at(i).toObject());
                tasks.append(task);
            }
            m_total = qint64(result.json.value(QLatin1String("total")).toDouble(double(tasks.size())));
            rebuild(tasks);
            emit refreshed();
        },
        query);
}

void TaskListModel::rebuild(const QList<QJsonObject>& tasks)
{
    beginResetModel();
    m_bySerial.clear();
    m_byId.clear();
    m_roots.clear();
    for (const QJsonObject& task : tasks) {
        const quintptr serial = m_nextSerial++;
        m_bySerial.insert(serial, Node{task, 0, {}});
        m_byId.insert(task.value(QLatin1String("task_id")).toString(), serial);
    }
    // Newest first: a parent is older than its sub-tasks, so children are collected oldest first by walking
    // the list backwards.
    for (qsizetype i = tasks.size() - 1; i >= 0; --i) {
        const QString id = tasks.at(i).value(QLatin1String("task_id")).toString();
        const quintptr serial = m_byId.value(id);
        quintptr parent = m_byId.value(tasks.at(i).value(QLatin1String("parent_task_id")).toString());
        while (parent != 0 && m_bySerial.value(parent).parent != 0)
            parent = m_bySerial.value(parent).parent; // a sub-task's sub-task joins the top task
        if (parent == 0 || parent == serial)
            continue;
        m_bySerial[serial].parent = parent;
        m_bySerial[parent].children.append(serial);
    }
    for (const QJsonObject& task : tasks) {
        const quintptr serial = m_byId.value(task.value(QLatin1String("task_id")).toString());
        if (m_bySerial.value(serial).parent == 0)
            m_roots.append(serial);
    }
    endResetModel();
}

QJsonObject TaskListModel::taskAt(int row) const
{
    return m_bySerial.value(m_roots.value(row)).task;
}

int TaskListModel::rowOf(const QString& taskId) const
{
    const quintptr serial = m_byId.value(taskId);
    return serial == 0 ? -1 : int(m_roots.indexOf(serial));
}

QModelIndex TaskListModel::indexOf(const QString& taskId) const
{
    return indexOfSerial(m_byId.value(taskId));
}

QJsonObject TaskListModel::task(const QString& taskId) const
{
    return m_bySerial.value(m_byId.value(taskId)).task;
}

QStringList TaskListModel::subTasksOf(const QString& taskId) const
{
    QStringList ids;
    for (quintptr child : m_bySerial.value(m_byId.value(taskId)).children)
        ids.append(m_bySerial.value(child).task.value(QLatin1String("task_id")).toString());
    return ids;
}

void TaskListModel::upsert(const QJsonObject& task)
{
    const QString id = task.value(QLatin1String("task_id")).toString();
    const quintptr known = m_byId.value(id);
    if (known != 0 && m_bySerial.contains(known)) {
        QJsonObject& current = m_bySerial[known].task;
        for (auto it = task.begin(); it != task.end(); ++it)
            current.insert(it.key(), it.value());
        const QModelIndex first = indexOfSerial(known, 0);
        emit dataChanged(first, indexOfSerial(known, ColumnCount - 1));
        return;
    }
    const quintptr serial = m_nextSerial++;
    quintptr parent = m_byId.value(task.value(QLatin1String("parent_task_id")).toString());
    while (parent != 0 && m_bySerial.value(parent).parent != 0)
        parent = m_bySerial.value(parent).parent;
    m_byId.insert(id, serial);
    if (parent != 0 && m_bySerial.contains(parent)) {
        const QModelIndex parentIndex = indexOfSerial(parent);
        const int row = int(m_bySerial.value(parent).children.size());
        beginInsertRows(parentIndex, row, row);
        m_bySerial.insert(serial, Node{task, parent, {}});
        m_bySerial[parent].children.append(serial);
        endInsertRows();
        emit dataChanged(parentIndex, parentIndex); // its sub-task count
        return;
    }
    beginInsertRows({}, 0, 0);
    m_bySerial.insert(serial, Node{task, 0, {}});
    m_roots.prepend(serial);
    endInsertRows();
}

void TaskListModel::clear()
{
    beginResetModel();
    m_bySerial.clear();
    m_byId.clear();
    m_roots.clear();
    endResetModel();
}

} // namespace mmf::studio
