#include "scaler/ScalerController.h"

#include "broker/BrokerKeys.h"
#include "gateway/ApiError.h"
#include "gateway/JsonBody.h"
#include "gateway/ModelCatalog.h"
#include "http/HttpRequest.h"
#include "http/HttpResponder.h"
#include "scaler/ModelDescriber.h"
#include "scaler/ScalingStore.h"

#include <QJsonArray>

namespace mmf {

ScalerController::ScalerController(GatewayContext& context, ScalingStore& store, ModelDescriber& describer)
    : m_context(context)
    , m_store(store)
    , m_describer(describer)
{}

void ScalerController::registerRoutes(ApiRoutes& routes)
{
    routes.add("GET", "/api/v1/scaler", RouteAccess::method("read"),
               [this](HttpRequest&, const HttpResponder& responder, const RouteParams&,
                      const Caller& caller) { getScaler(responder, caller); });
    routes.add("PUT", "/api/v1/models/{name}/scaling", RouteAccess::method("admin").onModelOrNew(),
               [this](HttpRequest& request, const HttpResponder& responder, const RouteParams& params,
                      const Caller& caller) { putScaling(request, responder, params, caller); });
}

void ScalerController::getScaler(const HttpResponder& responder, const Caller& caller)
{
    QJsonArray models;
    const QMap<QByteArray, ScalingSpec> specs = m_store.specs();
    for (auto it = specs.cbegin(); it != specs.cend(); ++it) {
        if (!caller.reachesProject(it->project))
            continue;
        models.append(m_store.modelJson(it.key()));
    }
    QJsonObject out{{QStringLiteral("pool"), m_store.poolJson()}, {QStringLiteral("models"), models}};
    responder.sendJson(200, JsonBody::compact(out));
}

void ScalerController::putScaling(HttpRequest& request, const HttpResponder& responder,
                                  const RouteParams& params, const Caller& caller)
{
    const QByteArray name = params.value("name");
    Result<QJsonObject> body = JsonBody::parseObject(request.body);
    if (!body) {
        ApiError::send(responder, body.error());
        return;
    }
    Result<ScalingSpec> parsed = ScalingSpec::fromJson(*body, false);
    if (!parsed) {
        ApiError::send(responder, parsed.error());
        return;
    }
    ScalingSpec spec = *parsed;
    // A configured command stays: only the operator's file sets it.
    if (const std::optional<ScalingSpec> old = m_store.spec(name))
        spec.command = old->command;
    const QByteArray tokenProject = QByteArray::fromStdString(caller.claims->project_id());
    // A model not catalogued yet joins the project named in the body: one the caller administers.
    if (!caller.model && !spec.project.isEmpty() && !caller.administers(spec.project)) {
        ApiError::send(responder,
                       Error::permissionDenied(QStringLiteral("this token does not administer project %1")
                                                   .arg(QString::fromUtf8(spec.project))));
        return;
    }
    {
        const ModelInfoPtr model = caller.model;
        if (model) {
            if (!spec.project.isEmpty() && spec.project != model->project) {
                ApiError::send(responder,
                               Error::invalidArgument(
                                   QStringLiteral("model %1 belongs to project %2")
                                       .arg(QString::fromUtf8(name), QString::fromUtf8(model->project)),
                                   QStringLiteral("project")));
                return;
            }
            spec.project = model->project;
        } else if (spec.project.isEmpty()) {
            spec.project = tokenProject;
        }
        const int instances = m_context.catalog.stats(name).instances;
        auto store = [this, responder, name, spec] {
            m_store.put(name, spec, [this, responder, name](Result<void> stored) {
                if (!stored) {
                    ApiError::send(responder, stored.error());
                    return;
                }
                m_context.catalog.refresh();
                responder.sendJson(200, JsonBody::compact(m_store.modelJson(name)));
            });
        };
        // Can the local driver start it? (Also writes the catalogue entry of a model not seen yet.)
        m_describer.describe(
            name, spec.project, spec.command, [responder, instances, store](Result<void> described) {
                if (!described && (described.error().code != ErrorCode::InvalidArgument || instances == 0)) {
                    ApiError::send(responder, described.error());
                    return;
                }
                store();
            });
    }
}

} // namespace mmf
