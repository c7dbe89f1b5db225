#include "LiveModels.h"

#include "TestHttpClient.h"

#include <QJsonArray>

namespace mmf {

bool waitForLiveModel(TestHttpClient& client, const QString& model, int instances, int timeoutMs)
{
    auto live = [&](const TestHttpClient::Response& r) {
        for (const QJsonValue& entry : r.json().value(QStringLiteral("models")).toArray()) {
            const QJsonObject m = entry.toObject();
            if (m.value(QStringLiteral("name")).toString() == model &&
                m.value(QStringLiteral("instances")).toInt() >= instances)
                return true;
        }
        return false;
    };
    return live(client.pollUntil(QStringLiteral("/api/v1/models"), live, timeoutMs));
}

} // namespace mmf
