#pragma once

#include "core/Result.h"
#include "tools/CtlCommandLine.h"
#include "tools/SessionFile.h"

#include <QProcessEnvironment>
#include <QUrl>

#include <optional>

namespace mmf {

// Where mmfctl talks to and with which token, resolved once per run.
struct CtlSettings
{
    enum class TokenSource
    {
        None,
        Flag,
        Environment,
        Session
    };

    QUrl server;
    QString token;
    TokenSource tokenSource = TokenSource::None;
    bool json = false;

    static constexpr const char* kDefaultServer = "http://127.0.0.1:8080";

    // Server: --server > MMF_SERVER > the session's server > the default. Token: --token > MMF_TOKEN > the
    // session's access token (only when the session belongs to the chosen server) > none. A malformed URL in
    // MMF_SERVER is an InvalidArgument error.
    static Result<CtlSettings> resolve(const CtlInvocation& invocation, const QProcessEnvironment& env,
                                       const std::optional<CtlSession>& session);
};

} // namespace mmf
