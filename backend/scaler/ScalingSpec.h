#pragma once

#include "core/Result.h"

#include <QByteArray>
#include <QJsonObject>
#include <QMap>
#include <QString>

namespace mmf {

// How one model scales: mode, replica bounds, what one replica takes from the pool, and who owns it. Stored
// as JSON in the Redis hash `mmf:scaling` (model → spec) so every server sees the same; set by the config
// file (`[scaling] NAME = mode:dynamic min:0 max:3 cpu:1`) and by PUT /api/v1/models/{name}/scaling.
struct ScalingSpec
{
    static constexpr int kMaxReplicas = 1000;

    bool dynamic = false; // static: the scaler keeps `min` replicas; dynamic: min..max by demand
    int min = 0;
    int max = 0;
    QMap<QByteArray, qint64> resources; // per replica; default {cpu: 1}
    int tasksPerReplica = 0;            // 0: the server's [scaler] tasks_per_replica
    QByteArray project;                 // the project of the workers' serve tokens
    QString command; // an external model's program (config file only); empty: the built-in mmf-worker

    QString modeName() const { return dynamic ? QStringLiteral("dynamic") : QStringLiteral("static"); }
    // Whether a task may be queued with no replica running (the scaler will start one).
    bool coldStarts() const { return dynamic ? max > 0 : min > 0; }

    // {mode, min, max, resources, tasks_per_replica, project[, command]}.
    QJsonObject toJson(bool withCommand = true) const;
    // Validates every field; invalid_argument naming the field. `allowCommand`: only trusted sources
    // (the config file, the store) may name a program to run.
    static Result<ScalingSpec> fromJson(const QJsonObject& json, bool allowCommand);
    // "mode:dynamic min:0 max:3 cpu:1 mem_mb:500 project:p tasks_per_replica:2 command:/path": the
    // config-file form; unknown keys are resources.
    static Result<ScalingSpec> fromConfigText(const QString& text);
};

} // namespace mmf
