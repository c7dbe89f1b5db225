#include "core/ModelListModel.h"

#include "core/EventStream.h"

namespace mmf::studio {

ModelListModel::ModelListModel(ApiClient& api, EventStream& events, QObject* parent)
    : QAbstractTableModel(parent)
    , m_api(api)
{
    connect(&events, &EventStream::statsReceived, this, &ModelListModel::applyStats);
}

int ModelListModel::rowCount(const QModelIndex& parent) const
{
    return parent.isValid() ? 0 : int(m_models.size());
}

int ModelListModel::columnCount(const QModelIndex& parent) const
{
    return parent.isValid() ? 0 : ColumnCount;
}

QString ModelListModel::formatWait(qint64 ms)
{
    if (ms <= 0)
        return tr("none");
    if (ms < 1000)
        return tr("%1 ms").arg(ms);
    if (ms < 120000)
        return tr("%1 s").arg(double(ms) / 1000.0, 0, 'f', 1);
    return tr("%1 min").arg(double(ms) / 60000.0, 0, 'f', 1);
}

QVariant ModelListModel::data(const QModelIndex& index, int role) const
{
    if (!index.isValid() || index.row() >= m_models.size())
        return {};
    const QJsonObject& model = m_models.at(index.row());
    if (role == NameRole)
        return model.value(QLatin1String("name")).toString();
    if (role == JsonRole)
        return model;
    const QJsonObject scaling = model.value(QLatin1String("scaling")).toObject();
    if (role == Qt::DisplayRole || role == SortRole) {
        const bool sort = role == SortRole;
        switch (index.column()) {
        case NameColumn:
            return model.value(QLatin1String("name")).toString();
        case ProjectColumn:
            return model.value(QLatin1String("project")).toString();
        case InstancesColumn:
            return model.value(QLatin1String("instances")).toInt();
        case QueueColumn: {
            const qint64 depth = qint64(model.value(QLatin1String("queue_depth")).toDouble());
            // A paused queue (admin): tasks wait, no instance takes them.
            if (!sort && model.value(QLatin1String("paused")).toBool())
                return tr("%1 (Paused)").arg(depth);
            return depth;
        }
        case WaitColumn: {
            const qint64 ms = qint64(model.value(QLatin1String("estimated_wait_ms")).toDouble());
            return sort ? QVariant(ms) : QVariant(formatWait(ms));
        }
        case ScalingColumn: {
            const QString mode = scaling.value(QLatin1String("mode")).toString();
            if (sort)
                return mode;
            if (mode == QLatin1String("dynamic"))
                return tr("dynamic (%1–%2)")
                    .arg(scaling.value(QLatin1String("min")).toInt())
                    .arg(scaling.value(QLatin1String("max")).toInt());
            if (mode == QLatin1String("static"))
                return tr("static");
            return mode.isEmpty() ? tr("static") : mode;
        }
        }
    }
    if (role == Qt::TextAlignmentRole && index.column() >= InstancesColumn && index.column() <= WaitColumn)
        return int(Qt::AlignRight | Qt::AlignVCenter);
    if (role == Qt::ToolTipRole && index.column() == NameColumn)
        return tr("%1 → %2").arg(model.value(QLatin1String("request_type")).toString(),
                                 model.value(QLatin1String("response_type")).toString());
    return {};
}

QVariant ModelListModel::headerData(int section, Qt::Orientation orientation, int role) const
{
    if (orientation != Qt::Horizontal || role != Qt::DisplayRole)
        return {};
    switch (section) {
    case NameColumn:
        return tr("Model");
    case ProjectColumn:
        return tr("Project");
    case InstancesColumn:
        return tr("Instances");
    case QueueColumn:
        return tr("Queue");
    case WaitColumn:
        return tr("Estimated wait");
    case ScalingColumn:
        return tr("Scaling");
    }
    return {};
}

void ModelListModel::refresh()
{
    if (m_loading)
        return;
    m_loading = true;
    emit loadingChanged(true);
    m_api.get(QStringLiteral("/api/v1/models"), this, [this](const ApiResult& result) {
        m_loading = false;
        emit loadingChanged(false);
        if (!result.ok()) {
            emit loadFailed(result);
            return;
        }
        m_loaded = true;
        setModels(result.json.value(QLatin1String("models")).toArray());
        QStringList live;
        for (const QJsonObject& model : std::as_const(m_models)) {
            if (model.value(QLatin1String("instances")).toInt() > 0)
                live.append(model.value(QLatin1String("name")).toString());
        }
        live.sort();
        m_listedSignature = live.join(QLatin1Char(','));
        emit refreshed();
    });
}

void ModelListModel::setModels(const QJsonArray& models)
{
    beginResetModel();
    m_models.clear();
    for (const QJsonValue& model : models)
        m_models.append(model.toObject());
    std::sort(m_models.begin(), m_models.end(), [](const QJsonObject& a, const QJsonObject& b) {
        return a.value(QLatin1String("name")).toString() < b.value(QLatin1String("name")).toString();
    });
    endResetModel();
}

void ModelListModel::clear()
{
    beginResetModel();
    m_models.clear();
    m_loaded = false;
    endResetModel();
}

QJsonObject ModelListModel::modelAt(int row) const
{
    return row >= 0 && row < m_models.size() ? m_models.at(row) : QJsonObject();
}

int ModelListModel::rowOf(const QString& name) const
{
    for (int row = 0; row < m_models.size(); ++row) {
        if (m_models.at(row).value(QLatin1String("name")).toString() == name)
            return row;
    }
    return -1;
}

QStringList ModelListModel::names() const
{
    QStringList out;
    for (const QJsonObject& model : m_models)
        out.append(model.value(QLatin1String("name")).toString());
    return out;
}

void ModelListModel::applyStats(const QJsonObject& stats)
{
    if (!m_loaded)
        return;
    const QJsonArray models = stats.value(QLatin1String("models")).toArray();
    for (const QJsonValue& value : models) {
        const QJsonObject entry = value.toObject();
        const QString name = entry.value(QLatin1String("name")).toString();
        const int row = rowOf(name);
        if (row < 0)
            continue;
        QJsonObject& model = m_models[row];
        bool changed = false;
        for (const char* key : {"instances", "queue_depth", "estimated_wait_ms"}) {
            const QLatin1String k(key);
            if (entry.contains(k) && entry.value(k) != model.value(k)) {
                model.insert(k, entry.value(k));
                changed = true;
            }
        }
        QJsonObject scaling = model.value(QLatin1String("scaling")).toObject();
        for (const char* key : {"desired", "current"}) {
            const QLatin1String k(key);
            if (entry.contains(k) && entry.value(k) != scaling.value(k)) {
                scaling.insert(k, entry.value(k));
                changed = true;
            }
        }
        if (changed) {
            model.insert(QStringLiteral("scaling"), scaling);
            emit dataChanged(index(row, 0), index(row, ColumnCount - 1));
        }
    }
    // The set of models with instances changed (one came or went): list again, once per change.
    QStringList live;
    for (const QJsonValue& value : models) {
        if (value.toObject().value(QLatin1String("instances")).toInt() > 0)
            live.append(value.toObject().value(QLatin1String("name")).toString());
    }
    live.sort();
    const QString signature = live.join(QLatin1Char(','));
    // Other projects' models may be in the stats but never in the list: one refresh per new signature.
    if (signature != m_listedSignature && signature != m_triggerSignature) {
        m_triggerSignature = signature;
        refresh();
    }
}

} // namespace mmf::studio
