#include "http/HttpRequest.h"

#include "http/HttpUtil.h"

namespace mmf {

QByteArray HttpRequest::header(QByteArrayView lowerCaseName) const
{
    for (const auto& h : headers) {
        if (h.first == lowerCaseName)
            return h.second;
    }
    return {};
}

QByteArray HttpRequest::queryParam(QByteArrayView name, bool* found) const
{
    const QByteArrayView q(query);
    qsizetype start = 0;
    while (start < q.size()) {
        qsizetype amp = q.indexOf('&', start);
        if (amp < 0)
            amp = q.size();
        const QByteArrayView pair = q.sliced(start, amp - start);
        start = amp + 1;
        if (pair.isEmpty())
            continue;
        const qsizetype eq = pair.indexOf('=');
        const QByteArrayView rawName = eq < 0 ? pair : pair.first(eq);
        const bool encoded = rawName.contains('%') || rawName.contains('+');
        if (encoded ? http::percentDecode(rawName, true) != name : rawName != name)
            continue;
        if (found)
            *found = true;
        if (eq < 0)
            return QByteArray(""); // present without a value: empty, not null
        return http::percentDecode(pair.sliced(eq + 1), true);
    }
    if (found)
        *found = false;
    return {};
}

} // namespace mmf
