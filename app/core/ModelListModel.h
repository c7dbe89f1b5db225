#pragma once

#include "core/ApiClient.h"

#include <QAbstractTableModel>
#include <QJsonArray>
#include <QJsonObject>

namespace mmf::studio {

class EventStream;

// The live models: filled by GET /api/v1/models (refresh()) and kept current by the `stats` pushes of the
// EventStream (instances, queue depth, estimated wait). A model appearing in or vanishing from the stats
// (the set of models with instances changes) triggers one refresh. It does not subscribe to `stats` itself:
// the owner does.
class ModelListModel : public QAbstractTableModel
{
    Q_OBJECT
public:
    enum Column
    {
        NameColumn,
        ProjectColumn,
        InstancesColumn,
        QueueColumn,
        WaitColumn,
        ScalingColumn,
        ColumnCount
    };
    enum Role
    {
        NameRole = Qt::UserRole + 1, // the model's name (any column)
        JsonRole,                    // the model's object as listed (QJsonObject)
        SortRole,                    // a number for numeric columns, else the text
    };

    ModelListModel(ApiClient& api, EventStream& events, QObject* parent = nullptr);

    int rowCount(const QModelIndex& parent = {}) const override;
    int columnCount(const QModelIndex& parent = {}) const override;
    QVariant data(const QModelIndex& index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;

    void refresh();
    bool isLoading() const { return m_loading; }
    bool hasLoaded() const { return m_loaded; }
    QJsonObject modelAt(int row) const;
    int rowOf(const QString& name) const;
    QStringList names() const;
    void clear();

    // Merges one stats push (public for tests).
    void applyStats(const QJsonObject& stats);

    static QString formatWait(qint64 ms);

signals:
    void loadingChanged(bool loading);
    void refreshed();
    void loadFailed(const mmf::studio::ApiResult& result);

private:
    void setModels(const QJsonArray& models);

    ApiClient& m_api;
    QList<QJsonObject> m_models;
    bool m_loading = false;
    bool m_loaded = false;
    QString m_listedSignature;  // the models with instances, as last listed
    QString m_triggerSignature; // the stats' set that last caused a refresh
};

} // namespace mmf::studio
