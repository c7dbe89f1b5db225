#pragma once

#include "core/Result.h"

#include <QProcessEnvironment>
#include <QString>

namespace mmf {

// What `mmfctl login` keeps between runs. Holds secrets: never printed or logged.
struct CtlSession
{
    QString server; // the server the session belongs to
    QString login;
    QString accessToken;
    QString refreshToken;
    QString expiresAt; // RFC 3339, of the access token
};

// The session file (JSON, mode 0600). A missing file is a NotFound error, an unreadable or malformed one
// InvalidArgument; saving replaces the file atomically.
class SessionFile
{
public:
    explicit SessionFile(QString path);

    // $MMF_SESSION_FILE, else $XDG_CONFIG_HOME/mmf/mmfctl-session.json, else
    // ~/.config/mmf/mmfctl-session.json.
    static QString defaultPath(const QProcessEnvironment& env);

    const QString& path() const { return m_path; }
    Result<CtlSession> load() const;
    Result<void> save(const CtlSession& session) const;
    Result<void> remove() const;

private:
    QString m_path;
};

} // namespace mmf
