#pragma once

#include "gateway/ApiRoutes.h"
#include "gateway/GatewayContext.h"
#include "gateway/ModelCatalog.h"
#include "gateway/ModelInfo.h"
#include "gateway/ModelRedisUsers.h"
#include "gateway/RegistryHostRule.h"

#include <QJsonObject>

namespace mmf {

// Instances joining and leaving, and the model catalogue routes (GET /api/v1/models, /api/v1/models/{name}).
class RegistryController
{
public:
    explicit RegistryController(GatewayContext& context);
    void registerRoutes(ApiRoutes& routes);

    // The list entry of a model: {name, project, status, instances, queue_depth, ..., the catalogue fields,
    // last_seen_at}. The one place a model's JSON is made (CatalogController answers PATCH with modelDetail).
    QJsonObject modelSummary(const ModelInfoPtr& model) const;
    // Live: an instance, or the scaler cold-starts one (dynamic mode).
    bool canTakeTasks(const QByteArray& name) const;
    // The summary plus descriptor_set, request_schema, response_schema and the effective retry policy.
    QJsonObject modelDetail(const ModelInfoPtr& model) const;
    // The model's own retry policy, or the server's defaults when an admin never set one.
    v1::RetryPolicy effectiveRetry(const ModelInfo& model) const;

private:
    void registerInstance(HttpRequest& request, const HttpResponder& responder, const Caller& caller);
    void completeRegistration(const HttpResponder& responder, const v1::RegisterInstanceRequest& registration,
                              const v1::TokenClaims& claims);
    void removeInstance(const HttpResponder& responder, const RouteParams& params, const Caller& caller);
    // GET /api/v1/registry/instances/{id}/credentials (serve; the instance's owner): the model's Redis user
    // and its current password, for an instance whose password was rotated (ServeRevocation).
    void sendCredentials(const HttpResponder& responder, const QByteArray& instanceId, const Caller& caller);
    // The 201 answer of a registration: instance id, the model's Redis user, keys, settings.
    void sendRegistration(const HttpResponder& responder, const ModelCatalog::Registration& done,
                          const ModelRedisUsers::Credentials& user);
    void listModels(HttpRequest& request, const HttpResponder& responder, const Caller& caller);

    GatewayContext& m_context;
    RegistryHostRule m_hostRule;
};

} // namespace mmf
