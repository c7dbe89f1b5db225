#include "broker/BrokerLibraryGuard.h"

#include "broker/BrokerLibrary.h"
#include "redis/RedisClient.h"

namespace mmf {

QByteArray BrokerLibraryGuard::loadedCode(const RedisReply& reply)
{
    for (qsizetype l = 0; l < reply.size(); ++l) {
        const RedisReply library = reply.at(l);
        for (qsizetype i = 0; i + 1 < library.size(); i += 2) {
            if (library.at(i).view() == "library_code")
                return library.at(i + 1).toByteArray();
        }
    }
    return {};
}

BrokerLibraryGuard::BrokerLibraryGuard(RedisClient& redis, int recheckMs, QObject* parent)
    : QObject(parent)
    , m_redis(redis)
{
    // Connected first, in the constructor: Qt calls the slots of a signal in the order they were connected,
    // so the load goes out before what any later handler of the same (re)connect sends.
    connect(&m_redis, &RedisClient::connected, this, &BrokerLibraryGuard::onConnected);
    connect(&m_redis, &RedisClient::disconnected, this, [this] {
        m_recheck.stop();
        setState(State::Unchecked, m_loadedVersion);
    });
    m_recheck.setInterval(recheckMs);
    connect(&m_recheck, &QTimer::timeout, this, [this] { check(); });
}

void BrokerLibraryGuard::onConnected()
{
    setState(State::Unchecked, m_loadedVersion);
    // "Library already exists" when one is loaded: the check below decides about that one.
    m_redis.command({"FUNCTION", "LOAD", BrokerLibrary::source()});
    check();
    m_recheck.start();
}

void BrokerLibraryGuard::check(std::function<void()> done)
{
    m_redis.command({"FUNCTION", "LIST", "LIBRARYNAME", "mmf", "WITHCODE"},
                    [this, done = std::move(done)](const RedisReply& reply) { onListed(reply, done); });
}

void BrokerLibraryGuard::onListed(const RedisReply& reply, const std::function<void()>& done)
{
    if (reply.isError()) {
        failed(reply, QStringLiteral("reading the loaded library"), m_loadedVersion);
    } else {
        const QByteArray code = loadedCode(reply);
        const int loaded = BrokerLibrary::versionOf(code);
        if (code == BrokerLibrary::source()) {
            setState(State::Current, loaded);
        } else if (loaded > BrokerLibrary::version()) {
            setState(State::Newer, loaded);
        } else {
            replace(loaded, done);
            return;
        }
    }
    if (done)
        done();
}

void BrokerLibraryGuard::replace(int loadedVersion, const std::function<void()>& done)
{
    m_redis.command({"FUNCTION", "LOAD", "REPLACE", BrokerLibrary::source()},
                    [this, loadedVersion, done](const RedisReply& reply) {
                        if (reply.isError())
                            failed(reply, QStringLiteral("loading the library"), loadedVersion);
                        else
                            setState(State::Current, BrokerLibrary::version());
                        if (done)
                            done();
                    });
}

void BrokerLibraryGuard::failed(const RedisReply& reply, const QString& doing, int loadedVersion)
{
    // Redis away is no verdict: the next (re)connect checks again.
    if (reply.isUnavailable())
        setState(State::Unchecked, loadedVersion);
    else
        setState(State::Failed, loadedVersion, QStringLiteral("%1 failed: %2").arg(doing, reply.toString()));
}

QString BrokerLibraryGuard::problem() const
{
    switch (m_state) {
    case State::Current:
        return {};
    case State::Unchecked:
        return QStringLiteral("the broker library in Redis has not been checked since connecting");
    case State::Newer:
        return QStringLiteral(
                   "Redis holds broker library version %1, newer than this server's %2: this server "
                   "does not replace it; upgrade this server")
            .arg(m_loadedVersion)
            .arg(BrokerLibrary::version());
    case State::Failed:
        return m_error;
    }
    return {};
}

void BrokerLibraryGuard::setState(State state, int loadedVersion, const QString& error)
{
    if (state == m_state && loadedVersion == m_loadedVersion && error == m_error)
        return;
    m_state = state;
    m_loadedVersion = loadedVersion;
    m_error = error;
    emit changed();
}

} // namespace mmf
