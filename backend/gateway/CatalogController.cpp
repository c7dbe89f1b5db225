#include "gateway/CatalogController.h"

#include "broker/BrokerKeys.h"
#include "gateway/ApiError.h"
#include "gateway/JsonBody.h"
#include "gateway/ModelCatalog.h"
#include "gateway/ModelPatch.h"
#include "gateway/RegistryController.h"
#include "gateway/TaskJson.h"
#include "redis/RedisClient.h"

#include <QJsonArray>
#include <QJsonDocument>

#include <algorithm>

namespace mmf {

namespace {

Error noModel(const QByteArray& name)
{
    return Error::notFound(QStringLiteral("no model %1").arg(QString::fromUtf8(name)));
}

QJsonValue orNull(const QJsonValue& value)
{
    return value.isUndefined() ? QJsonValue(QJsonValue::Null) : value;
}

} // namespace

CatalogController::CatalogController(GatewayContext& context, const RegistryController& registry)
    : m_context(context)
    , m_registry(registry)
{}

void CatalogController::registerRoutes(ApiRoutes& routes)
{
    routes.add("PATCH", "/api/v1/models/{name}", RouteAccess::method("admin").onModel(),
               [this](HttpRequest& request, const HttpResponder& responder, const RouteParams&,
                      const Caller& caller) { patchModel(request, responder, caller); });
    routes.add("GET", "/api/v1/models/{name}/instances", RouteAccess::method("read").onModel(),
               [this](HttpRequest&, const HttpResponder& responder, const RouteParams&,
                      const Caller& caller) { listInstances(responder, caller); });
}

void CatalogController::patchModel(HttpRequest& request, const HttpResponder& responder, const Caller& caller)
{
    const QByteArray name = caller.model->name;
    Result<ModelPatch> patch = ModelPatch::parse(request.body);
    if (!patch) {
        ApiError::send(responder, patch.error());
        return;
    }
    // Read the model fresh, so a retry patch applies to the stored policy, not to an older copy.
    m_context.catalog.reload(name, [this, responder, name, patch = *patch](Result<ModelInfoPtr> found) {
        if (!found) {
            ApiError::send(responder, found.error());
            return;
        }
        if (!*found) {
            ApiError::send(responder, noModel(name));
            return;
        }
        ModelCatalog::SettingsUpdate update;
        update.metadataJson = patch.metadataJson();
        update.lockedFields = patch.metadataFields();
        update.hasRetry = patch.touchesRetry();
        if (update.hasRetry)
            update.retry = patch.applyRetry(m_registry.effectiveRetry(**found));
        update.paused = patch.paused;
        m_context.catalog.updateSettings(name, update, [this, responder, name](Result<ModelInfoPtr> updated) {
            if (!updated) {
                ApiError::send(responder, updated.error());
                return;
            }
            if (!*updated) {
                ApiError::send(responder, noModel(name));
                return;
            }
            responder.sendJson(200, JsonBody::compact(m_registry.modelDetail(*updated)));
        });
    });
}

void CatalogController::listInstances(const HttpResponder& responder, const Caller& caller)
{
    const QByteArray name = caller.model->name;
    m_context.redis.command({"HGETALL", BrokerKeys::instances(name)}, [responder](const RedisReply& reply) {
        if (reply.isError()) {
            ApiError::send(
                responder,
                Error::unavailable(QStringLiteral("the registry is unavailable: %1").arg(reply.toString())));
            return;
        }
        QList<QJsonObject> rows;
        for (qsizetype i = 0; i + 1 < reply.size(); i += 2) {
            const QJsonObject stored = QJsonDocument::fromJson(reply.at(i + 1).toByteArray()).object();
            const qint64 lastPing = qint64(stored.value(QStringLiteral("last_ping_at")).toDouble());
            const QString current = stored.value(QStringLiteral("current_task_id")).toString();
            const QString problem = stored.value(QStringLiteral("problem")).toString();
            rows.append(QJsonObject{
                {QStringLiteral("instance_id"), reply.at(i).toString()},
                {QStringLiteral("name"), stored.value(QStringLiteral("name"))},
                {QStringLiteral("host"), stored.value(QStringLiteral("host"))},
                {QStringLiteral("port"), stored.value(QStringLiteral("port"))},
                {QStringLiteral("concurrency"), stored.value(QStringLiteral("concurrency"))},
                {QStringLiteral("started_at"), orNull(stored.value(QStringLiteral("started_at")))},
                {QStringLiteral("last_ping_at"),
                 lastPing > 0 ? QJsonValue(TaskJson::isoTime(lastPing)) : QJsonValue(QJsonValue::Null)},
                {QStringLiteral("ping_rtt_ms"), orNull(stored.value(QStringLiteral("ping_rtt_ms")))},
                {QStringLiteral("tasks_succeeded"),
                 stored.value(QStringLiteral("tasks_succeeded")).toDouble()},
                {QStringLiteral("tasks_failed"), stored.value(QStringLiteral("tasks_failed")).toDouble()},
                {QStringLiteral("current_task_id"),
                 current.isEmpty() ? QJsonValue(QJsonValue::Null) : QJsonValue(current)},
                // "degraded" with a "problem" when the instance reports one (e.g. its model process
                // keeps exiting).
                {QStringLiteral("status"),
                 stored.value(QStringLiteral("status")).toString(QStringLiteral("ok"))},
                {QStringLiteral("problem"),
                 problem.isEmpty() ? QJsonValue(QJsonValue::Null) : QJsonValue(problem)}});
        }
        std::sort(rows.begin(), rows.end(), [](const QJsonObject& a, const QJsonObject& b) {
            return a.value(QStringLiteral("started_at")).toString() <
                   b.value(QStringLiteral("started_at")).toString();
        });
        QJsonArray out;
        for (const QJsonObject& row : std::as_const(rows))
            out.append(row);
        responder.sendJson(200, JsonBody::compact(QJsonObject{{QStringLiteral("instances"), out}}));
    });
}

} // namespace mmf
