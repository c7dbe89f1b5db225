#include "gateway/RegistryController.h"

#include "auth/Base64Url.h"
#include "broker/BrokerKeys.h"
#include "gateway/ApiError.h"
#include "gateway/AuthGuard.h"
#include "gateway/GatewaySettings.h"
#include "gateway/JsonBody.h"
#include "gateway/KeyRing.h"
#include "gateway/ModelCatalog.h"
#include "gateway/ModelRedisUsers.h"
#include "gateway/ScalingView.h"
#include "gateway/ServeRevocation.h"
#include "gateway/TaskJson.h"
#include "schema/DescriptorSet.h"
#include "schema/JsonSchema.h"

#include <google/protobuf/util/json_util.h>

#include <QJsonArray>

#include <algorithm>

namespace mmf {

namespace {

Error protobufJsonError(const std::string& message)
{
    // e.g. "model: invalid value 5 for type TYPE_STRING" → field "model"
    const QString text = QString::fromStdString(message);
    QString field;
    const qsizetype colon = text.indexOf(QLatin1Char(':'));
    if (colon > 0 && !text.left(colon).contains(QLatin1Char(' ')))
        field = text.left(colon).remove(QLatin1Char('(')).remove(QLatin1Char(')'));
    return Error::invalidArgument(QStringLiteral("bad registration: %1").arg(text), field);
}

} // namespace

RegistryController::RegistryController(GatewayContext& context)
    : m_context(context)
    , m_hostRule(context.settings.registryAllowedHosts)
{}

void RegistryController::registerRoutes(ApiRoutes& routes)
{
    routes.add("POST", "/api/v1/registry/instances", RouteAccess::method("serve"),
               [this](HttpRequest& request, const HttpResponder& responder, const RouteParams&,
                      const Caller& caller) { registerInstance(request, responder, caller); });
    routes.add("DELETE", "/api/v1/registry/instances/{id}", RouteAccess::method("serve"),
               [this](HttpRequest&, const HttpResponder& responder, const RouteParams& params,
                      const Caller& caller) { removeInstance(responder, params, caller); });
    routes.add("GET", "/api/v1/registry/instances/{id}/credentials", RouteAccess::method("serve"),
               [this](HttpRequest&, const HttpResponder& responder, const RouteParams& params,
                      const Caller& caller) { sendCredentials(responder, params.value("id"), caller); });
    routes.add("GET", "/api/v1/models", RouteAccess::method("read"),
               [this](HttpRequest& request, const HttpResponder& responder, const RouteParams&,
                      const Caller& caller) { listModels(request, responder, caller); });
    routes.add(
        "GET", "/api/v1/models/{name}", RouteAccess::method("read").onModel(),
        [this](HttpRequest&, const HttpResponder& responder, const RouteParams&, const Caller& caller) {
            responder.sendJson(200, JsonBody::compact(modelDetail(caller.model)));
        });
}

void RegistryController::registerInstance(HttpRequest& request, const HttpResponder& responder,
                                          const Caller& caller)
{
    v1::RegisterInstanceRequest registration;
    google::protobuf::util::JsonParseOptions options;
    options.ignore_unknown_fields = false;
    const auto status =
        google::protobuf::util::JsonStringToMessage(request.body.toStdString(), &registration, options);
    if (!status.ok()) {
        ApiError::send(responder, protobufJsonError(std::string(status.message())));
        return;
    }
    // Pings go to the registrant's own address (or hosts the operator allows), never where a caller says.
    const Result<QString> host =
        m_hostRule.check(QString::fromStdString(registration.host()), request.clientAddress);
    if (!host) {
        ApiError::send(responder, host.error());
        return;
    }
    registration.set_host(host->toStdString());
    m_context.revocation.stillServes(
        *caller.claims, [this, responder, registration, claims = caller.claims](Result<void> serves) {
            if (!serves)
                return ApiError::send(responder, serves.error());
            completeRegistration(responder, registration, *claims);
        });
}

void RegistryController::completeRegistration(const HttpResponder& responder,
                                              const v1::RegisterInstanceRequest& registration,
                                              const v1::TokenClaims& claims)
{
    m_context.catalog.registerInstance(
        registration, claims, [this, responder, claims](Result<ModelCatalog::Registration> registered) {
            if (!registered) {
                ApiError::send(responder, registered.error());
                return;
            }
            // The instance gets the model's own Redis user, never the server's credentials; without it the
            // registration is undone and answered 503.
            const ModelCatalog::Registration done = *registered;
            m_context.redisUsers.ensure(
                done.model->name, [this, responder, claims, done](Result<ModelRedisUsers::Credentials> user) {
                    if (!user) {
                        m_context.catalog.removeInstance(done.instanceId, claims, [](Result<void>) {});
                        ApiError::send(responder, user.error());
                        return;
                    }
                    sendRegistration(responder, done, *user);
                });
        });
}

void RegistryController::sendRegistration(const HttpResponder& responder,
                                          const ModelCatalog::Registration& done,
                                          const ModelRedisUsers::Credentials& user)
{
    const GatewaySettings& settings = m_context.settings;
    v1::RegisterInstanceResponse reply;
    reply.set_instance_id(done.instanceId.toStdString());
    reply.set_ping_interval_s(settings.pingIntervalSecs);
    v1::RedisCredentials* redis = reply.mutable_redis();
    redis->set_host(settings.workerRedisHost.toStdString());
    redis->set_port(settings.workerRedisPort);
    redis->set_user(user.user.toStdString());
    redis->set_password(user.password.toStdString());
    redis->set_db(uint32_t(settings.workerRedisDb));
    for (const KeyRing::PublicKeyEntry& key : m_context.keyRing.keys()) {
        v1::PublicKey* entry = reply.add_public_keys();
        entry->set_key_id(key.keyId.toStdString());
        entry->set_public_key(Base64Url::encode(key.publicKey).toStdString());
        if (key.notAfterSecs > 0)
            entry->set_not_after(TaskJson::isoTime(key.notAfterSecs * 1000).toStdString());
    }
    reply.set_claim_timeout_ms(uint32_t(settings.claimTimeoutMs));
    v1::RetryPolicy* retry = reply.mutable_retry();
    const v1::RetryPolicy& own = done.model->retry;
    retry->set_max_attempts(own.max_attempts() ? own.max_attempts() : uint32_t(settings.retryMaxAttempts));
    retry->set_backoff_initial_ms(own.max_attempts() ? own.backoff_initial_ms()
                                                     : uint32_t(settings.retryBackoffInitialMs));
    retry->set_backoff_factor(own.max_attempts() ? own.backoff_factor() : settings.retryBackoffFactor);
    retry->set_backoff_max_ms(own.max_attempts() ? own.backoff_max_ms()
                                                 : uint32_t(settings.retryBackoffMaxMs));
    reply.set_retention_s(uint32_t(settings.retentionSecs));
    reply.set_events_maxlen(uint32_t(settings.eventsMaxLen));
    reply.set_inline_result_limit(uint32_t(settings.inlineResultLimit));
    std::string json;
    google::protobuf::util::JsonPrintOptions print;
    print.preserve_proto_field_names = true;
    (void)google::protobuf::util::MessageToJsonString(reply, &json, print);
    responder.sendJson(201, QByteArray::fromStdString(json));
}

void RegistryController::removeInstance(const HttpResponder& responder, const RouteParams& params,
                                        const Caller& caller)
{
    const QByteArray id = params.value("id");
    if (id.isEmpty() || id.size() > 64) {
        ApiError::send(responder, Error::notFound(QStringLiteral("no such instance")));
        return;
    }
    m_context.catalog.removeInstance(id, *caller.claims, [responder](Result<void> done) {
        if (!done) {
            ApiError::send(responder, done.error());
            return;
        }
        responder.send(204, {}, {});
    });
}

void RegistryController::sendCredentials(const HttpResponder& responder, const QByteArray& instanceId,
                                         const Caller& caller)
{
    if (instanceId.isEmpty() || instanceId.size() > 64)
        return ApiError::send(responder, Error::notFound(QStringLiteral("no such instance")));
    m_context.revocation.stillServes(*caller.claims, [this, responder, instanceId,
                                                      claims = caller.claims](Result<void> serves) {
        if (!serves)
            return ApiError::send(responder, serves.error());
        m_context.catalog.ownedInstance(instanceId, *claims, [this, responder](Result<QByteArray> model) {
            if (!model)
                return ApiError::send(responder, model.error());
            m_context.redisUsers.ensure(*model, [responder](Result<ModelRedisUsers::Credentials> user) {
                if (!user)
                    return ApiError::send(responder, user.error());
                responder.sendJson(200,
                                   JsonBody::compact(QJsonObject{
                                       {QStringLiteral("user"), QString::fromLatin1(user->user)},
                                       {QStringLiteral("password"), QString::fromLatin1(user->password)}}),
                                   {{"Cache-Control", "no-store"}});
            });
        });
    });
}

v1::RetryPolicy RegistryController::effectiveRetry(const ModelInfo& model) const
{
    if (model.retry.max_attempts() > 0)
        return model.retry;
    const GatewaySettings& settings = m_context.settings;
    v1::RetryPolicy out;
    out.set_max_attempts(uint32_t(settings.retryMaxAttempts));
    out.set_backoff_initial_ms(uint32_t(settings.retryBackoffInitialMs));
    out.set_backoff_factor(settings.retryBackoffFactor);
    out.set_backoff_max_ms(uint32_t(settings.retryBackoffMaxMs));
    return out;
}

bool RegistryController::canTakeTasks(const QByteArray& name) const
{
    return m_context.catalog.isLive(name);
}

QJsonObject RegistryController::modelSummary(const ModelInfoPtr& model) const
{
    const ModelStats stats = m_context.catalog.stats(model->name);
    // Managed by the scaler: its figures (and a dynamic model is live at zero replicas).
    const std::optional<ModelScaling> scaling =
        m_context.scaling ? m_context.scaling->scalingOf(model->name) : std::nullopt;
    const v1::ModelMetadata& meta = model->metadata;
    QJsonArray tags;
    for (const std::string& tag : meta.tags())
        tags.append(QString::fromStdString(tag));
    return QJsonObject{
        {QStringLiteral("name"), QString::fromUtf8(model->name)},
        {QStringLiteral("project"), QString::fromUtf8(model->project)},
        {QStringLiteral("status"),
         canTakeTasks(model->name) ? QStringLiteral("live") : QStringLiteral("offline")},
        {QStringLiteral("owner"), QString::fromStdString(meta.owner())},
        {QStringLiteral("tags"), tags},
        {QStringLiteral("docs"), QString::fromStdString(meta.docs())},
        {QStringLiteral("last_seen_at"), model->lastSeenAtMs > 0
                                             ? QJsonValue(TaskJson::isoTime(model->lastSeenAtMs))
                                             : QJsonValue(QJsonValue::Null)},
        {QStringLiteral("instances"), stats.instances},
        {QStringLiteral("paused"), model->paused},
        {QStringLiteral("queue_depth"), double(stats.queueDepth)},
        {QStringLiteral("estimated_wait_ms"), double(m_context.catalog.estimatedWaitMs(model->name))},
        {QStringLiteral("request_type"), QString::fromUtf8(model->requestType)},
        {QStringLiteral("response_type"), QString::fromUtf8(model->responseType)},
        {QStringLiteral("description"), QString::fromStdString(model->metadata.description())},
        {QStringLiteral("version"), QString::fromStdString(model->metadata.version())},
        {QStringLiteral("scaling"), scaling ? scaling->toJson()
                                            : QJsonObject{{QStringLiteral("mode"), QStringLiteral("static")},
                                                          {QStringLiteral("min"), 0},
                                                          {QStringLiteral("max"), stats.instances},
                                                          {QStringLiteral("desired"), stats.instances},
                                                          {QStringLiteral("current"), stats.instances}}},
    };
}

void RegistryController::listModels(HttpRequest& request, const HttpResponder& responder,
                                    const Caller& caller)
{
    // ?include=offline: also the known models that cannot take a task now (their settings are kept).
    bool hasInclude = false;
    const QByteArray include = request.queryParam("include", &hasInclude);
    if (hasInclude && include != "offline") {
        ApiError::send(responder, Error::invalidArgument(QStringLiteral("include takes \"offline\""),
                                                         QStringLiteral("include")));
        return;
    }
    const bool withOffline = hasInclude;
    QList<ModelInfoPtr> models = m_context.catalog.all();
    std::sort(models.begin(), models.end(),
              [](const ModelInfoPtr& a, const ModelInfoPtr& b) { return a->name < b->name; });
    QJsonArray out;
    for (const ModelInfoPtr& model : std::as_const(models)) {
        if (!caller.reachesProject(model->project))
            continue;
        if (!withOffline && !canTakeTasks(model->name))
            continue;
        out.append(modelSummary(model));
    }
    responder.sendJson(200, JsonBody::compact(QJsonObject{{QStringLiteral("models"), out}}));
}

QJsonObject RegistryController::modelDetail(const ModelInfoPtr& model) const
{
    QJsonObject out = modelSummary(model);
    out.insert(QStringLiteral("descriptor_set"),
               QString::fromLatin1(model->descriptors->serialized().toBase64()));
    out.insert(QStringLiteral("request_schema"), JsonSchema::forMessage(model->request));
    out.insert(QStringLiteral("response_schema"), JsonSchema::forMessage(model->response));
    const v1::RetryPolicy retry = effectiveRetry(*model);
    out.insert(QStringLiteral("retry"),
               QJsonObject{{QStringLiteral("max_attempts"), int(retry.max_attempts())},
                           {QStringLiteral("backoff_initial_ms"), double(retry.backoff_initial_ms())},
                           {QStringLiteral("backoff_factor"), retry.backoff_factor()},
                           {QStringLiteral("backoff_max_ms"), double(retry.backoff_max_ms())}});
    return out;
}

} // namespace mmf
