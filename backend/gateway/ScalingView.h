#pragma once

#include <QByteArrayView>
#include <QJsonObject>
#include <QString>

#include <optional>

namespace mmf {

// What the gateway needs to know of the scaler (implemented by ScalingStore): whether a model is managed,
// can take tasks with no replica running (cold start), and its figures for the model list.
struct ModelScaling
{
    bool dynamic = false;
    int min = 0;
    int max = 0;
    int desired = 0;
    int current = 0;
    bool coldStarts = false;

    QJsonObject toJson() const
    {
        return QJsonObject{
            {QStringLiteral("mode"), dynamic ? QStringLiteral("dynamic") : QStringLiteral("static")},
            {QStringLiteral("min"), min},
            {QStringLiteral("max"), max},
            {QStringLiteral("desired"), desired},
            {QStringLiteral("current"), current}};
    }
};

class ScalingView
{
public:
    virtual ~ScalingView() = default;
    // nullopt: the scaler does not manage the model (its instances come and go on their own).
    virtual std::optional<ModelScaling> scalingOf(QByteArrayView model) const = 0;
};

} // namespace mmf
