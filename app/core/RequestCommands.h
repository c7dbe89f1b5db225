#pragma once

#include <QByteArray>
#include <QString>
#include <QUrl>

namespace mmf::studio {

// The request on screen as a command line to paste into a shell: curl against the API, or mmfctl. The token
// is never written out: both read it from $MMF_TOKEN (mmfctl also from its own session).
class RequestCommands
{
public:
    static QString curl(const QUrl& server, const QString& model, const QByteArray& json);
    static QString mmfctl(const QUrl& server, const QString& model, const QByteArray& json);
    // A POSIX shell word holding exactly `text` (single quotes; a quote inside becomes '\'').
    static QString shellQuote(const QString& text);
};

} // namespace mmf::studio
