#include "gateway/StatusWatch.h"

#include "broker/BrokerKeys.h"
#include "redis/RedisClient.h"

#include <QLoggingCategory>
#include <QPointer>

namespace mmf {

namespace {
Q_LOGGING_CATEGORY(lcStatusWatch, "mmf.statuswatch")
}

StatusWatch::StatusWatch(RedisClient& redis, int ttlMs, QObject* parent)
    : QObject(parent)
    , m_redis(redis)
    , m_ttlMs(qMax(3, ttlMs))
{
    m_refresh.setInterval(m_ttlMs / 3);
    connect(&m_refresh, &QTimer::timeout, this, &StatusWatch::refreshAll);
    // A restarted Redis lost the keys: write them again at once rather than at the next refresh.
    connect(&m_redis, &RedisClient::connected, this, &StatusWatch::refreshAll);
}

void StatusWatch::add(const QByteArray& model, std::function<void()> ready)
{
    Watch& watch = m_watches[model];
    ++watch.count;
    if (!m_refresh.isActive())
        m_refresh.start();
    if (watch.confirmed) {
        if (ready)
            ready();
        return;
    }
    if (ready)
        watch.waiting.push_back(std::move(ready));
    if (!watch.writing)
        write(model);
}

void StatusWatch::remove(const QByteArray& model)
{
    auto it = m_watches.find(model);
    if (it == m_watches.end())
        return;
    if (--it->count > 0)
        return;
    // Waiters belong to subscribers that are gone (their ready would find no connection): drop them.
    m_watches.erase(it);
    if (m_watches.isEmpty())
        m_refresh.stop();
}

int StatusWatch::subscribers(const QByteArray& model) const
{
    const auto it = m_watches.constFind(model);
    return it == m_watches.cend() ? 0 : it->count;
}

void StatusWatch::write(const QByteArray& model)
{
    m_watches[model].writing = true;
    // The client may outlive this watch (a refresh in flight when it goes): its answer then finds nothing.
    m_redis.command({"SET", BrokerKeys::watch(model), "1", "PX", QByteArray::number(m_ttlMs)},
                    [this, self = QPointer<StatusWatch>(this), model](const RedisReply& reply) {
                        if (!self)
                            return;
                        auto it = m_watches.find(model);
                        if (it == m_watches.end())
                            return; // every subscriber left meanwhile
                        it->writing = false;
                        if (reply.isError()) {
                            // Subscribers are answered all the same: without the key they get no running
                            // events until the next refresh, but results and logs flow.
                            qCWarning(lcStatusWatch).noquote() << "cannot turn on status events for model"
                                                               << model << ":" << reply.toString();
                        } else {
                            it->confirmed = true;
                        }
                        std::vector<std::function<void()>> waiting = std::move(it->waiting);
                        it->waiting.clear();
                        for (auto& ready : waiting)
                            ready();
                    });
}

void StatusWatch::refreshAll()
{
    for (auto it = m_watches.begin(); it != m_watches.end(); ++it) {
        if (!it->writing)
            write(it.key());
    }
}

} // namespace mmf
