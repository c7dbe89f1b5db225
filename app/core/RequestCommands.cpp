#include "core/RequestCommands.h"

namespace mmf::studio {

QString RequestCommands::shellQuote(const QString& text)
{
    QString quoted = text;
    quoted.replace(QLatin1Char('\''), QStringLiteral("'\\''"));
    return QLatin1Char('\'') + quoted + QLatin1Char('\'');
}

QString RequestCommands::curl(const QUrl& server, const QString& model, const QByteArray& json)
{
    QUrl url = server;
    url.setPath(url.path().chopped(url.path().endsWith(QLatin1Char('/')) ? 1 : 0) +
                QStringLiteral("/api/v1/models/%1/tasks").arg(model));
    return QStringLiteral("curl -sS -X POST %1 -H \"Authorization: Bearer $MMF_TOKEN\" "
                          "-H 'Content-Type: application/json' -d %2")
        .arg(shellQuote(url.toString(QUrl::FullyEncoded)), shellQuote(QString::fromUtf8(json)));
}

QString RequestCommands::mmfctl(const QUrl& server, const QString& model, const QByteArray& json)
{
    return QStringLiteral("mmfctl --server %1 submit %2 %3 --watch")
        .arg(shellQuote(server.toString()), shellQuote(model), shellQuote(QString::fromUtf8(json)));
}

} // namespace mmf::studio
