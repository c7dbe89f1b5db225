#pragma once

#include "core/Result.h"

#include "mmf/v1/registry.pb.h"

#include <QByteArray>
#include <QJsonObject>
#include <QList>
#include <QString>
#include <QStringList>

#include <optional>

namespace mmf {

// The body of PATCH /api/v1/models/{name}: a partial update of a model's catalogue fields and retry policy.
// parse() checks every field and its bounds; an error is invalid_argument naming the field (e.g.
// "retry.max_attempts", "tags[3]"). Pure: no I/O.
struct ModelPatch
{
    static constexpr int kMaxDescription = 1000; // characters
    static constexpr int kMaxVersion = 64;
    static constexpr int kMaxOwner = 128;
    static constexpr int kMaxTags = 20;
    static constexpr int kMaxTag = 32;
    static constexpr int kMaxDocsBytes = 64 * 1024; // UTF-8 bytes
    static constexpr int kMaxAttempts = 100;
    static constexpr qint64 kMaxBackoffMs = 86400000; // a day
    static constexpr double kMaxBackoffFactor = 100;

    std::optional<QString> description;
    std::optional<QString> version;
    std::optional<QString> owner;
    std::optional<QStringList> tags;
    std::optional<QString> docs;
    std::optional<int> maxAttempts;
    std::optional<qint64> backoffInitialMs;
    std::optional<double> backoffFactor;
    std::optional<qint64> backoffMaxMs;
    std::optional<bool> paused;

    static Result<ModelPatch> parse(const QByteArray& body);
    static Result<ModelPatch> fromJson(const QJsonObject& body);

    // The metadata fields to change, as ModelMetadata JSON ("{}" when none), and their names.
    QByteArray metadataJson() const;
    QList<QByteArray> metadataFields() const;
    bool touchesRetry() const;
    // `current` (the effective policy) with this patch's retry fields applied.
    v1::RetryPolicy applyRetry(const v1::RetryPolicy& current) const;
};

} // namespace mmf
