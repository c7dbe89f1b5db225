#pragma once

#include "core/Result.h"

#include <QString>

namespace mmf {

// Where and as whom to reach Redis.
struct RedisConfig
{
    QString host = QStringLiteral("127.0.0.1");
    quint16 port = 6379;
    QString unixSocket; // when set, host and port are ignored
    QString user;       // empty: the default user
    QString password;   // empty: no AUTH
    int db = 0;
    QString clientName;          // CLIENT SETNAME, shown in CLIENT LIST
    int commandTimeoutMs = 5000; // deadline of each command (blocking commands add their block time)
    int connectTimeoutMs = 3000;
    int reconnectMinMs = 50; // first reconnect delay; doubles up to reconnectMaxMs
    int reconnectMaxMs = 2000;

    // redis://[user:password@]host:port[/db] or unix:///path.sock[?db=N]; user and password are URL-decoded
    // ("redis://secret@host" is a password alone, as in redis-cli). Errors never quote the password.
    static Result<RedisConfig> fromUrl(const QString& url);
    // The URL form, with the password replaced by "***" (safe to log).
    QString toDisplayUrl() const;
};

} // namespace mmf
