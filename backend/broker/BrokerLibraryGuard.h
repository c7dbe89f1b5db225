#pragma once

#include <QObject>
#include <QString>
#include <QTimer>

#include <functional>

namespace mmf {

class RedisClient;
class RedisReply;

// Keeps this server's broker library (BrokerLibrary) in Redis without ever replacing a newer one.
// On every (re)connect, before anything else is sent, FUNCTION LOAD without REPLACE: ours when Redis has none
// (a restarted Redis without persistence), so nothing sent after it meets a Redis without a library. Then,
// and every `recheckMs` (a server from before this guard replaces whatever is loaded when it connects), the
// loaded library is read: an older one, or one of this version with other code, is replaced; a newer one is
// left and reported (not ready). A function's arguments never change under its name, so servers and workers
// of two versions never misread each other's calls: at worst one finds a function missing and gets an error.
class BrokerLibraryGuard : public QObject
{
    Q_OBJECT
public:
    enum class State
    {
        Unchecked, // not read since the last (re)connect
        Current,   // Redis holds this server's library
        Newer,     // Redis holds a library of a higher version: left alone
        Failed     // reading or loading failed (other than Redis being away)
    };

    explicit BrokerLibraryGuard(RedisClient& redis, int recheckMs = 10000, QObject* parent = nullptr);

    // The code of library `mmf` in a `FUNCTION LIST LIBRARYNAME mmf WITHCODE` reply (its fields as name/value
    // pairs), or null when Redis holds none.
    static QByteArray loadedCode(const RedisReply& functionList);

    // Reads the loaded library and acts on it; `done` runs once the state is known (also when Redis is away).
    void check(std::function<void()> done = {});

    State state() const { return m_state; }
    bool ready() const { return m_state == State::Current; }
    // The version Redis held when last read (0: a library without one, or none).
    int loadedVersion() const { return m_loadedVersion; }
    // Why the library is not ready, naming both versions where they differ; empty when it is ready.
    QString problem() const;

signals:
    // state(), loadedVersion() or problem() changed.
    void changed();

private:
    void onConnected();
    void onListed(const RedisReply& reply, const std::function<void()>& done);
    void replace(int loadedVersion, const std::function<void()>& done);
    void failed(const RedisReply& reply, const QString& doing, int loadedVersion);
    void setState(State state, int loadedVersion, const QString& error = {});

    RedisClient& m_redis;
    QTimer m_recheck;
    State m_state = State::Unchecked;
    int m_loadedVersion = 0;
    QString m_error;
};

} // namespace mmf
