#pragma once

#include "core/Result.h"
#include "tools/ApiRequest.h"

#include <QIODevice>
#include <QJsonObject>
#include <QStringList>
#include <QUrl>

#include <optional>

namespace mmf {

// Builds the public API v1 calls mmfctl makes. Pure: no I/O except readBody's file/stdin read.
class CtlRequests
{
public:
    static ApiRequest submit(const QString& model, const QByteArray& body, std::optional<int> waitSeconds,
                             const QString& idempotencyKey);
    static ApiRequest getTask(const QString& taskId);
    static ApiRequest listTasks(const QString& model, const QString& status, std::optional<int> limit,
                                const QString& before);
    static ApiRequest cancelTask(const QString& taskId);
    static ApiRequest taskLogs(const QString& taskId, std::optional<qint64> fromSeq);
    static ApiRequest issueToken(const QString& user, const QString& project, const QStringList& methods,
                                 qint64 ttlSeconds);
    static ApiRequest models();
    static ApiRequest models(bool includeOffline);
    static ApiRequest model(const QString& name);
    static ApiRequest instances(const QString& model);
    // PATCH /api/v1/models/{name} with a body from modelSettings().
    static ApiRequest patchModel(const QString& model, const QJsonObject& body);
    static ApiRequest deadLetters(const QString& model, std::optional<int> limit, const QString& before);
    // {task_ids: [...]}, or {all: true} when `taskIds` is empty.
    static ApiRequest replay(const QString& model, const QStringList& taskIds);
    static ApiRequest discardDeadLetter(const QString& model, const QString& taskId);
    // GET /api/v1/tokens (an empty project: the token's own).
    static ApiRequest listTokens(const QString& project);
    static ApiRequest revokeToken(const QString& tokenId);

    // The PATCH body from `--set KEY=VALUE` arguments: tags as a comma list, docs=@FILE read from the file,
    // retry.* as numbers (grouped under "retry"). A bad value is an InvalidArgument error naming the key.
    static Result<QJsonObject> modelSettings(const QStringList& assignments);

    // The request body from the submit argument: inline JSON, "@path" (a file), "-" (all of `stdinDevice`) or
    // empty ("{}"). It must be a JSON object; anything else is an InvalidArgument error (a usage error).
    static Result<QByteArray> readBody(const QString& argument, QIODevice* stdinDevice);

    // server + request path + encoded query, keeping a path prefix of the server URL (a reverse proxy's).
    static QUrl url(const QUrl& server, const ApiRequest& request);
    // ws:// or wss:// URL of /api/v1/ws on the server.
    static QUrl websocketUrl(const QUrl& server);
};

} // namespace mmf
