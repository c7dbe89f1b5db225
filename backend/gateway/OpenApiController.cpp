#include "gateway/OpenApiController.h"

#include "gateway/ApiError.h"
#include "gateway/JsonBody.h"
#include "gateway/ModelCatalog.h"
#include "schema/JsonSchema.h"

#include <QJsonArray>
#include <QRegularExpression>

#include <algorithm>
#include <string_view>

namespace mmf {

namespace {

QJsonObject ref(const QString& component)
{
    return QJsonObject{{QStringLiteral("$ref"), QStringLiteral("#/components/schemas/") + component}};
}

QJsonObject jsonContent(const QJsonObject& schema)
{
    return QJsonObject{{QStringLiteral("application/json"), QJsonObject{{QStringLiteral("schema"), schema}}}};
}

QJsonObject response(const QString& description, const QJsonObject& schema = {})
{
    QJsonObject out{{QStringLiteral("description"), description}};
    if (!schema.isEmpty())
        out.insert(QStringLiteral("content"), jsonContent(schema));
    return out;
}

QJsonObject errorResponse()
{
    return QJsonObject{{QStringLiteral("$ref"), QStringLiteral("#/components/responses/Error")}};
}

QJsonObject pathParameter(const QString& name, const QString& description)
{
    return QJsonObject{
        {QStringLiteral("name"), name},
        {QStringLiteral("in"), QStringLiteral("path")},
        {QStringLiteral("required"), true},
        {QStringLiteral("description"), description},
        {QStringLiteral("schema"), QJsonObject{{QStringLiteral("type"), QStringLiteral("string")}}}};
}

QJsonObject queryParameter(const QString& name, const QString& type, const QString& description)
{
    return QJsonObject{{QStringLiteral("name"), name},
                       {QStringLiteral("in"), QStringLiteral("query")},
                       {QStringLiteral("required"), false},
                       {QStringLiteral("description"), description},
                       {QStringLiteral("schema"), QJsonObject{{QStringLiteral("type"), type}}}};
}

struct Operation
{
    const char* method;
    const char* path;
    const char* operationId;
    const char* summary;
    const char* tag;
    bool authenticated;
    int success;
    const char* successDescription;
    const char* successSchema; // component name or nullptr
    const char* requestSchema; // component name or nullptr
};

// The routes this server serves (the controllers' registerRoutes), in the order of API v1.
const Operation kOperations[] = {
    {"get", "/api/v1/keys", "listKeys", "Trusted public keys (Ed25519, base64url)", "system", false, 200,
     "the keys", "KeyList", nullptr},
    {"post", "/api/v1/tokens", "issueToken", "Issue a token for a worker or a script (admin)", "system", true,
     201, "the token", "IssuedToken", "TokenRequest"},
    {"get", "/api/v1/tokens", "listTokens",
     "Valid tokens issued for workers and scripts in a project (admin; ?project=, default the token's)",
     "system", true, 200, "the tokens", "TokenList", nullptr},
    {"delete", "/api/v1/tokens/{id}", "revokeToken",
     "Revoke an issued token: every server refuses it within 2 s (admin of its project)", "system", true, 204,
     "revoked", nullptr, nullptr},
    {"post", "/api/v1/auth/register", "registerUser", "Sign up: a member of the default project", "auth",
     false, 201, "the new user", "RegisteredUser", "Credentials"},
    {"post", "/api/v1/auth/login", "login", "Sign in: an access token and a refresh token", "auth", false,
     200, "the tokens", "TokenPair", "LoginRequest"},
    {"post", "/api/v1/auth/refresh", "refresh",
     "A new pair for a refresh token (single use; reuse revokes the session)", "auth", false, 200,
     "the tokens", "TokenPair", "RefreshRequest"},
    {"post", "/api/v1/auth/logout", "logout", "Sign out: end the session of a refresh token", "auth", false,
     204, "signed out", nullptr, "RefreshRequest"},
    {"get", "/api/v1/projects", "listProjects",
     "The caller's projects (a superuser: every project with its members)", "projects", true, 200,
     "the projects", "ProjectList", nullptr},
    {"put", "/api/v1/projects/{project}/members/{login}", "putMember",
     "Add a user to a project or change their methods (admin)", "projects", true, 200, "the membership",
     "Membership", "MemberRequest"},
    {"delete", "/api/v1/projects/{project}/members/{login}", "deleteMember",
     "Remove a user from a project (admin)", "projects", true, 204, "removed", nullptr, nullptr},
    {"get", "/api/v1/models", "listModels", "Models that can take a task now", "models", true, 200,
     "the models", "ModelList", nullptr},
    {"get", "/api/v1/models/{name}", "getModel", "A model with its descriptor set and JSON Schemas", "models",
     true, 200, "the model", "ModelDetail", nullptr},
    {"patch", "/api/v1/models/{name}", "patchModel",
     "Change a model's catalogue fields and retry policy (admin; a partial update)", "models", true, 200,
     "the model", "ModelDetail", "ModelPatch"},
    {"get", "/api/v1/models/{name}/instances", "listInstances", "A model's live instances with their pings",
     "models", true, 200, "the instances", "InstanceList", nullptr},
    {"get", "/api/v1/models/{name}/dead-letters", "listDeadLetters",
     "A model's dead letters, newest first (admin)", "models", true, 200, "the dead letters",
     "DeadLetterList", nullptr},
    {"post", "/api/v1/models/{name}/dead-letters:replay", "replayDeadLetters",
     "Queue dead letters again under their own ids (admin)", "models", true, 200, "what was replayed",
     "ReplayResult", "ReplayRequest"},
    {"delete", "/api/v1/models/{name}/dead-letters/{task_id}", "discardDeadLetter",
     "Remove a dead letter from the list; the task stays dead_lettered (admin)", "models", true, 204,
     "removed", nullptr, nullptr},
    {"get", "/api/v1/scaler", "getScaler", "The scaler's resource pool and every model it manages", "models",
     true, 200, "the pool and the models", "ScalerState", nullptr},
    {"put", "/api/v1/models/{name}/scaling", "putScaling",
     "Set how a model scales (admin); a model not known yet is described and catalogued", "models", true, 200,
     "the model's scaling", "ScalerModel", "ScalingRequest"},
    {"post", "/api/v1/models/{name}/tasks", "submitTask",
     "Submit a task (the body is the model's request message in JSON)", "tasks", true, 202, "queued",
     "TaskAccepted", "AnyRequest"},
    {"post", "/api/v1/models/{name}/tasks:batch", "submitBatch", "Submit many tasks", "tasks", true, 202,
     "queued", "BatchAccepted", "BatchRequest"},
    {"get", "/api/v1/tasks", "listTasks",
     "The caller's top-level tasks (or one task's sub-tasks), newest first, with a total", "tasks", true, 200,
     "the tasks", "TaskList", nullptr},
    {"get", "/api/v1/tasks/{id}", "getTask", "A task with its request, result and error", "tasks", true, 200,
     "the task", "Task", nullptr},
    {"post", "/api/v1/tasks/{id}/cancel", "cancelTask", "Cancel a queued or running task", "tasks", true, 200,
     "the task after the cancel", "Task", nullptr},
    {"get", "/api/v1/tasks/{id}/logs", "getTaskLogs", "A task's log lines", "tasks", true, 200, "the lines",
     "LogLines", nullptr},
    {"get", "/api/v1/tasks/{id}/timeline", "getTaskTimeline",
     "A task's attempts: instance, start, end, error, time queued and running", "tasks", true, 200,
     "the timeline", "TaskTimeline", nullptr},
    {"post", "/api/v1/registry/instances", "registerInstance", "Register a model instance (serve)",
     "registry", true, 201, "registered", "Registration", "RegisterInstance"},
    {"delete", "/api/v1/registry/instances/{id}", "removeInstance", "Log an instance out before it stops",
     "registry", true, 204, "removed", nullptr, nullptr},
    {"get", "/api/v1/registry/instances/{id}/credentials", "instanceCredentials",
     "The model's current Redis user and password, after the server rotated it (serve; the instance's owner)",
     "registry", true, 200, "the credentials", nullptr, nullptr},
    {"get", "/api/v1/openapi.json", "getOpenApi", "This document", "system", true, 200, "OpenAPI 3.1",
     "OpenApiDocument", nullptr},
    {"get", "/healthz", "healthz", "Alive", "system", false, 200, "alive", "Health", nullptr},
    {"get", "/readyz", "readyz", "Ready (Redis reachable, holding this server's broker library)", "system",
     false, 200, "ready", "Health", nullptr},
};

QJsonObject object(std::initializer_list<std::pair<const char*, QJsonValue>> properties,
                   const QString& description)
{
    QJsonObject props;
    for (const auto& [name, schema] : properties)
        props.insert(QLatin1String(name), schema);
    return QJsonObject{{QStringLiteral("type"), QStringLiteral("object")},
                       {QStringLiteral("description"), description},
                       {QStringLiteral("properties"), props}};
}

QJsonObject type(const char* name)
{
    return QJsonObject{{QStringLiteral("type"), QLatin1String(name)}};
}

QJsonObject arrayOf(const QJsonObject& items)
{
    return QJsonObject{{QStringLiteral("type"), QStringLiteral("array")}, {QStringLiteral("items"), items}};
}

QJsonObject staticSchemas()
{
    const QJsonObject str = type("string");
    const QJsonObject integer = type("integer");
    const QJsonObject anyObject = type("object");
    const QJsonObject nullableTime{
        {QStringLiteral("type"), QJsonArray{QStringLiteral("string"), QStringLiteral("null")}},
        {QStringLiteral("format"), QStringLiteral("date-time")}};
    QJsonObject schemas;
    schemas.insert("Error",
                   object({{"error", object({{"code", str}, {"message", str}, {"field", str}},
                                            QStringLiteral("code is one of the API's error codes"))}},
                          QStringLiteral("An error answer")));
    schemas.insert("KeyList",
                   object({{"keys", arrayOf(object({{"key_id", str}, {"public_key", str}, {"not_after", str}},
                                                   QStringLiteral("A public key")))}},
                          QStringLiteral("Trusted public keys")));
    schemas.insert("TokenRequest",
                   object({{"user", str}, {"project", str}, {"methods", arrayOf(str)}, {"ttl_s", integer}},
                          QStringLiteral("What the token is for")));
    schemas.insert("IssuedToken", object({{"token", str}, {"token_id", str}, {"expires_at", str}},
                                         QStringLiteral("A signed token and the id it is revoked by")));
    schemas.insert(
        "TokenList",
        object({{"tokens", arrayOf(object({{"token_id", str},
                                           {"user", str},
                                           {"project", str},
                                           {"methods", arrayOf(str)},
                                           {"issued_at", str},
                                           {"expires_at", str},
                                           {"issued_by", str}},
                                          QStringLiteral("An issued token (not the token itself)")))}},
               QStringLiteral("Issued tokens, oldest first")));
    schemas.insert("Credentials",
                   object({{"login", str}, {"password", str}},
                          QStringLiteral("login: 3-64 of [A-Za-z0-9_.-]; password: 10-1024 bytes")));
    schemas.insert("RegisteredUser",
                   object({{"user_id", str}, {"login", str}}, QStringLiteral("A new user")));
    schemas.insert("LoginRequest",
                   object({{"login", str}, {"password", str}, {"project", str}},
                          QStringLiteral("project: optional, default the user's first project")));
    schemas.insert("RefreshRequest", object({{"refresh_token", str}}, QStringLiteral("A refresh token")));
    schemas.insert("TokenPair", object({{"access_token", str},
                                        {"refresh_token", str},
                                        {"token_type", str},
                                        {"expires_at", str},
                                        {"refresh_expires_at", str},
                                        {"user_id", str},
                                        {"project", str},
                                        {"methods", arrayOf(str)},
                                        {"superuser", type("boolean")}},
                                       QStringLiteral("Bearer tokens for one project")));
    const QJsonObject member =
        object({{"user_id", str}, {"login", str}, {"methods", arrayOf(str)}}, QStringLiteral("A member"));
    schemas.insert(
        "ProjectList",
        object({{"projects",
                 arrayOf(object({{"name", str}, {"methods", arrayOf(str)}, {"members", arrayOf(member)}},
                                QStringLiteral("A project: the caller's methods, or "
                                               "(admin) its members")))}},
               QStringLiteral("Projects")));
    schemas.insert("MemberRequest",
                   object({{"methods", arrayOf(str)}}, QStringLiteral("score, read, serve, admin, train")));
    schemas.insert("Membership",
                   object({{"project", str}, {"user_id", str}, {"login", str}, {"methods", arrayOf(str)}},
                          QStringLiteral("A user's methods in a project")));
    const QJsonObject scaling = object(
        {{"mode", str}, {"min", integer}, {"max", integer}, {"desired", integer}, {"current", integer}},
        QStringLiteral("Scaling settings and state"));
    const QJsonObject nullableString{
        {QStringLiteral("type"), QJsonArray{QStringLiteral("string"), QStringLiteral("null")}}};
    const std::initializer_list<std::pair<const char*, QJsonValue>> summary{{"name", str},
                                                                            {"project", str},
                                                                            {"status", str},
                                                                            {"instances", integer},
                                                                            {"paused", type("boolean")},
                                                                            {"queue_depth", integer},
                                                                            {"estimated_wait_ms", integer},
                                                                            {"request_type", str},
                                                                            {"response_type", str},
                                                                            {"scaling", scaling},
                                                                            {"description", str},
                                                                            {"version", str},
                                                                            {"owner", str},
                                                                            {"tags", arrayOf(str)},
                                                                            {"docs", str},
                                                                            {"last_seen_at", nullableTime}};
    const QJsonObject retry =
        object({{"max_attempts", integer},
                {"backoff_initial_ms", integer},
                {"backoff_factor", type("number")},
                {"backoff_max_ms", integer}},
               QStringLiteral("Retry policy: a failed attempt waits backoff_initial_ms x "
                              "backoff_factor^(attempt-1), at most backoff_max_ms"));
    schemas.insert("RetryPolicy", retry);
    schemas.insert("ModelPatch",
                   object({{"description", str},
                           {"version", str},
                           {"owner", str},
                           {"tags", arrayOf(str)},
                           {"docs", str},
                           {"retry", ref(QStringLiteral("RetryPolicy"))},
                           {"paused", type("boolean")}},
                          QStringLiteral("Fields to change; the others stay. paused: true keeps "
                                         "accepting tasks but no instance starts one")));
    schemas.insert(
        "InstanceList",
        object({{"instances",
                 arrayOf(object({{"instance_id", str},
                                 {"name", str},
                                 {"host", str},
                                 {"port", integer},
                                 {"concurrency", integer},
                                 {"started_at", nullableTime},
                                 {"last_ping_at", nullableTime},
                                 {"ping_rtt_ms",
                                  QJsonObject{{QStringLiteral("type"), QJsonArray{QStringLiteral("integer"),
                                                                                  QStringLiteral("null")}}}},
                                 {"tasks_succeeded", integer},
                                 {"tasks_failed", integer},
                                 {"current_task_id", nullableString},
                                 {"status", str},
                                 {"problem", nullableString}},
                                QStringLiteral("A live instance")))}},
               QStringLiteral("A model's instances")));
    schemas.insert(
        "DeadLetterList",
        object({{"dead_letters", arrayOf(object({{"task_id", str},
                                                 {"user_id", str},
                                                 {"login", str},
                                                 {"attempts", integer},
                                                 {"error", object({{"code", str}, {"message", str}},
                                                                  QStringLiteral("last error"))},
                                                 {"dead_lettered_at", str}},
                                                QStringLiteral("A dead letter")))},
                {"next_before", str}},
               QStringLiteral("Dead letters, newest first")));
    schemas.insert("ReplayRequest", object({{"task_ids", arrayOf(str)}, {"all", type("boolean")}},
                                           QStringLiteral("Either task_ids or all: true")));
    schemas.insert(
        "ReplayResult",
        object({{"replayed", arrayOf(str)}, {"not_found", arrayOf(str)}, {"refused", arrayOf(str)}},
               QStringLiteral("Tasks queued again, ids not in the dead letters, and dead letters whose owner "
                              "the server cannot confirm")));
    schemas.insert("ModelSummary", object(summary, QStringLiteral("A model")));
    schemas.insert("ModelList", object({{"models", arrayOf(ref(QStringLiteral("ModelSummary")))}},
                                       QStringLiteral("The live models")));
    QJsonObject detail = object(summary, QStringLiteral("A model with its descriptors and schemas"));
    QJsonObject detailProps = detail.value(QStringLiteral("properties")).toObject();
    detailProps.insert("descriptor_set",
                       QJsonObject{{QStringLiteral("type"), QStringLiteral("string")},
                                   {QStringLiteral("contentEncoding"), QStringLiteral("base64")}});
    detailProps.insert("request_schema", anyObject);
    detailProps.insert("response_schema", anyObject);
    detailProps.insert("retry", ref(QStringLiteral("RetryPolicy")));
    detail.insert(QStringLiteral("properties"), detailProps);
    schemas.insert("ModelDetail", detail);
    schemas.insert("AnyRequest",
                   QJsonObject{{QStringLiteral("type"), QStringLiteral("object")},
                               {QStringLiteral("description"),
                                QStringLiteral("The model's request message in the protobuf JSON "
                                               "mapping; see the per-model paths")}});
    const QJsonObject amounts{{QStringLiteral("type"), QStringLiteral("object")},
                              {QStringLiteral("additionalProperties"), integer}};
    schemas.insert("ScalingRequest",
                   object({{"mode", str},
                           {"min", integer},
                           {"max", integer},
                           {"resources", amounts},
                           {"tasks_per_replica", integer},
                           {"project", str}},
                          QStringLiteral("mode static|dynamic, replica bounds, resources of one replica")));
    schemas.insert(
        "ScalerModel",
        object({{"name", str},
                {"mode", str},
                {"min", integer},
                {"max", integer},
                {"resources", amounts},
                {"tasks_per_replica", integer},
                {"project", str},
                {"desired", integer},
                {"current", integer},
                {"target", integer}},
               QStringLiteral("A managed model: its spec, what demand asks (target), what the pool "
                              "grants (desired) and what runs (current)")));
    schemas.insert(
        "ScalerState",
        object({{"pool", object({{"total", amounts}, {"used", amounts}}, QStringLiteral("Resource amounts"))},
                {"models", arrayOf(ref(QStringLiteral("ScalerModel")))}},
               QStringLiteral("The pool and the managed models")));
    schemas.insert("TaskAccepted",
                   object({{"task_id", str}, {"status", str}}, QStringLiteral("A queued task")));
    schemas.insert("BatchRequest",
                   object({{"inputs", arrayOf(anyObject)}}, QStringLiteral("Request messages")));
    schemas.insert("BatchAccepted", object({{"task_ids", arrayOf(str)}}, QStringLiteral("The queued tasks")));
    schemas.insert(
        "Task",
        object({{"task_id", str},
                {"model", str},
                {"status", str},
                {"attempts", integer},
                {"created_at", nullableTime},
                {"started_at", nullableTime},
                {"finished_at", nullableTime},
                {"next_attempt_at", nullableTime},
                {"request", anyObject},
                {"result", QJsonObject{{QStringLiteral("type"),
                                        QJsonArray{QStringLiteral("object"), QStringLiteral("null")}}}},
                {"error", QJsonObject{{QStringLiteral("type"),
                                       QJsonArray{QStringLiteral("object"), QStringLiteral("null")}}}},
                {"parent_task_id", QJsonObject{{QStringLiteral("type"), QJsonArray{QStringLiteral("string"),
                                                                                   QStringLiteral("null")}}}},
                {"instance", str}},
               QStringLiteral("A task")));
    schemas.insert(
        "TaskList",
        object({{"tasks", arrayOf(ref(QStringLiteral("Task")))}, {"total", integer}, {"next_before", str}},
               QStringLiteral("Tasks, newest first; each top-level task has sub_tasks (a count) and "
                              "children (its sub-tasks, oldest first, at most 100)")));
    const QJsonObject nullableNumber{
        {QStringLiteral("type"), QJsonArray{QStringLiteral("number"), QStringLiteral("null")}}};
    schemas.insert(
        "TaskTimeline",
        object({{"task_id", str},
                {"model", str},
                {"status", str},
                {"created_at", nullableTime},
                {"next_attempt_at", nullableTime},
                {"queued_ms", type("number")},
                {"running_ms", type("number")},
                {"attempts", arrayOf(object({{"attempt", integer},
                                             {"instance", nullableString},
                                             {"queued_at", nullableTime},
                                             {"started_at", nullableTime},
                                             {"ended_at", nullableTime},
                                             {"queued_ms", nullableNumber},
                                             {"running_ms", nullableNumber},
                                             {"outcome", str},
                                             {"error", QJsonObject{{QStringLiteral("type"),
                                                                    QJsonArray{QStringLiteral("object"),
                                                                               QStringLiteral("null")}}}}},
                                            QStringLiteral("An attempt as its instance reported it")))}},
               QStringLiteral("A task's attempts: queued vs running time of each")));
    schemas.insert(
        "LogLines",
        object({{"lines", arrayOf(object({{"seq", integer}, {"ts", str}, {"level", str}, {"text", str}},
                                         QStringLiteral("A log line")))}},
               QStringLiteral("Log lines")));
    schemas.insert("RegisterInstance", object({{"model", str},
                                               {"name", str},
                                               {"host", str},
                                               {"port", integer},
                                               {"descriptor_set", str},
                                               {"request_type", str},
                                               {"response_type", str},
                                               {"concurrency", integer},
                                               {"metadata", anyObject}},
                                              QStringLiteral("An instance joining")));
    schemas.insert("Registration", object({{"instance_id", str},
                                           {"ping_interval_s", type("number")},
                                           {"redis", anyObject},
                                           {"public_keys", arrayOf(anyObject)}},
                                          QStringLiteral("What the instance needs")));
    schemas.insert("OpenApiDocument",
                   QJsonObject{{QStringLiteral("type"), QStringLiteral("object")},
                               {QStringLiteral("description"), QStringLiteral("OpenAPI 3.1")}});
    schemas.insert("Health", object({{"status", str}}, QStringLiteral("Health")));
    return schemas;
}

QJsonArray parametersOf(const QString& path, bool submit)
{
    QJsonArray out;
    static const QRegularExpression placeholder(QStringLiteral("\\{([a-z_]+)\\}"));
    for (auto it = placeholder.globalMatch(path); it.hasNext();) {
        const QString name = it.next().captured(1);
        out.append(pathParameter(name, name == QLatin1String("name") ? QStringLiteral("model name")
                                                                     : QStringLiteral("identifier")));
    }
    if (submit)
        out.append(queryParameter(
            QStringLiteral("wait"), QStringLiteral("integer"),
            QStringLiteral("hold the request up to this many seconds (0..60) for the result")));
    if (path == QLatin1String("/api/v1/models"))
        out.append(
            queryParameter(QStringLiteral("include"), QStringLiteral("string"),
                           QStringLiteral("\"offline\": also the known models that cannot take a task now")));
    if (path == QLatin1String("/api/v1/tasks")) {
        const std::pair<const char*, const char*> params[] = {
            {"id", "only this task (an exact task id)"},
            {"parent", "the sub-tasks of this task instead of the top-level tasks"},
            {"model", "only this model's tasks"},
            {"status", "only tasks in this status"},
            {"since", "RFC 3339 time: created at or after it"},
            {"until", "RFC 3339 time: created before it"},
            {"before", "RFC 3339 time: created before it (next_before of the previous page)"},
            {"limit", "at most this many (1..1000, default 50)"},
            {"offset", "skip this many (0..2000)"},
        };
        for (const auto& [name, text] : params)
            out.append(queryParameter(
                QLatin1String(name),
                QLatin1String(name == std::string_view("limit") || name == std::string_view("offset")
                                  ? "integer"
                                  : "string"),
                QLatin1String(text)));
    }
    if (path.endsWith(QLatin1String("/dead-letters"))) {
        out.append(queryParameter(QStringLiteral("limit"), QStringLiteral("integer"),
                                  QStringLiteral("at most this many (1..1000, default 100)")));
        out.append(
            queryParameter(QStringLiteral("before"), QStringLiteral("string"),
                           QStringLiteral("RFC 3339 time: only dead letters before it (next_before)")));
    }
    return out;
}

QJsonObject operation(const Operation& op)
{
    QJsonObject responses;
    QJsonObject success = response(QLatin1String(op.successDescription),
                                   op.successSchema ? ref(QLatin1String(op.successSchema)) : QJsonObject());
    responses.insert(QString::number(op.success), success);
    const QString path = QLatin1String(op.path);
    const bool submit =
        path.endsWith(QLatin1String("/tasks")) && QLatin1String(op.method) == QLatin1String("post");
    if (submit)
        responses.insert(QStringLiteral("200"),
                         response(QStringLiteral("finished within wait"), ref(QStringLiteral("Task"))));
    responses.insert(QStringLiteral("400"), errorResponse());
    if (op.authenticated) {
        responses.insert(QStringLiteral("401"), errorResponse());
        responses.insert(QStringLiteral("403"), errorResponse());
    }
    if (path.contains(QLatin1Char('{')))
        responses.insert(QStringLiteral("404"), errorResponse());
    responses.insert(QStringLiteral("503"), errorResponse());
    QJsonObject out{{QStringLiteral("operationId"), QLatin1String(op.operationId)},
                    {QStringLiteral("summary"), QLatin1String(op.summary)},
                    {QStringLiteral("tags"), QJsonArray{QLatin1String(op.tag)}},
                    {QStringLiteral("responses"), responses}};
    if (!op.authenticated)
        out.insert(QStringLiteral("security"), QJsonArray());
    const QJsonArray parameters = parametersOf(path, submit);
    if (!parameters.isEmpty())
        out.insert(QStringLiteral("parameters"), parameters);
    if (op.requestSchema)
        out.insert(
            QStringLiteral("requestBody"),
            QJsonObject{{QStringLiteral("required"), true},
                        {QStringLiteral("content"), jsonContent(ref(QLatin1String(op.requestSchema)))}});
    return out;
}

} // namespace

OpenApiController::OpenApiController(GatewayContext& context)
    : m_context(context)
{}

void OpenApiController::registerRoutes(ApiRoutes& routes)
{
    routes.add("GET", "/api/v1/openapi.json", RouteAccess::method("read"),
               [this](HttpRequest& request, const HttpResponder& responder, const RouteParams&,
                      const Caller& caller) { openApi(request, responder, caller); });
}

QJsonObject OpenApiController::document(const QList<ModelInfoPtr>& models, const QString& serverUrl)
{
    QJsonObject schemas = staticSchemas();
    QJsonObject paths;
    for (const Operation& op : kOperations) {
        QJsonObject item = paths.value(QLatin1String(op.path)).toObject();
        item.insert(QLatin1String(op.method), operation(op));
        paths.insert(QLatin1String(op.path), item);
    }
    for (const ModelInfoPtr& model : models) {
        if (!model || !model->request)
            continue;
        const QString name = QString::fromUtf8(model->name);
        QJsonObject schema = JsonSchema::forMessage(model->request, QStringLiteral("#/components/schemas/"));
        const QJsonObject defs = schema.take(QStringLiteral("$defs")).toObject();
        schema.remove(QStringLiteral("$schema"));
        for (auto it = defs.begin(); it != defs.end(); ++it)
            schemas.insert(it.key(), it.value());
        const QString component = QString::fromUtf8(model->requestType);
        schemas.insert(component, schema);
        Operation op{"post", nullptr, nullptr,  nullptr,        "models",
                     true,   202,     "queued", "TaskAccepted", nullptr};
        QJsonObject submit = operation(op);
        submit.insert(QStringLiteral("operationId"), QStringLiteral("submit_%1").arg(name));
        submit.insert(QStringLiteral("summary"),
                      QStringLiteral("Submit a task to %1 (%2)").arg(name, component));
        QJsonObject responses = submit.value(QStringLiteral("responses")).toObject();
        responses.insert(QStringLiteral("200"),
                         response(QStringLiteral("finished within wait"), ref(QStringLiteral("Task"))));
        responses.insert(QStringLiteral("404"), errorResponse());
        submit.insert(QStringLiteral("responses"), responses);
        submit.insert(QStringLiteral("parameters"), parametersOf(QStringLiteral("/tasks"), true));
        submit.insert(QStringLiteral("requestBody"),
                      QJsonObject{{QStringLiteral("required"), true},
                                  {QStringLiteral("content"), jsonContent(ref(component))}});
        if (!model->metadata.description().empty())
            submit.insert(QStringLiteral("description"),
                          QString::fromStdString(model->metadata.description()));
        paths.insert(QStringLiteral("/api/v1/models/%1/tasks").arg(name),
                     QJsonObject{{QStringLiteral("post"), submit}});
    }
    const QJsonArray tags{
        QJsonObject{{QStringLiteral("name"), QStringLiteral("models")},
                    {QStringLiteral("description"), QStringLiteral("Models and their live submit paths")}},
        QJsonObject{{QStringLiteral("name"), QStringLiteral("tasks")},
                    {QStringLiteral("description"), QStringLiteral("Tasks: submit, read, cancel, logs")}},
        QJsonObject{{QStringLiteral("name"), QStringLiteral("auth")},
                    {QStringLiteral("description"), QStringLiteral("Sign up, sign in, refresh")}},
        QJsonObject{{QStringLiteral("name"), QStringLiteral("projects")},
                    {QStringLiteral("description"), QStringLiteral("Projects and their members")}},
        QJsonObject{{QStringLiteral("name"), QStringLiteral("registry")},
                    {QStringLiteral("description"), QStringLiteral("Model instances joining and leaving")}},
        QJsonObject{{QStringLiteral("name"), QStringLiteral("system")},
                    {QStringLiteral("description"), QStringLiteral("Keys, tokens, health, this document")}},
    };
    return QJsonObject{
        {QStringLiteral("openapi"), QStringLiteral("3.1.0")},
        {QStringLiteral("info"),
         QJsonObject{
             {QStringLiteral("title"), QStringLiteral("MMF API")},
             {QStringLiteral("version"), QStringLiteral("1")},
             {QStringLiteral("description"),
              QStringLiteral("Model serving: the static API v1 plus one submit path per live model.")},
             {QStringLiteral("license"),
              QJsonObject{{QStringLiteral("name"), QStringLiteral("Proprietary")},
                          {QStringLiteral("url"), QStringLiteral("https://example.org/mmf/license")}}}}},
        {QStringLiteral("servers"), QJsonArray{QJsonObject{{QStringLiteral("url"), serverUrl}}}},
        {QStringLiteral("security"), QJsonArray{QJsonObject{{QStringLiteral("bearer"), QJsonArray()}}}},
        {QStringLiteral("tags"), tags},
        {QStringLiteral("paths"), paths},
        {QStringLiteral("components"),
         QJsonObject{{QStringLiteral("schemas"), schemas},
                     {QStringLiteral("responses"),
                      QJsonObject{{QStringLiteral("Error"),
                                   response(QStringLiteral("an error"), ref(QStringLiteral("Error")))}}},
                     {QStringLiteral("securitySchemes"),
                      QJsonObject{{QStringLiteral("bearer"),
                                   QJsonObject{{QStringLiteral("type"), QStringLiteral("http")},
                                               {QStringLiteral("scheme"), QStringLiteral("bearer")}}}}}}},
    };
}

void OpenApiController::openApi(HttpRequest& request, const HttpResponder& responder, const Caller& caller)
{
    QList<ModelInfoPtr> models;
    for (const ModelInfoPtr& model : m_context.catalog.all()) {
        if (!m_context.catalog.isLive(model->name) || !caller.reachesProject(model->project))
            continue;
        models.append(model);
    }
    std::sort(models.begin(), models.end(),
              [](const ModelInfoPtr& a, const ModelInfoPtr& b) { return a->name < b->name; });
    QByteArray host = request.header("host");
    static const QRegularExpression safeHost(QStringLiteral("^[A-Za-z0-9.\\-\\[\\]:]{1,255}$"));
    if (!safeHost.match(QString::fromLatin1(host)).hasMatch())
        host = QByteArrayLiteral("127.0.0.1");
    responder.sendJson(
        200, JsonBody::compact(document(models, QStringLiteral("http://") + QString::fromLatin1(host))));
}

} // namespace mmf
