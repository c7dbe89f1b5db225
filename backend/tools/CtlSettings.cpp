#include "tools/CtlSettings.h"

namespace mmf {

namespace {

// Compares servers ignoring a trailing slash, so a session saved for "http://h:1/" serves "http://h:1".
QString normalised(const QUrl& url)
{
    QUrl u = url.adjusted(QUrl::StripTrailingSlash | QUrl::NormalizePathSegments);
    if (u.path() == QLatin1String("/"))
        u.setPath(QString());
    return u.toString();
}

} // namespace

Result<CtlSettings> CtlSettings::resolve(const CtlInvocation& invocation, const QProcessEnvironment& env,
                                         const std::optional<CtlSession>& session)
{
    CtlSettings settings;
    settings.json = invocation.has(QStringLiteral("json"));

    QString server = invocation.value(QStringLiteral("server"));
    if (server.isEmpty())
        server = env.value(QStringLiteral("MMF_SERVER"));
    if (server.isEmpty() && session)
        server = session->server;
    if (server.isEmpty())
        server = QLatin1String(kDefaultServer);
    settings.server = QUrl(server, QUrl::StrictMode);
    if (!settings.server.isValid() || settings.server.host().isEmpty() ||
        (settings.server.scheme() != QLatin1String("http") &&
         settings.server.scheme() != QLatin1String("https")))
        return Error::invalidArgument(
            QStringLiteral("server \"%1\" is not an http:// or https:// URL").arg(server),
            QStringLiteral("server"));

    if (const QString flag = invocation.value(QStringLiteral("token")); !flag.isEmpty()) {
        settings.token = flag;
        settings.tokenSource = TokenSource::Flag;
    } else if (const QString fromEnv = env.value(QStringLiteral("MMF_TOKEN")); !fromEnv.isEmpty()) {
        settings.token = fromEnv;
        settings.tokenSource = TokenSource::Environment;
    } else if (session && !session->accessToken.isEmpty() &&
               normalised(QUrl(session->server)) == normalised(settings.server)) {
        // A session's token must never travel to another server.
        settings.token = session->accessToken;
        settings.tokenSource = TokenSource::Session;
    }
    return settings;
}

} // namespace mmf
