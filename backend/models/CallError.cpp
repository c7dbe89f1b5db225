#include "models/CallError.h"

namespace mmf {

namespace {

// A code is [a-z][a-z0-9_]{0,63}, like the API's and the models' codes.
bool isCode(QStringView text)
{
    if (text.isEmpty() || text.size() > 64 || text[0] < u'a' || text[0] > u'z')
        return false;
    for (QChar c : text) {
        const bool ok = (c >= u'a' && c <= u'z') || (c >= u'0' && c <= u'9') || c == u'_';
        if (!ok)
            return false;
    }
    return true;
}

} // namespace

TaskError CallError::toTaskError(const Error& error)
{
    const qsizetype colon = error.message.indexOf(QLatin1String(": "));
    if (colon > 0 && isCode(QStringView(error.message).left(colon)))
        return TaskError{error.message.left(colon), error.message.mid(colon + 2)};
    return TaskError{QString::fromLatin1(errorCodeName(error.code)), error.message};
}

QString CallError::format(const QString& code, const QString& message)
{
    return QStringLiteral("%1: %2").arg(code, message);
}

} // namespace mmf
