#include "broker/BrokerKeys.h"

namespace mmf::BrokerKeys {

namespace {

QByteArray modelKey(QByteArrayView model, const char* suffix)
{
    QByteArray key;
    key.reserve(8 + model.size() + qsizetype(qstrlen(suffix)));
    key.append("mmf:{").append(model).append("}:").append(suffix);
    return key;
}

QByteArray modelKey(QByteArrayView model, const char* suffix, QByteArrayView id)
{
    QByteArray key;
    key.reserve(10 + model.size() + qsizetype(qstrlen(suffix)) + id.size());
    key.append("mmf:{").append(model).append("}:").append(suffix).append(':').append(id);
    return key;
}

} // namespace

QByteArray tasks(QByteArrayView model)
{
    return modelKey(model, "tasks");
}
QByteArray task(QByteArrayView model, QByteArrayView taskId)
{
    return modelKey(model, "task", taskId);
}
QByteArray result(QByteArrayView model, QByteArrayView taskId)
{
    return modelKey(model, "result", taskId);
}
QByteArray log(QByteArrayView model, QByteArrayView taskId)
{
    return modelKey(model, "log", taskId);
}
QByteArray events(QByteArrayView model)
{
    return modelKey(model, "events");
}
QByteArray delayed(QByteArrayView model)
{
    return modelKey(model, "delayed");
}
QByteArray dead(QByteArrayView model)
{
    return modelKey(model, "dead");
}

QByteArray deadIndex(QByteArrayView model)
{
    return modelKey(model, "deadidx");
}

QByteArray retrySettings(QByteArrayView model)
{
    return modelKey(model, "retry");
}
QByteArray inflight(QByteArrayView model)
{
    return modelKey(model, "inflight");
}
QByteArray control(QByteArrayView model)
{
    return modelKey(model, "control");
}
QByteArray held(QByteArrayView model)
{
    return modelKey(model, "held");
}
QByteArray watch(QByteArrayView model)
{
    return modelKey(model, "watch");
}
QByteArray modelInfo(QByteArrayView model)
{
    return QByteArray("mmf:model:").append(model);
}
QByteArray instances(QByteArrayView model)
{
    return QByteArray("mmf:instances:").append(model);
}
QByteArray taskIndex(QByteArrayView taskId)
{
    return QByteArray("mmf:taskidx:").append(taskId);
}
QByteArray userTasks(QByteArrayView userId)
{
    return QByteArray("mmf:user:{").append(userId).append("}:tasks");
}
QByteArray subTasks(QByteArrayView userId, QByteArrayView parentTaskId)
{
    return QByteArray("mmf:user:{").append(userId).append("}:sub:").append(parentTaskId);
}
QByteArray taskList(QByteArrayView userId, QByteArrayView parentTaskId)
{
    return parentTaskId.isEmpty() ? userTasks(userId) : subTasks(userId, parentTaskId);
}
QByteArray idempotency(QByteArrayView userId, QByteArrayView key)
{
    return QByteArray("mmf:idem:{").append(userId).append("}:").append(key);
}
QByteArray modelSet()
{
    return QByteArrayLiteral("mmf:models");
}
QByteArray publicKeys()
{
    return QByteArrayLiteral("mmf:keys");
}

bool isValidModelName(QByteArrayView name)
{
    if (name.isEmpty() || name.size() > 63)
        return false;
    if (name[0] < 'a' || name[0] > 'z')
        return false;
    for (char c : name) {
        const bool ok = (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' || c == '-';
        if (!ok)
            return false;
    }
    return true;
}

} // namespace mmf::BrokerKeys
