#include "gateway/ModelCatalog.h"

#include "gateway/AccessPolicy.h"

#include "auth/TokenCodec.h"
#include "broker/BrokerCalls.h"
#include "broker/BrokerKeys.h"
#include "core/Clock.h"
#include "redis/RedisClient.h"
#include "schema/DescriptorSet.h"

#include <google/protobuf/util/json_util.h>

#include <QDateTime>
#include <QJsonDocument>
#include <QJsonObject>
#include <QLoggingCategory>
#include <QRandomGenerator>
#include <QTimeZone>

#include <memory>

namespace mmf {

Q_LOGGING_CATEGORY(lcCatalog, "mmf.gateway.catalog")

namespace {

bool validConsumerName(const QByteArray& name)
{
    if (name.isEmpty() || name.size() > 128)
        return false;
    for (char c : name) {
        const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                        c == '.' || c == '_' || c == ':' || c == '-';
        if (!ok)
            return false;
    }
    return true;
}

QHash<QByteArray, QByteArray> hashFromReply(const RedisReply& reply)
{
    QHash<QByteArray, QByteArray> out;
    for (qsizetype i = 0; i + 1 < reply.size(); i += 2)
        out.insert(reply.at(i).toByteArray(), reply.at(i + 1).toByteArray());
    return out;
}

QByteArray randomHex(int bytes)
{
    QByteArray raw(bytes, Qt::Uninitialized);
    QRandomGenerator::system()->fillRange(reinterpret_cast<quint32*>(raw.data()), bytes / 4);
    return raw.toHex();
}

template<class Message> QByteArray toJson(const Message& message)
{
    std::string out;
    google::protobuf::util::JsonPrintOptions options;
    options.preserve_proto_field_names = true;
    (void)google::protobuf::util::MessageToJsonString(message, &out, options);
    return QByteArray::fromStdString(out);
}

template<class Message> void fromJson(const QByteArray& json, Message* message)
{
    if (json.isEmpty())
        return;
    google::protobuf::util::JsonParseOptions options;
    options.ignore_unknown_fields = true;
    (void)google::protobuf::util::JsonStringToMessage(json.toStdString(), message, options);
}

Error unavailable(const RedisReply& reply)
{
    return Error::unavailable(QStringLiteral("the task store is unavailable: %1").arg(reply.toString()));
}

} // namespace

ModelCatalog::ModelCatalog(RedisClient& redis, const Clock& clock, QObject* parent)
    : QObject(parent)
    , m_redis(redis)
    , m_clock(clock)
    , m_registerScript(R"LUA(
if redis.call('HLEN', KEYS[2]) == 0 and redis.call('HGET', KEYS[1], 'project') == ARGV[2] then
  redis.call('HSET', KEYS[1], 'hash', ARGV[1], 'request_type', ARGV[3], 'response_type', ARGV[4],
             'descriptor_set', ARGV[5])
end
redis.call('HSETNX', KEYS[1], 'hash', ARGV[1])
redis.call('HSETNX', KEYS[1], 'project', ARGV[2])
redis.call('HSETNX', KEYS[1], 'request_type', ARGV[3])
redis.call('HSETNX', KEYS[1], 'response_type', ARGV[4])
redis.call('HSETNX', KEYS[1], 'descriptor_set', ARGV[5])
redis.call('HSETNX', KEYS[1], 'created_at', ARGV[6])
local cur = redis.call('HMGET', KEYS[1], 'hash', 'project', 'request_type', 'response_type')
if cur[1] == ARGV[1] and cur[2] == ARGV[2] and cur[3] == ARGV[3] and cur[4] == ARGV[4] then
  -- The declared catalogue fields fill every field an admin has not set with PATCH.
  local meta = {}
  local stored = redis.call('HGET', KEYS[1], 'metadata')
  if stored and stored ~= '' then meta = cjson.decode(stored) end
  local declared = {}
  if ARGV[7] ~= '' then declared = cjson.decode(ARGV[7]) end
  local locked = {}
  for f in string.gmatch(redis.call('HGET', KEYS[1], 'metadata_locked') or '', '[^,]+') do locked[f] = true end
  for _, f in ipairs({'description', 'version', 'owner', 'tags', 'docs'}) do
    if not locked[f] then meta[f] = declared[f] end
  end
  if type(meta['tags']) ~= 'table' or next(meta['tags']) == nil then meta['tags'] = nil end
  redis.call('HSET', KEYS[1], 'metadata', cjson.encode(meta))
end
return redis.call('HMGET', KEYS[1], 'hash', 'project', 'request_type', 'response_type', 'created_at')
)LUA")
    , m_updateScript(R"LUA(
if redis.call('EXISTS', KEYS[1]) == 0 then return 0 end
local meta = {}
local stored = redis.call('HGET', KEYS[1], 'metadata')
if stored and stored ~= '' then meta = cjson.decode(stored) end
for k, v in pairs(cjson.decode(ARGV[1])) do meta[k] = v end
if type(meta['tags']) ~= 'table' or next(meta['tags']) == nil then meta['tags'] = nil end
redis.call('HSET', KEYS[1], 'metadata', cjson.encode(meta))
if ARGV[2] ~= '' then
  local locked, out = {}, {}
  for f in string.gmatch((redis.call('HGET', KEYS[1], 'metadata_locked') or '') .. ',' .. ARGV[2], '[^,]+') do
    if not locked[f] then locked[f] = true; table.insert(out, f) end
  end
  redis.call('HSET', KEYS[1], 'metadata_locked', table.concat(out, ','))
end
if ARGV[3] ~= '' then
  redis.call('HSET', KEYS[1], 'retry', ARGV[3])
  redis.call('HSET', KEYS[2], 'max_attempts', ARGV[4], 'backoff_initial_ms', ARGV[5], 'backoff_factor', ARGV[6],
             'backoff_max_ms', ARGV[7])
end
if ARGV[8] == '1' then
  redis.call('HSET', KEYS[1], 'paused', '1')
  redis.call('HSET', KEYS[3], 'paused', '1')
elseif ARGV[8] == '0' then
  redis.call('HDEL', KEYS[1], 'paused')
  redis.call('HDEL', KEYS[3], 'paused')
end
return 1
)LUA")
{
    connect(&m_refreshTimer, &QTimer::timeout, this, [this] { refresh(); });
}

void ModelCatalog::start(int refreshIntervalMs)
{
    m_refreshTimer.start(refreshIntervalMs);
    refresh();
}

ModelInfoPtr ModelCatalog::find(QByteArrayView name) const
{
    return m_models.value(name.toByteArray());
}

bool ModelCatalog::isLive(QByteArrayView name) const
{
    const QByteArray key = name.toByteArray();
    if (m_stats.value(key).instances > 0)
        return true;
    return m_livenessHook && m_livenessHook(key);
}

ModelStats ModelCatalog::stats(QByteArrayView name) const
{
    return m_stats.value(name.toByteArray());
}

int ModelCatalog::concurrencyOf(const QByteArray& instanceJson)
{
    return qMax(1,
                QJsonDocument::fromJson(instanceJson).object().value(QLatin1String("concurrency")).toInt(1));
}

qint64 ModelCatalog::estimatedWaitMs(QByteArrayView name) const
{
    const QByteArray key = name.toByteArray();
    const ModelStats stats = m_stats.value(key);
    // Every instance runs up to its --concurrency tasks at once: the queue drains through all those slots.
    const int taskSlots = qMax(1, qMax(stats.taskSlots, stats.instances));
    return qint64(double(stats.queueDepth) * m_meanServiceMs.value(key) / double(taskSlots));
}

QList<ModelInfoPtr> ModelCatalog::all() const
{
    return m_models.values();
}

void ModelCatalog::lookup(const QByteArray& name, std::function<void(Result<ModelInfoPtr>)> done)
{
    if (ModelInfoPtr model = m_models.value(name)) {
        done(model);
        return;
    }
    loadModel(name, std::move(done));
}

void ModelCatalog::loadModel(const QByteArray& name, std::function<void(Result<ModelInfoPtr>)> done)
{
    const ModelInfoPtr current = m_models.value(name);
    if (!current) {
        loadWholeModel(name, std::move(done));
        return;
    }
    // A known model: read the small fields only; the descriptor set is read again only when its hash changed.
    m_redis.command({"HMGET", BrokerKeys::modelInfo(name), "hash", "project", "metadata", "retry",
                     "last_seen_at", "paused"},
                    [this, name, current, done](const RedisReply& reply) {
                        if (reply.isError()) {
                            done(unavailable(reply));
                            return;
                        }
                        if (reply.at(0).isNil()) {
                            done(ModelInfoPtr());
                            return;
                        }
                        if (current->descriptorHash != reply.at(0).view() ||
                            current->project != reply.at(1).view()) {
                            loadWholeModel(name, done);
                            return;
                        }
                        auto updated = std::make_shared<ModelInfo>(*current);
                        updated->metadata.Clear();
                        fromJson(reply.at(2).toByteArray(), &updated->metadata);
                        updated->retry.Clear();
                        fromJson(reply.at(3).toByteArray(), &updated->retry);
                        updated->lastSeenAtMs = reply.at(4).toByteArray().toLongLong();
                        updated->paused = reply.at(5).view() == "1";
                        publish(updated);
                        done(ModelInfoPtr(updated));
                    });
}

void ModelCatalog::loadWholeModel(const QByteArray& name, std::function<void(Result<ModelInfoPtr>)> done)
{
    m_redis.command({"HGETALL", BrokerKeys::modelInfo(name)}, [this, name, done](const RedisReply& reply) {
        if (reply.isError()) {
            done(unavailable(reply));
            return;
        }
        if (reply.size() == 0) {
            done(ModelInfoPtr());
            return;
        }
        Result<ModelInfoPtr> parsed = parseModel(name, hashFromReply(reply));
        if (parsed)
            publish(*parsed);
        done(std::move(parsed));
    });
}

Result<ModelInfoPtr> ModelCatalog::parseModel(const QByteArray& name,
                                              const QHash<QByteArray, QByteArray>& fields)
{
    Result<std::shared_ptr<const DescriptorSet>> set =
        DescriptorSet::fromSerialized(fields.value("descriptor_set"));
    if (!set)
        return Error::internal(QStringLiteral("model %1 has a broken descriptor set: %2")
                                   .arg(QString::fromUtf8(name), set.error().message));
    auto model = std::make_shared<ModelInfo>();
    model->name = name;
    model->project = fields.value("project");
    model->requestType = fields.value("request_type");
    model->responseType = fields.value("response_type");
    model->descriptorHash = fields.value("hash");
    model->descriptors = *set;
    model->request = model->descriptors->findMessage(QString::fromUtf8(model->requestType));
    model->response = model->descriptors->findMessage(QString::fromUtf8(model->responseType));
    model->createdAtMs = fields.value("created_at").toLongLong();
    model->lastSeenAtMs = fields.value("last_seen_at").toLongLong();
    fromJson(fields.value("metadata"), &model->metadata);
    fromJson(fields.value("retry"), &model->retry);
    model->paused = fields.value("paused") == "1";
    if (!model->request || !model->response)
        return Error::internal(
            QStringLiteral("model %1 lacks its message types").arg(QString::fromUtf8(name)));
    return ModelInfoPtr(model);
}

void ModelCatalog::publish(const ModelInfoPtr& model)
{
    const bool isNew = !m_models.contains(model->name);
    m_models.insert(model->name, model);
    if (isNew)
        emit modelAdded(model->name);
}

void ModelCatalog::refresh(std::function<void()> done)
{
    if (m_refreshing) {
        if (done)
            done();
        return;
    }
    m_refreshing = true;
    m_redis.command({"SMEMBERS", BrokerKeys::modelSet()}, [this, done](const RedisReply& reply) {
        if (reply.isError() || !reply.isArray()) {
            m_refreshing = false;
            if (done)
                done();
            return;
        }
        QList<QByteArray> names;
        for (qsizetype i = 0; i < reply.size(); ++i)
            names.append(reply.at(i).toByteArray());
        if (names.isEmpty()) {
            m_refreshing = false;
            if (done)
                done();
            return;
        }
        auto remaining = std::make_shared<int>(int(names.size()) * 5);
        auto finishOne = [this, remaining, done] {
            if (--*remaining == 0) {
                m_refreshing = false;
                if (done)
                    done();
            }
        };
        for (const QByteArray& name : names) {
            loadModel(name, [finishOne](const Result<ModelInfoPtr>&) { finishOne(); });
            m_redis.command({"HGETALL", BrokerKeys::instances(name)},
                            [this, name, finishOne](const RedisReply& r) {
                                if (r.isArray()) {
                                    int instances = 0;
                                    int taskSlots = 0;
                                    for (qsizetype i = 0; i + 1 < r.size(); i += 2) {
                                        const QByteArray id = r.at(i).toByteArray();
                                        const int concurrency = concurrencyOf(r.at(i + 1).toByteArray());
                                        m_instanceModels.insert(id, name);
                                        m_instanceSlots.insert(id, concurrency);
                                        ++instances;
                                        taskSlots += concurrency;
                                    }
                                    m_stats[name].instances = instances;
                                    m_stats[name].taskSlots = taskSlots;
                                }
                                finishOne();
                            });
            m_redis.command({"XINFO", "GROUPS", BrokerKeys::tasks(name)},
                            [this, name, finishOne](const RedisReply& r) {
                                if (r.isArray()) {
                                    for (qsizetype g = 0; g < r.size(); ++g) {
                                        const RedisReply group = r.at(g);
                                        QHash<QByteArray, qint64> values;
                                        QByteArray groupName;
                                        for (qsizetype i = 0; i + 1 < group.size(); i += 2) {
                                            const QByteArray key = group.at(i).toByteArray();
                                            if (key == "name")
                                                groupName = group.at(i + 1).toByteArray();
                                            else
                                                values.insert(key, group.at(i + 1).integer());
                                        }
                                        if (groupName == BrokerKeys::kGroup) {
                                            ModelStats& stats = m_stats[name];
                                            stats.pending = values.value("pending");
                                        }
                                    }
                                }
                                finishOne();
                            });
            // Queued or running: every entry in the stream (acknowledged ones are deleted) and the tasks held
            // while paused. Not the group's lag, which Redis cannot tell once an unread entry was deleted
            // (a cancel, a pause). Answered in order: XLEN before LLEN.
            m_redis.command({"XLEN", BrokerKeys::tasks(name)}, [this, name, finishOne](const RedisReply& r) {
                m_stats[name].queueDepth = r.isError() ? 0 : r.integer();
                finishOne();
            });
            m_redis.command({"LLEN", BrokerKeys::held(name)}, [this, name, finishOne](const RedisReply& r) {
                if (!r.isError())
                    m_stats[name].queueDepth += r.integer();
                finishOne();
            });
        }
    });
}

void ModelCatalog::updateSettings(const QByteArray& name, const SettingsUpdate& update,
                                  std::function<void(Result<ModelInfoPtr>)> done)
{
    const v1::RetryPolicy& retry = update.retry;
    m_redis.eval(
        m_updateScript,
        {BrokerKeys::modelInfo(name), BrokerKeys::retrySettings(name), BrokerKeys::control(name)},
        {update.metadataJson, update.lockedFields.join(','), update.hasRetry ? toJson(retry) : QByteArray(),
         QByteArray::number(retry.max_attempts()), QByteArray::number(retry.backoff_initial_ms()),
         QByteArray::number(retry.backoff_factor(), 'g', 10), QByteArray::number(retry.backoff_max_ms()),
         update.paused ? QByteArray(*update.paused ? "1" : "0") : QByteArray()},
        [this, name, pausedChanged = update.paused.has_value(),
         done = std::move(done)](const RedisReply& reply) {
            if (reply.isError()) {
                done(unavailable(reply));
                return;
            }
            if (reply.integer() == 0) {
                done(ModelInfoPtr());
                return;
            }
            if (pausedChanged) {
                // A read entry runs: while paused no worker may read, and on resume the held tasks come back.
                // Maintenance repeats this every promote tick, so a lost call heals.
                m_redis.command(BrokerCalls(name, {}).syncHold().argv(), [name](const RedisReply& moved) {
                    if (moved.isError())
                        qCWarning(lcCatalog).noquote() << "holding the queue of" << name << moved.toString();
                });
            }
            loadModel(name, done);
        });
}

void ModelCatalog::registerInstance(const v1::RegisterInstanceRequest& request, const v1::TokenClaims& claims,
                                    std::function<void(Result<Registration>)> done)
{
    const QByteArray name = QByteArray::fromStdString(request.model());
    if (!BrokerKeys::isValidModelName(name)) {
        done(Error::invalidArgument(QStringLiteral("model names match [a-z][a-z0-9_-]{0,62}"),
                                    QStringLiteral("model")));
        return;
    }
    // The name is the instance's consumer in the model's group: on eviction its entries are reclaimed, so it
    // must be a plain name and not one a live instance of the model already uses (checked below).
    const QByteArray consumer = QByteArray::fromStdString(request.name());
    if (!validConsumerName(consumer)) {
        done(Error::invalidArgument(QStringLiteral("an instance name is 1 to 128 of A-Z a-z 0-9 . _ : -"),
                                    QStringLiteral("name")));
        return;
    }
    const QByteArray setBytes = QByteArray::fromStdString(request.descriptor_set());
    Result<std::shared_ptr<const DescriptorSet>> set = DescriptorSet::fromSerialized(setBytes);
    if (!set) {
        done(Error::invalidArgument(set.error().message, QStringLiteral("descriptor_set")));
        return;
    }
    const QString requestType = QString::fromStdString(request.request_type());
    const QString responseType = QString::fromStdString(request.response_type());
    if (!(*set)->findMessage(requestType)) {
        done(Error::invalidArgument(QStringLiteral("the descriptor set has no message %1").arg(requestType),
                                    QStringLiteral("request_type")));
        return;
    }
    if (!(*set)->findMessage(responseType)) {
        done(Error::invalidArgument(QStringLiteral("the descriptor set has no message %1").arg(responseType),
                                    QStringLiteral("response_type")));
        return;
    }
    const QByteArray hash = (*set)->canonicalHash();
    const QByteArray project = QByteArray::fromStdString(claims.project_id());
    const QByteArray key = BrokerKeys::modelInfo(name);
    const QByteArray now = QByteArray::number(m_clock.nowMs());

    // The first registration decides the model's project and types, atomically across servers. A model with
    // no instance left may be registered again with new types (an upgrade); a live one may not (409 below).
    m_redis.eval(
        m_registerScript, {key, BrokerKeys::instances(name)},
        {hash, project, requestType.toUtf8(), responseType.toUtf8(), setBytes, now,
         toJson(request.metadata())},
        [=, this](const RedisReply& reply) {
            if (reply.isError()) {
                done(unavailable(reply));
                return;
            }
            const QByteArray storedHash = reply.at(0).toByteArray();
            const QByteArray storedProject = reply.at(1).toByteArray();
            const QByteArray storedRequest = reply.at(2).toByteArray();
            const QByteArray storedResponse = reply.at(3).toByteArray();
            const bool newModel = reply.at(4).toByteArray() == now;
            if (storedProject != project) {
                done(Error::permissionDenied(
                    QStringLiteral("model %1 belongs to project %2; this token is for project %3")
                        .arg(QString::fromUtf8(name), QString::fromUtf8(storedProject),
                             QString::fromUtf8(project))));
                return;
            }
            if (storedRequest != requestType.toUtf8() || storedResponse != responseType.toUtf8()) {
                done(Error::conflict(
                    QStringLiteral("model %1 is registered with request type %2 and response type %3, "
                                   "not %4 and %5")
                        .arg(QString::fromUtf8(name), QString::fromUtf8(storedRequest),
                             QString::fromUtf8(storedResponse), requestType, responseType)));
                return;
            }
            if (storedHash != hash) {
                done(Error::conflict(
                    QStringLiteral("model %1 is registered with other message descriptors (canonical "
                                   "hash %2, this instance has %3)")
                        .arg(QString::fromUtf8(name), QString::fromLatin1(storedHash.left(12)),
                             QString::fromLatin1(hash.left(12)))));
                return;
            }
            m_redis.command({"HVALS", BrokerKeys::instances(name)}, [=, this](const RedisReply& live) {
                if (live.isError())
                    return done(unavailable(live));
                for (qsizetype i = 0; i < live.size(); ++i) {
                    if (QJsonDocument::fromJson(live.at(i).toByteArray())
                            .object()
                            .value(QStringLiteral("name")) == QString::fromUtf8(consumer))
                        return done(Error::conflict(
                            QStringLiteral("instance name %1 is in use by a live instance of model %2")
                                .arg(QString::fromUtf8(consumer), QString::fromUtf8(name))));
                }
                const QByteArray instanceId = randomHex(16);
                QJsonObject instance{
                    {QStringLiteral("instance_id"), QString::fromLatin1(instanceId)},
                    {QStringLiteral("name"), QString::fromStdString(request.name())},
                    {QStringLiteral("host"), QString::fromStdString(request.host())},
                    {QStringLiteral("port"), int(request.port())},
                    {QStringLiteral("concurrency"), int(request.concurrency())},
                    {QStringLiteral("user_id"), QString::fromStdString(claims.user_id())},
                    {QStringLiteral("started_at"),
                     QDateTime::fromMSecsSinceEpoch(m_clock.nowMs(), Qt::UTC).toString(Qt::ISODateWithMs)}};
                m_redis.command(
                    {"XGROUP", "CREATE", BrokerKeys::tasks(name), BrokerKeys::kGroup, "0", "MKSTREAM"});
                m_redis.command({"HSET", BrokerKeys::instances(name), instanceId,
                                 QJsonDocument(instance).toJson(QJsonDocument::Compact)});
                m_redis.command({"HSET", key, "last_seen_at", QByteArray::number(m_clock.nowMs())});
                m_redis.command({"SADD", BrokerKeys::modelSet(), name}, [=, this](const RedisReply& added) {
                    if (added.isError()) {
                        done(unavailable(added));
                        return;
                    }
                    m_instanceModels.insert(instanceId, name);
                    const int concurrency = qMax(1, int(request.concurrency()));
                    m_instanceSlots.insert(instanceId, concurrency);
                    m_stats[name].instances += 1;
                    m_stats[name].taskSlots += concurrency;
                    loadModel(name, [=](Result<ModelInfoPtr> model) {
                        if (!model) {
                            done(model.error());
                            return;
                        }
                        done(Registration{instanceId, *model, newModel});
                    });
                });
            });
        });
}

void ModelCatalog::ownedInstance(const QByteArray& instanceId, const v1::TokenClaims& claims,
                                 std::function<void(Result<QByteArray>)> done)
{
    const auto noInstance = [instanceId] {
        return Error::notFound(QStringLiteral("no instance %1").arg(QString::fromLatin1(instanceId)));
    };
    // Whoever registered the instance (its serve token's user) or an admin of the model's project: another
    // project's token learns nothing (404), the same project's other users get 403.
    auto check = [=, this](const QByteArray& model) {
        const ModelInfoPtr info = find(model);
        if (!info || !AccessPolicy::reachesProject(claims, info->project))
            return done(noInstance());
        m_redis.command({"HGET", BrokerKeys::instances(model), instanceId}, [=](const RedisReply& stored) {
            if (stored.isError())
                return done(unavailable(stored));
            if (stored.isNil())
                return done(noInstance());
            const QString owner = QJsonDocument::fromJson(stored.toByteArray())
                                      .object()
                                      .value(QStringLiteral("user_id"))
                                      .toString();
            if (!AccessPolicy::administers(claims, info->project) &&
                owner != QString::fromStdString(claims.user_id()))
                return done(
                    Error::permissionDenied(QStringLiteral("instance %1 was registered by another user")
                                                .arg(QString::fromLatin1(instanceId))));
            done(model);
        });
    };
    const QByteArray known = m_instanceModels.value(instanceId);
    if (!known.isEmpty())
        return check(known);
    // Registered through another server: find it.
    refresh([=, this] {
        const QByteArray model = m_instanceModels.value(instanceId);
        if (model.isEmpty())
            return done(noInstance());
        check(model);
    });
}

void ModelCatalog::removeInstance(const QByteArray& instanceId, const v1::TokenClaims& claims,
                                  std::function<void(Result<void>)> done)
{
    ownedInstance(instanceId, claims, [=, this](Result<QByteArray> model) {
        if (!model)
            return done(model.error());
        m_redis.command({"HDEL", BrokerKeys::instances(*model), instanceId},
                        [=, this](const RedisReply& reply) {
                            if (reply.isError())
                                return done(unavailable(reply));
                            if (reply.integer() == 0)
                                return done(Error::notFound(
                                    QStringLiteral("no instance %1").arg(QString::fromLatin1(instanceId))));
                            m_instanceModels.remove(instanceId);
                            ModelStats& stats = m_stats[*model];
                            stats.instances = qMax(0, stats.instances - 1);
                            stats.taskSlots = qMax(0, stats.taskSlots - m_instanceSlots.take(instanceId));
                            done(Result<void>());
                        });
    });
}

} // namespace mmf
